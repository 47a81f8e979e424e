"""Helper for tests that hand a WSGI environ straight to a middleware or app."""

from werkzeug.test import EnvironBuilder


def environ(path: str = "/", query_string: str = "", **kwargs: object) -> dict:
    """The WSGI environ of one request, made by werkzeug's EnvironBuilder (its keyword arguments: method, data,
    headers, content_type, ...). A test module fixes its own defaults with functools.partial."""
    return EnvironBuilder(path=path, query_string=query_string, **kwargs).get_environ()  # type: ignore[arg-type]
