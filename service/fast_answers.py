"""`GET /healthz` and a plain `GET /api/ask?q=...` answered before Flask runs: the same status, headers and body the
app's endpoints send, from the WSGI environ, without the Flask request cycle (contexts, signals, routing, hooks,
the Response object), which costs several times what these two answers do. Every other request, and any of these
outside the URL, header and body limits, with a question the endpoint would refuse, or while TRUSTED_HOSTS is set
(Flask checks the Host), goes through the app as before: its limits, errors and hooks."""

from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qsl, unquote

from flask import Flask

from service import plain_get
from service.errors import render
from service.state import EXTENSION, State

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def question_of(query_string: str, max_question: int) -> str | None:
    """The first `q` parameter, read as werkzeug reads request.args, if /api/ask would take it as a question. A
    query string of `q` alone (what the page and clients send) is unquoted as parse_qsl would, without its split."""
    if query_string.startswith("q=") and "&" not in query_string:
        value = unquote(query_string[2:].replace("+", " "), errors="werkzeug.url_quote")
        return value if value.strip() and len(value) <= max_question else None
    for name, value in parse_qsl(query_string, keep_blank_values=True, errors="werkzeug.url_quote"):
        if name == "q":
            return value if value.strip() and len(value) <= max_question else None
    return None


class FastAnswers:
    """WSGI middleware in front of the app's own WSGI callable (`wsgi_app`), for the `app` that holds the state."""

    def __init__(self, app: Flask, wsgi_app: WSGIApp) -> None:
        self.app, self.wsgi_app = app, wsgi_app
        self.max_question = app.config["MAX_QUESTION"]
        self.on = app.config["TRUSTED_HOSTS"] is None
        self.paths = {"/healthz": self.healthz, "/api/ask": self.ask}

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        answer = self.paths.get(environ.get("PATH_INFO", ""))
        if answer is None or not self.on or not plain_get(environ):
            return self.wsgi_app(environ, start_response)
        st: State = self.app.extensions[EXTENSION]
        try:
            body = answer(st, environ.get("QUERY_STRING", ""))
        except Exception as exc:  # rendered by the app's one error handler, as the endpoint's would be
            with self.app.app_context():
                return render(exc)(environ, start_response)
        if body is None:
            return self.wsgi_app(environ, start_response)
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]

    def healthz(self, st: State, query_string: str) -> bytes:
        return st.health_json

    def ask(self, st: State, query_string: str) -> bytes | None:
        question = question_of(query_string, self.max_question)
        return None if question is None else st.answer_json(question)
