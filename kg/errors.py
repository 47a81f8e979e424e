"""Errors that carry the HTTP status a service should answer with."""


class KGError(Exception):
    """Base error; `status` is the HTTP status, `code` a short machine-readable name."""

    status = 500
    code = "internal_error"

    def __init__(self, message: str, *, status: int | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status
        if code is not None:
            self.code = code


class NotFound(KGError):
    status = 404
    code = "not_found"


class BadQuery(KGError):
    status = 400
    code = "bad_query"


class Forbidden(KGError):
    status = 403
    code = "forbidden"


class QueryTimeout(KGError):
    status = 503
    code = "query_timeout"


class NotAcceptable(KGError):
    """No result format the client accepts."""

    status = 406
    code = "not_acceptable"


class QueryTooLarge(KGError):
    """A user query outgrew its memory limit."""

    status = 503
    code = "query_memory"


class GraphUnavailable(KGError):
    """The stored graph is missing or unreadable."""

    status = 503
    code = "graph_unavailable"
