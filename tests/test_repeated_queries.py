"""Repeated /sparql queries answered before Flask runs (service.repeated_queries): which requests qualify, and that
the answer sent is the one the endpoint sends, head and body, byte for byte."""

from functools import partial
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
import wsgi_environ
from flask import Flask
from werkzeug.test import TestResponse

from service import create_app
from service.repeated_queries import RepeatedQueries, plain_query

LABEL = 'SELECT ?s WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> "AWS Batch" }'


@pytest.fixture(scope="module")
def app(corpus_graph: Path) -> Flask:
    return create_app({"TESTING": True, "GRAPH": str(corpus_graph), "ROW_CAP": 50})


environ = partial(wsgi_environ.environ, path="/sparql", query_string="query=" + quote(LABEL))


PLAIN = [  # (environ, the query it carries, or None: left to the app)
    (environ(), LABEL),
    (environ(query_string="query=ASK+%7B%7D"), "ASK {}"),
    (environ(query_string="query=ASK+{}"), "ASK {}"),
    (environ(method="POST", data=b""), None),
    (environ(method="HEAD"), None),
    (environ(path="/sparql/"), None),
    (environ(query_string=""), None),  # the service description
    (environ(query_string="query="), None),  # empty: the app's error
    (environ(query_string="query=ASK+{}&query=ASK+{}"), None),
    (environ(query_string="query=ASK+{}&default-graph-uri=x"), None),
    (environ(query_string="update=CLEAR+ALL"), None),
    (environ(query_string="query=ASK+{+%22%C3%A9%22+}"), None),  # non-ASCII: the app checks its UTF-8
    (environ(query_string="query=ASK+{+%22%FF%22+}"), None),
    (environ(query_string="query=ASK+{}", headers={"Content-Type": "application/sparql-update"}), None),
    (environ(query_string="query=" + "x" * 40_000), None),  # 414
    (environ(headers={"X-Big": "x" * 100_000}), None),  # 431
]


@pytest.mark.parametrize(("env", "expected"), PLAIN)
def test_which_requests_are_plain_queries(env: dict, expected: str | None) -> None:
    assert plain_query(env, 2_000_000) == expected


def test_a_query_as_long_as_the_body_limit_is_left_to_the_app() -> None:
    assert plain_query(environ(query_string="query=ASK+{}"), 6) is None


REQUESTS = [  # (query, Accept, Access-Control-Request-Headers)
    (LABEL, "application/sparql-results+json", None),
    (LABEL, "application/sparql-results+xml", "X-Custom"),
    (LABEL, "text/csv", None),
    (LABEL, None, None),
    ("ASK { ?s ?p ?o }", "application/sparql-results+json", None),
    (
        "CONSTRUCT { ?s ?p ?o } WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?o } LIMIT 3",
        "text/turtle",
        None,
    ),
    ("SELECT ?s WHERE { ?s ?p ?o } LIMIT 100", None, None),  # truncated at the row cap
    ("SELECT (<rel> AS ?x) {}", None, None),  # the base IRI is this endpoint's
    (LABEL, "image/png", None),  # not acceptable: the app's 406
]


def through(app: Flask, query: str, accept: str | None, preflight: str | None) -> TestResponse:
    headers = {
        name: value for name, value in (("Accept", accept), ("Access-Control-Request-Headers", preflight)) if value
    }
    return app.test_client().get("/sparql?" + urlencode({"query": query}), headers=headers)


@pytest.mark.parametrize(("query", "accept", "preflight"), REQUESTS)
def test_a_kept_answer_is_sent_as_the_endpoint_sends_it(
    app: Flask, monkeypatch: pytest.MonkeyPatch, query: str, accept: str | None, preflight: str | None
) -> None:
    first = through(app, query, accept, preflight)  # answered by the pool (and kept)
    kept = RepeatedQueries.kept(
        app.wsgi_app.app,
        environ(query_string=urlencode({"query": query}), headers={"Accept": accept} if accept else {}),
    )  # type: ignore[attr-defined]
    assert (kept is not None) == (first.status_code == 200)
    again = through(app, query, accept, preflight)
    monkeypatch.setattr(RepeatedQueries, "kept", lambda self, environ: None)
    by_app = through(app, query, accept, preflight)
    for response in (first, again):
        assert response.status == by_app.status
        assert sorted(response.headers.items()) == sorted(by_app.headers.items())
        assert response.data == by_app.data


BASES = [  # (environ, the base IRI relative IRIs resolve against: request.base_url)
    (environ(), "http://localhost/sparql"),
    (environ(base_url="https://kgqa.example:8443/"), "https://kgqa.example:8443/sparql"),
    (environ(base_url="http://kgqa.example/mounted/"), "http://kgqa.example/mounted/sparql"),
    (environ(headers={"Host": "other.example"}), "http://other.example/sparql"),
]


@pytest.mark.parametrize(("env", "expected"), BASES)
def test_the_base_iri_is_the_endpoints_url_each_time(app: Flask, env: dict, expected: str) -> None:
    front = RepeatedQueries(app, app.wsgi_app)
    assert [front.base_iri(env) for _ in range(2)] == [expected] * 2


def test_the_base_iris_kept_are_bounded(app: Flask) -> None:
    front = RepeatedQueries(app, app.wsgi_app)
    for n in range(200):
        front.base_iri(environ(headers={"Host": f"h{n}.example"}))
    assert 0 < len(front.base_iris) <= 64
