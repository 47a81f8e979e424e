"""The web page's weight and first render, in Debian's Chromium driven by Playwright, against `kgqa serve` on each
graph given: bytes loaded until the graph is drawn (the page's own files, the vendored libraries, the API's JSON),
the first contentful paint, when the graph's JSON has arrived and when the first graph is drawn (the page's
`kgqa-graph-drawn` mark), on reloads (median) and on the first visit after the server starts (the graph's layout
is computed then).

    python bench/web.py NAME=GRAPH_DIR [NAME=GRAPH_DIR ...] [--reloads N]

Nothing here is asserted.
"""

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.request import ProxyHandler, build_opener

sys.path.insert(0, str(Path(__file__).resolve().parent))
from peers import free_port, stop

KGQA = [sys.executable, "-m", "kgqa.cli"]
CHROMIUM = "/usr/bin/chromium"
OPENER = build_opener(ProxyHandler({}))
TIMINGS = """() => {
  const paint = performance.getEntriesByName('first-contentful-paint')[0];
  const drawn = performance.getEntriesByName('kgqa-graph-drawn')[0];
  const files = performance.getEntriesByType('resource').concat(performance.getEntriesByType('navigation'));
  const kb = test => Math.round(files.filter(test).reduce((n, e) => n + e.encodedBodySize, 0) / 1024);
  return {
    paint_ms: paint ? paint.startTime : null, drawn_ms: drawn ? drawn.startTime : null,
    json_ms: files.filter(e => e.name.includes('/api/graph')).map(e => e.responseEnd)[0],
    vendor_kb: kb(e => e.name.includes('/static/vendor/')),
    own_kb: kb(e => !e.name.includes('/static/vendor/') && !e.name.includes('/api/') && !e.name.includes('/healthz')),
    api_kb: kb(e => e.name.includes('/api/') || e.name.includes('/healthz')),
    nodes: kgqa.cy().nodes().length, edges: kgqa.cy().edges().length,
  };
}"""


@contextmanager
def serving(graph: Path) -> Iterator[str]:
    port = free_port()
    with tempfile.TemporaryFile() as log:
        command = [*KGQA, "serve", "--graph", str(graph), "--port", str(port), "--workers", "2"]
        proc = subprocess.Popen(command, stdout=log, stderr=log, start_new_session=True)
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 300
            while True:
                try:
                    with OPENER.open(url + "/healthz", timeout=5):
                        break
                except OSError:
                    if time.monotonic() > deadline or proc.poll() is not None:
                        raise RuntimeError(f"the server on {graph} did not start") from None
                    time.sleep(0.3)
            yield url
        finally:
            stop(proc)


def visit(page: Any, url: str) -> dict[str, Any]:
    page.goto(url + "/")
    page.wait_for_selector("body[data-graph-ready='true']", timeout=300_000)
    return dict(page.evaluate(TIMINGS))


def measure(name: str, graph: Path, reloads: int) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    with serving(graph) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--no-proxy-server", "--disable-background-networking"],
        )
        try:
            context = browser.new_context(viewport={"width": 1400, "height": 900})
            page = context.new_page()
            with OPENER.open(url + "/healthz", timeout=30) as response:
                triples = __import__("json").loads(response.read())["triples"]
            first = visit(page, url)
            again = [visit(page, url) for _ in range(reloads)]
        finally:
            browser.close()
    return {
        "name": name,
        "triples": triples,
        "first": first,
        "paint_ms": statistics.median(v["paint_ms"] for v in again),
        "drawn_ms": statistics.median(v["drawn_ms"] for v in again),
        "json_ms": statistics.median(v["json_ms"] for v in again),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("graphs", nargs="+", help="NAME=GRAPH_DIR")
    parser.add_argument("--reloads", type=int, default=5)
    args = parser.parse_args(argv)
    print(
        "| graph | triples | entities / relations drawn | page's files KB | vendored KB | API JSON KB "
        "| first paint ms | graph JSON in ms | graph drawn ms | graph drawn ms, first visit |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for spec in args.graphs:
        name, _, directory = spec.partition("=")
        row = measure(name, Path(directory), args.reloads)
        first = row["first"]
        print(
            f"| {name} | {row['triples']:,} | {first['nodes']} / {first['edges']} | {first['own_kb']} "
            f"| {first['vendor_kb']} | {first['api_kb']} | {row['paint_ms']:.0f} | {row['json_ms']:.0f} "
            f"| {row['drawn_ms']:.0f} | {first['drawn_ms']:.0f} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
