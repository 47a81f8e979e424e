"""`make bench`: ingest time on the corpus and extraction throughput on a synthetic million words.

Prints a Markdown table; numbers are medians of several runs on this machine. Nothing here is asserted.
"""

import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synth import write_corpus

from ingest.entities import discover
from ingest.names import load_gazetteer
from ingest.nlp import build_nlp
from ingest.pipeline import extract, run_ingest
from ingest.sources import discover as files
from ingest.sources import read_document
from kg.locations import SOURCES_DIR


def median_time(fn, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def bench_ingest() -> list[tuple[str, str]]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        graph = Path(tmp) / "g"
        run_ingest([SOURCES_DIR], graph)  # warm caches (lookups tables, gazetteer)
        rows.append(
            (
                "corpus ingest (5 notes, read -> graph on disk), median of 5",
                f"{median_time(lambda: run_ingest([SOURCES_DIR], graph)):.3f} s",
            )
        )
    return rows


def bench_throughput(words: int = 1_000_000) -> list[tuple[str, str]]:
    with tempfile.TemporaryDirectory() as tmp:
        n = write_corpus(Path(tmp), words)
        t = time.perf_counter()
        docs = [read_document(p) for p in files([Path(tmp)])]
        t_read = time.perf_counter() - t
        count = sum(len(d.text.split()) for d in docs)
        table = load_gazetteer()
        t = time.perf_counter()
        discover(docs, table)
        nlp = build_nlp(table)
        result = extract(docs, table, nlp, workers=2)
        t_extract = time.perf_counter() - t
    return [
        (f"synthetic corpus: {n} files, {count:,} words", ""),
        ("reading + outline", f"{count / t_read:,.0f} words/s"),
        (
            "entities + relations (nlp.pipe)",
            f"{count / t_extract:,.0f} words/s ({t_extract:.1f} s, {len(result.facts):,} facts)",
        ),
    ]


def bench_ask(rounds: int = 5) -> list[tuple[str, str]]:
    """In-process answer latency over the question sets, after one warm-up round."""
    import json

    from kg.snapshot import load_snapshot
    from service.qa import QA

    data = Path(__file__).resolve().parents[1] / "tests" / "data"
    questions = [q["q"] for name in ("dev-questions.json", "questions.json")
                 for q in json.loads((data / name).read_text(encoding="utf-8"))]  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        run_ingest([SOURCES_DIR], Path(tmp))
        t = time.perf_counter()
        qa = QA(load_snapshot(Path(tmp)))
        load_s = time.perf_counter() - t
        cold = []
        for q in questions:
            t = time.perf_counter()
            qa.ask(q)
            cold.append((time.perf_counter() - t) * 1000)
        qa = QA(qa.snapshot)  # fresh result cache, then warm it as the service does at start-up
        t = time.perf_counter()
        qa.warm()
        warm_s = time.perf_counter() - t
        times = []
        for _ in range(rounds):
            for q in questions:
                t = time.perf_counter()
                qa.ask(q)
                times.append((time.perf_counter() - t) * 1000)

    def pct(values: list[float], x: float) -> float:
        values = sorted(values)
        return values[min(len(values) - 1, int(x * len(values)))]

    return [
        ("load graph + build QA", f"{load_s:.2f} s (warm-up of every query: {warm_s:.2f} s)"),
        (f"ask, first time each ({len(cold)} questions)", f"p50 {pct(cold, 0.5):.2f} ms, p99 {pct(cold, 0.99):.2f} ms"),
        (f"ask, warmed ({len(times)} answers)", f"p50 {pct(times, 0.5):.2f} ms, p99 {pct(times, 0.99):.2f} ms"),
    ]


def bench_service(seconds: int = 10) -> list[tuple[str, str]]:
    """wrk against `kgqa serve` (gunicorn, 2 workers) on loopback: /healthz (the ceiling), /api/ask and a
    /sparql lookup, in one run."""
    import re
    import shutil
    import socket
    import subprocess
    import urllib.request
    from urllib.parse import quote

    if not shutil.which("wrk"):
        return [("service (wrk)", "skipped: wrk is not installed (apt-get install wrk)")]
    with tempfile.TemporaryDirectory() as tmp, socket.socket() as s:
        run_ingest([SOURCES_DIR], Path(tmp))
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        server = subprocess.Popen(
            [sys.executable, "-m", "kgqa.cli", "serve", "--graph", tmp, "--port", str(port), "--workers", "2"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(100):
                try:
                    urllib.request.urlopen(base + "/healthz", timeout=1)
                    break
                except OSError:
                    time.sleep(0.2)
            query = "SELECT ?o WHERE { ent:aws-batch kg:runsOn ?o }"
            targets = {
                "/healthz (ceiling)": "/healthz",
                "/api/ask 'what does batch run on'": "/api/ask?q=" + quote("what does batch run on"),
                "/sparql lookup (JSON)": "/sparql?query=" + quote(query),
            }
            rows, rates = [], {}
            for name, path in targets.items():
                out = subprocess.run(
                    ["wrk", "-t2", "-c16", f"-d{seconds}s", "--latency", base + path],
                    capture_output=True, text=True, timeout=seconds + 30,
                ).stdout  # fmt: skip
                rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
                p99 = re.search(r"99%\s+(\S+)", out).group(1)  # type: ignore[union-attr]
                errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
                rates[name] = rate
                rows.append(
                    (f"service {name}", f"{rate:,.0f} req/s, p99 {p99}, non-2xx {errors.group(1) if errors else 0}")
                )
            ask = rates["/api/ask 'what does batch run on'"] / rates["/healthz (ceiling)"]
            rows.append(("service /api/ask vs ceiling", f"{ask:.2f}x"))
            return rows
        finally:
            server.terminate()
            server.wait(timeout=30)


def main() -> None:
    print(f"machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}")
    rows = bench_ingest() + bench_ask() + bench_service() + bench_throughput()
    print("\n| measure | value |\n| --- | --- |")
    for name, value in rows:
        print(f"| {name} | {value} |")


if __name__ == "__main__":
    main()
