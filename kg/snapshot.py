"""The graph loaded for reading: the store it lives in, its entity names and what its facts are. Built once per
process; the service and `kgqa ask` answer from it. The facts with all their evidence and the networkx
projection are read on first use, so that a large store opens in seconds."""

from dataclasses import dataclass
from functools import cached_property

import networkx as nx

from kg.facts import EntityRecord, FactKey, FactRecord, entities, fact_keys, facts
from kg.ontology import Ontology, load_ontology
from kg.paths import project
from kg.stores import Store


@dataclass
class Snapshot:
    store: Store
    entities: dict[str, EntityRecord]
    keys: list[FactKey]
    ontology: Ontology

    @cached_property
    def facts(self) -> list[FactRecord]:
        return facts(self.store)

    @cached_property
    def nx(self) -> nx.MultiDiGraph:
        return project(self.entities, self.facts)


def snapshot_of(store: Store) -> Snapshot:
    return Snapshot(store, entities(store), fact_keys(store), load_ontology())
