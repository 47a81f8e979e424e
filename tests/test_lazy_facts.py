"""A subject's facts read where the graph keeps them are the facts the whole read gives, and the question answerer's
tables made one entity at a time hold what the whole read would put there, in the same order."""

from collections import defaultdict
from pathlib import Path

import pytest
from graphs import memory

from kg.facts import FactRecord, facts, facts_of, grouped, subjects_of
from kg.snapshot import snapshot_of
from kg.stores import open_store
from service.qa import QA
from service.qa.engine import _ranked

SUB, PRE, OB = "https://x/ent/a", "https://kgqa.example/ontology#runsOn", "https://x/ent/b"
EV = "https://x/ev/"
SUBJ, PRED, OBJ, SRC, LINE, TEXT, RULE = (
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#subject",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#predicate",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#object",
    "https://kgqa.example/ontology#source",
    "https://kgqa.example/ontology#line",
    "https://kgqa.example/ontology#text",
    "https://kgqa.example/ontology#rule",
)


def node(ev: str, source: str, line: str, *, obj: str = OB, iri: str = "true") -> list[tuple[str, str, str, str]]:
    return [
        (EV + ev, SUBJ, SUB, "true"), (EV + ev, PRED, PRE, "true"), (EV + ev, OBJ, obj, iri), (EV + ev, SRC, source, "false"),
        (EV + ev, LINE, line, "false"), (EV + ev, TEXT, "A runs on B", "false"), (EV + ev, RULE, "svo", "false"),
    ]  # fmt: skip


GROUPED = [  # evidence rows -> (subject, predicate, object, object is an entity, [(source, line)])
    ([], []),
    (node("1", "b.md", "3"), [(SUB, "runs_on", OB, True, [("b.md", 3)])]),
    (node("1", "b.md", "3") + node("2", "a.md", "9"), [(SUB, "runs_on", OB, True, [("a.md", 9), ("b.md", 3)])]),
    (node("1", "b.md", "10") + node("2", "b.md", "9"), [(SUB, "runs_on", OB, True, [("b.md", 9), ("b.md", 10)])]),
    (node("1", "a.md", "1") + node("2", "a.md", "2", obj="Docker", iri="false"),
     [(SUB, "runs_on", "Docker", False, [("a.md", 2)]), (SUB, "runs_on", OB, True, [("a.md", 1)])]),
    (node("1", "a.md", "1")[1:], []),  # a node without its subject states nothing
]  # fmt: skip


@pytest.mark.parametrize(("rows", "expected"), GROUPED)
def test_grouped(rows: list[tuple[str, ...]], expected: list[tuple[object, ...]]) -> None:
    got = [
        (f.subject, f.predicate, f.object, f.object_is_entity, [(e["source"], e["line"]) for e in f.evidence])
        for f in grouped(rows)
    ]
    assert got == expected


def as_rows(found: list[FactRecord]) -> list[tuple[object, ...]]:
    return [(f.subject, f.predicate, f.object, f.object_is_entity, f.evidence) for f in found]


def test_facts_of_each_subject_are_the_whole_reads(corpus_graph: Path) -> None:
    store = open_store(memory(corpus_graph))
    everything = facts(store)
    by_subject: dict[str, list[FactRecord]] = defaultdict(list)
    by_object: dict[str, set[str]] = defaultdict(set)
    for f in everything:
        by_subject[f.subject].append(f)
        if f.object_is_entity:
            by_object[f.object].add(f.subject)
    assert sum(len(as_rows(facts_of(store, s))) for s in by_subject) == len(everything)
    for subject, expected in by_subject.items():
        assert as_rows(facts_of(store, subject)) == as_rows(expected)
    for obj, subjects in by_object.items():
        assert subjects_of(store, obj) == sorted(subjects)
    assert facts_of(store, "https://x/ent/nothing") == [] and subjects_of(store, "https://x/ent/nothing") == []


def test_tables_by_entity_are_the_whole_graphs(corpus_graph: Path) -> None:
    """QA.by_subject and by_object, made per entity, against the tables made from every stated fact at once."""
    snapshot = snapshot_of(open_store(memory(corpus_graph)))
    qa = QA(snapshot)
    whole_subject: dict[tuple[str, str], list[FactRecord]] = defaultdict(list)
    whole_object: dict[tuple[str, str], list[FactRecord]] = defaultdict(list)
    for fact in _ranked(snapshot.stated):
        whole_subject[(fact.subject, fact.predicate)].append(fact)
        if fact.object_is_entity:
            whole_object[(fact.object, fact.predicate)].append(fact)
    for whole, lazy in ((whole_subject, qa.by_subject), (whole_object, qa.by_object)):
        for key, expected in whole.items():
            assert as_rows(lazy.get(key, [])) == as_rows(expected), key
    for whole, lazy in ((whole_subject, qa.by_subject), (whole_object, qa.by_object)):
        for entity in {e for e, _ in whole}:
            assert set(lazy.of(entity)) == {r for e, r in whole if e == entity}
    for obj, relation in whole_object:  # the same records as by_subject's: a fact is one object
        for f in qa.by_object.get((obj, relation), []):
            assert any(g is f for g in qa.by_subject.get((f.subject, relation), []))
    assert qa.by_subject.get(("https://x/ent/nothing", "runs_on"), []) == []
