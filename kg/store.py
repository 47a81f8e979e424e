"""The only module that touches storage: open the graph, replace one source's named graph, save atomically.

The default store is rdflib's in-memory store, kept on disk as one N-Quads file. Every source file has
its own named graph, so re-ingesting one note replaces only that note's facts.
"""

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from rdflib import Dataset, Literal, URIRef

from kg.errors import GraphUnavailable
from kg.model import Triple
from kg.namespaces import KG, ONTOLOGY_GRAPH, PREFIXES, SOURCE_GRAPH_PREFIX, source_graph
from kg.ontology import load_ontology

GRAPH_FILE = "graph.nq"


def new_dataset() -> Dataset:
    ds = Dataset(default_union=True)
    for prefix, ns in PREFIXES.items():
        ds.bind(prefix, ns)
    return ds


def graph_file(directory: Path) -> Path:
    return Path(directory) / GRAPH_FILE


def exists(directory: Path) -> bool:
    return graph_file(directory).is_file()


def open_dataset(directory: Path, *, missing_ok: bool = True) -> Dataset:
    """Load the graph kept in `directory`; an empty one if there is none yet and `missing_ok`."""
    ds = new_dataset()
    path = graph_file(directory)
    if not path.is_file():
        if missing_ok:
            return ds
        raise GraphUnavailable(f"no graph at {path}: run `kgqa ingest` first")
    try:
        ds.parse(path, format="nquads")
    except Exception as exc:  # rdflib raises many kinds on a damaged file
        raise GraphUnavailable(f"cannot read the graph at {path}: {exc}") from exc
    return ds


def save_dataset(ds: Dataset, directory: Path) -> Path:
    """Write the graph atomically: a temporary file in the same directory, fsync, then rename over."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".graph-", suffix=".nq.tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as out:
            ds.serialize(destination=out, format="nquads")
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, graph_file(directory))
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return graph_file(directory)


def replace_source(ds: Dataset, name: str, triples: Iterable[Triple], *, sha256: str) -> None:
    """Swap in one source's named graph, with the hash of the file it was read from."""
    iri = source_graph(name)
    ds.remove_graph(ds.graph(iri))
    graph = ds.graph(iri)
    for triple in triples:
        graph.add(triple)
    graph.add((iri, KG.fileName, Literal(name)))
    graph.add((iri, KG.sha256, Literal(sha256)))


def put_ontology(ds: Dataset) -> None:
    """Keep the ontology in its own named graph so that SPARQL users can read labels and inverses."""
    ds.remove_graph(ds.graph(ONTOLOGY_GRAPH))
    graph = ds.graph(ONTOLOGY_GRAPH)
    for triple in load_ontology().graph:
        graph.add(triple)


def source_hashes(ds: Dataset) -> dict[str, str]:
    """File name -> sha256 of every source in the graph."""
    found: dict[str, str] = {}
    for graph in ds.graphs():
        iri = graph.identifier
        if isinstance(iri, URIRef) and str(iri).startswith(SOURCE_GRAPH_PREFIX):
            name, digest = graph.value(iri, KG.fileName), graph.value(iri, KG.sha256)
            if name is not None and digest is not None:
                found[str(name)] = str(digest)
    return found
