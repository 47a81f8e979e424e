"""Screening user SPARQL before it runs: read-only queries over the loaded graph, nothing fetched.

rdflib fetches SERVICE and LOAD IRIs, loads FROM / FROM NAMED IRIs that a Dataset lacks, and reads
file: IRIs like any other. So every Update is refused, and so is every query whose parse tree or
algebra has a SERVICE clause, a dataset clause or an IRI naming a local or non-HTTP resource.
"""

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from pyparsing import ParseResults
from rdflib import Literal, URIRef
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.sparql.sparql import Query

from kg.errors import BadQuery, Forbidden
from kg.namespaces import PREFIXES

# Schemes that name a local file or a non-HTTP fetch: refused wherever they appear in a query.
FORBIDDEN_SCHEMES = frozenset({"file", "ftp", "jar", "netdoc", "gopher"})
UNICODE_ESCAPE = re.compile(r"\\[uU][0-9a-fA-F]{4}")
READ_ONLY = "SPARQL Update is not allowed: this endpoint is read-only"


@lru_cache(maxsize=4096)
def screened_kind(query_text: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE for a query that passes `screen`; remembered, since rdflib takes
    milliseconds to parse a query that Oxigraph then answers in microseconds. Refusals are not remembered."""
    return str(screen(query_text).algebra.name).removesuffix("Query").upper()


def screen(query_text: str) -> Query:
    """The query parsed and translated (the project's prefixes predeclared), if it is a read-only query
    that fetches nothing; else BadQuery (not SPARQL) or Forbidden (an Update, SERVICE, FROM / FROM NAMED,
    or a file: IRI)."""
    if not query_text.strip():
        raise BadQuery("the query is empty")
    if UNICODE_ESCAPE.search(query_text):  # SPARQL decodes these before parsing; rdflib does not
        raise BadQuery("\\u and \\U escapes are not supported here: write the characters themselves")
    try:
        parsed = parseQuery(query_text)
    except Exception as exc:  # pyparsing raises ParseException; deep nesting RecursionError
        if _is_update(query_text):
            raise Forbidden(READ_ONLY) from None
        raise BadQuery(f"not a SPARQL query: {exc}") from None
    _check(parsed)
    try:
        query = translateQuery(parsed, initNs=PREFIXES)
    except Exception as exc:  # undefined prefixes, bad aggregates, ...
        raise BadQuery(f"invalid SPARQL query: {exc}") from None
    _check(query.algebra)
    return query


def _is_update(text: str) -> bool:
    try:
        return bool(parseUpdate(text).request)
    except Exception:  # neither a query nor an update: a syntax error
        return False


def _check(tree: object) -> None:
    for node in _walk(tree):
        if isinstance(node, CompValue):
            if node.name == "ServiceGraphPattern":
                raise Forbidden("SERVICE is not allowed: queries run only over this graph")
            if dict.get(node, "datasetClause"):  # CompValue.get answers names for missing keys
                raise Forbidden("FROM and FROM NAMED are not allowed: use GRAPH <iri> { ... } for one source's graph")
        elif isinstance(node, URIRef):
            _check_iri(node)
        elif isinstance(node, Literal) and node.datatype is not None:
            _check_iri(node.datatype)


def _check_iri(iri: URIRef) -> None:
    scheme = urlsplit(str(iri)).scheme.lower()
    if scheme in FORBIDDEN_SCHEMES:
        raise Forbidden(f"{scheme}: IRIs are not allowed in queries")


def _walk(tree: object) -> Iterator[Any]:
    """Every node of a parse tree or algebra: CompValues, lists, ParseResults and the terms in them."""
    stack, seen = [tree], {}
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen[id(node)] = node  # held, so that its id is not reused while walking
        yield node
        if isinstance(node, dict):  # CompValue and Expr are dicts
            stack.extend(dict.values(node))
        elif isinstance(node, ParseResults):
            stack.extend(node)
            stack.extend(node.values())
        elif isinstance(node, list | tuple | set | frozenset):
            stack.extend(node)
