"""The service's cost per request in process, without a server: the WSGI app called with prepared environs, process
CPU time, best of `--rounds` x `--requests`. An uncached /api/ask is split in two: the HTTP layer with the question
answerer stubbed (a precomputed answer per question; the answer's JSON and the answer cache included), and the
question answerer alone over the same new question texts.

    python bench/inprocess.py [--graph DIR] [--rounds 7] [--requests 1000]

Without --graph, data/sources is ingested into a temporary directory first. Nothing here is asserted.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from flask import Flask
from werkzeug.test import EnvironBuilder

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

LABEL_QUERY = 'PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> SELECT ?s WHERE { ?s rdfs:label "AWS Batch" }'
HEADERS = {"Host": "127.0.0.1:5000", "User-Agent": "wrk"}  # what wrk sends


def environ(path: str, query: dict[str, str] | None = None, headers: dict[str, str] | None = None) -> dict[str, Any]:
    qs = urlencode(query or {})
    return EnvironBuilder(path=path, query_string=qs, headers={**HEADERS, **(headers or {})}).get_environ()


def call(app: Flask, environs: list[dict[str, Any]]) -> float:
    """Process CPU seconds per request to answer every one of `environs` (each used once)."""

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        return None

    for env in environs:
        env["wsgi.input"] = io.BytesIO()
    start = time.process_time()
    for env in environs:
        body: Iterable[bytes] = app(env, start_response)
        for _ in body:
            pass
        close: Callable[[], None] | None = getattr(body, "close", None)
        if close is not None:
            close()
    return (time.process_time() - start) / len(environs)


def varied(text: str, n: int) -> str:
    """`text` with its letters' case set by the bits of n: a question text not asked before."""
    out = []
    for c in text:
        if c.isalpha():
            c, n = (c.upper() if n % 2 else c.lower()), n // 2
        out.append(c)
    return "".join(out)


def measure(graph: Path, rounds: int, requests: int) -> list[tuple[str, float]]:
    from service import create_app

    app = create_app({"GRAPH": str(graph), "QUERY_PROCESSES": 1})
    st = app.extensions["kgqa"]
    questions = [q["q"] for q in json.loads((ROOT / "tests" / "data" / "questions.json").read_text(encoding="utf-8"))]
    fixed = {
        "/healthz": environ("/healthz"),
        "/api/ask, cached": environ("/api/ask", {"q": questions[0]}),
        "/sparql, a kept answer": environ(
            "/sparql", {"query": LABEL_QUERY}, {"Accept": "application/sparql-results+json"}
        ),
    }
    found = {
        name: min(call(app, [dict(env) for _ in range(requests)]) for _ in range(rounds)) for name, env in fixed.items()
    }
    ask, http = float("inf"), float("inf")
    real = st.qa.ask
    for r in range(rounds):
        texts = [varied(questions[k % len(questions)], (r + 1) * 100_000 + k) for k in range(requests // 4)]
        start = time.process_time()
        answers = {text: real(text) for text in texts}
        ask = min(ask, (time.process_time() - start) / len(texts))
        st.qa.ask = answers.__getitem__
        try:
            http = min(http, call(app, [environ("/api/ask", {"q": text}) for text in texts]))
        finally:
            st.qa.ask = real
    found["/api/ask, uncached: HTTP and the answer's JSON"] = http
    found["/api/ask, uncached: question answering"] = ask
    return list(found.items())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--graph", type=Path, help="a graph directory (default: ingest data/sources into a temp dir)")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--requests", type=int, default=1000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        graph = args.graph
        if graph is None:
            from ingest.pipeline import run_ingest
            from kg.locations import SOURCES_DIR
            from kg.stores import StoreConfig

            graph = Path(tmp)
            run_ingest([SOURCES_DIR], StoreConfig(directory=graph))
        rows = measure(graph, args.rounds, args.requests)
    print(f"| request | µs, best of {args.rounds} x {args.requests} |\n| --- | ---: |")
    for name, seconds in rows:
        print(f"| {name} | {seconds * 1e6:,.1f} |")


if __name__ == "__main__":
    main()
