"""The graph loaded for reading: the store it lives in, its entity names and what its facts are. Built once per
process; the service and `kgqa ask` answer from it. The facts with all their evidence and the networkx
projection are read on first use, so that a large store opens in seconds; a question reads one subject's at a
time."""

from dataclasses import dataclass
from functools import cached_property

import networkx as nx

from kg.confidence import confidence, contradicted
from kg.facts import EntityRecord, FactKey, FactRecord, StatementRecord, facts, facts_of, subjects_of
from kg.ontology import Ontology, load_ontology
from kg.open_index import read_opened
from kg.paths import project
from kg.stores import Store


@dataclass
class Snapshot:
    store: Store
    entities: dict[str, EntityRecord]
    keys: list[FactKey]
    ontology: Ontology
    statements: list[StatementRecord]
    digest: str | None = None  # names what was read to open it (kg.open_index), when a file beside the store holds it

    @cached_property
    def facts(self) -> list[FactRecord]:
        return facts(self.store)

    @cached_property
    def names(self) -> frozenset[str]:
        """Every entity label and alias, lower case: words a clean quote may hold that are no English."""
        return frozenset(n.lower() for e in self.entities.values() for n in (e.label, *e.aliases))

    @cached_property
    def beaten(self) -> set[tuple[str, str, str]]:
        return contradicted(self.facts)

    def confidence(self, fact: FactRecord) -> float:
        return confidence(fact, self.names)

    @cached_property
    def stated(self) -> list[FactRecord]:
        """The facts an answer may state: all but those a better-supported fact contradicts."""
        return [f for f in self.facts if (f.subject, f.predicate, f.object) not in self.beaten]

    def stated_about(self, subject: str) -> list[FactRecord]:
        """`stated`'s facts about one subject, read from the store where it keeps them (a fact is contradicted
        only by another of its own subject's)."""
        found = facts_of(self.store, subject)
        beaten = contradicted(found)
        return [f for f in found if (f.subject, f.predicate, f.object) not in beaten]

    def subjects_of(self, obj: str) -> list[str]:
        """The subjects of the facts whose object is the entity `obj`."""
        return subjects_of(self.store, obj)

    @cached_property
    def nx(self) -> nx.MultiDiGraph:
        return project(self.entities, self.facts)


def snapshot_of(store: Store) -> Snapshot:
    """The graph opened: what is read from all of it comes from the file kept beside a local store (kg.open_index)."""
    opened = read_opened(store)
    return Snapshot(store, opened.entities, opened.keys, load_ontology(), opened.statements, opened.digest)
