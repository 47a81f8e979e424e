"""Helpers for tests that write or read a graph directly."""

from pathlib import Path

from rdflib import Dataset, Graph
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from kg.stores import GRAPH_FILE, StoreConfig


def memory(directory: Path) -> StoreConfig:
    """The memory store kept in `directory`."""
    return StoreConfig(directory=directory)


def read_dataset(directory: Path) -> Dataset:
    """The memory store's file read by rdflib: a reader independent of the one under test."""
    return Dataset(default_union=True).parse(directory / GRAPH_FILE, format="nquads")


def named_graphs(directory: Path) -> list[Graph]:
    """The memory store's named graphs (one per source, and the ontology), read by rdflib."""
    return [g for g in read_dataset(directory).graphs() if g.identifier != DATASET_DEFAULT_GRAPH_ID]
