"""The graph loaded for reading: the store it lives in, its entity names, its facts and the networkx
projection. Built once per process; the service and `kgqa ask` answer from it."""

from dataclasses import dataclass

import networkx as nx

from kg.facts import EntityRecord, FactRecord, entities, facts
from kg.ontology import Ontology, load_ontology
from kg.paths import project
from kg.stores import Store


@dataclass
class Snapshot:
    store: Store
    entities: dict[str, EntityRecord]
    facts: list[FactRecord]
    nx: nx.MultiDiGraph
    ontology: Ontology

    @property
    def labels(self) -> dict[str, str]:
        return {iri: e.label for iri, e in self.entities.items()}


def snapshot_of(store: Store) -> Snapshot:
    ents, all_facts = entities(store), facts(store)
    return Snapshot(store, ents, all_facts, project(ents, all_facts), load_ontology())
