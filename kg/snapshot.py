"""The graph loaded for reading: one rdflib graph (the union of the sources), entity names, the networkx
projection. Built once per process; the service and `kgqa ask` answer from it."""

from dataclasses import dataclass
from pathlib import Path

import networkx as nx
from rdflib import Dataset, Graph

from kg import store
from kg.facts import EntityRecord, FactRecord, entities, facts
from kg.namespaces import PREFIXES
from kg.ontology import Ontology, load_ontology
from kg.paths import project


@dataclass
class Snapshot:
    graph: Graph
    entities: dict[str, EntityRecord]
    facts: list[FactRecord]
    nx: nx.MultiDiGraph
    ontology: Ontology

    @property
    def labels(self) -> dict[str, str]:
        return {iri: e.label for iri, e in self.entities.items()}


def load_snapshot(directory: Path) -> Snapshot:
    return snapshot_of(store.open_dataset(directory, missing_ok=False))


def snapshot_of(ds: Dataset) -> Snapshot:
    graph = Graph()
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns)
    for triple in ds.triples((None, None, None)):
        graph.add(triple)
    ents, all_facts = entities(ds), facts(ds)
    return Snapshot(graph, ents, all_facts, project(ents, all_facts), load_ontology())
