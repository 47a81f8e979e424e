"""User SPARQL with a hard time limit, in sandboxed processes that can neither fetch, read files nor spawn.

Oxigraph has no query timeout, so on the local stores every query runs in a pre-forked child (kg.pool; the
graph is shared copy-on-write). The child screens the query (kg.safety), evaluates it, caps SELECT rows and
serialises the result in the format the Accept header prefers; the parent waits on a pipe and kills the child
when the time is up. An audit hook in the child refuses file, network and process events, and an
address-space limit stops runaway memory (kg.sandbox). Queries for a SPARQL server are screened the same way,
then forwarded.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from itertools import islice
from typing import Any, TypeVar

from rdflib import Literal, Variable, plugin
from rdflib.namespace import XSD
from rdflib.query import Result, ResultSerializer
from rdflib.serializer import Serializer

from kg.errors import NotAcceptable
from kg.namespaces import PREFIXES
from kg.pool import IsolatedPool
from kg.safety import screen
from kg.stores import LocalStore, RemoteStore, Store, engine_error, from_json_term, to_rdflib

T = TypeVar("T")


@dataclass(frozen=True)
class Format:
    media_type: str
    name: str  # the rdflib serializer, or "tsv"


RESULT_FORMATS = (  # SELECT and ASK; the first is the default
    Format("application/sparql-results+json", "json"),
    Format("application/sparql-results+xml", "xml"),
    Format("text/csv", "csv"),
    Format("text/tab-separated-values", "tsv"),
    Format("application/json", "json"),
    Format("application/xml", "xml"),
)
GRAPH_FORMATS = (  # CONSTRUCT and DESCRIBE
    Format("text/turtle", "turtle"),
    Format("application/n-triples", "nt"),
    Format("application/ld+json", "json-ld"),
    Format("application/rdf+xml", "xml"),
)
GRAPH_KINDS = ("CONSTRUCT", "DESCRIBE")


@dataclass(frozen=True)
class QueryResult:
    kind: str  # SELECT, ASK, CONSTRUCT or DESCRIBE
    media_type: str
    body: bytes
    rows: int | None = None  # SELECT: rows in the body
    truncated: bool = False  # SELECT: more rows matched than the row cap

    @property
    def content_type(self) -> str:
        return content_type(self.media_type)


def content_type(media_type: str) -> str:
    """The Content-Type header for a media type: text and XML types say that they are UTF-8."""
    textual = media_type.startswith("text/") or media_type.endswith("xml")
    return f"{media_type}; charset=utf-8" if textual else media_type


def negotiate(accept: str | None, formats: Sequence[Format]) -> Format:
    """The format the Accept header rates highest (ties go to the earlier format); NotAcceptable if none."""
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


UserQuery = tuple[str, str | None, int]  # query text, Accept header, row cap
QueryPool = IsolatedPool[UserQuery, QueryResult]


def query_pool(store: Store, *, size: int, memory_bytes: int | None = None) -> QueryPool | None:
    """The sandboxed processes that answer user queries on a local store; None for a SPARQL server (its
    queries are forwarded from this process, which may open sockets)."""
    if isinstance(store, RemoteStore):
        return None
    return IsolatedPool(lambda: partial(_answer_request, store), size=size, memory_bytes=memory_bytes)


def _answer_request(store: Store, request: UserQuery) -> QueryResult:
    return _answer(store, *request)


def run_user_query(
    store: Store,
    query_text: str,
    *,
    pool: QueryPool | None,
    timeout_s: float,
    row_cap: int,
    accept: str | None = None,
) -> QueryResult:
    """Screen, evaluate and serialise a user's query within `timeout_s` seconds: in a sandboxed process of
    `pool` on the local stores; on a SPARQL server, forwarded once screened, the server given `timeout_s`."""
    if pool is None:
        return _answer(store, query_text, accept, row_cap, timeout_s)
    return pool.call((query_text, accept, row_cap), timeout_s=timeout_s)


def _answer(
    store: Store, query_text: str, accept: str | None, row_cap: int, timeout_s: float | None = None
) -> QueryResult:
    screened = screen(query_text)
    kind = screened.kind
    fmt = negotiate(accept, GRAPH_FORMATS if kind in GRAPH_KINDS else RESULT_FORMATS)
    try:
        result = evaluate(store, screened.text, kind, row_cap, timeout_s)
    except MemoryError:
        raise
    except Exception as exc:  # a query the store cannot run; its text may name files or addresses
        raise engine_error(exc) from None
    if kind != "SELECT":
        return QueryResult(kind, fmt.media_type, _serialise(result, fmt))
    rows = len(result.bindings)
    shown = min(rows, row_cap)
    result.bindings = result.bindings[:row_cap]
    return QueryResult(kind, fmt.media_type, _serialise(result, fmt), shown, rows > row_cap)


def evaluate(store: Store, query_text: str, kind: str, row_cap: int, timeout_s: float | None = None) -> Result:
    """The query's result as an rdflib Result; a SELECT stops after `row_cap` + 1 rows. A SPARQL server is
    given `timeout_s` to answer."""
    result = Result(kind)
    if isinstance(store, RemoteStore):
        if kind in GRAPH_KINDS:
            result.graph = store.construct(query_text, timeout_s)
            return result
        body = store.select_json(query_text, timeout_s)
        if kind == "ASK":
            result.askAnswer = bool(body["boolean"])
        else:
            result.vars = [Variable(v) for v in body["head"]["vars"]]
            result.bindings = [
                {Variable(k): from_json_term(v) for k, v in row.items()}
                for row in islice(body["results"]["bindings"], row_cap + 1)
            ]
    elif kind in GRAPH_KINDS:
        result.graph = store.construct(query_text)
    else:
        assert isinstance(store, LocalStore)
        raw = store.query(query_text)
        if kind == "ASK":
            result.askAnswer = bool(raw)
        else:
            result.vars = [Variable(v.value) for v in raw.variables]
            result.bindings = [
                {var: to_rdflib(term) for var, term in zip(result.vars, solution, strict=True) if term is not None}
                for solution in islice(raw, row_cap + 1)
            ]
    return result


def _serialise(result: Result, fmt: Format) -> bytes:
    if result.type in GRAPH_KINDS:
        assert result.graph is not None
        for prefix, ns in PREFIXES.items():
            result.graph.bind(prefix, ns)
        return result.graph.serialize(format=fmt.name, encoding="utf-8")
    if fmt.name == "tsv":
        return _tsv(result)
    if result.type == "ASK" and fmt.name == "csv":  # SPARQL defines no CSV for booleans: Jena's form
        return f"_askResult\r\n{str(bool(result.askAnswer)).lower()}\r\n".encode()
    return bytes(result.serialize(format=fmt.name) or b"")


TSV_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"})


def _tsv(result: Result) -> bytes:
    """SPARQL 1.1 TSV: a header of ?variables, then terms in Turtle syntax."""
    if result.type == "ASK":
        return f"?_askResult\n{str(bool(result.askAnswer)).lower()}\n".encode()
    names = result.vars or []
    lines = ["\t".join(f"?{v}" for v in names)]
    lines += ["\t".join(_tsv_term(row.get(v)) for v in names) for row in result.bindings]
    return ("\n".join(lines) + "\n").encode()


def _tsv_term(term: Any) -> str:
    if term is None:
        return ""
    if isinstance(term, Literal):
        text = '"' + str(term).translate(TSV_ESCAPES) + '"'
        if term.language:
            return f"{text}@{term.language}"
        return f"{text}^^<{term.datatype}>" if term.datatype and term.datatype != XSD.string else text
    return str(term.n3())


def _import_plugins() -> None:
    """Import the serializers in the parent, so that children do not import them afresh each time."""
    for fmt in RESULT_FORMATS:
        if fmt.name != "tsv":
            plugin.get(fmt.name, ResultSerializer)
    for fmt in GRAPH_FORMATS:
        plugin.get(fmt.name, Serializer)


_import_plugins()
