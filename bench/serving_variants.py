"""kgqa serve under granian in several variants at once (another checkout of the code, other threads or granian
options), timed in alternating wrk runs: req/s, and the CPU the server's processes spent per request, which moves
far less than req/s when other work shares the machine. The load average is shown with each figure.

    python bench/serving_variants.py --graph DIR [--runs 3] [--seconds 5] \
        now before:/tmp/before-checkout t16::16 'rt2:::{"runtime_threads": 2}'

A variant is NAME[:CODE_DIR[:THREADS[:GRANIAN_OPTIONS_JSON]]]: CODE_DIR (default this checkout) is put first on
the Python path, THREADS is per worker (default 8), the JSON's keys override service.server.granian_options.
Nothing here is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from peers import free_port, stop
from servers import ask_script, wait_ready
from servers import wrk as servers_wrk

ROOT = Path(__file__).resolve().parents[1]
ENDPOINTS = ("/healthz", "/api/ask", "/api/ask cached", "/sparql")
CACHED_QUESTION = "what does batch run on"
TICK = os.sysconf("SC_CLK_TCK")

# Run in the variant's code directory: kgqa serve's own serve(), with granian's options overridden.
SERVE = """
import json, os, sys
from pathlib import Path
import service.server as server
from kg.stores import StoreConfig
extra, plain = json.loads(os.environ["VARIANT_OPTIONS"]), server.granian_options
server.granian_options = lambda app, serving: {**plain(app, serving), **extra}
serving = server.Serving(port=int(sys.argv[1]), threads=int(sys.argv[2]))
server.serve(StoreConfig(directory=Path(os.environ["KGQA_GRAPH"])), serving)
"""


@dataclass(frozen=True)
class Variant:
    name: str
    code: Path
    options: dict[str, object]
    threads: int


def variant(text: str) -> Variant:
    name, code, threads, options = ([*text.split(":", 3), "", "", ""])[:4]
    return Variant(name, Path(code or ROOT).resolve(), json.loads(options or "{}"), int(threads or 8))


def cpu_seconds(group: int) -> float:
    """User and system CPU seconds of the live processes in a process group."""
    total = 0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group:
            total += int(fields[11]) + int(fields[12])
    return total / TICK


def wrk(base: str, endpoint: str, seconds: int, script: Path) -> float:
    """servers.py's wrk run, plus "/api/ask cached": one question asked again and again."""
    if endpoint == "/api/ask cached":
        endpoint = f"/api/ask?{urllib.parse.urlencode({'q': CACHED_QUESTION})}"
    return servers_wrk(base, endpoint, seconds, script).rps


def compare(variants: list[Variant], graph: Path, runs: int, seconds: int) -> str:
    samples: dict[tuple[str, str], list[tuple[float, float, float]]] = {}  # req/s, CPU µs a request, load
    procs: list[subprocess.Popen[bytes]] = []
    with tempfile.TemporaryDirectory() as tmp:
        script = ask_script(Path(tmp) / "ask.lua")
        try:
            urls = {}
            for v in variants:
                port = free_port()
                env = {**os.environ, "KGQA_GRAPH": str(graph), "PYTHONPATH": str(v.code)}
                env["VARIANT_OPTIONS"] = json.dumps(v.options)
                with (Path(tmp) / f"{v.name}.log").open("wb") as log:
                    command = [sys.executable, "-c", SERVE, str(port), str(v.threads)]
                    procs.append(
                        subprocess.Popen(command, cwd=v.code, env=env, stdout=log, stderr=subprocess.STDOUT,
                                         start_new_session=True)
                    )  # fmt: skip
                urls[v.name] = f"http://127.0.0.1:{port}"
            for (name, url), proc in zip(urls.items(), procs, strict=True):
                wait_ready(name, url, proc, Path(tmp) / f"{name}.log")
            for url in urls.values():  # warm-up, discarded
                for endpoint in ENDPOINTS:
                    wrk(url, endpoint, 1, script)
            for run in range(1, runs + 1):
                for endpoint in ENDPOINTS:
                    for (name, url), proc in zip(urls.items(), procs, strict=True):
                        before = cpu_seconds(proc.pid)
                        rps = wrk(url, endpoint, seconds, script)
                        cpu_us = (cpu_seconds(proc.pid) - before) / max(1.0, rps * seconds) * 1e6
                        load = os.getloadavg()[0]
                        samples.setdefault((name, endpoint), []).append((rps, cpu_us, load))
                        print(f"run {run}/{runs} {endpoint:<15} {name:<10} {rps:>8.0f} req/s {cpu_us:>6.0f} µs CPU "
                              f"load {load:.1f}", file=sys.stderr, flush=True)  # fmt: skip
        finally:
            for proc in procs:
                stop(proc)
    med = statistics.median
    lines = ["| variant | " + " | ".join(f"{e}: req/s, µs CPU a request (load)" for e in ENDPOINTS) + " |"]
    lines.append("| --- " * (len(ENDPOINTS) + 1) + "|")
    for v in variants:
        cells = []
        for endpoint in ENDPOINTS:
            got = samples[(v.name, endpoint)]
            loads = [g[2] for g in got]
            cells.append(
                f"{med(g[0] for g in got):,.0f}, {med(g[1] for g in got):,.0f} ({min(loads):.0f}–{max(loads):.0f})"
            )
        lines.append(f"| {v.name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--graph", type=Path, required=True, help="a graph directory holding graph.nq")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("variants", nargs="+", type=variant)
    args = parser.parse_args(argv)
    print(compare(args.variants, args.graph.resolve(), args.runs, args.seconds))


if __name__ == "__main__":
    main()
