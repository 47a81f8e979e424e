"""The graph the service answers from, opened once at startup: the store (named graph per source, for /sparql
and TriG export), the snapshot, the question answerer and lookup tables; the tables that need every fact's
evidence are made on first use."""

import threading
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

import orjson
from flask import Flask, current_app

from kg.errors import BadQuery, NotFound
from kg.facts import EntityRecord, FactRecord
from kg.snapshot import Snapshot, snapshot_of
from kg.sparql import QueryPool, ResultCache, query_pool
from kg.stores import Store, StoreConfig, open_store
from service.heap import building
from service.qa import QA

EXTENSION = "kgqa"
ANSWER_CACHE = 4096


@dataclass
class State:
    store: Store
    snapshot: Snapshot
    qa: QA
    by_key: dict[str, EntityRecord]
    by_name: dict[str, EntityRecord]  # lower-cased labels and aliases
    pool: QueryPool | None  # the sandboxed processes that run /sparql queries on a local store
    results: ResultCache  # their whole answers, so that a repeated query skips the pool
    exports: dict[str, bytes] = field(default_factory=dict)  # /api/export bodies, made once
    answers: dict[str, bytes] = field(default_factory=dict)  # /api/ask bodies, least recently asked first
    answers_lock: threading.Lock = field(default_factory=threading.Lock)

    @cached_property
    def graph_sizes(self) -> dict[str, int]:
        """Triples in each named graph, counted once (on first use: a scan of the whole store)."""
        return self.store.graph_sizes()

    @property
    def triples(self) -> int:
        return sum(self.graph_sizes.values())

    @cached_property
    def facts_out(self) -> dict[str, list[FactRecord]]:
        """Facts with their evidence by subject IRI."""
        found: dict[str, list[FactRecord]] = defaultdict(list)
        for fact in self.snapshot.facts:
            found[fact.subject].append(fact)
        return dict(found)

    @cached_property
    def facts_in(self) -> dict[str, list[FactRecord]]:
        """Facts with their evidence by object IRI."""
        found: dict[str, list[FactRecord]] = defaultdict(list)
        for fact in self.snapshot.facts:
            if fact.object_is_entity:
                found[fact.object].append(fact)
        return dict(found)

    @cached_property
    def health_json(self) -> bytes:
        """/healthz's body (the graph does not change while the service runs), as Flask's jsonify writes it."""
        counts = {"status": "ok", "triples": self.triples, "entities": len(self.snapshot.entities)}
        counts["facts"] = len(self.snapshot.keys)
        return orjson.dumps(counts, option=orjson.OPT_SORT_KEYS | orjson.OPT_APPEND_NEWLINE)

    def answer_json(self, question: str) -> bytes:
        """The answer to `question` as JSON; an answer depends on nothing but the question and the snapshot,
        so the latest ANSWER_CACHE of them are kept. Written by orjson (compact, UTF-8) from the Answer dataclass
        itself (its fields in order, as Answer.to_dict gives them, with no dict built on the way): the answer's
        lists of evidence are encoded where they are, an order of magnitude faster than the json module."""
        with self.answers_lock:
            body = self.answers.pop(question, None)
        if body is None:
            body = orjson.dumps(self.qa.ask(question))
        with self.answers_lock:
            while len(self.answers) >= ANSWER_CACHE:
                self.answers.pop(next(iter(self.answers)))  # the least recently asked
            self.answers[question] = body
        return body

    def entity(self, ident: str, param: str) -> EntityRecord:
        """The entity a request names by key (the last part of its IRI), IRI, label or alias."""
        if not ident.strip():
            raise BadQuery(f"parameter {param!r} is empty")
        found = self.by_key.get(ident) or self.snapshot.entities.get(ident) or self.by_name.get(ident.lower())
        if found is None:
            raise NotFound(f"no entity {ident!r} in the graph")
        return found


def load(
    config: StoreConfig,
    *,
    query_processes: int = 4,
    query_memory: int | None = None,
    cache_entries: int = 4096,
    cache_bytes: int = 64_000_000,
) -> State:
    store = open_store(config)
    with building():
        snapshot = snapshot_of(store)
        qa = QA(snapshot)
    ents = snapshot.entities.values()
    by_name = {alias.lower(): e for e in ents for alias in e.aliases}
    by_name |= {e.label.lower(): e for e in ents}  # a label wins over another entity's alias
    return State(
        store,
        snapshot,
        qa,
        {e.key: e for e in ents},
        by_name,
        query_pool(store, size=query_processes, memory_bytes=query_memory),
        ResultCache(max_entries=cache_entries, max_bytes=cache_bytes),
    )


def init_app(app: Flask) -> None:
    """Open the store the STORE, GRAPH and SPARQL_* settings name and load its graph into the app."""
    config = app.config
    app.extensions[EXTENSION] = load(
        StoreConfig.resolve(
            config["STORE"], config["GRAPH"] or None, config["SPARQL_QUERY_URL"], config["SPARQL_UPDATE_URL"]
        ),
        query_processes=config["QUERY_PROCESSES"],
        query_memory=config["QUERY_MEMORY"],
        cache_entries=config["QUERY_CACHE_ENTRIES"],
        cache_bytes=config["QUERY_CACHE_BYTES"],
    )


def state() -> State:
    return current_app.extensions[EXTENSION]
