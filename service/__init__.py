"""The web service: a Flask application factory in the style of Flask's tutorial.

Settings come from service.settings (defaults, KGQA_* environment variables, the config mapping); the
graph is loaded once at startup (service.state); each feature is a blueprint (service.api, service.sparql);
one error handler (service.errors) renders every error as JSON; every response carries the security headers
(WithSecurityHeaders); a repeated /sparql query (service.repeated_queries), /healthz and a plain GET /api/ask
(service.fast_answers) are answered before Flask runs.
"""

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from flask import Flask, abort, request

MAX_URL = 32 * 1024  # bytes of path and query string; longer gets 414 (POST takes longer SPARQL queries)
MAX_HEADERS = 64 * 1024  # bytes of header names and values; more gets 431

# Everything the page loads comes from this server. CodeMirror and Cytoscape.js set element styles at run time,
# hence 'unsafe-inline' for styles (not scripts); data: and blob: images are Cytoscape's canvas exports and the
# empty favicon. JSON and RDF responses carry the same policy: a browser shown one runs nothing from it.
CSP = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)


SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
SECURITY_HEADER_ITEMS = tuple(SECURITY_HEADERS.items())
BODY_HEADERS = ("CONTENT_TYPE", "CONTENT_LENGTH")  # the WSGI keys of the two headers that lack the HTTP_ prefix


def security_headers() -> dict[str, str]:
    """The headers every response carries, the HTTP server's own error responses included."""
    return dict(SECURITY_HEADERS)


def header_bytes(environ: Mapping[str, Any]) -> int:
    """The length of a request's header names and values, as werkzeug's EnvironHeaders would list them, read
    straight from the WSGI environ (no header name is built)."""
    total = 0
    for key, value in environ.items():
        if key.startswith("HTTP_") and key not in ("HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH"):
            total += len(key) - 5 + len(value)
        elif key in BODY_HEADERS and value:
            total += len(key) + len(value)
    return total


def plain_get(environ: dict[str, Any]) -> bool:
    """A GET with an ASCII query string, no body, within the URL and header limits."""
    qs = environ.get("QUERY_STRING", "")
    return (
        environ.get("REQUEST_METHOD") == "GET"
        and qs.isascii()
        and len(environ.get("PATH_INFO", "")) + len(qs) <= MAX_URL
        and not environ.get("CONTENT_TYPE")
        and environ.get("CONTENT_LENGTH") in (None, "", "0")
        and "HTTP_TRANSFER_ENCODING" not in environ
        and header_bytes(environ) <= MAX_HEADERS
    )


class WithSecurityHeaders:
    """WSGI middleware: the security headers are appended to every response's header list as the app starts it
    (its error responses included), with no per-request work on werkzeug's Headers."""

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            headers.extend(SECURITY_HEADER_ITEMS)
            return start_response(status, headers, exc_info)

        return self.app(environ, start)


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """The app, with the graph named by the GRAPH setting loaded; KGError (GraphUnavailable) if it cannot be."""
    # Imported here, as in Flask's tutorial, so that importing service.qa alone does not load the web layer.
    from service import api, errors, fast_answers, pages, repeated_queries, settings, sparql, state

    app = Flask(__name__)
    app.config.from_mapping(settings.resolve(config))
    app.config["MAX_CONTENT_LENGTH"] = app.config["MAX_FORM_MEMORY_SIZE"] = app.config["MAX_BODY"] - 1
    errors.init_app(app)
    state.init_app(app)

    @app.before_request
    def refuse_large_requests() -> None:
        """414, 431 or 413 as soon as the URL, the headers or a declared body is too large, even where the
        endpoint would not read it."""
        environ = request.environ
        if len(environ.get("PATH_INFO", "")) + len(environ.get("QUERY_STRING", "")) > MAX_URL:
            abort(414, f"the URL is longer than {MAX_URL} bytes: send long queries by POST")
        if header_bytes(environ) > MAX_HEADERS:
            abort(431, f"the request's headers are larger than {MAX_HEADERS} bytes")
        if (request.content_length or 0) > app.config["MAX_CONTENT_LENGTH"]:
            abort(413)

    app.register_blueprint(api.bp)
    app.register_blueprint(sparql.bp)
    app.register_blueprint(pages.bp)
    fast = fast_answers.FastAnswers(app, app.wsgi_app)
    app.wsgi_app = WithSecurityHeaders(repeated_queries.RepeatedQueries(app, fast))  # type: ignore[method-assign]
    return app
