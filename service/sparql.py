"""The SPARQL 1.1 Protocol endpoint: read-only queries by GET, POST form or POST application/sparql-query,
answered in the format the Accept header prefers, the body streamed as the query process writes it; a
service description when there is no query; CORS headers so that browser clients such as YASGUI can use it.
Queries run isolated (kg.sparql)."""

import math
import re
from urllib.parse import unquote_to_bytes

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, request
from werkzeug.exceptions import RequestEntityTooLarge, UnsupportedMediaType

from kg.errors import BadQuery, Forbidden
from kg.safety import READ_ONLY
from kg.sparql import GRAPH_FORMATS, content_type, negotiate, run_user_query
from kg.stores import PREFIX_IRIS
from service.state import state

bp = Blueprint("sparql", __name__)

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
VOID = "http://rdfs.org/ns/void#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RESULT_FORMAT_NAMES = (
    "SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
    "Turtle", "N-Triples", "JSON-LD", "RDF_XML",
)  # fmt: skip
ROW_CAP_HEADER = "X-KGQA-Row-Cap"
TRUNCATED_HEADER = "X-KGQA-Truncated"
HIGH_BYTE_ESCAPE = re.compile(rb"%[89A-Fa-f][0-9A-Fa-f]")  # a %-escape of a byte outside ASCII


@bp.route("/sparql", methods=["GET", "POST"])
def sparql() -> Response:
    query = query_text()
    if query is None:
        return description()
    config, st = current_app.config, state()
    result = run_user_query(
        st.store,
        query,
        pool=st.pool,
        timeout_s=config["QUERY_TIMEOUT"],
        row_cap=config["ROW_CAP"],
        accept=request.headers.get("Accept"),
        base_iri=request.base_url,  # relative IRIs name things at this endpoint
        cache=st.results,
    )
    if isinstance(result.body, tuple):  # the whole body came with the head
        response = Response(b"".join(result.body), content_type=result.content_type)
    else:  # streamed; the server closes the body (and so frees the query process) even if the client goes
        response = Response(result.body, content_type=result.content_type, direct_passthrough=True)
    if result.head.kind == "SELECT":
        response.headers.extend(select_headers(config["ROW_CAP"], result.head.truncated))
    return response


def query_text() -> str | None:
    """The query of a protocol request: None for a GET without one; Forbidden for an Update or a
    dataset named by default-graph-uri / named-graph-uri; BadQuery for text that is not UTF-8; 413 for a
    query longer than the MAX_BODY setting, however it came."""
    _check_utf8(request.query_string)
    if request.method == "POST" and request.mimetype == "application/x-www-form-urlencoded":
        _check_utf8(request.get_data())  # before the form is parsed, which consumes the body
    if request.mimetype == "application/sparql-update" or "update" in request.values:
        raise Forbidden(READ_ONLY)
    if "default-graph-uri" in request.values or "named-graph-uri" in request.values:
        raise Forbidden("default-graph-uri and named-graph-uri are not allowed: queries run over this graph")
    if request.method == "POST" and request.mimetype == "application/sparql-query":
        return _bounded(_decode(request.get_data()))
    if request.method == "POST" and request.mimetype not in ("application/x-www-form-urlencoded", ""):
        raise UnsupportedMediaType("POST a query as application/sparql-query or as an HTML form")
    queries = request.values.getlist("query")
    if len(queries) > 1:
        raise BadQuery("give one query, not several")
    if not queries and request.method == "POST":
        raise BadQuery("parameter 'query' is required")
    return _bounded(queries[0]) if queries else None


def _decode(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadQuery(f"the query is not UTF-8: byte {exc.start} cannot be decoded") from None


def _check_utf8(urlencoded: bytes) -> None:
    """Werkzeug replaces what it cannot decode in a query string or form; refuse that instead. ASCII text with no
    %-escape of a non-ASCII byte decodes to ASCII, which is UTF-8: only other text is decoded to check."""
    if urlencoded.isascii() and not HIGH_BYTE_ESCAPE.search(urlencoded):
        return
    _decode(unquote_to_bytes(urlencoded.replace(b"+", b" ")))


def _bounded(query: str) -> str:
    if len(query.encode()) >= current_app.config["MAX_BODY"]:
        raise RequestEntityTooLarge(f"the query is longer than {current_app.config['MAX_BODY'] - 1} bytes")
    return query


def description() -> Response:
    """A SPARQL service description of this endpoint and its dataset, in Turtle or another RDF format."""
    fmt = negotiate(request.headers.get("Accept"), GRAPH_FORMATS)
    sizes = state().graph_sizes
    sd, a = (lambda name: ox.NamedNode(SD + name)), ox.NamedNode(RDF_TYPE)
    triples = ox.NamedNode(VOID + "triples")
    service, default_dataset, default_graph = ox.NamedNode(request.base_url), ox.BlankNode(), ox.BlankNode()
    graph = [
        ox.Triple(service, a, sd("Service")),
        ox.Triple(service, sd("endpoint"), service),
        ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
        ox.Triple(service, sd("feature"), sd("UnionDefaultGraph")),
        *(ox.Triple(service, sd("resultFormat"), ox.NamedNode(FORMATS + name)) for name in RESULT_FORMAT_NAMES),
        ox.Triple(service, sd("defaultDataset"), default_dataset),
        ox.Triple(default_dataset, a, sd("Dataset")),
        ox.Triple(default_dataset, sd("defaultGraph"), default_graph),
        ox.Triple(default_graph, a, sd("Graph")),
        ox.Triple(default_graph, triples, _integer(sum(sizes.values()))),
    ]
    for name, size in sorted(sizes.items()):
        node, graph_node = ox.BlankNode(), ox.BlankNode()
        graph += [
            ox.Triple(default_dataset, sd("namedGraph"), node),
            ox.Triple(node, a, sd("NamedGraph")),
            ox.Triple(node, sd("name"), ox.NamedNode(name)),
            ox.Triple(node, sd("graph"), graph_node),
            ox.Triple(graph_node, a, sd("Graph")),
            ox.Triple(graph_node, triples, _integer(size)),
        ]
    prefixes = {**PREFIX_IRIS, "sd": SD, "formats": FORMATS, "void": VOID}
    body = ox.serialize(graph, format=fmt.rdf, prefixes=prefixes)
    return Response(body, content_type=content_type(fmt.media_type))


def _integer(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))


EXPOSED_HEADERS = f"{ROW_CAP_HEADER}, {TRUNCATED_HEADER}"
DEFAULT_ALLOWED_HEADERS = "Accept, Content-Type"


def cors_headers(origin: str, requested_headers: str | None) -> list[tuple[str, str]]:
    """The CORS headers of a /sparql response: any origin (or the CORS_ORIGIN setting) may query and read the
    extra headers, with the request headers a preflight asks for."""
    return [
        ("Access-Control-Allow-Origin", origin),
        ("Access-Control-Allow-Methods", "GET, POST, OPTIONS"),
        ("Access-Control-Allow-Headers", DEFAULT_ALLOWED_HEADERS if requested_headers is None else requested_headers),
        ("Access-Control-Expose-Headers", EXPOSED_HEADERS),
        ("Access-Control-Max-Age", "600"),
    ]


def select_headers(row_cap: int, truncated: bool) -> list[tuple[str, str]]:
    """What a SELECT answer says of the row cap."""
    return [(ROW_CAP_HEADER, str(row_cap)), (TRUNCATED_HEADER, "true" if truncated else "false")]


@bp.after_request
def cors(response: Response) -> Response:
    """The CORS headers on every /sparql response; 503 says when to try again."""
    for name, value in cors_headers(
        current_app.config["CORS_ORIGIN"], request.headers.get("Access-Control-Request-Headers")
    ):
        response.headers[name] = value
    response.vary.add("Accept")
    if response.status_code == 503:  # busy, or a query stopped: worth trying again after one time limit
        response.headers["Retry-After"] = str(max(1, math.ceil(current_app.config["QUERY_TIMEOUT"])))
    return response
