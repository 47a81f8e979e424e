"""`make bench`: ingest time on the corpus, extraction throughput on a synthetic million words, answer latency,
kgqa's accuracy against a BM25 search of the notes on the same question files (baseline.py), /api/ask against the
/healthz ceiling, the HTTP servers side by side with slow clients (servers.py), /sparql side by side with Oxigraph
server and rdflib-endpoint (peers.py), and each store at about 10k, 100k and 1M triples (scale.py, with a latency
plot in bench/latency.png).

    python bench/run.py [--only service,servers,peers]   # BENCH_SIZES=10k,100k (or empty) for the scale runs

Prints Markdown tables; numbers are medians of several runs on this machine, with the load average (the machine
is shared). Nothing here is asserted.
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synth import write_corpus

from ingest.entities import discover
from ingest.files import discover as files
from ingest.names import load_gazetteer
from ingest.nlp import build_nlp
from ingest.pipeline import extract, run_ingest
from ingest.sources import read_document
from kg.locations import SOURCES_DIR
from kg.stores import StoreConfig


def median_time(fn, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


FRESH_INGEST = """
import json, sys, time
started = time.perf_counter()
from pathlib import Path
from ingest.pipeline import run_ingest
from kg.locations import SOURCES_DIR
from kg.stores import StoreConfig
imported = time.perf_counter()
run_ingest([SOURCES_DIR], StoreConfig(directory=Path(sys.argv[1])))
print(json.dumps({"imports": imported - started, "ingest": time.perf_counter() - imported}))
"""


def fresh_ingest(graph: Path, runs: int = 5) -> tuple[float, float]:
    """Corpus ingest in `runs` new Python processes, each into a new graph (memory store): the medians of the
    time after the imports and of the whole process (interpreter start, imports, ingest, exit)."""
    after, whole = [], []
    for run in range(runs):
        started = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-c", FRESH_INGEST, str(graph / str(run))], check=True, capture_output=True, text=True
        ).stdout
        whole.append(time.perf_counter() - started)
        after.append(json.loads(out.splitlines()[-1])["ingest"])
    return statistics.median(after), statistics.median(whole)


def bench_ingest() -> list[tuple[str, str]]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        after, whole = fresh_ingest(Path(tmp) / "fresh")
        rows.append(
            (
                "corpus ingest in a fresh process (memory store), after imports / whole process, median of 5",
                f"{after:.3f} s / {whole:.3f} s (load average {os.getloadavg()[0]:.1f})",
            )
        )
    with tempfile.TemporaryDirectory() as tmp:
        for kind in ("memory", "oxigraph"):
            config = StoreConfig(kind=kind, directory=Path(tmp) / kind)
            run_ingest([SOURCES_DIR], config)  # warm caches (lookups tables, gazetteer)
            rows.append(
                (
                    f"corpus ingest (5 notes, read -> {kind} store on disk), median of 5",
                    f"{median_time(lambda: run_ingest([SOURCES_DIR], config)):.3f} s",  # noqa: B023
                )
            )
    return rows


def bench_throughput(words: int = 1_000_000) -> list[tuple[str, str]]:
    with tempfile.TemporaryDirectory() as tmp:
        n = write_corpus(Path(tmp), words)
        t = time.perf_counter()
        docs = [read_document(f.path, f.name) for f in files([Path(tmp)])]
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
    """In-process answer latency over the corpus question sets (119): the first time each (wall clock, and the
    process's CPU time, which other processes on a shared machine disturb less), then repeated."""
    import json

    from kg.snapshot import snapshot_of
    from kg.stores import open_store
    from service.qa import QA

    data = Path(__file__).resolve().parents[1] / "tests" / "data"
    questions = [q["q"] for name in ("dev-questions.json", "dev-questions-2.json", "questions.json")
                 for q in json.loads((data / name).read_text(encoding="utf-8"))]  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        config = StoreConfig(directory=Path(tmp))
        run_ingest([SOURCES_DIR], config)
        t = time.perf_counter()
        qa = QA(snapshot_of(open_store(config)))
        load_s = time.perf_counter() - t
        cold, cold_cpu = [], []
        for q in questions:
            t, cpu = time.perf_counter(), time.process_time()
            qa.ask(q)
            cold.append((time.perf_counter() - t) * 1000)
            cold_cpu.append((time.process_time() - cpu) * 1000)
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
        ("open the memory store + build QA", f"{load_s:.2f} s"),
        (f"ask, first time each ({len(cold)} questions)", f"p50 {pct(cold, 0.5):.2f} ms, p99 {pct(cold, 0.99):.2f} ms"),
        (
            "ask, first time each, process CPU time",
            f"p50 {pct(cold_cpu, 0.5):.2f} ms, p99 {pct(cold_cpu, 0.99):.2f} ms",
        ),
        (f"ask, repeated ({len(times)} answers)", f"p50 {pct(times, 0.5):.2f} ms, p99 {pct(times, 0.99):.2f} ms"),
    ]


GUNICORN_CEILING = 4145  # /healthz req/s under gunicorn in BENCHMARKS.md before the move to granian


def bench_service(seconds: int = 10, runs: int = 3) -> list[tuple[str, str]]:
    """wrk against `kgqa serve` (the default server, 2 workers) on loopback: /healthz (the ceiling), /api/ask never
    from the answer cache (servers.py's script: no question text repeats) and a repeated question, in turns,
    `runs` times; medians, and the median of each run's ratio."""
    import shutil
    import subprocess

    from peers import WrkStats, free_port, http_get, parse_wrk, run_wrk, stop
    from servers import WRK_CONNECTIONS, WRK_THREADS, ask_script

    if not shutil.which("wrk"):
        return [("service (wrk)", "skipped: wrk is not installed (apt-get install wrk)")]
    with tempfile.TemporaryDirectory() as tmp:
        run_ingest([SOURCES_DIR], StoreConfig(directory=Path(tmp)))
        script = ask_script(Path(tmp) / "ask.lua")
        port = free_port()
        command = [sys.executable, "-m", "kgqa.cli", "serve", "--graph", tmp, "--port", str(port), "--workers", "2"]
        server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        base = f"http://127.0.0.1:{port}"

        def uncached(duration: int) -> WrkStats:
            cmd = ["wrk", f"-t{WRK_THREADS}", f"-c{WRK_CONNECTIONS}", f"-d{duration}s", "--latency", "-s", str(script)]
            return parse_wrk(subprocess.run([*cmd, base], capture_output=True, text=True, check=True).stdout)

        try:
            for _ in range(300):
                try:
                    http_get(base + "/healthz", timeout=1)
                    break
                except OSError:
                    time.sleep(0.2)
            cached = base + "/api/ask?q=what%20does%20batch%20run%20on"
            run_wrk(cached, 2)  # warm-up
            uncached(2)
            load = os.getloadavg()[0]
            runs_ = [
                (run_wrk(base + "/healthz", seconds), uncached(seconds), run_wrk(cached, seconds)) for _ in range(runs)
            ]
            load = max(load, os.getloadavg()[0])
        finally:
            stop(server)
    med = statistics.median
    ceiling = med(h.rps for h, _, _ in runs_)
    errors = sum(x.non_2xx + x.errors for run in runs_ for x in run)
    rows = [("service /healthz (the ceiling)", f"{ceiling:,.0f} req/s")]
    for name, i in (("/api/ask, never from the answer cache", 1), ("/api/ask, a repeated question (answer cache)", 2)):
        rps = med(run[i].rps for run in runs_)
        p50, p99 = med(run[i].p50_ms for run in runs_), med(run[i].p99_ms for run in runs_)
        ratio = med(run[i].rps / run[0].rps for run in runs_)
        rows.append(
            (f"service {name}", f"{rps:,.0f} req/s, p50 {p50:.2f} ms, p99 {p99:.2f} ms; {ratio:.2f}x the ceiling")
        )
    rows.append(("goal: uncached /api/ask / ceiling ≥ 0.5x", f"{med(r[1].rps / r[0].rps for r in runs_):.2f}x"))
    rows.append((f"goal: ceiling / gunicorn's {GUNICORN_CEILING:,} req/s ≥ 2x", f"{ceiling / GUNICORN_CEILING:.2f}x"))
    rows.append(("non-2xx and socket errors; 1-min load average (highest seen)", f"{errors}; {load:.1f}"))
    return rows


PARTS = ("ingest", "throughput", "ask", "service", "baseline", "servers", "peers", "scale")


def main(argv: list[str] | None = None) -> None:
    from baseline import bench_baseline
    from baseline import table as baseline_table
    from peers import DEFAULT_QUERIES, bench_peers, ratios, table
    from scale import bench_scale, plot
    from scale import table as scale_table
    from servers import bench_servers

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", help=f"comma-separated parts (default all): {', '.join(PARTS)}")
    parts = set((parser.parse_args(argv).only or ",".join(PARTS)).split(","))
    python = f"{platform.python_implementation()} {platform.python_version()}"
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs, {python}; 1-min load average {os.getloadavg()[0]:.1f}"
    )
    benches = {"ingest": bench_ingest, "throughput": bench_throughput, "ask": bench_ask, "service": bench_service}
    rows = [row for name, bench in benches.items() if name in parts for row in bench()]
    if rows:
        print("\n| measure | value |\n| --- | --- |")
        for name, value in rows:
            print(f"| {name} | {value} |")
    if "baseline" in parts:
        print("\nAnswers against searching the notes (same question files, same must_contain matching):\n")
        print(baseline_table(bench_baseline()))
    if parts & {"servers", "peers"}:
        with tempfile.TemporaryDirectory() as tmp:
            run_ingest([SOURCES_DIR], StoreConfig(directory=Path(tmp)))
            if "servers" in parts:
                print("\n" + bench_servers(Path(tmp), seconds=5, runs=3))
            if "peers" in parts:
                results = bench_peers(Path(tmp) / "graph.nq", DEFAULT_QUERIES, seconds=10, runs=3)
                print("\n" + table(results) + "\n\n" + ratios(results))
    sizes = [size for size in os.environ.get("BENCH_SIZES", "10k,100k,1M").split(",") if size]
    if sizes and "scale" in parts:  # BENCH_SIZES= (empty) skips the scale runs
        scale = bench_scale(sizes, ["memory", "oxigraph", "sparql"], seconds=5)
        print("\n" + scale_table(scale))
        plot(scale, Path(__file__).resolve().parent / "latency.png")
    print(f"\n1-min load average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
