"""The three stores hold the same graph and answer the same: the on-disk Oxigraph store, and a real Oxigraph
server (the `oxigraph` binary from PyPI) on a free loopback port, written with SPARQL Update."""

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from graphs import memory
from live_server import OPENER, free_port, serving, stop
from rdflib import Literal, URIRef
from rdflib.namespace import RDFS

from ingest.pipeline import run_ingest
from kg.errors import BadQuery, GraphUnavailable, KGError, QueryTimeout
from kg.facts import entities, fact_keys, facts
from kg.locations import SOURCES_DIR
from kg.namespaces import ENT
from kg.snapshot import snapshot_of
from kg.sparql import run_user_query
from kg.stores import LoadedStaging, SourceGraph, StoreConfig, open_store, stage
from kgqa.cli import main
from service.qa import QA

QUESTIONS = [
    "what does batch run on",
    "What is Fargate?",
    "compare lambda and batch for a 3-hour job",
    "how is lambda related to s3",
    "what does fargate have to do with availability zones",
]
UNION_DIFFERS = """ASK {
  { ?s ?p ?o FILTER NOT EXISTS { GRAPH ?g { ?s ?p ?o } } } UNION { GRAPH ?g { ?s ?p ?o } FILTER NOT EXISTS { ?s ?p ?o } }
}"""  # is the default graph anything but the union of the named graphs?
OXIGRAPH = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))


def fact_set(config: StoreConfig) -> set[tuple[str, str, str, str]]:
    store = open_store(config)
    return {(f.subject, f.predicate, f.object, json.dumps(f.evidence, sort_keys=True)) for f in facts(store)}


def answers(config: StoreConfig) -> list[dict[str, Any]]:
    qa = QA(snapshot_of(open_store(config)))
    return [qa.ask(q).to_dict() for q in QUESTIONS]


@pytest.fixture(scope="module")
def memory_answers(corpus_graph: Path) -> list[dict[str, Any]]:
    return answers(memory(corpus_graph))


@pytest.fixture(scope="module")
def oxigraph_store(tmp_path_factory: pytest.TempPathFactory) -> StoreConfig:
    config = StoreConfig(kind="oxigraph", directory=tmp_path_factory.mktemp("oxigraph"))
    assert not run_ingest([SOURCES_DIR], config).errors
    return config


def start_oxigraph(location: Path) -> tuple[subprocess.Popen[bytes], str]:
    """Oxigraph server (read-write) on a free loopback port; its base URL once it answers."""
    port = free_port()
    process = subprocess.Popen(
        [OXIGRAPH, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with OPENER.open(f"{base}/query?{urlencode({'query': 'ASK {}'})}", timeout=5):
                return process, base
        except OSError:
            time.sleep(0.1)
    stop(process)
    pytest.fail("the Oxigraph server did not start")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An Oxigraph server as it comes: ingest keeps its default graph the union of the named graphs."""
    process, base = start_oxigraph(tmp_path_factory.mktemp("server"))
    try:
        yield base
    finally:
        stop(process)


def remote(base: str) -> StoreConfig:
    return StoreConfig(kind="sparql", query_url=f"{base}/query", update_url=f"{base}/update")


@pytest.fixture(scope="module")
def sparql_store(server: str) -> StoreConfig:
    config = remote(server)
    assert not run_ingest([SOURCES_DIR], config).errors
    return config


def test_the_oxigraph_store_holds_what_the_memory_store_holds(corpus_graph: Path, oxigraph_store: StoreConfig) -> None:
    assert fact_set(oxigraph_store) == fact_set(memory(corpus_graph)) != set()
    assert (oxigraph_store.directory / "oxigraph").is_dir()
    assert not (oxigraph_store.directory / "graph.nq").exists()


def test_the_oxigraph_store_opens_without_reingesting_and_answers_alike(
    oxigraph_store: StoreConfig, memory_answers: list[dict[str, Any]]
) -> None:
    assert answers(oxigraph_store) == memory_answers


def test_the_cli_reads_the_oxigraph_store(oxigraph_store: StoreConfig, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--store", "oxigraph", "--graph", str(oxigraph_store.directory)]
    assert main(["ingest", *args, "--if-stale", str(SOURCES_DIR)]) == 0
    assert "up to date" in capsys.readouterr().out
    assert main(["ask", *args, "what does batch run on"]) == 0
    assert "Amazon ECS" in capsys.readouterr().out


def test_a_server_store_holds_what_the_memory_store_holds(corpus_graph: Path, sparql_store: StoreConfig) -> None:
    assert fact_set(sparql_store) == fact_set(memory(corpus_graph)) != set()
    assert open_store(sparql_store).source_hashes() == open_store(memory(corpus_graph)).source_hashes()


def test_a_server_store_answers_alike(sparql_store: StoreConfig, memory_answers: list[dict[str, Any]]) -> None:
    assert answers(sparql_store) == memory_answers


def test_reingesting_one_note_replaces_only_its_graph_on_the_server(tmp_path: Path) -> None:
    process, base = start_oxigraph(tmp_path / "one")
    try:
        config = remote(base)
        a, b = tmp_path / "a.md", tmp_path / "b.md"
        a.write_text("## AWS Batch\n- Batch jobs are defined as Docker images and run on ECS\n", encoding="utf-8")
        b.write_text("## Amazon Lightsail\n- Low & predictable pricing\n", encoding="utf-8")
        run_ingest([a, b], config)
        a.write_text("## AWS Batch\n- Batch will dynamically launch EC2 instances\n", encoding="utf-8")
        run_ingest([a], config)
        store = open_store(config)
        ents = entities(store)
        got = {(ents[f.subject].label, f.predicate) for f in facts(store)}
        assert ("AWS Batch", "launches") in got and ("AWS Batch", "runs_on") not in got
        assert ("Amazon Lightsail", "pricing") in got
        assert not store.ask(UNION_DIFFERS)
    finally:
        stop(process)


def test_the_service_runs_stateless_against_the_server(
    sparql_store: StoreConfig, tmp_path: Path, memory_answers: list[dict[str, Any]]
) -> None:
    options = ("--store", "sparql", "--sparql-query-url", sparql_store.query_url)
    env = {"KGQA_ROW_CAP": "3"}
    with serving(tmp_path / "no-graph-here", tmp_path, {**os.environ, **env}, options) as url:
        with OPENER.open(f"{url}/api/ask?{urlencode({'q': QUESTIONS[0]})}", timeout=30) as response:
            assert json.load(response)["answer"] == memory_answers[0]["answer"]
        query = "SELECT ?s ?label WHERE { ?s rdfs:label ?label }"
        with OPENER.open(f"{url}/sparql?{urlencode({'query': query})}", timeout=30) as response:
            assert response.headers["X-KGQA-Truncated"] == "true"
            assert len(json.load(response)["results"]["bindings"]) == 3
        refused = f"SELECT * WHERE {{ SERVICE <{sparql_store.query_url}> {{ ?s ?p ?o }} }}"
        with pytest.raises(Exception) as error:
            OPENER.open(f"{url}/sparql?{urlencode({'query': refused})}", timeout=30)
        assert getattr(error.value, "code", None) == 403
    assert not (tmp_path / "no-graph-here").exists()


def test_an_unreachable_server_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    config = StoreConfig(kind="sparql", query_url=f"http://127.0.0.1:{free_port()}/query", timeout_s=5)
    with pytest.raises(GraphUnavailable, match="cannot query the SPARQL server"):
        open_store(config)
    assert main(["facts", "--store", "sparql", "--sparql-query-url", config.query_url]) == 2
    assert "cannot query the SPARQL server" in capsys.readouterr().err


def test_ingest_without_an_update_url_fails_and_writes_nothing(server: str, tmp_path: Path) -> None:
    config = StoreConfig(kind="sparql", query_url=f"{server}/query")
    (tmp_path / "a.md").write_text("## AWS Batch\n- Batch runs on ECS\n", encoding="utf-8")
    with pytest.raises(KGError, match="update URL"):
        run_ingest([tmp_path / "a.md"], config)


def test_a_query_the_server_refuses_is_a_bad_query(sparql_store: StoreConfig) -> None:
    with pytest.raises(BadQuery, match="refused"):
        open_store(sparql_store).select("SELECT ?x WHERE { ?x <no-such-function>(1) ?y }")


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--store", "sparql"], "needs an http(s) query URL"),
        (["--store", "sparql", "--sparql-query-url", "file:///etc/passwd"], "needs an http(s) query URL"),
    ],
)
def test_bad_store_options_are_clear_errors(args: list[str], says: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["facts", *args]) == 2
    assert says in capsys.readouterr().err


def test_a_forwarded_query_that_runs_too_long_is_stopped(sparql_store: StoreConfig) -> None:
    endless = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    started = time.monotonic()
    with pytest.raises(QueryTimeout):
        run_user_query(open_store(sparql_store), endless, pool=None, timeout_s=1, row_cap=10)
    assert time.monotonic() - started < 10


def test_the_default_graph_is_the_set_union_of_the_sources(
    corpus_graph: Path, oxigraph_store: StoreConfig, sparql_store: StoreConfig
) -> None:
    """A triple stated in several notes is one row, as in an RDF merge (Oxigraph's own union repeats it)."""
    query = "SELECT ?o WHERE { ent:aws-batch kg:runsOn ?o }"
    for config in (memory(corpus_graph), oxigraph_store, sparql_store):
        objects = [str(r["o"]) for r in open_store(config).select(query)]
        assert len(objects) == len(set(objects)) > 0, config.kind
        assert "https://kgqa.example/entity/amazon-ecs" in objects


def test_fact_keys_are_the_facts_the_evidence_states(corpus_graph: Path, sparql_store: StoreConfig) -> None:
    """What a snapshot opens with (the plain triples) matches what the evidence nodes say, on every store."""
    for config in (memory(corpus_graph), sparql_store):
        store = open_store(config)
        from_evidence = {(f.subject, f.predicate, f.object, f.object_is_entity) for f in facts(store)}
        assert {(k.subject, k.predicate, k.object, k.object_is_entity) for k in fact_keys(store)} == from_evidence


FORWARDED = [
    ("SELECT ?s ?label WHERE { ?s rdfs:label ?label } ORDER BY ?label LIMIT 4", "application/sparql-results+json"),
    ("SELECT ?s ?label WHERE { ?s rdfs:label ?label } ORDER BY ?label LIMIT 4", "application/sparql-results+xml"),
    ("SELECT ?s ?label WHERE { ?s rdfs:label ?label } ORDER BY ?label LIMIT 4", "text/csv"),
    ("SELECT ?s ?label WHERE { ?s rdfs:label ?label } ORDER BY ?label LIMIT 4", "text/tab-separated-values"),
    ('SELECT ?x ?n WHERE { BIND(<rel/x> AS ?x) BIND("0"^^xsd:integer AS ?n) }', "application/sparql-results+xml"),
    ("ASK { ?s a kg:Evidence }", "text/csv"),
    (f"CONSTRUCT {{ <{ENT['aws-lambda']}> ?p ?o }} WHERE {{ <{ENT['aws-lambda']}> ?p ?o }}", "application/n-triples"),
]


def test_forwarded_queries_come_back_as_the_local_stores_write_them(
    sparql_store: StoreConfig, corpus_graph: Path
) -> None:
    """The server's answer is read and written again by Oxigraph: the same bytes as the memory store's."""
    server, local = open_store(sparql_store), open_store(memory(corpus_graph))
    for query, accept in FORWARDED:
        results = [
            run_user_query(store, query, pool=None, timeout_s=10, row_cap=3, accept=accept, base_iri="http://h/sparql")
            for store in (server, local)
        ]
        assert results[0].head == results[1].head, query
        if results[0].head.kind == "CONSTRUCT":
            assert set(b"".join(results[0].body).splitlines()) == set(b"".join(results[1].body).splitlines())
        else:
            assert b"".join(results[0].body) == b"".join(results[1].body), (query, accept)
    assert results[0].head.kind == "CONSTRUCT" and results[0].head.truncated is False


def test_a_refusal_from_the_server_does_not_name_it(sparql_store: StoreConfig) -> None:
    store = open_store(sparql_store)
    with pytest.raises(BadQuery) as refused:  # the screen lets it through; Oxigraph finds ?x bound twice
        run_user_query(store, "SELECT ?x (2 AS ?x) WHERE {}", pool=None, timeout_s=10, row_cap=3)
    assert refused.value.message.startswith("the SPARQL server refused the query: ")
    with pytest.raises(GraphUnavailable) as failed:
        run_user_query(store, "SELECT * WHERE { BIND(<urn:f>(1) AS ?x) }", pool=None, timeout_s=10, row_cap=3)
    assert "127.0.0.1" not in refused.value.message + failed.value.message


def source(name: str, text: str) -> SourceGraph:
    subject = URIRef(f"http://example.org/{name}")
    return SourceGraph(
        name, "0" * 64, [(subject, RDFS.label, Literal(text)), (subject, RDFS.comment, Literal("shared"))]
    )


def sorted_graph(config: StoreConfig) -> list[bytes]:
    return sorted((config.directory / "graph.nq").read_bytes().splitlines())


@pytest.mark.parametrize(
    ("before", "now", "rebuild", "loaded_while_staged"),
    [
        ([], ["a", "b"], False, True),  # a first ingest
        (["a", "b"], ["a", "b"], True, True),  # a rebuild
        (["a", "b"], ["b"], True, True),  # a rebuild of one source: the other goes
        (["a", "b"], ["a", "b"], False, False),  # every source again
        (["a", "b"], ["b"], False, False),  # one source: the other stays
    ],
)
def test_the_memory_store_holds_the_same_graph_loaded_while_staged_or_after(
    tmp_path: Path, before: list[str], now: list[str], rebuild: bool, loaded_while_staged: bool
) -> None:
    graphs = []
    for where, into in (("staged", True), ("after", False)):
        config = StoreConfig(directory=tmp_path / where)
        for names, text, again in ((before, "old", False), (now, "new", rebuild)):
            if not names:
                continue
            staged = stage([source(n, f"{text} {n}") for n in names], into=config if into else None, rebuild=again)
            assert isinstance(staged, LoadedStaging) == (into and (text == "old" or loaded_while_staged))
            store = open_store(config, write=True, rebuild=again)
            try:
                store.replace_staged(staged)
            finally:
                store.close()
                staged.close()
        graphs.append(sorted_graph(config))
    assert graphs[0] == graphs[1]
    assert any(b'"new b"' in line for line in graphs[0])
