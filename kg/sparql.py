"""User SPARQL with a hard time limit, in a forked child that can neither fetch, read files nor spawn.

Oxigraph has no query timeout, so on the local stores every query runs in a child forked from this process
(the graph is shared copy-on-write). The child screens the query (kg.safety), evaluates it, caps SELECT rows
and serialises the result in the format the Accept header prefers; the parent waits on a pipe and kills the
child when the time is up. An audit hook in the child refuses file, network and process events, and an
address-space limit stops runaway memory. Queries for a SPARQL server are screened the same way, then
forwarded.
"""

import multiprocessing
import os
import resource
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import islice
from multiprocessing.connection import Connection, wait
from typing import Any, TypeVar

from rdflib import Literal, Variable, plugin
from rdflib.namespace import XSD
from rdflib.query import Result, ResultSerializer
from rdflib.serializer import Serializer

from kg.errors import BadQuery, Forbidden, KGError, NotAcceptable, QueryTimeout, QueryTooLarge
from kg.namespaces import PREFIXES
from kg.safety import screen
from kg.stores import LocalStore, RemoteStore, Store, from_json_term, to_rdflib

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


def run_user_query(
    store: Store,
    query_text: str,
    *,
    timeout_s: float,
    row_cap: int,
    accept: str | None = None,
    memory_bytes: int | None = None,
) -> QueryResult:
    """Screen, evaluate and serialise a user's query within `timeout_s` seconds: in an isolated child on the
    local stores; on a SPARQL server, forwarded once screened, the server given `timeout_s` to answer."""
    if isinstance(store, RemoteStore):
        return _answer(store, query_text, accept, row_cap, timeout_s)
    return run_isolated(
        lambda: _answer(store, query_text, accept, row_cap), timeout_s=timeout_s, memory_bytes=memory_bytes
    )


def _answer(
    store: Store, query_text: str, accept: str | None, row_cap: int, timeout_s: float | None = None
) -> QueryResult:
    query = screen(query_text)
    kind = query.algebra.name.removesuffix("Query").upper()
    fmt = negotiate(accept, GRAPH_FORMATS if kind in GRAPH_KINDS else RESULT_FORMATS)
    try:
        result = evaluate(store, query_text, kind, row_cap, timeout_s)
    except (KGError, MemoryError):
        raise
    except Exception as exc:  # a query the store cannot run
        raise BadQuery(f"the query failed: {exc}") from None
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


# ---------------------------------------------------------------------------------- the isolated child


def run_isolated(task: Callable[[], T], *, timeout_s: float, memory_bytes: int | None = None) -> T:
    """`task()` run in a forked, sandboxed child: its value, or its KGError raised here; QueryTimeout
    (the child killed) when it takes longer than `timeout_s`."""
    context = multiprocessing.get_context("fork")
    reader, writer = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(task, writer, memory_bytes), daemon=True)
    child.start()
    writer.close()
    try:
        if not wait([reader, child.sentinel], timeout_s):
            raise QueryTimeout(f"the query ran longer than {timeout_s:g} s and was stopped")
        try:
            outcome, value = reader.recv()
        except EOFError:
            raise KGError("the query process died before it answered") from None
    finally:
        reader.close()
        if child.is_alive():
            child.kill()
        child.join(timeout=5)
        if child.exitcode is None:  # under concurrent requests join can return before the child is reaped
            child.kill()
            child.join()
    if outcome == "error":
        raise value
    return value


_DENIED_EVENTS = frozenset(
    {
        "socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "socket.sendto", "socket.bind",
        "urllib.Request", "subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork",
    }
)  # fmt: skip
MODULE_SUFFIXES = (".py", ".pyc", ".so")  # a lazy import may still read these
_denied: list[str] = []  # the events refused in this (child) process


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if event in _DENIED_EVENTS or (event == "open" and not _harmless_open(args)):
        _denied.append(event)
        raise PermissionError(f"{event} is not allowed while a query runs")


def _harmless_open(args: tuple[Any, ...]) -> bool:
    path = args[0] if args else None
    return isinstance(path, int) or (isinstance(path, str | bytes) and os.fsdecode(path).endswith(MODULE_SUFFIXES))


def _limit_memory(extra_bytes: int) -> None:
    """Let the address space grow by at most `extra_bytes` beyond what the fork inherited (on Linux)."""
    try:
        with open("/proc/self/statm") as statm:
            size = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:  # no /proc: no limit
        return
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    soft = size + extra_bytes if hard == resource.RLIM_INFINITY else min(size + extra_bytes, hard)
    resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _child(task: Callable[[], Any], conn: Connection, memory_bytes: int | None) -> None:
    if memory_bytes:
        _limit_memory(memory_bytes)
    sys.addaudithook(_audit)
    message: tuple[str, Any]
    try:
        message = ("ok", task())
    except MemoryError:
        message = ("error", QueryTooLarge("the query needed more memory than it may use and was stopped"))
    except KGError as exc:
        message = ("error", exc)
    except Exception as exc:
        message = ("error", KGError(f"the query process failed: {type(exc).__name__}: {exc}"))
    if _denied:  # whatever the task made of it, even if a SILENT clause swallowed the refusal
        message = ("error", Forbidden(f"the query tried something not allowed here ({_denied[0]})"))
    conn.send(message)
    conn.close()


def _import_plugins() -> None:
    """Import the serializers in the parent, so that children do not import them afresh each time."""
    for fmt in RESULT_FORMATS:
        if fmt.name != "tsv":
            plugin.get(fmt.name, ResultSerializer)
    for fmt in GRAPH_FORMATS:
        plugin.get(fmt.name, Serializer)


_import_plugins()
