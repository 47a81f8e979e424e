"""The JSON API and the SPARQL protocol endpoint, through Flask's test client, on the corpus graph."""

import csv
import io
import json
import os
import threading
import time
import urllib.error
from itertools import pairwise
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import networkx as nx
import pyoxigraph as ox
import pytest
from flask import Flask
from flask.testing import FlaskClient
from graphs import memory, named_graphs, read_dataset
from live_server import OPENER, serving
from rdflib import Dataset, Graph, Namespace, URIRef
from rdflib.namespace import RDF
from rdflib.query import Result
from waiting import eventually
from werkzeug.datastructures import EnvironHeaders
from werkzeug.test import TestResponse

from kg.errors import GraphUnavailable
from kg.namespaces import ENT
from kg.pool import CHUNK_BYTES
from kg.snapshot import snapshot_of
from kg.sparql import _capped_tsv
from kg.stores import PREFIX_IRIS, LocalStore, open_store
from service import create_app, header_bytes, sparql
from service.qa import QA
from service.settings import resolve
from service.state import State, state

SD = Namespace(sparql.SD)

pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
ROW_CAP = 50
LAMBDA = "aws-lambda"


@pytest.fixture(scope="module")
def app(corpus_graph: Path) -> Flask:
    return create_app({"TESTING": True, "GRAPH": str(corpus_graph), "ROW_CAP": ROW_CAP})


@pytest.fixture(scope="module")
def st(app: Flask) -> State:
    with app.app_context():
        return state()


def error_of(response: TestResponse, status: int) -> dict[str, Any]:
    """The error of a response, checked to be exactly the one JSON shape with the expected status."""
    assert response.status_code == status, response.data[:500]
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}, body
    assert isinstance(body["error"]["code"], str) and body["error"]["code"]
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert b"Traceback" not in response.data
    return dict(body["error"])


# ------------------------------------------------------------------------------------ settings, startup


def test_settings_come_from_defaults_then_environment_then_config() -> None:
    values = resolve({"ROW_CAP": 7, "TESTING": True}, {"KGQA_ROW_CAP": "9", "KGQA_QUERY_TIMEOUT": "2.5"})
    assert (values["ROW_CAP"], values["QUERY_TIMEOUT"], values["TESTING"]) == (7, 2.5, True)
    assert (values["MAX_BODY"], values["GRAPH"]) == (2_000_000, "")
    assert resolve(None, {"KGQA_ROW_CAP": "9"})["ROW_CAP"] == 9
    with pytest.raises(ValueError, match="KGQA_ROW_CAP"):
        resolve(None, {"KGQA_ROW_CAP": "lots"})
    with pytest.raises(ValueError, match="QUERY_TIMEOUT"):
        resolve({"QUERY_TIMEOUT": 0}, {})


def test_the_app_needs_a_graph(tmp_path: Path) -> None:
    with pytest.raises(GraphUnavailable):
        create_app({"GRAPH": str(tmp_path)})


# ------------------------------------------------------------------------------------------ the API


def test_healthz_reports_the_graph(client: FlaskClient, st: State, corpus_graph: Path) -> None:
    body = client.get("/healthz").get_json()
    assert body == {
        "status": "ok",
        "triples": sum(len(g) for g in named_graphs(corpus_graph)),
        "entities": len(st.snapshot.entities),
        "facts": len(st.snapshot.facts),  # the evidence's facts: as many as the plain triples state
    }
    assert body["triples"] > 0 and body["entities"] > 0


@pytest.mark.parametrize("how", ["get", "form", "json"])
def test_ask_answers_as_the_answerer_does(client: FlaskClient, corpus_graph: Path, how: str) -> None:
    question = "What is AWS Lambda?"
    expected = json.loads(json.dumps(QA(snapshot_of(open_store(memory(corpus_graph)))).ask(question).to_dict()))
    if how == "get":
        response = client.get("/api/ask", query_string={"q": question})
    elif how == "form":
        response = client.post("/api/ask", data={"q": question})
    else:
        response = client.post("/api/ask", json={"q": question})
    assert response.status_code == 200
    assert response.get_json() == expected
    assert expected["answered"] and "Lambda" in expected["answer"]


@pytest.mark.parametrize(
    "request_args",
    [
        {"method": "GET", "path": "/api/ask"},
        {"method": "GET", "path": "/api/ask", "query_string": {"q": "   "}},
        {"method": "POST", "path": "/api/ask", "json": {"q": 3}},
        {"method": "POST", "path": "/api/ask", "json": ["q"]},
        {"method": "GET", "path": "/api/ask", "query_string": {"q": "why " * 500}},
    ],
)
def test_ask_without_a_good_question_is_400(client: FlaskClient, request_args: dict[str, Any]) -> None:
    error = error_of(client.open(**request_args), 400)
    assert error["code"] == "bad_query"


def test_entity_search_ranks_exact_names_then_prefixes(client: FlaskClient, st: State) -> None:
    found = client.get("/api/entities", query_string={"q": "Lambda"}).get_json()["entities"]
    assert found[0]["id"] == LAMBDA  # "Lambda" is an alias of AWS Lambda
    assert {"lambda-container-image", "lambda-runtime-api"} <= {e["id"] for e in found}
    prefixed = client.get("/api/entities", query_string={"q": "amazon e"}).get_json()["entities"]
    assert prefixed and all(e["label"].lower().startswith("amazon e") for e in prefixed)
    everything = client.get("/api/entities", query_string={"limit": 1000}).get_json()["entities"]
    assert sorted(e["id"] for e in everything) == sorted(e.key for e in st.snapshot.entities.values())
    assert len(client.get("/api/entities", query_string={"limit": 2}).get_json()["entities"]) == 2
    assert client.get("/api/entities", query_string={"q": "no such thing at all"}).get_json()["entities"] == []
    error_of(client.get("/api/entities", query_string={"limit": "many"}), 400)


def test_entity_has_every_fact_in_and_out_with_evidence(client: FlaskClient, st: State) -> None:
    body = client.get(f"/api/entities/{LAMBDA}").get_json()
    iri = str(ENT[LAMBDA])
    assert body["entity"]["iri"] == iri and body["entity"]["label"] == "AWS Lambda"
    out = {(f["predicate"], f["object"]) for f in body["facts_out"]}
    into = {(f["subject"], f["predicate"]) for f in body["facts_in"]}
    key = {e.iri: e.key for e in st.snapshot.entities.values()}
    assert out == {(f.predicate, key.get(f.object, f.object)) for f in st.snapshot.facts if f.subject == iri}
    assert into == {(key[f.subject], f.predicate) for f in st.snapshot.facts if f.object_is_entity and f.object == iri}
    assert out and into
    for fact in body["facts_out"] + body["facts_in"]:
        assert fact["evidence"] and fact["support"] == len(fact["sources"])
        assert 0.5 <= fact["confidence"] <= 1 and fact["contradicted"] is False
        assert all({"source", "line", "text"} <= set(e) for e in fact["evidence"])


def test_unknown_entity_is_404(client: FlaskClient) -> None:
    assert error_of(client.get("/api/entities/no-such-entity"), 404)["code"] == "not_found"


def test_compare_splits_shared_and_own_facts(client: FlaskClient) -> None:
    body = client.get("/api/compare", query_string={"a": LAMBDA, "b": "AWS Batch"}).get_json()
    assert (body["a"]["id"], body["b"]["id"]) == (LAMBDA, "aws-batch")
    shared = {(f["predicate"], f["object"]) for f in body["shared"]}
    only_a = {(f["predicate"], f["object"]) for f in body["only_a"]}
    only_b = {(f["predicate"], f["object"]) for f in body["only_b"]}
    assert shared and only_a and only_b
    assert not (shared & only_a) and not (shared & only_b)
    assert body["between"] and all({f["subject"], f["object"]} == {LAMBDA, "aws-batch"} for f in body["between"])
    error_of(client.get("/api/compare", query_string={"a": LAMBDA}), 400)
    error_of(client.get("/api/compare", query_string={"a": LAMBDA, "b": "nothing-like-it"}), 404)


def test_path_follows_edges_of_the_graph(client: FlaskClient, st: State) -> None:
    body = client.get("/api/path", query_string={"from": LAMBDA, "to": "ubuntu"}).get_json()
    length = nx.shortest_path_length(st.snapshot.nx.to_undirected(), str(ENT[LAMBDA]), str(ENT["ubuntu"]))
    assert body["paths"]
    for found in body["paths"]:
        ids = [n["id"] for n in found["nodes"]]
        assert ids[0] == LAMBDA and ids[-1] == "ubuntu" and len(ids) == length + 1
        joined = {frozenset((e["source"], e["target"])) for e in found["edges"]}
        assert all(frozenset(pair) in joined for pair in pairwise(ids))
    error_of(client.get("/api/path", query_string={"from": LAMBDA}), 400)
    error_of(client.get("/api/path", query_string={"from": LAMBDA, "to": "ubuntu", "limit": 0}), 400)


def test_graph_gives_cytoscape_elements(client: FlaskClient, st: State) -> None:
    body = client.get("/api/graph", query_string={"focus": LAMBDA, "depth": 1}).get_json()
    ids = {n["data"]["id"] for n in body["nodes"]}
    neighbours = set(nx.all_neighbors(st.snapshot.nx, str(ENT[LAMBDA])))
    assert ids == {LAMBDA} | {st.snapshot.entities[n].key for n in neighbours}
    assert all({"id", "label", "type", "support"} <= set(n["data"]) for n in body["nodes"])
    for edge in body["edges"]:
        assert {edge["data"]["source"], edge["data"]["target"]} <= ids
        assert {"id", "source", "target", "predicate", "support"} <= set(edge["data"])
    alone = client.get("/api/graph", query_string={"focus": LAMBDA, "depth": 0}).get_json()
    assert [n["data"]["id"] for n in alone["nodes"]] == [LAMBDA]
    whole = client.get("/api/graph").get_json()
    assert len(whole["nodes"]) == st.snapshot.nx.number_of_nodes()
    assert len(whole["edges"]) == st.snapshot.nx.number_of_edges()
    runs_on = client.get("/api/graph", query_string={"relations": "runs_on"}).get_json()
    assert runs_on["edges"] and {e["data"]["predicate"] for e in runs_on["edges"]} == {"runs_on"}


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ({"depth": "two"}, 400),
        ({"focus": LAMBDA, "depth": 4}, 400),  # past MAX_DEPTH
        ({"focus": LAMBDA, "depth": -1}, 400),
        ({"relations": "runs_on,no_such_relation"}, 400),
        ({"focus": ""}, 400),
        ({"focus": "no-such-entity"}, 404),
    ],
)
def test_graph_refuses_bad_parameters(client: FlaskClient, query: dict[str, Any], status: int) -> None:
    error_of(client.get("/api/graph", query_string=query), status)


@pytest.mark.parametrize(("fmt", "rdf_format"), [("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")])
def test_export_rdf_round_trips(client: FlaskClient, corpus_graph: Path, fmt: str, rdf_format: str) -> None:
    response = client.get("/api/export", query_string={"format": fmt})
    assert response.status_code == 200
    assert f"kgqa-graph.{fmt}" in response.headers["Content-Disposition"]
    graph = Graph().parse(data=response.data, format=rdf_format)
    assert set(graph) == set(read_dataset(corpus_graph).triples((None, None, None)))


def test_export_trig_keeps_named_graphs_and_graphml_the_projection(
    client: FlaskClient, st: State, corpus_graph: Path
) -> None:
    dataset = Dataset().parse(data=client.get("/api/export?format=trig").data, format="trig")
    named = {str(g.identifier) for g in dataset.graphs() if len(g)}
    assert named == {str(g.identifier) for g in named_graphs(corpus_graph) if len(g)}
    assert len(named) > 1
    graphml = nx.read_graphml(io.BytesIO(client.get("/api/export?format=graphml").data))
    assert graphml.number_of_nodes() == st.snapshot.nx.number_of_nodes()
    assert error_of(client.get("/api/export?format=pdf"), 400)["code"] == "bad_query"


# ------------------------------------------------------------------------------------ errors, one shape


@pytest.mark.parametrize(
    ("request_args", "status"),
    [
        ({"method": "GET", "path": "/no/such/page"}, 404),
        ({"method": "DELETE", "path": "/api/ask"}, 405),
        ({"method": "PUT", "path": "/sparql", "data": "x"}, 405),
        ({"method": "POST", "path": "/api/ask", "data": {"q": "x" * 2_000_000}}, 413),
        ({"method": "GET", "path": "/api/entities", "query_string": {"limit": 0}}, 400),
        ({"method": "GET", "path": "/api/entities/nothing"}, 404),
        ({"method": "GET", "path": "/sparql", "query_string": {"query": "SELEC nothing"}}, 400),
        ({"method": "GET", "path": "/sparql", "query_string": {"query": "DROP ALL"}}, 403),
        (
            {
                "method": "GET",
                "path": "/sparql",
                "query_string": {"query": "ASK {}"},
                "headers": {"Accept": "image/png"},
            },
            406,
        ),
        ({"method": "POST", "path": "/sparql", "data": "ASK {}", "content_type": "text/plain"}, 415),
    ],
)
def test_every_error_is_one_json_shape(client: FlaskClient, request_args: dict[str, Any], status: int) -> None:
    error_of(client.open(**request_args), status)


def test_method_not_allowed_keeps_its_allow_header(client: FlaskClient) -> None:
    response = client.delete("/api/ask")
    error_of(response, 405)
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "POST"}


def test_unexpected_errors_are_500_json_without_the_traceback(corpus_graph: Path) -> None:
    app = create_app({"GRAPH": str(corpus_graph)})

    def fail() -> str:
        raise RuntimeError("internal detail 4f1c")

    app.add_url_rule("/fail", view_func=fail)
    response = app.test_client().get("/fail")
    assert error_of(response, 500)["code"] == "internal_error"
    assert b"4f1c" not in response.data and b"RuntimeError" not in response.data


# ------------------------------------------------------------------------------------------ OpenAPI


def test_openapi_describes_every_route(app: Flask, client: FlaskClient) -> None:
    """Every JSON and SPARQL route; the HTML page (blueprint `pages`) and static files are not API."""
    spec = client.get("/api/openapi.json").get_json()
    assert spec["openapi"].startswith("3.0")
    routes = {
        rule.rule.replace("<ident>", "{id}"): set(rule.methods or ()) - {"HEAD", "OPTIONS"}
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static" and not rule.endpoint.startswith("pages.")
    }
    assert set(spec["paths"]) == set(routes)
    for path, methods in routes.items():
        assert {m.lower() for m in methods} == set(spec["paths"][path]), path


def test_schemathesis_finds_no_server_error_or_schema_mismatch(app: Flask) -> None:
    schemathesis = pytest.importorskip("schemathesis")
    from hypothesis import HealthCheck, given, settings
    from schemathesis.specs.openapi import checks

    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    run_checks = [
        schemathesis.checks.not_a_server_error,
        checks.status_code_conformance,
        checks.content_type_conformance,
        checks.response_schema_conformance,
        checks.response_headers_conformance,
    ]
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=12, deadline=None, database=None, derandomize=True, suppress_health_check=list(HealthCheck)
        )
        def check(case: Any) -> None:
            case.call_and_validate(checks=run_checks)

        check()


# ---------------------------------------------------------------------------------- SPARQL protocol

LABELS = "SELECT ?s ?label WHERE { ?s rdfs:label ?label } ORDER BY ?label LIMIT 5"


@pytest.mark.parametrize("how", ["get", "form", "body"])
def test_sparql_protocol_takes_queries_three_ways(client: FlaskClient, how: str) -> None:
    if how == "get":
        response = client.get("/sparql", query_string={"query": LABELS})
    elif how == "form":
        response = client.post("/sparql", data={"query": LABELS})
    else:
        response = client.post("/sparql", data=LABELS, content_type="application/sparql-query")
    assert response.status_code == 200 and response.mimetype == "application/sparql-results+json"
    body = response.get_json()
    assert body["head"]["vars"] == ["s", "label"] and len(body["results"]["bindings"]) == 5
    assert response.headers["X-KGQA-Truncated"] == "false"


def test_sparql_results_in_every_format(client: FlaskClient) -> None:
    def get(accept: str) -> TestResponse:
        response = client.get("/sparql", query_string={"query": LABELS}, headers={"Accept": accept})
        assert response.status_code == 200 and response.mimetype == accept
        return response

    rows = get("application/sparql-results+json").get_json()["results"]["bindings"]
    labels = [r["label"]["value"] for r in rows]
    assert [r["label"] for r in csv.DictReader(io.StringIO(get("text/csv").get_data(as_text=True)))] == labels
    tsv = get("text/tab-separated-values").get_data(as_text=True).splitlines()
    assert tsv[0] == "?s\t?label" and [line.split("\t")[1] for line in tsv[1:]] == [f'"{x}"' for x in labels]
    xml = Result.parse(io.BytesIO(get("application/sparql-results+xml").data), format="xml")
    assert [str(row.label) for row in xml] == labels  # type: ignore[union-attr]


def test_ask_and_graph_queries_negotiate_their_own_formats(client: FlaskClient, st: State, corpus_graph: Path) -> None:
    ask = client.get("/sparql", query_string={"query": "ASK { ?s a kg:Evidence }"})
    assert ask.get_json() == {"head": {}, "boolean": True}
    no = client.get("/sparql", query_string={"query": "ASK { ?s a kg:Nothing }"}, headers={"Accept": "text/csv"})
    assert no.get_data(as_text=True) == "false"  # Oxigraph's CSV for a boolean
    construct = f"CONSTRUCT {{ <{ENT[LAMBDA]}> ?p ?o }} WHERE {{ <{ENT[LAMBDA]}> ?p ?o }}"
    expected = set(read_dataset(corpus_graph).triples((URIRef(ENT[LAMBDA]), None, None)))
    for accept, fmt in [("text/turtle", "turtle"), ("application/n-triples", "nt"),
                        ("application/ld+json", "json-ld"), ("application/rdf+xml", "xml")]:  # fmt: skip
        response = client.get("/sparql", query_string={"query": construct}, headers={"Accept": accept})
        assert response.mimetype == accept
        assert set(Graph().parse(data=response.data, format=fmt)) == expected
    described = client.get("/sparql", query_string={"query": f"DESCRIBE <{ENT[LAMBDA]}>"})
    assert described.mimetype == "text/turtle" and expected <= set(Graph().parse(data=described.data))


def test_select_rows_are_capped_and_the_response_says_so(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert len(response.get_json()["results"]["bindings"]) == ROW_CAP
    assert response.headers["X-KGQA-Truncated"] == "true"
    assert response.headers["X-KGQA-Row-Cap"] == str(ROW_CAP)


def test_service_description_without_a_query(client: FlaskClient, st: State, corpus_graph: Path) -> None:
    response = client.get("/sparql")
    assert response.status_code == 200 and response.mimetype == "text/turtle"
    graph = Graph().parse(data=response.data, format="turtle")
    service = next(graph.subjects(RDF.type, SD.Service))
    assert (service, SD.endpoint, URIRef("http://localhost/sparql")) in graph
    names = set(graph.objects(None, SD.name))
    assert names == {
        g.identifier for g in named_graphs(corpus_graph) if len(g) and str(g.identifier).startswith("https")
    }


def test_sparql_sends_cors_headers_for_browser_clients(client: FlaskClient) -> None:
    preflight = client.options(
        "/sparql",
        headers={
            "Origin": "https://yasgui.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "content-type" in preflight.headers["Access-Control-Allow-Headers"].lower()
    answer = client.post("/sparql", data={"query": "ASK {}"}, headers={"Origin": "https://yasgui.example"})
    assert answer.headers["Access-Control-Allow-Origin"] == "*"
    failed = client.get("/sparql", query_string={"query": "nonsense"}, headers={"Origin": "https://yasgui.example"})
    assert failed.status_code == 400 and failed.headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize(
    ("request_args", "status"),
    [
        ({"method": "GET", "path": "/sparql?query=ASK{}&query=ASK{}"}, 400),
        ({"method": "POST", "path": "/sparql", "data": {}}, 400),
        (
            {"method": "GET", "path": "/sparql", "query_string": {"query": "ASK {}", "default-graph-uri": "http://x/"}},
            403,
        ),
        (
            {"method": "GET", "path": "/sparql", "query_string": {"query": "ASK {}", "named-graph-uri": "http://x/"}},
            403,
        ),
    ],
)
def test_sparql_protocol_errors(client: FlaskClient, request_args: dict[str, Any], status: int) -> None:
    error_of(client.open(**request_args), status)


def test_repeated_questions_get_the_same_answer_and_the_cache_stays_bounded(
    client: FlaskClient, st: State, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("service.state.ANSWER_CACHE", 2)
    first = client.get("/api/ask", query_string={"q": "what does batch run on"}).get_json()
    for question in ("what is fargate", "what is lambda", "what does batch run on"):
        client.get("/api/ask", query_string={"q": question})
    assert client.get("/api/ask", query_string={"q": "what does batch run on"}).get_json() == first
    assert len(st.answers) <= 2


# ----------------------------------------------------------------------- SPARQL results, as Oxigraph wrote them

XSD_VALUES = """SELECT * WHERE { VALUES (?zero ?no ?none ?instant ?day ?time ?inf ?nan ?odd) {
  (0 false 0.0 "PT0S"^^xsd:dayTimeDuration "2001-01-01+05:00"^^xsd:date "12:00:00.123456789"^^xsd:time
   "INF"^^xsd:double "NaN"^^xsd:double "1e3"^^xsd:decimal) } }"""
EXACT_QUERIES = [
    XSD_VALUES,
    'SELECT ?text WHERE { VALUES ?text { "tab\\there" "quote \\" and \\\\" "line\\nbreak" "é😀"@fr "x"^^<urn:type> } }',
    "SELECT * WHERE { ?s rdfs:label ?label ; a ?type } ORDER BY ?label LIMIT 7",
    f"SELECT ?o ?p WHERE {{ <{ENT[LAMBDA]}> ?p ?o }} ORDER BY ?p ?o LIMIT 40",
    "ASK { ?s a kg:Evidence }",
    f"CONSTRUCT {{ <{ENT[LAMBDA]}> ?p ?o }} WHERE {{ <{ENT[LAMBDA]}> ?p ?o }}",
]
EXACT_FORMATS = [
    "application/sparql-results+json", "application/sparql-results+xml", "text/csv", "text/tab-separated-values",
    "text/turtle", "application/n-triples", "application/rdf+xml", "application/ld+json",
]  # fmt: skip


@pytest.mark.parametrize("query", EXACT_QUERIES)
def test_sparql_results_are_the_bytes_oxigraph_writes(client: FlaskClient, st: State, query: str) -> None:
    assert isinstance(st.store, LocalStore)
    own = st.store.ox.query(query, prefixes=PREFIX_IRIS, base_iri="http://localhost/sparql")
    graph = isinstance(own, ox.QueryTriples)
    kept = list(own) if graph else None
    for accept in EXACT_FORMATS[4:] if graph else EXACT_FORMATS[:4]:
        response = client.get("/sparql", query_string={"query": query}, headers={"Accept": accept})
        assert response.status_code == 200 and response.mimetype == accept
        if graph:
            fmt = ox.RdfFormat.from_media_type(accept)
            written = ox.serialize(kept, format=fmt, prefixes=PREFIX_IRIS)
        else:
            again = st.store.ox.query(query, prefixes=PREFIX_IRIS)
            written = again.serialize(format=ox.QueryResultsFormat.from_media_type(accept))
        assert response.data == written, accept


def test_values_python_finds_false_or_odd_come_as_oxigraph_computed_them(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": XSD_VALUES}, headers={"Accept": "application/xml"})
    results = ox.parse_query_results(response.data, ox.QueryResultsFormat.XML)
    assert isinstance(results, ox.QuerySolutions)
    names = [v.value for v in results.variables]
    row = {name: term.value for solution in results for name, term in zip(names, solution, strict=True)}
    assert row["zero"] == "0" and row["no"] == "false" and row["none"] == "0" and row["instant"] == "PT0S"
    assert row["day"] == "2001-01-01+05:00" and row["time"] == "12:00:00.123456789"
    assert (row["inf"], row["nan"], row["odd"]) == ("INF", "NaN", "1e3")


def test_select_star_columns_come_in_oxigraph_s_order_in_every_format(client: FlaskClient, st: State) -> None:
    query = "SELECT * WHERE { ?s rdfs:label ?label ; a ?type } LIMIT 3"
    assert isinstance(st.store, LocalStore)
    own = [v.value for v in st.store.ox.query(query, prefixes=PREFIX_IRIS).variables]
    for accept in EXACT_FORMATS[:4]:
        data = client.get("/sparql", query_string={"query": query}, headers={"Accept": accept}).data
        if accept == "text/csv":
            assert data.split(b"\r\n")[0].decode().split(",") == own
        else:
            results = ox.parse_query_results(data, ox.QueryResultsFormat.from_media_type(accept))
            assert isinstance(results, ox.QuerySolutions) and [v.value for v in results.variables] == own


def test_json_ld_keeps_blank_nodes_that_refer_to_each_other(client: FlaskClient) -> None:
    query = 'CONSTRUCT { _:a <urn:p> _:b . _:b <urn:q> _:a . _:b <urn:r> "x" } WHERE {}'
    response = client.get("/sparql", query_string={"query": query}, headers={"Accept": "application/ld+json"})
    triples = [q.triple for q in ox.parse(response.data, ox.RdfFormat.JSON_LD)]
    assert len(triples) == 3
    by = {t.predicate.value: (t.subject, t.object) for t in triples}
    assert by["urn:q"] == by["urn:p"][::-1] and by["urn:r"][0] == by["urn:p"][1]


def test_relative_iris_resolve_against_the_endpoint(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": "SELECT ?x WHERE { BIND(<things/x> AS ?x) }"})
    assert response.get_json()["results"]["bindings"] == [{"x": {"type": "uri", "value": "http://localhost/things/x"}}]


def test_the_row_cap_is_known_before_the_body_in_every_format(client: FlaskClient) -> None:
    for limit, truncated in ((ROW_CAP, "false"), (ROW_CAP + 1, "true")):
        query = f"SELECT ?s WHERE {{ ?s ?p ?o }} LIMIT {limit}"
        for accept in EXACT_FORMATS[:4]:
            response = client.get("/sparql", query_string={"query": query}, headers={"Accept": accept})
            assert response.headers["X-KGQA-Truncated"] == truncated, (limit, accept)
            if accept == "text/tab-separated-values":
                assert response.data.count(b"\n") == ROW_CAP + 1


def test_a_large_result_is_streamed_in_chunks(tmp_path: Path, corpus_graph: Path) -> None:
    app = create_app({"TESTING": True, "GRAPH": str(corpus_graph), "ROW_CAP": 5000, "QUERY_PROCESSES": 1})
    query = 'SELECT ?s ?big WHERE { ?s ?p ?o BIND(CONCAT(STR(?s), "' + "x" * 500 + '") AS ?big) } LIMIT 4000'
    with app.test_client() as client:
        response = client.get("/sparql", query_string={"query": query}, buffered=False)
        assert response.is_streamed and response.headers["X-KGQA-Truncated"] == "false"
        chunks = list(response.response)
        response.close()
    assert len(chunks) > 1 and max(map(len, chunks)) < 2 * CHUNK_BYTES
    assert len(json.loads(b"".join(chunks))["results"]["bindings"]) == 4000


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { BIND(<urn:no-such-function>(1) AS ?x) }",
        "SELECT * WHERE { ?s <urn:p> ?o . FILTER(<http://example.org/f>(?o)) }",
    ],
)
def test_evaluation_errors_say_nothing_of_the_machine(client: FlaskClient, corpus_graph: Path, query: str) -> None:
    message = error_of(client.get("/sparql", query_string={"query": query}), 400)["message"]
    assert message.startswith("the query cannot be evaluated here")
    assert str(corpus_graph) not in message and "graph.nq" not in message and "rror" not in message


def test_a_saturated_pool_refuses_at_once_with_retry_after_and_the_api_still_answers(corpus_graph: Path) -> None:
    app = create_app({"TESTING": True, "GRAPH": str(corpus_graph), "QUERY_PROCESSES": 1, "QUERY_TIMEOUT": 3})
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    statuses: list[int] = []

    def query() -> None:
        statuses.append(app.test_client().get("/sparql", query_string={"query": slow}).status_code)

    busy = [threading.Thread(target=query) for _ in range(2)]  # one runs, one waits in the queue
    for thread in busy:
        thread.start()
    with app.app_context():
        pool = state().pool
    assert pool is not None and eventually(lambda: len(pool.pids) == 1 and bool(pool._children.waiters), seconds=5.0)
    client = app.test_client()
    started = time.monotonic()
    refused = client.get("/sparql", query_string={"query": "ASK {}"})
    assert time.monotonic() - started < 1
    assert error_of(refused, 503)["code"] == "busy" and refused.headers["Retry-After"] == "3"
    assert client.get("/healthz").status_code == 200 and client.get("/api/entities", query_string={"q": "lambda"}).status_code == 200  # fmt: skip
    for thread in busy:
        thread.join(10)
    assert sorted(statuses) == [503, 503]  # both ran out of the one time limit: the waiter had less to run in
    assert client.get("/sparql", query_string={"query": "ASK {}"}).status_code == 200


@pytest.mark.parametrize(
    ("rows", "cap", "kept", "truncated"),
    [
        (0, 3, 0, False),
        (2, 3, 2, False),
        (3, 3, 3, False),
        (4, 3, 3, True),
        (500, 3, 3, True),
        (5000, 4000, 4000, True),
    ],
)
def test_the_row_cap_counts_oxigraph_s_tsv_lines(rows: int, cap: int, kept: int, truncated: bool) -> None:
    store = ox.Store()
    store.extend(
        ox.Quad(ox.NamedNode(f"urn:s{n}"), ox.NamedNode("urn:p"), ox.Literal(f"a\nb\t{n}")) for n in range(rows)
    )
    tsv, counted, cut = _capped_tsv(store.query("SELECT ?s ?o WHERE { ?s ?p ?o }"), cap)
    assert (counted, cut) == (kept, truncated)
    assert b"".join(tsv).count(b"\n") == kept + 1 and b"".join(tsv).endswith(b"\n")


def test_a_saturated_pool_leaves_a_real_server_answering_healthz(corpus_graph: Path, tmp_path: Path) -> None:
    """gunicorn (2 workers x 4 threads), one query process per worker: slow queries beyond one running and one
    waiting per worker are refused at once, so threads stay free and /healthz answers while they run."""
    env = {**os.environ, "KGQA_QUERY_PROCESSES": "1", "KGQA_QUERY_TIMEOUT": "4"}
    slow = urlencode({"query": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"})
    outcomes: list[tuple[int, str | None, float]] = []

    def query(url: str) -> None:
        started = time.monotonic()
        try:
            with OPENER.open(f"{url}/sparql?{slow}", timeout=30) as response:
                outcomes.append((response.status, None, time.monotonic() - started))
        except urllib.error.HTTPError as error:
            outcomes.append((error.code, error.headers.get("Retry-After"), time.monotonic() - started))

    with serving(corpus_graph, tmp_path, env) as url:
        threads = [threading.Thread(target=query, args=(url,)) for _ in range(8)]
        for thread in threads:
            thread.start()
        time.sleep(0.5)
        started = time.monotonic()
        with OPENER.open(f"{url}/healthz", timeout=30) as response:
            assert response.status == 200
        healthz_s = time.monotonic() - started
        for thread in threads:
            thread.join(30)
    assert healthz_s < 2  # the queries run for 4 s
    assert len(outcomes) == 8 and all(status == 503 and retry == "4" for status, retry, _ in outcomes)
    assert any(seconds < 2 for *_, seconds in outcomes)  # refused at once, not after a time limit


@pytest.mark.parametrize(
    "environ",
    [
        {},
        {"HTTP_HOST": "h", "HTTP_ACCEPT": "text/csv", "REQUEST_METHOD": "GET", "PATH_INFO": "/x"},
        {"CONTENT_TYPE": "application/json", "CONTENT_LENGTH": "12", "HTTP_X_LONG_NAME": "v" * 100},
        {"CONTENT_TYPE": "", "CONTENT_LENGTH": "", "HTTP_CONTENT_TYPE": "x", "HTTP_CONTENT_LENGTH": "1"},
    ],
)
def test_header_bytes_counts_what_werkzeug_lists(environ: dict[str, str]) -> None:
    assert header_bytes(environ) == sum(len(name) + len(value) for name, value in EnvironHeaders(environ).items())
