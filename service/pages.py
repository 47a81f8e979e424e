"""The web page at `/`: one HTML page (service/templates/index.html) with plain JavaScript and CSS from
service/static/ and the vendored front-end libraries in service/static/vendor/. Everything it loads comes
from this server; the Content-Security-Policy header (service.CSP, on every response) says so to the browser."""

from functools import cache
from pathlib import Path

from flask import Blueprint, Response, render_template, url_for

bp = Blueprint("pages", __name__)
VENDOR = Path(__file__).parent / "static" / "vendor"


@cache
def vendor_dir(name: str) -> str:
    """The folder of vendored package `name` (service/static/vendor/<name>-<version>, as scripts/vendor.sh
    writes it), so that the versions are pinned in that script alone."""
    found = sorted(p.name for p in VENDOR.glob(f"{name}-[0-9]*") if p.is_dir())
    if len(found) != 1:
        raise LookupError(f"expected one vendored {name} in {VENDOR}, found {found or 'none'}: run scripts/vendor.sh")
    return found[0]


def vendored(name: str, path: str) -> str:
    """The URL of file `path` of vendored package `name`."""
    return url_for("static", filename=f"vendor/{vendor_dir(name)}/{path}")


@bp.get("/")
def index() -> Response:
    page = render_template("index.html", vendored=vendored)
    return Response(page, content_type="text/html; charset=utf-8")
