"""Repeated /sparql queries answered before Flask runs: a plain `GET /sparql?query=...` whose whole answer the
worker's result cache (kg.sparql.ResultCache) already holds is sent from the WSGI environ, with the headers the
endpoint would send, at a fraction of the cost of the Flask request cycle. Every other request, and every query
not yet answered on this graph, goes through the app as before: its limits, screen, pool and JSON errors."""

from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import unquote_plus

from flask import Flask
from werkzeug.exceptions import HTTPException
from werkzeug.wsgi import get_current_url

from kg.errors import KGError
from kg.sparql import kept_result
from service import plain_get
from service.sparql import HIGH_BYTE_ESCAPE, cors_headers, select_headers
from service.state import EXTENSION, State

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
PATH = "/sparql"
PREFIX = "query="
BASE_IRIS = 64  # the base IRIs a worker keeps, by the parts of the request that make one


def plain_query(environ: dict[str, Any], max_body: int) -> str | None:
    """The query of a request the endpoint would take as it is: GET /sparql with one `query` parameter of ASCII
    text (non-ASCII characters %-escaped as UTF-8 would be too, but are left to the app to check), no body, and
    within the URL, header and body limits; else None."""
    qs = environ.get("QUERY_STRING", "")
    if (
        environ.get("PATH_INFO") != PATH
        or not qs.startswith(PREFIX)
        or "&" in qs
        or not plain_get(environ)
        or HIGH_BYTE_ESCAPE.search(qs.encode("ascii"))
    ):
        return None
    query = unquote_plus(qs[len(PREFIX) :])
    return query if query and len(query) < max_body else None


class RepeatedQueries:
    """WSGI middleware in front of the app's own WSGI callable (`wsgi_app`), for the `app` that holds the state."""

    def __init__(self, app: Flask, wsgi_app: WSGIApp) -> None:
        self.app, self.wsgi_app = app, wsgi_app
        config = app.config
        self.max_body, self.row_cap, self.origin = config["MAX_BODY"], config["ROW_CAP"], config["CORS_ORIGIN"]
        self.trusted_hosts = config["TRUSTED_HOSTS"]
        self.base_iris: dict[tuple[Any, ...], str] = {}

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        answer = self.kept(environ)
        if answer is None:
            return self.wsgi_app(environ, start_response)
        status, headers, body = answer
        start_response(status, headers)
        return [body]

    def kept(self, environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes] | None:
        """The status, headers and body of the kept answer to the request, if it is a plain query kept."""
        query = plain_query(environ, self.max_body)
        if query is None:
            return None
        st: State = self.app.extensions[EXTENSION]
        try:
            base_iri = self.base_iri(environ)
            result = kept_result(st.store, st.results, (query, environ.get("HTTP_ACCEPT"), self.row_cap, base_iri))
        except (KGError, HTTPException):  # not acceptable, an untrusted host: the app says so in its own way
            return None
        if result is None:
            return None
        body = b"".join(result.body)
        headers = [("Content-Type", result.content_type), ("Content-Length", str(len(body)))]
        if result.head.kind == "SELECT":
            headers += select_headers(self.row_cap, result.head.truncated)
        headers += cors_headers(self.origin, environ.get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS"))
        headers.append(("Vary", "Accept"))
        return "200 OK", headers, body

    def base_iri(self, environ: dict[str, Any]) -> str:
        """This endpoint's URL as request.base_url gives it (SecurityError for an untrusted host), worked out once
        per scheme, host and script root: werkzeug's URL building costs about as much as the rest of the answer."""
        key = tuple(environ.get(name) for name in ("wsgi.url_scheme", "HTTP_HOST", "SERVER_NAME", "SERVER_PORT"))
        key += (environ.get("SCRIPT_NAME"),)
        found = self.base_iris.get(key)
        if found is None:
            found = get_current_url(environ, strip_querystring=True, trusted_hosts=self.trusted_hosts)
            if len(self.base_iris) >= BASE_IRIS:
                self.base_iris.clear()
            self.base_iris[key] = found
        return found
