"""A real gunicorn server on a free loopback port, queried over HTTP by urllib, SPARQLWrapper and rdflib."""

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.error import HTTPError
from urllib.parse import quote, urlencode
from urllib.request import Request

import pytest
from graphs import read_dataset
from gunicorn.config import Config
from live_server import OPENER, free_port, serving, start, stop
from rdflib import Graph, URIRef
from rdflib.namespace import RDFS

from kg.locations import PROJECT_ROOT
from kg.namespaces import ENT

LABELS = "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> SELECT ?s ?label WHERE { ?s rdfs:label ?label }"
CONSTRUCT = f"CONSTRUCT {{ <{ENT['aws-lambda']}> ?p ?o }} WHERE {{ <{ENT['aws-lambda']}> ?p ?o }}"
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """SPARQLWrapper and rdflib use urllib's default opener: keep it off any proxy."""
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)


def get(url: str, accept: str | None = None, data: bytes | None = None, content_type: str | None = None) -> Any:
    headers = {k: v for k, v in (("Accept", accept), ("Content-Type", content_type)) if v}
    return OPENER.open(Request(url, data=data, headers=headers), timeout=30)


@pytest.fixture(scope="module")
def base_url(corpus_graph: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`serve()`, as `kgqa serve` runs it, with a 1 s query timeout."""
    env = {**os.environ, "KGQA_QUERY_TIMEOUT": "1"}
    with serving(corpus_graph, tmp_path_factory.mktemp("server"), env) as url:
        yield url


def sparql(base_url: str, query: str, accept: str) -> Any:
    return get(f"{base_url}/sparql?{urlencode({'query': query})}", accept)


def expected_lambda_triples(corpus_graph: Path) -> set[Any]:
    return set(read_dataset(corpus_graph).triples((URIRef(ENT["aws-lambda"]), None, None)))


def test_select_as_json_and_csv(base_url: str, corpus_graph: Path) -> None:
    expected = {(str(s), str(label)) for s, label in read_dataset(corpus_graph).subject_objects(RDFS.label)}
    with sparql(base_url, LABELS, "application/sparql-results+json") as response:
        assert response.headers.get_content_type() == "application/sparql-results+json"
        assert response.headers["X-KGQA-Truncated"] == "false"
        body = json.load(response)
    assert body["head"]["vars"] == ["s", "label"]
    assert {(row["s"]["value"], row["label"]["value"]) for row in body["results"]["bindings"]} == expected
    with sparql(base_url, LABELS, "text/csv") as response:
        assert response.headers.get_content_type() == "text/csv"
        rows = list(csv.DictReader(io.StringIO(response.read().decode("utf-8"))))
    assert {(row["s"], row["label"]) for row in rows} == expected


def test_ask_true_and_false(base_url: str) -> None:
    for query, expected in (("ASK { ?s a kg:Evidence }", True), ("ASK { ?s a kg:NoSuchClass }", False)):
        with sparql(base_url, query, "application/sparql-results+json") as response:
            assert json.load(response)["boolean"] is expected


def test_construct_as_turtle(base_url: str, corpus_graph: Path) -> None:
    with sparql(base_url, CONSTRUCT, "text/turtle") as response:
        assert response.headers.get_content_type() == "text/turtle"
        graph = Graph().parse(data=response.read(), format="turtle")
    assert set(graph) == expected_lambda_triples(corpus_graph) and len(graph) > 0


def test_post_form_and_query_body(base_url: str) -> None:
    form = urlencode({"query": "ASK { ?s ?p ?o }"}).encode()
    with get(f"{base_url}/sparql", None, form, "application/x-www-form-urlencoded") as response:
        assert json.load(response)["boolean"] is True
    body = b"ASK { ?s ?p ?o }"
    with get(f"{base_url}/sparql", None, body, "application/sparql-query") as response:
        assert json.load(response)["boolean"] is True


def test_errors_under_gunicorn_are_json_and_a_long_query_leaves_the_server_answering(base_url: str) -> None:
    for query, status in (("INSERT DATA { <http://a.example/> <http://b.example/> 1 }", 403), (CARTESIAN, 503)):
        with pytest.raises(HTTPError) as failed:
            sparql(base_url, query, "application/sparql-results+json")
        assert failed.value.code == status
        assert set(json.load(failed.value)["error"]) == {"code", "message"}
    with get(f"{base_url}/healthz") as response:
        assert json.load(response)["status"] == "ok"


def test_sparqlwrapper_queries_the_endpoint(base_url: str, corpus_graph: Path) -> None:
    sparqlwrapper = pytest.importorskip("SPARQLWrapper")
    client = sparqlwrapper.SPARQLWrapper(f"{base_url}/sparql")
    client.setTimeout(30)
    client.setQuery(LABELS)
    client.setReturnFormat(sparqlwrapper.JSON)
    rows = client.query().convert()["results"]["bindings"]
    assert "AWS Lambda" in {row["label"]["value"] for row in rows}
    client.setQuery("ASK { ?s ?p ?o }")
    assert client.query().convert()["boolean"] is True
    client.setMethod(sparqlwrapper.POST)
    client.setQuery(CONSTRUCT)
    client.setReturnFormat(sparqlwrapper.TURTLE)
    graph = Graph().parse(data=client.query().convert(), format="turtle")
    assert set(graph) == expected_lambda_triples(corpus_graph)


def test_rdflib_sparqlstore_queries_the_endpoint(base_url: str, corpus_graph: Path) -> None:
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    remote = Graph(store=SPARQLStore(f"{base_url}/sparql", timeout=30))
    labels = {str(row[1]) for row in remote.query(LABELS)}  # type: ignore[index]
    assert "AWS Lambda" in labels
    assert bool(remote.query("ASK { ?s ?p ?o }")) is True
    assert set(remote.query(CONSTRUCT)) == expected_lambda_triples(corpus_graph)


def test_the_wsgi_entry_runs_under_the_gunicorn_command(corpus_graph: Path, tmp_path: Path) -> None:
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1", "service.wsgi:app"]
    if "control_socket_disable" in Config().settings:
        command.append("--no-control-socket")
    env = {**os.environ, "KGQA_GRAPH": str(corpus_graph)}
    with (tmp_path / "gunicorn.log").open("w+b") as log:
        process = start(command, log, port, env)
        try:
            with sparql(f"http://127.0.0.1:{port}", "ASK { ?s ?p ?o }", "application/sparql-results+json") as response:
                assert json.load(response)["boolean"] is True
        finally:
            stop(process)


def test_serve_refuses_to_start_without_a_graph(tmp_path: Path) -> None:
    command = ["serve", "--graph", str(tmp_path / "none"), "--port", str(free_port()), "--workers", "1"]
    done = subprocess.run(
        [sys.executable, "-m", "kgqa.cli", *command], cwd=PROJECT_ROOT, capture_output=True, timeout=60
    )
    assert done.returncode == 2
    assert b"no graph in the memory store" in done.stderr and b"Traceback" not in done.stderr


@pytest.mark.parametrize(
    "path",
    [
        "/healthz",
        "/api/ask?q=" + quote("what does batch run on"),
        "/sparql?query=" + quote("SELECT ?o WHERE { ent:aws-batch kg:runsOn ?o }"),
    ],
)
def test_under_load_every_valid_request_succeeds(base_url: str, path: str) -> None:
    """wrk (Debian's package) for a few seconds: no non-2xx answer, no socket error."""
    wrk = shutil.which("wrk")
    if wrk is None:
        if os.environ.get("CI") == "true":
            pytest.fail("wrk is not installed (.ci/run installs it)")
        pytest.skip("wrk is not installed")
    out = subprocess.run(
        [wrk, "-t2", "-c8", "-d3s", base_url + path], capture_output=True, text=True, timeout=60, check=True
    ).stdout
    assert re.search(r"Requests/sec:\s+[\d.]+", out), out
    assert "Non-2xx" not in out, out
    assert "Socket errors" not in out, out
