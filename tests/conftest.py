"""Shared fixtures: a small extraction harness and an ingested corpus graph."""

from pathlib import Path

import pytest
from graphs import memory

from ingest.entities import discover
from ingest.names import load_gazetteer
from ingest.pipeline import extract, run_ingest
from ingest.sources import read_document
from kg.facts import entities, facts
from kg.locations import SOURCES_DIR
from kg.stores import open_store

Triple = tuple[str, str, str]


def facts_of(text: str, tmp_path: Path, name: str = "note.md") -> set[Triple]:
    """Extract from one note; facts as (subject label, predicate, object label or text)."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    doc = read_document(path)
    table = load_gazetteer()
    discover([doc], table)
    label = {k: e.label for k, e in table.entities.items()}
    return {
        (label[f.subject], f.predicate, label[f.object] if f.object_is_entity else f.object)
        for f in extract([doc], table).facts
    }


@pytest.fixture
def extract_facts(tmp_path: Path):
    return lambda text, name="note.md": facts_of(text, tmp_path, name)


@pytest.fixture
def client(app):  # each test module that serves defines its own `app` (flaskr style)
    return app.test_client()


@pytest.fixture(scope="session")
def corpus_graph(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("graph")
    report = run_ingest([SOURCES_DIR], memory(directory))
    assert not report.errors, report.errors
    return directory


@pytest.fixture(scope="session")
def corpus_facts(corpus_graph: Path) -> set[Triple]:
    store = open_store(memory(corpus_graph))
    ents = entities(store)
    return {
        (ents[f.subject].label, f.predicate, ents[f.object].label if f.object_is_entity else f.object)
        for f in facts(store)
    }
