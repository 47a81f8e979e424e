"""The web page at `/`: one HTML page (service/templates/index.html) with plain JavaScript and CSS from
service/static/ and the vendored front-end libraries in service/static/vendor/. Everything it loads comes
from this server; the Content-Security-Policy header says so to the browser as well."""

from functools import cache
from pathlib import Path

from flask import Blueprint, Response, render_template, url_for

bp = Blueprint("pages", __name__)
VENDOR = Path(__file__).parent / "static" / "vendor"

# The page loads scripts, styles, fonts and data from this origin only. CodeMirror and Cytoscape.js set
# element styles at run time, hence 'unsafe-inline' for styles (not scripts); data: and blob: images are
# Cytoscape's canvas exports and the empty favicon.
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
    response = Response(page, content_type="text/html; charset=utf-8")
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
