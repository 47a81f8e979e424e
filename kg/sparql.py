"""User SPARQL with a hard time limit, in sandboxed processes that can neither fetch, read files nor spawn.

Oxigraph has no query timeout, so on the local stores every query runs in a pre-forked child (kg.pool; the
graph is shared copy-on-write). The child screens the query (kg.safety), evaluates it, and writes the result
with Oxigraph's own serialisers in the format the Accept header prefers; the parent streams the body as the
child sends it, and kills the child when the time is up. An audit hook in the child refuses file, network and
process events, and an address-space limit stops runaway memory (kg.sandbox). Queries for a SPARQL server are
screened the same way, then forwarded; the server's answer is read and rewritten by the same serialisers.

A SELECT stops after the row cap, and whether it was cut must be known before the first byte is sent: its
solutions are first written as TSV (one line per solution, so the cap is counted on the lines as Oxigraph
writes them, and evaluation stops at the first line past it), then, for the other formats, read back and
written again, still by Oxigraph.

On the local stores the graph changes only when the store is written, so a whole answer is kept (ResultCache)
under the graph's snapshot, the text the screen passed, the format, the row cap and the base IRI: the same
query text asked again is answered from the server process without reaching the pool. The screen's reading
of each exact query text comes back with its first answer; queries that call a function whose value differs
between evaluations (RAND, NOW, UUID, STRUUID, BNODE) are never kept.
"""

import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import IO, Any, cast

import pyoxigraph as ox

from kg.bounded_cache import BoundedCache
from kg.errors import BadQuery, GraphUnavailable, KGError, NotAcceptable, QueryTimeout
from kg.pool import IsolatedPool, Stream, Streamed
from kg.safety import Screened, screen_remembered
from kg.stores import PREFIX_IRIS, LocalStore, RemoteStore, Store, engine_error

Write = Callable[[bytes], object]


@dataclass(frozen=True)
class Format:
    media_type: str
    results: ox.QueryResultsFormat | None = None  # SELECT and ASK
    rdf: ox.RdfFormat | None = None  # CONSTRUCT and DESCRIBE


RESULT_FORMATS = (  # SELECT and ASK; the first is the default
    Format("application/sparql-results+json", results=ox.QueryResultsFormat.JSON),
    Format("application/sparql-results+xml", results=ox.QueryResultsFormat.XML),
    Format("text/csv", results=ox.QueryResultsFormat.CSV),
    Format("text/tab-separated-values", results=ox.QueryResultsFormat.TSV),
    Format("application/json", results=ox.QueryResultsFormat.JSON),
    Format("application/xml", results=ox.QueryResultsFormat.XML),
)
GRAPH_FORMATS = (  # CONSTRUCT and DESCRIBE
    Format("text/turtle", rdf=ox.RdfFormat.TURTLE),
    Format("application/n-triples", rdf=ox.RdfFormat.N_TRIPLES),
    Format("application/ld+json", rdf=ox.RdfFormat.JSON_LD),
    Format("application/rdf+xml", rdf=ox.RdfFormat.RDF_XML),
)
GRAPH_KINDS = ("CONSTRUCT", "DESCRIBE")
REMOTE_ACCEPT = {  # what a SPARQL server is asked for
    "SELECT": "application/sparql-results+json",
    "ASK": "application/sparql-results+json",
    "GRAPH": "application/n-triples, text/turtle;q=0.9",
}


@dataclass(frozen=True)
class ResultHead:
    """What is known of a result before its body is sent."""

    kind: str  # SELECT, ASK, CONSTRUCT or DESCRIBE
    media_type: str
    rows: int | None = None  # SELECT: rows in the body
    truncated: bool = False  # SELECT: more rows matched than the row cap
    screened: Screened | None = None  # from a query process: what the screen read, if the query may be kept


@dataclass(frozen=True)
class QueryResult:
    head: ResultHead
    body: Iterable[bytes]  # the serialised result: a tuple when whole, else chunks as they come; consume or close

    @property
    def content_type(self) -> str:
        return content_type(self.head.media_type)

    def close(self) -> None:
        close = getattr(self.body, "close", None)
        if close is not None:
            close()


def content_type(media_type: str) -> str:
    """The Content-Type header for a media type: text and XML types say that they are UTF-8."""
    textual = media_type.startswith("text/") or media_type.endswith("xml")
    return f"{media_type}; charset=utf-8" if textual else media_type


@lru_cache(maxsize=256)
def negotiate(accept: str | None, formats: tuple[Format, ...]) -> Format:
    """The format the Accept header rates highest (ties go to the earlier format); NotAcceptable if none.
    Remembered: clients send few distinct Accept headers."""
    ranges = _accept_ranges(accept or "*/*")
    best, best_q = None, 0.0
    for fmt in formats:
        q = _quality(fmt.media_type, ranges)
        if q > best_q:
            best, best_q = fmt, q
    if best is None:
        offered = ", ".join(f.media_type for f in formats)
        raise NotAcceptable(f"none of the accepted types {accept!r} is offered here: {offered}")
    return best


def _accept_ranges(accept: str) -> list[tuple[str, float]]:
    ranges = []
    for part in accept.split(","):
        media, *params = (p.strip() for p in part.split(";"))
        q = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if media:
            ranges.append((media.lower(), q))
    return ranges


def _quality(media_type: str, ranges: list[tuple[str, float]]) -> float:
    """The q of the most specific range that matches the media type (0 if none does)."""
    major = media_type.split("/")[0]
    specificity, q = -1, 0.0
    for media, quality in ranges:
        rank = {media_type: 2, f"{major}/*": 1, "*/*": 0}.get(media, -1)
        if rank > specificity:
            specificity, q = rank, quality
    return q


UserQuery = tuple[str, str | None, int, str | None]  # query text, Accept header, row cap, base IRI
QueryPool = IsolatedPool[UserQuery, Any]  # the handler's Streamed arrives as a Stream
ResultKey = tuple[int, str, str, int, str | None]  # graph snapshot, screened text, media type, row cap, base IRI

MAX_KEPT_QUERY = 16 * 1024  # characters: longer query texts are neither kept nor sent back screened
VARYING = re.compile(r"(?:RAND|NOW|STRUUID|UUID|BNODE)\s*\(", re.IGNORECASE)  # a new value each evaluation


def may_keep(screened: Screened) -> bool:
    """Whether every evaluation of a screened query gives the same answer on the same graph: it calls no
    function whose value changes between evaluations (a string or name that looks like one counts too)."""
    return len(screened.text) <= MAX_KEPT_QUERY and not VARYING.search(screened.text)


class ResultCache:
    """Whole answers of the query processes, by graph snapshot, screened text, format, row cap and base IRI,
    with the screen's reading of each exact query text they answered; bounded in entries and bytes (the
    bodies, and the query texts). Holds one graph snapshot at a time: keeping an answer of another empties it.
    Only bodies that came whole with their head (up to kg.pool.CHUNK_BYTES) are kept."""

    def __init__(self, *, max_entries: int, max_bytes: int) -> None:
        self.screens: BoundedCache[str, Screened] = BoundedCache(max_entries=max_entries, max_bytes=max_bytes // 4)
        self.answers: BoundedCache[ResultKey, QueryResult] = BoundedCache(max_entries=max_entries, max_bytes=max_bytes)
        self.snapshot: int | None = None

    def key(self, snapshot: int, request: UserQuery) -> ResultKey | None:
        """Where the answer to `request` is kept, if its text was screened before; NotAcceptable as the query
        process would raise it."""
        screened = self.screens.get(request[0])
        return None if screened is None else _result_key(snapshot, screened, request)

    def get(self, snapshot: int, request: UserQuery) -> QueryResult | None:
        key = self.key(snapshot, request)
        return None if key is None else self.answers.get(key)

    def keep(self, snapshot: int, request: UserQuery, result: QueryResult) -> None:
        """Keep `result` if it is whole and its head carries what the screen read."""
        screened = result.head.screened
        if screened is None or not may_keep(screened) or not isinstance(result.body, tuple):
            return
        if snapshot != self.snapshot:
            self.screens.clear()
            self.answers.clear()
            self.snapshot = snapshot
        self.screens.put(request[0], screened, len(request[0]) + len(screened.text))
        key = _result_key(snapshot, screened, request)
        body = b"".join(result.body)
        kept = QueryResult(
            ResultHead(result.head.kind, result.head.media_type, result.head.rows, result.head.truncated), (body,)
        )
        self.answers.put(key, kept, len(body) + len(screened.text))


def query_pool(store: Store, *, size: int, memory_bytes: int | None = None) -> QueryPool | None:
    """The sandboxed processes that answer user queries on a local store; None for a SPARQL server (its
    queries are forwarded from this process, which may open sockets). While all `size` are busy, as many
    queries more wait for one, within their time limit; any further query is refused at once."""
    if isinstance(store, RemoteStore):
        return None
    return IsolatedPool(lambda: partial(_answer, store), size=size, memory_bytes=memory_bytes, max_waiting=size)


def _result_key(snapshot: int, screened: Screened, request: UserQuery) -> ResultKey:
    _, accept, row_cap, base_iri = request
    fmt = negotiate(accept, GRAPH_FORMATS if screened.kind in GRAPH_KINDS else RESULT_FORMATS)
    return (snapshot, screened.text, fmt.media_type, row_cap, base_iri)


def kept_result(store: Store, cache: ResultCache, request: UserQuery) -> QueryResult | None:
    """The whole answer `cache` holds for `request` on the local store's current graph, if any (NotAcceptable as
    run_user_query would raise it)."""
    return cache.get(store.snapshot_id, request) if isinstance(store, LocalStore) else None


def run_user_query(
    store: Store,
    query_text: str,
    *,
    pool: QueryPool | None,
    timeout_s: float,
    row_cap: int,
    accept: str | None = None,
    base_iri: str | None = None,
    cache: ResultCache | None = None,
) -> QueryResult:
    """Screen, evaluate and serialise a user's query within `timeout_s` seconds (waiting for a free process
    included, and every chunk of the body): in a sandboxed process of `pool` on the local stores, unless
    `cache` holds its answer on this graph; on a SPARQL server, forwarded once screened, the server given
    `timeout_s`. Relative IRIs resolve against `base_iri`."""
    request: UserQuery = (query_text, accept, row_cap, base_iri)
    if pool is None:
        streamed = _answer(store, request, timeout_s)
        chunks: list[bytes] = []
        with _evaluation_errors():
            streamed.produce(chunks.append)
        return QueryResult(streamed.head, tuple(chunks))
    snapshot = store.snapshot_id if isinstance(store, LocalStore) else None
    if cache is not None and (kept := kept_result(store, cache, request)) is not None:
        return kept
    stream = pool.call(request, timeout_s=timeout_s)
    assert isinstance(stream, Stream)
    result = QueryResult(stream.head, stream.chunks)
    if cache is not None and snapshot is not None:
        cache.keep(snapshot, request, result)
    return result


def _answer(store: Store, request: UserQuery, timeout_s: float | None = None) -> Streamed:
    """The head of the query's result (with what the screen read, if the answer may be kept) and how to write
    its body: the SELECT evaluated up to the row cap. The engine gets exactly the text the screen read."""
    query_text, accept, row_cap, base_iri = request
    screened = screen_remembered(query_text)  # a query process is sent the same text again when its answer is not kept
    kind, query_text = screened.kind, screened.text
    fmt = negotiate(accept, GRAPH_FORMATS if kind in GRAPH_KINDS else RESULT_FORMATS)
    head = partial(ResultHead, kind, fmt.media_type, screened=screened if may_keep(screened) else None)
    with _evaluation_errors():
        result = _evaluate(store, query_text, kind, base_iri, timeout_s)
        if kind == "SELECT":
            tsv, rows, truncated = _capped_tsv(result, row_cap)
            return Streamed(head(rows, truncated), partial(_write_solutions, tsv, fmt))
    if kind == "ASK":
        return Streamed(head(), partial(_write_boolean, result, fmt))
    return Streamed(head(), partial(_write_graph, result, fmt))


def _evaluate(store: Store, query_text: str, kind: str, base_iri: str | None, timeout_s: float | None) -> Any:
    """Oxigraph's result: QuerySolutions, QueryBoolean, or an iterable of Triples. A SPARQL server's answer
    is read by Oxigraph's parsers into the same."""
    if isinstance(store, RemoteStore):
        text = f"BASE <{base_iri}>\n{query_text}" if base_iri else query_text
        accept = REMOTE_ACCEPT["GRAPH" if kind in GRAPH_KINDS else kind]
        try:
            body, media_type = store.query_bytes(text, accept, timeout_s)
        except QueryTimeout:
            raise
        except BadQuery as exc:
            raise BadQuery(f"the SPARQL server refused the query: {exc.message}") from None  # kg.stores's words
        except KGError:
            raise GraphUnavailable("the SPARQL server failed to answer the query") from None
        if kind in GRAPH_KINDS:
            rdf = ox.RdfFormat.from_media_type(media_type) or ox.RdfFormat.N_TRIPLES
            return (quad.triple for quad in ox.parse(body, rdf))
        return ox.parse_query_results(body, ox.QueryResultsFormat.JSON)
    assert isinstance(store, LocalStore)
    return store.ox.query(query_text, prefixes=PREFIX_IRIS, base_iri=base_iri)


@contextmanager
def _evaluation_errors() -> Iterator[None]:
    """Oxigraph's errors as KGErrors whose messages name no file, address or system error."""
    try:
        yield
    except MemoryError:
        raise
    except Exception as exc:  # Oxigraph's texts may name files, addresses and OS errors
        raise engine_error(exc) from None


class _CapReached(Exception):
    """Raised into Oxigraph's serialiser to stop a SELECT one solution past the row cap."""


class _CappedLines:
    """A file that keeps Oxigraph's TSV up to `cap` solutions (one line each, after the header line) and
    stops the writing at the first byte of the next one."""

    def __init__(self, cap: int) -> None:
        self.lines_left = cap + 1  # the header's line, then a line per solution
        self.chunks: list[bytes] = []
        self.truncated = False

    def write(self, data: bytes) -> int:
        if self.truncated:  # the serialiser may try its buffer again while it unwinds
            raise _CapReached
        data = bytes(data)
        if not data:
            return 0
        lines = data.count(b"\n")
        if lines < self.lines_left or (lines == self.lines_left and data.endswith(b"\n")):
            self.lines_left -= lines
            self.chunks.append(data)
            return len(data)
        end = -1
        for _ in range(self.lines_left):
            end = data.index(b"\n", end + 1)
        self.chunks.append(data[: end + 1])
        self.truncated = True
        raise _CapReached

    def flush(self) -> None:
        pass


def _capped_tsv(solutions: Any, cap: int) -> tuple[list[bytes], int, bool]:
    """The solutions as Oxigraph's TSV, cut after `cap`; the number of rows, and whether any was cut."""
    lines = _CappedLines(cap)
    try:
        solutions.serialize(lines, ox.QueryResultsFormat.TSV)
    except _CapReached:
        pass
    except Exception:
        if not lines.truncated:
            raise
    rows = sum(chunk.count(b"\n") for chunk in lines.chunks) - 1
    return lines.chunks, rows, lines.truncated


class _Output:
    """A binary file over a write callable, for Oxigraph's serialisers."""

    def __init__(self, write: Write) -> None:
        self._write = write

    def write(self, data: bytes) -> int:
        self._write(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass


class _ChunkReader:
    """A binary file that reads a list of chunks once, letting go of each as it is read."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._chunks = deque(chunks)
        self._rest = b""

    def read(self, size: int = -1) -> bytes:
        while not self._rest and self._chunks:
            self._rest = self._chunks.popleft()
        if size < 0:
            data = self._rest + b"".join(self._chunks)
            self._chunks.clear()
            self._rest = b""
            return data
        data, self._rest = self._rest[:size], self._rest[size:]
        return data


def _output(write: Write) -> IO[bytes]:
    return cast(IO[bytes], _Output(write))


def _write_solutions(tsv: list[bytes], fmt: Format, write: Write) -> None:
    if fmt.results == ox.QueryResultsFormat.TSV:
        for n, chunk in enumerate(tsv):
            tsv[n] = b""  # let go of each chunk once written
            write(chunk)
        return
    with _evaluation_errors():
        solutions = ox.parse_query_results(cast(IO[bytes], _ChunkReader(tsv)), ox.QueryResultsFormat.TSV)
        tsv.clear()
        solutions.serialize(_output(write), fmt.results)


def _write_boolean(answer: Any, fmt: Format, write: Write) -> None:
    answer.serialize(_output(write), fmt.results)


def _write_graph(triples: Iterable[Any], fmt: Format, write: Write) -> None:
    with _evaluation_errors():
        ox.serialize(triples, _output(write), fmt.rdf, prefixes=PREFIX_IRIS)
