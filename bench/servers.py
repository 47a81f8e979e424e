"""The HTTP servers kgqa could run under, side by side on one graph, with wrk on loopback: /healthz, /api/ask (never
from the answer cache: every request's question differs, in the case of its letters) and /sparql (a label lookup).
Then what slow clients do to each: how long /healthz takes while 8 connections trickle their headers, and while
200 connections sit idle.

    python bench/servers.py [--graph DIR] [--seconds 5] [--runs 3] [--servers granian,gunicorn,waitress] [--threads 8]

Every server runs at once, idle but for the one being measured; timed runs alternate (run 1 of every endpoint and
server, then run 2, ...) and the tables show medians. A server whose package is not installed is left out.
Nothing here is asserted.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from peers import WRK_CONNECTIONS, WRK_THREADS, WrkStats, free_port, http_get, parse_wrk, stop

ROOT = Path(__file__).resolve().parents[1]
WORKERS, THREADS = 2, 8  # as kgqa serve's defaults
START_TIMEOUT_S = 120.0
SLOW_WAIT_S = 30.0  # the longest a /healthz is waited for under slow clients
LABEL_QUERY = 'PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> SELECT ?s WHERE { ?s rdfs:label "AWS Batch" }'
ENDPOINTS = ("/healthz", "/api/ask", "/sparql")
WSGI_APP = "service.wsgi:app"
SLOW = (("trickle", 8), ("trickle", 32), ("idle", 200))  # (kind, connections): 8 and 200 as in issue 10


@dataclass(frozen=True)
class Candidate:
    name: str
    how: str  # what the table says about it
    module: str  # the package that must be installed
    port: int
    command: list[str]


def candidates(graph: Path, threads: int = THREADS) -> list[Candidate]:
    kgqa = [sys.executable, "-m", "kgqa.cli", "serve", "--graph", str(graph), "--workers", str(WORKERS)]
    kgqa += ["--threads", str(threads), "--port"]
    ports = [free_port() for _ in range(3)]
    return [
        Candidate(
            "granian",
            f"granian WSGI, {WORKERS} workers x {threads} threads (kgqa serve)",
            "granian",
            ports[0],
            [*kgqa, str(ports[0]), "--server", "granian"],
        ),
        Candidate(
            "gunicorn",
            f"gunicorn gthread, {WORKERS} workers x {threads} threads (kgqa serve --server gunicorn)",
            "gunicorn",
            ports[1],
            [*kgqa, str(ports[1]), "--server", "gunicorn"],
        ),
        Candidate(
            "waitress",
            f"waitress, 1 process x {threads} threads (waitress-serve service.wsgi:app)",
            "waitress",
            ports[2],
            [sys.executable, "-m", "waitress", f"--listen=127.0.0.1:{ports[2]}", f"--threads={threads}", WSGI_APP],
        ),
    ]


@contextlib.contextmanager
def running(candidates: list[Candidate], graph: Path, workdir: Path) -> Iterator[dict[str, str]]:
    """Start every candidate in its own process group, wait until each answers /healthz, and stop them all."""
    procs: list[subprocess.Popen[bytes]] = []
    env = {**os.environ, "KGQA_GRAPH": str(graph)}
    try:
        urls = {}
        for c in candidates:
            with (workdir / f"{c.name}.log").open("wb") as log:
                procs.append(
                    subprocess.Popen(
                        c.command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
                    )
                )
            urls[c.name] = f"http://127.0.0.1:{c.port}"
        for (name, url), proc in zip(urls.items(), procs, strict=True):
            wait_ready(name, url, proc, workdir / f"{name}.log")
        yield urls
    finally:
        for proc in procs:
            stop(proc)


def wait_ready(name: str, url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{name} exited with {proc.returncode}:\n{log.read_text()[-2000:]}")
        with contextlib.suppress(OSError):
            if http_get(url + "/healthz", timeout=5)[0] == 200:
                return
        time.sleep(0.2)
    raise TimeoutError(f"{name} did not answer within {START_TIMEOUT_S:.0f} s")


# --- wrk -----------------------------------------------------------------------------------------------------------

# Each request asks one of the questions with its letters' case set by a counter unique to the request (the wrk
# thread's number is its low digits), so no question text repeats and the answer cache never answers. (`id` and
# `threads` are globals that setup sets in each thread's state: a local of the same name would hide them.)
ASK_SCRIPT = """
local questions = %(questions)s
local counter = 0
started = 0  -- counts threads in setup's state; each thread gets its own id and the number of threads
function setup(thread)
  thread:set("id", started)
  started = started + 1
  thread:set("threads", %(threads)d)
end
local function varied(text, n)
  local out = {}
  for i = 1, #text do
    local c = text:sub(i, i)
    if c:match("%%a") then
      if n %% 2 == 1 then c = c:upper() else c = c:lower() end
      n = math.floor(n / 2)
    end
    out[#out + 1] = c
  end
  return table.concat(out)
end
local function encode(text)
  return (text:gsub("[^%%w]", function(c) return string.format("%%%%%%02X", string.byte(c)) end))
end
function request()
  counter = counter + 1
  local n = counter * threads + id
  local q = questions[(n %% #questions) + 1]
  return wrk.format("GET", "/api/ask?q=" .. encode(varied(q, math.floor(n / #questions))))
end
"""


def ask_script(path: Path) -> Path:
    questions = [q["q"] for q in json.loads((ROOT / "tests" / "data" / "questions.json").read_text(encoding="utf-8"))]
    lua_list = "{" + ", ".join(json.dumps(q) for q in questions) + "}"
    path.write_text(ASK_SCRIPT % {"questions": lua_list, "threads": WRK_THREADS}, encoding="utf-8")
    return path


def wrk(base: str, endpoint: str, seconds: int, script: Path) -> WrkStats:
    cmd = ["wrk", f"-t{WRK_THREADS}", f"-c{WRK_CONNECTIONS}", f"-d{seconds}s", "--latency"]
    if endpoint == "/api/ask":
        cmd += ["-s", str(script), base]
    elif endpoint == "/sparql":
        cmd += ["-H", "Accept: application/sparql-results+json"]
        cmd.append(f"{base}/sparql?{urllib.parse.urlencode({'query': LABEL_QUERY})}")
    else:
        cmd.append(base + endpoint)
    done = subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=seconds + 60)
    return parse_wrk(done.stdout)


def measure(urls: dict[str, str], seconds: int, runs: int, script: Path) -> dict[tuple[str, str], list[WrkStats]]:
    for url in urls.values():  # warm-up, discarded: each worker's query processes start, caches fill
        for endpoint in ENDPOINTS:
            wrk(url, endpoint, 1, script)
    samples: dict[tuple[str, str], list[WrkStats]] = {}
    for run in range(1, runs + 1):
        for endpoint in ENDPOINTS:
            for name, url in urls.items():
                stats = wrk(url, endpoint, seconds, script)
                samples.setdefault((name, endpoint), []).append(stats)
                print(f"run {run}/{runs} {endpoint:<9} {name:<9} {stats.rps:>9.1f} req/s", file=sys.stderr)
    return samples


# --- slow clients --------------------------------------------------------------------------------------------------


def healthz_under(url: str, mode: str, count: int) -> float | None:
    """Seconds /healthz takes while `count` connections trickle a request head (a byte each per 0.2 s) or sit
    idle; None if it did not answer within SLOW_WAIT_S."""
    host, port = urllib.parse.urlsplit(url).hostname or "127.0.0.1", urllib.parse.urlsplit(url).port or 80
    done = threading.Event()
    conns = [socket.create_connection((host, port), timeout=5) for _ in range(count)]

    def trickle() -> None:
        head = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 4000
        for i in range(len(head)):
            if done.wait(0.2):
                return
            for conn in conns:
                with contextlib.suppress(OSError):
                    conn.send(head[i : i + 1])

    if mode == "trickle":
        threading.Thread(target=trickle, daemon=True).start()
    try:
        time.sleep(1.0)  # the server has accepted them all
        start = time.monotonic()
        try:
            http_get(url + "/healthz", timeout=SLOW_WAIT_S)
        except OSError:
            return None
        return time.monotonic() - start
    finally:
        done.set()
        for conn in conns:
            conn.close()


def slow_clients(urls: dict[str, str]) -> dict[tuple[str, str], float | None]:
    found = {}
    for name, url in urls.items():
        for mode, count in SLOW:
            found[(name, f"{count} {mode}")] = took = healthz_under(url, mode, count)
            shown = "no answer" if took is None else f"{took:.3f} s"
            print(f"{name:<9} {count} {mode}: /healthz {shown}", file=sys.stderr)
    return found


# --- tables --------------------------------------------------------------------------------------------------------


def tables(
    cands: list[Candidate],
    samples: dict[tuple[str, str], list[WrkStats]],
    slow: dict[tuple[str, str], float | None],
) -> str:
    med = statistics.median
    names = [c.name for c in cands]
    base = "gunicorn" if "gunicorn" in names else names[0]
    lines = ["| server | " + " | ".join(f"{e} req/s (p99 ms)" for e in ENDPOINTS) + " | /api/ask ÷ /healthz |"]
    lines.append("| --- " * (len(ENDPOINTS) + 2) + "|")
    for name in names:
        cells = []
        for endpoint in ENDPOINTS:
            stats = samples[(name, endpoint)]
            bad = sum(s.non_2xx + s.errors for s in stats)
            cell = f"{med(s.rps for s in stats):,.0f} ({med(s.p99_ms for s in stats):.1f})"
            cells.append(cell + (f", {bad} non-2xx or socket errors" if bad else ""))
        pairs = zip(samples[(name, "/api/ask")], samples[(name, "/healthz")], strict=True)
        ratio = med(a.rps / h.rps for a, h in pairs)
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {ratio:.2f} |")
    for name in names:
        if name != base:
            ratios = [
                med(samples[(name, e)][i].rps / samples[(base, e)][i].rps for i in range(len(samples[(name, e)])))
                for e in ENDPOINTS
            ]
            lines.append(f"| {name} ÷ {base} | " + " | ".join(f"{r:.2f}x" for r in ratios) + " | |")
    kinds = [f"{count} {mode}" for mode, count in SLOW]
    lines += ["", "| server | how | " + " | ".join(f"/healthz, {k} clients" for k in kinds) + " |"]
    lines.append("| --- " * (len(kinds) + 2) + "|")
    for c in cands:
        took = [slow.get((c.name, kind)) for kind in kinds]
        cells = [f"no answer in {SLOW_WAIT_S:.0f} s" if t is None else f"{t * 1000:,.0f} ms" for t in took]
        lines.append(f"| {c.name} | {c.how} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def bench_servers(
    graph: Path, seconds: int = 5, runs: int = 3, only: list[str] | None = None, threads: int = THREADS
) -> str:
    """Both tables as Markdown; `graph` is a directory holding graph.nq."""
    found = [c for c in candidates(graph, threads) if importlib.util.find_spec(c.module)]
    cands = [c for c in found if only is None or c.name in only]
    with tempfile.TemporaryDirectory() as tmp, running(cands, graph, Path(tmp)) as urls:
        samples = measure(urls, seconds, runs, ask_script(Path(tmp) / "ask.lua"))
        slow = slow_clients(urls)
    header = (
        f"wrk -t{WRK_THREADS} -c{WRK_CONNECTIONS} -d{seconds}s on loopback, medians of {runs} alternating runs; "
        f"{os.cpu_count()} CPUs shared by wrk and the servers.\n\n"
    )
    return header + tables(cands, samples, slow)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--graph", type=Path, help="a graph directory (default: ingest data/sources into a temp dir)")
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--servers", help="comma-separated names (default: every one installed)")
    parser.add_argument("--threads", type=int, default=THREADS, help=f"per worker process (default {THREADS})")
    args = parser.parse_args(argv)
    only = args.servers.split(",") if args.servers else None
    if args.graph:
        print(bench_servers(args.graph, args.seconds, args.runs, only, args.threads))
        return
    from ingest.pipeline import run_ingest
    from kg.locations import SOURCES_DIR
    from kg.stores import StoreConfig

    with tempfile.TemporaryDirectory() as tmp:
        run_ingest([SOURCES_DIR], StoreConfig(directory=Path(tmp)))
        print(bench_servers(Path(tmp), args.seconds, args.runs, only, args.threads))


if __name__ == "__main__":
    main()
