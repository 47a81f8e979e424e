"""Whole /sparql answers kept per graph snapshot (kg.sparql.ResultCache over kg.bounded_cache): bounded, keyed by
format, emptied for a new graph, and never a way round the screen or the pool for a new query text."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from graphs import memory

from ingest.pipeline import run_ingest
from kg.bounded_cache import BoundedCache
from kg.errors import KGError
from kg.safety import Screened, screen
from kg.sparql import MAX_KEPT_QUERY, QueryResult, ResultCache, ResultHead, may_keep, query_pool, run_user_query
from kg.stores import open_store
from service import create_app
from service.state import state

LABEL = 'PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> SELECT ?s WHERE { ?s rdfs:label "AWS Batch" }'
JSON, XML = "application/sparql-results+json", "application/sparql-results+xml"


# ------------------------------------------------------------------------------------------ the bound


@pytest.mark.parametrize(
    ("puts", "max_entries", "max_bytes", "kept"),
    [
        ([("a", 1), ("b", 1), ("c", 1)], 2, 100, ["b", "c"]),  # entries: the oldest goes
        ([("a", 40), ("b", 40), ("c", 40)], 10, 100, ["b", "c"]),  # bytes: as many of the oldest as needed
        ([("a", 40), ("b", 40), ("c", 90)], 10, 100, ["c"]),
        ([("a", 10), ("b", 101)], 10, 100, ["a"]),  # larger than the whole bound: not kept
        ([("a", 10), ("b", 10), ("a", 10), ("c", 10)], 2, 100, ["a", "c"]),  # put again: used most recently
    ],
)
def test_bounded_cache_keeps_within_entries_and_bytes(
    puts: list[tuple[str, int]], max_entries: int, max_bytes: int, kept: list[str]
) -> None:
    cache: BoundedCache[str, str] = BoundedCache(max_entries=max_entries, max_bytes=max_bytes)
    for key, size in puts:
        cache.put(key, key.upper(), size)
    assert sorted(k for k in "abc" if cache.get(k) is not None) == kept
    assert len(cache) == len(kept) and cache.bytes <= max_bytes


def test_bounded_cache_get_makes_an_entry_recent() -> None:
    cache: BoundedCache[str, int] = BoundedCache(max_entries=2, max_bytes=100)
    cache.put("a", 1, 1)
    cache.put("b", 2, 1)
    assert cache.get("a") == 1
    cache.put("c", 3, 1)
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (1, None, 3)


@pytest.mark.parametrize(
    ("query", "kept"),
    [
        ("SELECT ?s WHERE { ?s ?p ?o }", True),
        ("ASK { ?s ?p ?o }", True),
        ("SELECT (RAND() AS ?r) WHERE {}", False),
        ("SELECT (now ( ) AS ?t) WHERE {}", False),
        ("SELECT (UUID() AS ?u) (STRUUID() AS ?v) WHERE {}", False),
        ("CONSTRUCT { ?s <urn:p> ?b } WHERE { ?s ?p ?o BIND(BNODE() AS ?b) }", False),
        ('SELECT ?s WHERE { ?s ?p "rand(" }', False),  # looks like a call: not kept, to be safe
        ("SELECT ?s WHERE { ?s ?p ?o } # " + "x" * MAX_KEPT_QUERY, False),  # too long to keep
    ],
)
def test_only_queries_that_answer_alike_every_time_are_kept(query: str, kept: bool) -> None:
    assert may_keep(screen(query)) is kept


def result(body: bytes, query: str = LABEL) -> QueryResult:
    return QueryResult(ResultHead("SELECT", JSON, 1, screened=screen(query)), (body,))


def test_result_cache_keys_by_graph_snapshot_and_format() -> None:
    cache = ResultCache(max_entries=10, max_bytes=10_000)
    request = (LABEL, JSON, 100, None)
    assert cache.get(1, request) is None
    cache.keep(1, request, result(b"one"))
    assert b"".join(cache.get(1, request).body) == b"one"  # type: ignore[union-attr]
    assert cache.get(1, (LABEL, XML, 100, None)) is None  # another format
    assert cache.get(1, (LABEL, JSON, 5, None)) is None  # another row cap
    assert cache.get(1, (LABEL, JSON, 100, "http://h/sparql")) is None  # another base IRI
    assert cache.get(2, request) is None  # another graph
    cache.keep(2, (LABEL, XML, 100, None), result(b"two"))
    assert cache.get(1, request) is None  # a new graph empties it


@pytest.mark.parametrize(
    "head",
    [
        ResultHead("SELECT", JSON, 1),  # the query process did not send what it screened: may not be kept
        ResultHead("SELECT", JSON, 1, screened=Screened("SELECT", "SELECT (RAND() AS ?r) WHERE {}")),
    ],
)
def test_result_cache_keeps_only_what_the_query_process_allows(head: ResultHead) -> None:
    cache = ResultCache(max_entries=10, max_bytes=10_000)
    request = (LABEL, JSON, 100, None)
    cache.keep(1, request, QueryResult(head, (b"x",)))
    assert cache.get(1, request) is None


def test_a_query_larger_than_the_bound_is_answered_and_not_kept() -> None:
    cache = ResultCache(max_entries=10, max_bytes=len(LABEL))  # room for the answer, not for the screened text
    request = (LABEL, JSON, 100, None)
    cache.keep(1, request, result(b"one"))
    assert cache.get(1, request) is None


def test_result_cache_keeps_no_streamed_body() -> None:
    cache = ResultCache(max_entries=10, max_bytes=10_000)
    request = (LABEL, JSON, 100, None)
    cache.keep(1, request, QueryResult(ResultHead("SELECT", JSON, 1, screened=screen(LABEL)), iter([b"x"])))
    assert cache.get(1, request) is None


# ------------------------------------------------------------------------------------------ in the service


@pytest.fixture
def app(corpus_graph: Path) -> Iterator[Flask]:
    app = create_app({"TESTING": True, "GRAPH": str(corpus_graph), "QUERY_PROCESSES": 1})
    yield app
    with app.app_context():
        pool = state().pool
        assert pool is not None
        pool.close()


def refuse(request: Any, *, timeout_s: float) -> Any:
    """Stands for the query pool once every answer a test needs should come from the cache."""
    raise KGError("the pool was asked")


def test_a_repeated_query_is_answered_without_the_pool_in_the_format_asked(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = app.test_client()
    first = {accept: client.get("/sparql", query_string={"query": LABEL}, headers={"Accept": accept})
             for accept in (JSON, XML)}  # fmt: skip
    assert all(r.status_code == 200 for r in first.values())
    with app.app_context():
        monkeypatch.setattr(state().pool, "call", refuse)
    for accept, before in first.items():
        again = client.get("/sparql", query_string={"query": LABEL}, headers={"Accept": accept})
        assert (again.status_code, again.data, again.content_type) == (200, before.data, before.content_type)
        assert again.headers["X-KGQA-Truncated"] == before.headers["X-KGQA-Truncated"] == "false"
    assert b"<sparql" in first[XML].data and first[JSON].is_json
    # a new text, or a format never asked, goes to the pool
    assert client.get("/sparql", query_string={"query": LABEL + " "}, headers={"Accept": JSON}).status_code == 500
    assert client.get("/sparql", query_string={"query": LABEL}, headers={"Accept": "text/csv"}).status_code == 500


@pytest.mark.parametrize(
    "query",
    [
        LABEL.replace("SELECT ?s WHERE {", "SELECT ?s WHERE { SERVICE <http://x/> { ?a ?b ?c } "),
        "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
        "SELECT ?s FROM <http://x/> WHERE { ?s ?p ?o }",
    ],
)
def test_the_screen_still_refuses_every_time(app: Flask, query: str) -> None:
    client = app.test_client()
    assert client.get("/sparql", query_string={"query": LABEL}).status_code == 200
    for _ in range(2):
        assert client.get("/sparql", query_string={"query": query}).status_code in (400, 403)
    with app.app_context():
        assert len(state().results.screens) == 1  # only the query that passed


def test_a_write_makes_a_new_snapshot_that_is_answered_afresh(tmp_path: Path) -> None:
    store = open_store(memory(tmp_path), write=True)
    store.update("INSERT DATA { <urn:a> <urn:p> 'one' }")
    cache = ResultCache(max_entries=10, max_bytes=10_000)
    query = "SELECT ?o WHERE { <urn:a> <urn:p> ?o }"

    def ask() -> bytes:
        pool = query_pool(store, size=1)  # forked now: it sees the graph as it is now
        assert pool is not None
        try:
            return b"".join(
                run_user_query(store, query, pool=pool, timeout_s=10, row_cap=10, accept="text/csv", cache=cache).body
            )
        finally:
            pool.close()

    assert ask() == b"o\r\none\r\n"
    store.update("DELETE DATA { <urn:a> <urn:p> 'one' }; INSERT DATA { <urn:a> <urn:p> 'two' }")
    assert ask() == b"o\r\ntwo\r\n"
    store.close()


def test_a_reingested_graph_is_answered_afresh_after_a_reload(tmp_path: Path) -> None:
    notes, graph = tmp_path / "notes", tmp_path / "graph"
    notes.mkdir()
    query = "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> SELECT ?l WHERE { ?s rdfs:label ?l } ORDER BY ?l"

    def labels() -> bytes:
        app = create_app({"TESTING": True, "GRAPH": str(graph), "QUERY_PROCESSES": 1})  # as SIGHUP does
        try:
            return app.test_client().get("/sparql", query_string={"query": query}, headers={"Accept": "text/csv"}).data
        finally:
            with app.app_context():
                pool = state().pool
                assert pool is not None
                pool.close()

    (notes / "a.md").write_text("# AWS Batch\n\n- AWS Batch runs on Amazon ECS.\n", encoding="utf-8")
    assert not run_ingest([notes], memory(graph)).errors
    before = labels()
    (notes / "a.md").write_text("# AWS Fargate\n\n- AWS Fargate is an abstraction over Amazon ECS.\n", encoding="utf-8")
    assert not run_ingest([notes], memory(graph)).errors
    after = labels()
    assert b"AWS Batch" in before and b"AWS Batch" not in after and b"AWS Fargate" in after
