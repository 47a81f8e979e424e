"""Where the graph lives: one interface over three stores.

- ``memory``: Oxigraph's in-memory store, kept between runs as one N-Quads file, ``<graph dir>/graph.nq``;
- ``oxigraph``: Oxigraph's on-disk store in ``<graph dir>/oxigraph``, opened as it is, without re-reading;
- ``sparql``: any SPARQL 1.1 server (Oxigraph server, Fuseki, GraphDB, Neptune), by its query and update URLs.

Every source file has its own named graph. An ingest stages the named graphs of the files it read (N-Triples in a
temporary file, kg/ntriples.py), then loads them in bulk into a new local store (a first ingest, or a rebuild,
swapped in whole) or into the memory store; otherwise it replaces them with SPARQL Update: one transaction on
the oxigraph store, one request per batch of whole sources on a server. Reads are
SPARQL SELECTs. The default graph is kept as the union of the named graphs, as a set: queries that name no graph
mean the same on every store and server, with no union option of the server's (Oxigraph's repeats a triple once
per graph that holds it). Rows hold rdflib terms.
"""

import itertools
import json
import logging
import math
import os
import re
import shutil
import stat
import tempfile
import urllib.error
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.graph import Graph
from rdflib.namespace import XSD
from rdflib.term import Identifier, Node
from SPARQLWrapper import JSON, N3, POST, POSTDIRECTLY, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed, SPARQLWrapperException

from kg.errors import BadQuery, Forbidden, GraphUnavailable, KGError, QueryTimeout
from kg.graphdir import WriterLock, disk_error, disk_trouble, make_temp, sweep, temp_prefix
from kg.locations import DEFAULT_GRAPH_DIR, graph_dir
from kg.namespaces import KG, ONTOLOGY_GRAPH, PREFIXES, source_graph
from kg.ntriples import Block, Staging, Triple, ntriples
from kg.ontology import load_ontology

STORE_KINDS = ("memory", "oxigraph", "sparql")
GRAPH_FILE = "graph.nq"
OXIGRAPH_DIR = "oxigraph"
BATCH_TRIPLES = 50_000  # a remote update request carries whole sources up to about this many triples
UNAPPLIED_LOG_LIMIT = 64_000_000  # bytes of Oxigraph write-ahead log a reader replays before it is told to repair
REBUILD = "run `kgqa ingest --rebuild` to build it anew from the notes"
REPAIR = "run `kgqa doctor --repair` to apply them once (or `kgqa ingest --rebuild`)"
PROLOGUE = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
PREFIX_IRIS = {p: str(ns) for p, ns in PREFIXES.items()}  # queries may use these prefixes undeclared
SYNTAX_ERROR_AT = re.compile(r"error at (\d+):(\d+)")

Row = dict[str, Identifier]
Stamp = list[list[str | int]]  # a local store's files as they are: name, size, time of last change (ns)
LOG = logging.getLogger(__name__)


@dataclass(frozen=True)
class StoreConfig:
    """Which store, and where: a graph directory for memory and oxigraph, URLs for sparql."""

    kind: str = "memory"
    directory: Path = DEFAULT_GRAPH_DIR
    query_url: str = ""
    update_url: str = ""
    timeout_s: float = 30.0  # the longest a remote server may take to answer one request

    def __post_init__(self) -> None:
        if self.kind not in STORE_KINDS:
            raise ValueError(f"store must be one of {', '.join(STORE_KINDS)}, not {self.kind!r}")
        if self.kind == "sparql" and not self.query_url.startswith(("http://", "https://")):
            raise ValueError(
                f"the sparql store needs an http(s) query URL (--sparql-query-url), not {self.query_url!r}"
            )
        if self.update_url and not self.update_url.startswith(("http://", "https://")):
            raise ValueError(f"the SPARQL update URL must be http(s), not {self.update_url!r}")

    @classmethod
    def resolve(
        cls,
        kind: str | None = None,
        graph: str | os.PathLike[str] | None = None,
        query_url: str | None = None,
        update_url: str | None = None,
        environ: Mapping[str, str] = os.environ,
    ) -> "StoreConfig":
        """Each value given, else its KGQA_* variable (STORE, GRAPH, SPARQL_QUERY_URL, SPARQL_UPDATE_URL),
        else the default."""
        return cls(
            kind=kind or environ.get("KGQA_STORE") or "memory",
            directory=graph_dir(graph or environ.get("KGQA_GRAPH") or None),
            query_url=query_url or environ.get("KGQA_SPARQL_QUERY_URL", ""),
            update_url=update_url or environ.get("KGQA_SPARQL_UPDATE_URL", ""),
        )

    def describe(self) -> str:
        if self.kind == "sparql":
            return f"sparql store at {self.query_url}"
        where = self.directory / (GRAPH_FILE if self.kind == "memory" else OXIGRAPH_DIR)
        return f"{self.kind} store at {where}"


@dataclass(frozen=True)
class SourceGraph:
    """One source file's facts, to become its named graph: as triples, or as N-Triples lines already made
    (by an ingest worker). The ontology is a SourceGraph without a name."""

    name: str
    sha256: str
    triples: Sequence[Triple] = field(default=(), repr=False)
    ntriples: bytes = field(default=b"", repr=False)

    @property
    def graph(self) -> URIRef:
        return source_graph(self.name) if self.name else ONTOLOGY_GRAPH

    def lines(self) -> bytes:
        """Its named graph as N-Triples, with the file name and hash that `source_hashes` reads."""
        body = self.ntriples or ntriples(self.triples)
        if not self.name:
            return body
        iri = self.graph
        return body + ntriples([(iri, KG.fileName, Literal(self.name)), (iri, KG.sha256, Literal(self.sha256))])


class Store(ABC):
    """A graph store: named graphs per source, read with SPARQL, written with SPARQL Update."""

    stamp: Stamp | None = None  # a local reader's files as it opened them (stamp_of); None: not known

    def __init__(self, config: StoreConfig, *, rebuild: bool = False) -> None:
        self.config = config
        self.rebuild = rebuild  # the sources written next are all the graph holds

    def exists(self) -> bool:
        """Does the store hold a graph (at least one source)?"""
        return self.ask(PROLOGUE + "ASK { GRAPH ?g { ?g kg:fileName ?name } }")

    @abstractmethod
    def select(self, text: str, bindings: Mapping[str, Node] | None = None) -> list[Row]:
        """The rows of a SELECT over the union of the named graphs, with `bindings` fixed."""

    @abstractmethod
    def values(self, text: str) -> Iterator[tuple[str | None, ...]]:
        """The rows of a SELECT as lexical values (IRIs and literals alike; None where unbound), in the order
        of its variables: for reading many rows without making rdflib terms."""

    @abstractmethod
    def construct(self, text: str) -> Graph:
        """The graph a CONSTRUCT or DESCRIBE query makes."""

    @abstractmethod
    def ask(self, text: str) -> bool:
        """The answer to an ASK query."""

    @abstractmethod
    def update(self, text: str) -> None:
        """Run a SPARQL Update as one request (one transaction where the store has them)."""

    def commit(self) -> None:  # noqa: B027 (a store that writes through has nothing to do)
        """Make the writes so far durable."""

    def close(self) -> None:  # noqa: B027 (a store that holds nothing open has nothing to do)
        """Let go of files and connections."""

    def replace_sources(self, sources: Iterable[SourceGraph]) -> None:
        """Swap in each source's named graph and the ontology graph, and keep the default graph their union.
        The sources are staged as they come (one at a time in memory), and the store is written only when all
        are staged, so a failed ingest leaves the previous graph."""
        staged = stage(sources)
        try:
            self.replace_staged(staged)
        finally:
            staged.close()

    def replace_staged(self, staged: Staging) -> None:
        """Swap in the named graphs staged (see `stage`), and commit."""
        self._replace(staged)
        self.commit()

    def _replace(self, staged: Staging) -> None:
        """SPARQL Update: on the local stores one update, so one transaction; a rebuild drops every other source
        first."""
        others = {str(source_graph(name)) for name in self.source_hashes()} - {b.graph for b in staged.blocks}
        for iri in others if self.rebuild else ():
            self.update(f"DROP SILENT GRAPH <{iri}>")
        everything = self.rebuild or not others  # no other source stays
        for n, batch in enumerate(self._batches(staged.blocks)):
            graphs = [(b.graph, staged.read(b).decode("utf-8")) for b in batch]
            self.update(replace_graphs_update(graphs, drop_union=everything and n == 0))

    def _batches(self, blocks: Sequence[Block]) -> Iterator[Sequence[Block]]:
        yield blocks

    def source_hashes(self) -> dict[str, str]:
        """File name -> sha256 of every source in the store."""
        rows = self.select(PROLOGUE + "SELECT ?name ?sha WHERE { GRAPH ?g { ?g kg:fileName ?name ; kg:sha256 ?sha } }")
        return {str(r["name"]): str(r["sha"]) for r in rows}

    def graph_sizes(self) -> dict[str, int]:
        """Named graph IRI -> number of triples in it."""
        rows = self.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        return {str(r["g"]): int(str(r["n"])) for r in rows}

    def quads(self) -> Iterator[tuple[Node, Node, Node, URIRef]]:
        """Every statement with its named graph, for export."""
        for r in self.select("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"):
            yield r["s"], r["p"], r["o"], URIRef(str(r["g"]))


def ontology_source() -> SourceGraph:
    """The ontology, written with the sources into its own named graph (a SourceGraph without a name)."""
    return SourceGraph("", "", [*load_ontology().graph])


class LoadedStaging(Staging):
    """Staged graphs also bulk-loaded, as they come, into a new in-memory Oxigraph store (made with the first
    graph, after any local processes have forked). A memory store that takes every graph anew takes this store
    whole, so the loading is done while the next notes are extracted, not after the last."""

    def __init__(self) -> None:
        super().__init__()
        self.store: ox.Store | None = None

    def add(self, graph: str, lines: bytes) -> None:
        super().add(graph, lines)
        if self.store is None:
            self.store = ox.Store()
        load_graph(self.store, graph, lines)


def load_graph(store: ox.Store, graph: str, lines: bytes) -> None:
    """A source's N-Triples into its named graph, and the same lines into the default graph (the union, as a set:
    the store keeps a triple once), checked once."""
    store.load(lines, ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graph))
    store.load(lines, ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph(), lenient=True)


def stage(sources: Iterable[SourceGraph], *, into: StoreConfig | None = None, rebuild: bool = False) -> Staging:
    """The sources' named graphs and the ontology's, staged as they come; a disk error as one line. Staged `into`
    a memory store that will take every graph anew (a rebuild, or no graph yet), they are loaded as they come."""
    anew = into is not None and into.kind == "memory" and (rebuild or not (into.directory / GRAPH_FILE).exists())
    staged = LoadedStaging() if anew else Staging()
    try:
        for source in itertools.chain(sources, [ontology_source()]):
            lines = source.lines()
            try:
                staged.add(str(source.graph), lines)
            except OSError as exc:
                raise disk_error(Path(tempfile.gettempdir()), exc, "stage the graph") from None
    except BaseException:
        staged.close()
        raise
    return staged


def replace_graphs_update(graphs: Sequence[tuple[str, str]], *, drop_union: bool = False) -> str:
    """One SPARQL Update that replaces each named graph's triples (given as N-Triples text; none: the graph is
    dropped) and keeps the default graph the union of all named graphs: it loses the old triples no other graph
    states and gains the new ones. `drop_union` starts the default graph afresh, for when every named graph is
    being replaced."""
    names = " ".join(f"<{iri}>" for iri, _ in graphs)
    if drop_union:
        parts = ["DROP SILENT DEFAULT"]
    else:
        parts = [
            f"DELETE {{ ?s ?p ?o }} WHERE {{ VALUES ?old {{ {names} }} GRAPH ?old {{ ?s ?p ?o }} "
            f"FILTER NOT EXISTS {{ GRAPH ?other {{ ?s ?p ?o }} FILTER(?other NOT IN ({names.replace(' ', ', ')})) }} }}"
        ]
    for iri, body in graphs:
        parts.append(f"DROP SILENT GRAPH <{iri}>")
        if body.strip():
            parts.append(f"INSERT DATA {{ GRAPH <{iri}> {{\n{body}\n}} }}")
    if any(body.strip() for _, body in graphs):
        parts.append(f"INSERT {{ ?s ?p ?o }} WHERE {{ VALUES ?new {{ {names} }} GRAPH ?new {{ ?s ?p ?o }} }}")
    return " ;\n".join(parts)


def open_store(config: StoreConfig, *, write: bool = False, rebuild: bool = False) -> Store:
    """The store `config` names. Reading a store that holds no graph is GraphUnavailable; `write` opens
    (or creates) it for an ingest, holding the graph directory's writer lock until it is closed; `rebuild`
    starts an empty graph that replaces the old one, whatever its state, when it is committed."""
    if config.kind == "sparql":
        store: Store = RemoteStore(config, rebuild=rebuild)
    else:
        store = LocalStore(config, write=write or rebuild, rebuild=rebuild)
    if not write and not store.exists():
        store.close()
        raise GraphUnavailable(f"no graph in the {config.describe()}: run `kgqa ingest` first")
    return store


# ------------------------------------------------------------------------------------------ Oxigraph


def to_rdflib(term: Any) -> Identifier:
    """An Oxigraph term as the rdflib term it names."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return Literal(term.value, datatype=None if datatype == str(XSD.string) else URIRef(datatype))
    raise TypeError(f"no rdflib term for {term!r}")


_SNAPSHOTS = itertools.count(1)


class LocalStore(Store):
    """Oxigraph in this process: in memory (loaded from, and saved to, graph.nq) or on disk. A writer holds
    the graph directory's lock; every open sweeps the temporary files of writers that died. `snapshot_id`
    names the graph it holds: it differs between opens and changes with every write, so what was computed
    from one graph can be kept under it (kg.sparql's answers)."""

    def __init__(self, config: StoreConfig, *, write: bool = False, rebuild: bool = False) -> None:
        super().__init__(config, rebuild=rebuild)
        self.path = config.directory / (GRAPH_FILE if config.kind == "memory" else OXIGRAPH_DIR)
        self.dirty = False
        self.snapshot_id = next(_SNAPSHOTS)
        self.compacted = False  # on disk: written, so its applied logs are deleted on close
        self.building: Path | None = None  # the new on-disk store a rebuild writes, until it replaces the old
        self.lock = WriterLock(config.directory) if write else None
        self.stamp = None if write else stamp_of(config)  # a reader's: what was computed from it may be kept under it
        try:
            if self.lock:
                self.lock.acquire()
            sweep(config.directory)
            self.ox = self._open(write)
        except OSError as exc:
            self._let_go()
            raise disk_error(self.path, exc, "open the graph") from None
        except BaseException:
            self._let_go()
            raise

    def _open(self, write: bool) -> ox.Store:
        if self.config.kind == "memory":
            store = ox.Store()
            if not self.rebuild and self.path.exists():
                if not self.path.is_file():
                    raise GraphUnavailable(f"{self.path}: not a file, so not a graph — {REBUILD}")
                try:
                    store.bulk_load(path=self.path, format=ox.RdfFormat.N_QUADS)
                except (SyntaxError, ValueError, RuntimeError) as exc:  # pyoxigraph's errors for a bad file
                    raise GraphUnavailable(f"{self.path}: damaged ({_first_line(exc)}) — {REBUILD}") from None
            return store
        if self.rebuild:
            return self._new_building()
        if self.path.exists() and not self.path.is_dir():
            raise GraphUnavailable(f"{self.path}: not a directory, so not an Oxigraph store — {REBUILD}")
        if not write:
            if not self.path.is_dir():
                raise GraphUnavailable(f"no graph in the {self.config.describe()}: run `kgqa ingest --store oxigraph`")
            if (waiting := unapplied_log_bytes(self.path)) > UNAPPLIED_LOG_LIMIT:
                raise GraphUnavailable(
                    f"{self.path}: needs recovery: {waiting / 1e6:,.0f} MB of writes left unapplied by an ingest "
                    f"that stopped (or is still running), which every reader would replay first — {REPAIR}"
                )
        try:
            if not write:
                return ox.Store.read_only(str(self.path))  # readers do not take the writer's lock
            self.path.mkdir(parents=True, exist_ok=True)
            return ox.Store(str(self.path))
        except (SyntaxError, ValueError, RuntimeError) as exc:
            raise GraphUnavailable(f"{self.path}: cannot open ({_first_line(exc)}) — {REBUILD}") from None
        except OSError as exc:
            if not disk_trouble(exc):  # RocksDB's errors about the files it finds
                raise GraphUnavailable(f"{self.path}: damaged ({_first_line(exc)}) — {REBUILD}") from None
            raise

    def _new_building(self) -> ox.Store:
        """A new on-disk store beside the old one, which it replaces when committed."""
        self.building = Path(tempfile.mkdtemp(prefix=temp_prefix("oxigraph"), suffix=".tmp", dir=self.path.parent))
        return ox.Store(str(self.building))

    def _replace(self, staged: Staging) -> None:
        """An on-disk store that holds no source yet (or a rebuild) is bulk-loaded from the staged N-Quads, each
        triple also in the default graph (the union, as a set), into a new store that takes the old one's place
        at commit, so a failed load leaves the previous store; one that holds sources replaces them with one SPARQL
        Update, one transaction. The memory store drops the replaced graphs (or, when every graph is replaced,
        starts afresh) and loads the new ones (nothing is saved until the commit)."""
        fresh = self.rebuild or not self.exists()
        if self.config.kind == "memory":
            self._replace_in_memory(staged, fresh)
            return
        if fresh and not self.building:
            del self.ox
            self.ox = self._new_building()
        elif not fresh:
            super()._replace(staged)
            return
        for load in staged.loads():  # into a new store: a failed load leaves the old one
            self._write(partial(self.ox.bulk_load, load, format=ox.RdfFormat.N_QUADS))

    def _replace_in_memory(self, staged: Staging, fresh: bool) -> None:
        """Each source's graph loaded (load_graph); nothing is saved until the commit. A store
        loaded while staged (LoadedStaging) is taken whole when it will hold every graph."""
        loaded = staged.store if isinstance(staged, LoadedStaging) else None
        if not fresh and {g.value for g in self.ox.named_graphs()} <= {b.graph for b in staged.blocks}:
            self.ox = ox.Store()  # every graph is replaced: loaded as a first ingest is
        elif not fresh:
            self.update(replace_graphs_update([(b.graph, "") for b in staged.blocks]))
            loaded = None  # the graphs of other sources stay: the staged ones are loaded beside them
        if loaded is not None:  # loaded while staged
            self.ox, self.dirty, self.snapshot_id = loaded, True, next(_SNAPSHOTS)
            return
        for block in staged.blocks:
            self._write(partial(load_graph, self.ox, block.graph, staged.read(block)))

    def query(self, text: str) -> Any:
        """Oxigraph's own result for a query (its default graph is the union of the named graphs)."""
        try:
            return self.ox.query(text, prefixes=PREFIX_IRIS)
        except Exception as exc:  # SyntaxError, OSError or RuntimeError
            raise engine_error(exc) from None

    def select(self, text: str, bindings: Mapping[str, Node] | None = None) -> list[Row]:
        solutions = self.query(inline_values(text, bindings or {}))
        names = [v.value for v in solutions.variables]
        return [
            {n: to_rdflib(t) for n, t in zip(names, solution, strict=True) if t is not None} for solution in solutions
        ]

    def values(self, text: str) -> Iterator[tuple[str | None, ...]]:
        for solution in self.query(text):
            yield tuple(None if term is None else term.value for term in solution)

    def construct(self, text: str) -> Graph:
        graph = Graph()
        for triple in self.query(text):
            graph.add((to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object)))
        return graph

    def ask(self, text: str) -> bool:
        return bool(self.query(text))

    def update(self, text: str) -> None:
        self._write(lambda: self.ox.update(text))

    def _write(self, write: Callable[[], object]) -> None:
        """One transaction; on disk, its disk errors as one line."""
        try:
            write()
        except OSError as exc:
            raise disk_error(self.building or self.path, exc, "write the graph") from None
        finally:
            self.snapshot_id = next(_SNAPSHOTS)  # even a failed write may have changed it
        self.dirty = True

    def commit(self) -> None:
        """The memory store: graph.nq written anew and renamed over the old. The oxigraph store: its
        transactions have committed; then its write-ahead log is applied and compacted (failing that is a
        warning: the graph is whole), and a rebuilt store takes the old one's place."""
        if not self.dirty:
            return
        self.dirty = False
        if self.config.kind == "memory":
            self._save()
            return
        try:
            self.compact()
        except OSError as exc:
            LOG.warning(
                "%s: the graph is written, but compacting it failed (%s) — run `kgqa doctor --repair` later",
                self.path,
                _first_line(exc),
            )
        if self.building:
            self._swap_in()

    def compact(self) -> None:
        """On disk: apply the write-ahead log to the store's files and compact them, so that no log outlives
        its writer and readers open the store at once."""
        self.ox.flush()
        self.ox.optimize()
        self.compacted = True

    def _save(self) -> None:
        """Write graph.nq atomically: a temporary file in the same directory, fsync, then rename over; the
        file keeps its mode (0644 for a new one)."""
        fd, tmp = -1, None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            mode = _mode_of(self.path)
            fd, tmp = make_temp(self.path.parent, "graph", ".nq.tmp")
            os.fchmod(fd, mode)
            with os.fdopen(fd, "wb") as out:
                fd = -1
                self.ox.dump(out, format=ox.RdfFormat.N_QUADS)
                out.flush()
                os.fsync(out.fileno())
            if self.rebuild and self.path.is_dir() and not self.path.is_symlink():
                shutil.rmtree(self.path)  # the damaged graph a rebuild replaces
            os.replace(tmp, self.path)
        except OSError as exc:
            _discard(fd, tmp)
            raise disk_error(self.path, exc, "write the graph") from None
        except BaseException:
            _discard(fd, tmp)
            raise

    def _swap_in(self) -> None:
        """The rebuilt on-disk store takes the old one's place (which is removed, whatever its state)."""
        assert self.building
        del self.ox
        try:
            if self.path.exists() or self.path.is_symlink():
                old = Path(tempfile.mkdtemp(prefix=temp_prefix("replaced"), suffix=".tmp", dir=self.path.parent))
                self.path.rename(old / OXIGRAPH_DIR)
                self.building.rename(self.path)
                shutil.rmtree(old, ignore_errors=True)
            else:
                self.building.rename(self.path)
        except OSError as exc:
            raise disk_error(self.path, exc, "put the rebuilt graph in place") from None
        self.building = None
        self.ox = ox.Store(str(self.path))

    def close(self) -> None:
        if hasattr(self, "ox"):
            del self.ox
        try:
            if self.compacted:
                ox.Store(str(self.path))  # opening as a writer deletes the log files already applied
                trim_info_logs(self.path)
        except OSError as exc:
            LOG.warning("%s: could not tidy the store's applied logs (%s)", self.path, _first_line(exc))
        finally:
            self._let_go()
        if self.compacted:  # written: what a reader reads from the whole graph to open it, kept beside it at once
            from kg.open_index import refresh  # it reads the graph through this module

            try:
                refresh(self.config)
            except KGError as exc:
                LOG.warning("%s: the graph's open index was not written (%s)", self.path, exc)

    def _let_go(self) -> None:
        if self.building:
            shutil.rmtree(self.building, ignore_errors=True)  # a rebuild that never committed
            self.building = None
        if self.lock:
            self.lock.release()
            self.lock = None


def stamp_of(config: StoreConfig) -> Stamp | None:
    """The stamp of a local store's files: graph.nq, or every file of the on-disk store but RocksDB's diagnostic
    logs and lock (which a reader's open may touch); None for a server's store, or files that cannot be read."""
    if config.kind == "sparql":
        return None
    path = config.directory / (GRAPH_FILE if config.kind == "memory" else OXIGRAPH_DIR)
    try:
        files = [path] if config.kind == "memory" else sorted(path.iterdir())
        return [
            [f.name, st.st_size, st.st_mtime_ns]
            for f in files
            if not f.name.startswith(("LOG", "LOCK"))
            for st in [f.stat()]
        ]
    except OSError:
        return None


def unapplied_log_bytes(directory: Path) -> int:
    """Bytes of write-ahead log in an on-disk Oxigraph store: after a clean write there is next to none."""
    try:
        return sum(f.stat().st_size for f in directory.glob("*.log"))
    except OSError:
        return 0


def trim_info_logs(directory: Path, keep: int = 2) -> None:
    """Remove all but the newest `keep` of RocksDB's old diagnostic logs (LOG.old.*): one is left by every
    writer's open, and RocksDB keeps up to a thousand."""
    for old in sorted(directory.glob("LOG.old.*"), key=lambda f: f.name)[:-keep]:
        old.unlink(missing_ok=True)


def _mode_of(path: Path) -> int:
    try:
        info = path.stat()
    except OSError:
        return 0o644
    return stat.S_IMODE(info.st_mode) if stat.S_ISREG(info.st_mode) else 0o644


def _discard(fd: int, tmp: Path | None) -> None:
    if fd >= 0:
        os.close(fd)
    if tmp:
        tmp.unlink(missing_ok=True)


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def engine_error(exc: Exception) -> KGError:
    """What a client is told when Oxigraph fails a query: where a syntax error is, else only what kind of
    failure it was. Oxigraph's own texts may name files, addresses and OS errors, so they are not passed on."""
    if isinstance(exc, KGError):
        return exc
    if isinstance(exc, SyntaxError):
        found = SYNTAX_ERROR_AT.match(str(exc))
        where = f" at line {found[1]}, column {found[2]}" if found else ""
        return BadQuery(f"the query does not parse{where}")
    if isinstance(exc, PermissionError):
        return Forbidden("the query tried something not allowed here")
    if isinstance(exc, OSError):
        return GraphUnavailable("the graph store failed while answering the query")
    return BadQuery("the query cannot be evaluated here: it uses a function or a feature this endpoint lacks")


# ------------------------------------------------------------------------------------ a SPARQL server


def from_json_term(term: Mapping[str, str]) -> Identifier:
    """A term of the SPARQL 1.1 Query Results JSON format."""
    kind, value = term["type"], term["value"]
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        return BNode(value)
    if "xml:lang" in term:
        return Literal(value, lang=term["xml:lang"])
    datatype = term.get("datatype")
    return Literal(value, datatype=URIRef(datatype) if datatype and datatype != str(XSD.string) else None)


def inline_values(text: str, bindings: Mapping[str, Node]) -> str:
    """The query with each binding written in as a VALUES clause at the start of its WHERE block."""
    if not bindings:
        return text
    head, found, body = text.partition("WHERE {")
    if not found:
        raise ValueError("bindings need a query with a 'WHERE {' block")
    values = "".join(f"  VALUES ?{k} {{ {v.n3()} }}\n" for k, v in bindings.items())
    return f"{head}WHERE {{\n{values}{body}"


class RemoteStore(Store):
    """A SPARQL 1.1 server: queries by the Protocol, writes by SPARQL Update; nothing kept here."""

    def _client(self, timeout_s: float | None = None) -> SPARQLWrapper:
        client = SPARQLWrapper(self.config.query_url, updateEndpoint=self.config.update_url or None)
        client.setMethod(POST)
        client.setRequestMethod(POSTDIRECTLY)
        client.setTimeout(max(1, math.ceil(timeout_s or self.config.timeout_s)))
        return client

    def _request(self, text: str, fmt: str, timeout_s: float | None = None) -> Any:
        return self._response(text, fmt, timeout_s).read()

    def _response(self, text: str, fmt: str, timeout_s: float | None = None, accept: str | None = None) -> Any:
        client = self._client(timeout_s)
        client.setQuery(text)
        client.setReturnFormat(fmt)
        if accept:
            client.addCustomHttpHeader("Accept", accept)
        return self._send(client, "query").response

    def query_bytes(self, text: str, accept: str, timeout_s: float | None = None) -> tuple[bytes, str]:
        """The server's answer to a query (the project's prefixes predeclared) as it came, asked for in the
        media types `accept` names, and the media type it came in."""
        response = self._response(PROLOGUE + text, JSON if "json" in accept else N3, timeout_s, accept)
        media_type = (response.headers.get("Content-Type") or "").partition(";")[0].strip().lower()
        return response.read(), media_type

    def _send(self, client: SPARQLWrapper, verb: str) -> Any:
        """The server's response to a query or update; its failures as KGErrors with a status."""
        url = self.config.update_url if verb == "update" else self.config.query_url
        try:
            return client.query()
        except TimeoutError:
            raise QueryTimeout(f"the SPARQL server did not answer within {client.timeout} s") from None
        except QueryBadFormed as exc:
            LOG.warning("the SPARQL server at %s refused the %s: %s", url, verb, exc)
            raise BadQuery(f"the SPARQL server refused the {verb} as malformed") from None
        except urllib.error.HTTPError as exc:
            raise _server_error(exc, url) from None
        except (OSError, SPARQLWrapperException) as exc:
            LOG.warning("cannot %s the SPARQL server at %s: %s", verb, url, exc)
            raise GraphUnavailable(f"cannot {verb} the SPARQL server") from None

    def select(self, text: str, bindings: Mapping[str, Node] | None = None) -> list[Row]:
        body = json.loads(self._request(PROLOGUE + inline_values(text, bindings or {}), JSON))
        return [{k: from_json_term(v) for k, v in b.items()} for b in body["results"]["bindings"]]

    def values(self, text: str) -> Iterator[tuple[str | None, ...]]:
        body = self.select_json(text)
        names = body["head"]["vars"]
        for row in body["results"]["bindings"]:
            yield tuple(row[n]["value"] if n in row else None for n in names)

    def select_json(self, text: str, timeout_s: float | None = None) -> dict[str, Any]:
        """The server's SPARQL JSON results for a SELECT or ASK, as they came."""
        result: dict[str, Any] = json.loads(self._request(PROLOGUE + text, JSON, timeout_s))
        return result

    def construct(self, text: str, timeout_s: float | None = None) -> Graph:
        return Graph().parse(data=self._request(PROLOGUE + text, N3, timeout_s), format="turtle")

    def ask(self, text: str) -> bool:
        return bool(self.select_json(text)["boolean"])

    def update(self, text: str) -> None:
        if not self.config.update_url:
            raise KGError("the sparql store needs an update URL (--sparql-update-url) to ingest", status=400)
        client = self._client()
        client.setQuery(text)
        self._send(client, "update")

    def _batches(self, blocks: Sequence[Block]) -> Iterator[Sequence[Block]]:
        batch: list[Block] = []
        size = 0
        for block in blocks:
            if batch and size + block.triples > BATCH_TRIPLES:
                yield batch
                batch, size = [], 0
            batch.append(block)
            size += block.triples
        if batch:
            yield batch


def _server_error(exc: urllib.error.HTTPError, url: str) -> KGError:
    """The server's status for the client; its own words, which may name its files, only for the log."""
    LOG.warning("the SPARQL server at %s answered %s: %s", url, exc.code, exc.read().decode("utf-8", "replace")[:500])
    if 400 <= exc.code < 500:
        return BadQuery(f"the SPARQL server refused the request ({exc.code})")
    return GraphUnavailable(f"the SPARQL server failed ({exc.code})")


def serialize(store: Store, rdflib_format: str) -> bytes:
    """The whole graph in an rdflib format: TriG and N-Quads keep the named graphs, the others get their union."""
    from rdflib import Dataset

    named = rdflib_format in ("trig", "nquads")
    graph: Graph = Dataset() if named else Graph()
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns)
    for s, p, o, g in store.quads():
        graph.add((s, p, o, g) if named else (s, p, o))  # type: ignore[arg-type]
    return graph.serialize(format=rdflib_format, encoding="utf-8")
