"""The one error handler: every error, HTTP or KGError or unexpected, becomes
{"error": {"code": ..., "message": ...}} with its status; nothing of a traceback reaches the client."""

import re

from flask import Flask, Response, current_app, jsonify
from werkzeug.exceptions import HTTPException

from kg.errors import KGError

KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate")


def error_response(status: int, code: str, message: str) -> Response:
    response = jsonify({"error": {"code": code, "message": message}})
    response.status_code = status
    return response


def code_of(name: str) -> str:
    """The machine-readable code of an HTTP status's name: "URI Too Long" -> "uri_too_long"."""
    return re.sub(r"\W+", "_", (name or "error").lower())


def render(exc: Exception) -> Response:
    if isinstance(exc, KGError):
        return error_response(exc.status, exc.code, exc.message)
    if isinstance(exc, HTTPException) and exc.code is not None:
        response = error_response(exc.code, code_of(exc.name), exc.description or "")
        for name, value in exc.get_headers():
            if name in KEPT_HEADERS:
                response.headers[name] = value
        return response
    current_app.logger.exception("unhandled error")
    return error_response(500, "internal_error", "the server failed to answer; the error is logged")


def init_app(app: Flask) -> None:
    app.register_error_handler(Exception, render)
