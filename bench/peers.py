"""SPARQL lookup throughput and latency side by side, with wrk on loopback: kgqa's /sparql, Oxigraph server and
rdflib-endpoint, all serving the same N-Quads file: a kgqa graph, whose default graph ingest keeps as the union of
its named graphs (so no server needs a union option).

    python bench/peers.py --graph DIR [--seconds N] [--runs N] [--queries FILE.json] [--kgqa-cmd CMD]

Before any timing, each server answers each query once and its rows are compared with kgqa's; differences are
reported loudly and kept in the table. Timed runs are interleaved (run 1 of every server and query, then run 2, ...).
Nothing here is asserted.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

WORKERS = 2
WRK_THREADS, WRK_CONNECTIONS = 2, 16
WARMUP_S = 1
START_TIMEOUT_S = 180.0
ACCEPT = "application/sparql-results+json"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
BIN = Path(sys.executable).parent  # the virtualenv's bin: kgqa, oxigraph

PREFIXES = """PREFIX kg: <https://kgqa.example/ontology#>
PREFIX ent: <https://kgqa.example/entity/>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""
DEFAULT_QUERIES = {
    "runsOn": PREFIXES + "SELECT ?o WHERE { ent:aws-batch kg:runsOn ?o }",
    "label": PREFIXES + 'SELECT ?s WHERE { ?s rdfs:label "AWS Batch" }',
    "evidence": PREFIXES + "SELECT ?source ?line WHERE { ?ev rdf:subject ent:aws-batch ; rdf:predicate kg:runsOn ; "
    "rdf:object ent:amazon-ecs ; kg:source ?source ; kg:line ?line }",
}
GOALS = {"oxigraph": 0.5, "rdflib-endpoint": 5.0}  # kgqa's req/s over each one's (issue 15)
CONCURRENCY = {
    "kgqa": f"granian, {WORKERS} WSGI workers x 8 threads (kgqa serve --workers {WORKERS}); "
    "each query runs in an isolated child",
    "oxigraph": "one process, a thread per connection (no worker setting); store optimised after load",
    "rdflib-endpoint": f"uvicorn --workers {WORKERS}; queries run on the event loop, one at a time per worker",
}

# rdflib-endpoint's own CLI serves one process; this factory lets uvicorn start WORKERS of them.
RDFLIB_APP = '''"""rdflib-endpoint over the N-Quads in $PEERS_GRAPH_NQ; default graph = union of the named graphs."""
import os

from rdflib import Dataset
from rdflib_endpoint import SparqlEndpoint


def create():
    dataset = Dataset(default_union=True)
    dataset.parse(os.environ["PEERS_GRAPH_NQ"], format="nquads")
    return SparqlEndpoint(graph=dataset, path="/sparql")
'''

Row = tuple[tuple[str, tuple[str, str, str, str]], ...]
Samples = dict[tuple[str, str], list["WrkStats"]]


@dataclass(frozen=True)
class Peer:
    """A server to start: its name, command, environment additions and SPARQL query URL."""

    name: str
    cmd: list[str]
    url: str
    env: dict[str, str] | None = None


@dataclass(frozen=True)
class WrkStats:
    """One wrk run: requests per second, latency percentiles in ms, non-2xx/3xx responses and socket errors."""

    rps: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    errors: int


@dataclass(frozen=True)
class PeerResult:
    """One server on one query: medians over runs of req/s, p50 and p99; totals of non-2xx and socket errors;
    the rows it returned and how they compare with kgqa's ("same", "duplicates differ" or "DIFFERENT");
    the req/s of each run, in order (run i of every server and query ran back to back)."""

    server: str
    query: str
    rps: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    errors: int
    rows: int
    check: str
    run_rps: tuple[float, ...] = ()


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def tool(name: str) -> str:
    """An executable from the virtualenv's bin, else from PATH."""
    local = BIN / name
    found = str(local) if local.exists() else shutil.which(name)
    if not found:
        raise FileNotFoundError(f"{name} is not installed")
    return found


def query_url(url: str, query: str) -> str:
    return f"{url}?{urllib.parse.urlencode({'query': query})}"


# --- the three servers ---------------------------------------------------------------------------------------------


def kgqa_peer(graph_nq: Path, tmp: Path, kgqa_cmd: list[str]) -> Peer:
    """kgqa serve over a directory holding (a link to) the file as graph.nq."""
    graph_dir = tmp / "kgqa"
    graph_dir.mkdir()
    (graph_dir / "graph.nq").symlink_to(graph_nq.resolve())
    port = free_port()
    cmd = [*kgqa_cmd, "serve", "--graph", str(graph_dir), "--port", str(port), "--workers", str(WORKERS)]
    return Peer("kgqa", cmd, f"http://127.0.0.1:{port}/sparql")


def oxigraph_peer(graph_nq: Path, tmp: Path) -> Peer:
    """Oxigraph's read-only server over a store loaded (and optimised) from the file."""
    oxigraph, store = tool("oxigraph"), str(tmp / "oxigraph")
    for step in (["load", "--location", store, "--format", "nq", "--file", str(graph_nq)], ["optimize", "-l", store]):
        subprocess.run([oxigraph, *step], check=True, capture_output=True)
    port = free_port()
    cmd = [oxigraph, "serve-read-only", "--location", store, "--bind", f"127.0.0.1:{port}"]
    return Peer("oxigraph", cmd, f"http://127.0.0.1:{port}/query")


def rdflib_peer(graph_nq: Path, tmp: Path) -> Peer:
    """rdflib-endpoint's SparqlEndpoint over a union-default Dataset, under uvicorn with WORKERS processes."""
    app_dir = tmp / "rdflib"
    app_dir.mkdir()
    (app_dir / "peers_rdflib_app.py").write_text(RDFLIB_APP)
    port = free_port()
    cmd = [sys.executable, "-m", "uvicorn", "--factory", "peers_rdflib_app:create", "--app-dir", str(app_dir)]
    cmd += ["--host", "127.0.0.1", "--port", str(port), "--workers", str(WORKERS), "--no-access-log"]
    cmd += ["--log-level", "warning"]
    return Peer("rdflib-endpoint", cmd, f"http://127.0.0.1:{port}/sparql", {"PEERS_GRAPH_NQ": str(graph_nq.resolve())})


@contextlib.contextmanager
def running(peer: Peer, workdir: Path) -> Iterator[None]:
    """Start the server in `workdir` (so that `python -m` imports nothing from the caller's directory) in its own
    process group, wait until it answers, and always stop the whole group."""
    log(f"$ {' '.join(peer.cmd)}")
    log_path = workdir / f"{peer.name}.log"
    with log_path.open("wb") as out:
        env = {**os.environ, **(peer.env or {})}
        proc = subprocess.Popen(
            peer.cmd, cwd=workdir, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )
    try:
        wait_ready(peer, proc, log_path)
        yield
    finally:
        stop(proc)


def wait_ready(peer: Peer, proc: subprocess.Popen[bytes], log_path: Path) -> None:
    """Poll with a trivial query until the server answers 200; fail early if it exits."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{peer.name} exited with {proc.returncode}:\n{log_path.read_text()[-2000:]}")
        with contextlib.suppress(OSError):
            status, _ = http_get(query_url(peer.url, "ASK {}"), timeout=5)
            if status == 200:
                return
        time.sleep(0.2)
    raise TimeoutError(f"{peer.name} did not answer within {START_TIMEOUT_S:.0f} s")


def stop(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM the server's process group, wait up to 10 s for its leader, then SIGKILL whatever is left of it."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=10)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


# --- checking answers ----------------------------------------------------------------------------------------------

OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback only: ignore any proxy settings


def http_get(url: str, timeout: float = 30) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Accept": ACCEPT})
    try:
        with OPENER.open(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def term_key(term: dict[str, str]) -> tuple[str, str, str, str]:
    """A result term comparable across servers: typed-literal is literal, xsd:string is no datatype."""
    kind = "literal" if term["type"] == "typed-literal" else term["type"]
    datatype = term.get("datatype", "")
    return kind, term["value"], "" if datatype == XSD_STRING else datatype, term.get("xml:lang", "").lower()


def fetch_rows(url: str, query: str) -> list[Row]:
    """The query's bindings as sorted rows; raises on an error status."""
    status, body = http_get(query_url(url, query))
    if status != 200:
        raise RuntimeError(f"HTTP {status}: {body[:300]!r}")
    bindings: list[dict[str, Any]] = json.loads(body)["results"]["bindings"]
    return sorted(tuple(sorted((var, term_key(term)) for var, term in row.items())) for row in bindings)


def compare(rows: list[Row], reference: list[Row]) -> str:
    if rows == reference:
        return "same"
    if set(rows) == set(reference):
        return "duplicates differ"
    return "DIFFERENT"


def check_answers(peers: list[Peer], queries: dict[str, str]) -> dict[tuple[str, str], tuple[int, str]]:
    """(server, query) -> (rows, comparison with the first server), shouting about any difference."""
    checks: dict[tuple[str, str], tuple[int, str]] = {}
    for name, query in queries.items():
        reference: list[Row] | None = None
        for peer in peers:
            try:
                rows = fetch_rows(peer.url, query)
            except (OSError, RuntimeError, ValueError, KeyError) as exc:
                log(f"!!! {peer.name} failed on {name}: {exc}")
                checks[peer.name, name] = (-1, "ERROR")
                continue
            if reference is None:
                reference, checks[peer.name, name] = rows, (len(rows), "reference")
                continue
            verdict = compare(rows, reference)
            checks[peer.name, name] = (len(rows), verdict)
            if verdict != "same":
                log(f"!!! MISMATCH on {name}: {peer.name} {len(rows)} rows ({len(set(rows))} distinct) vs "
                    f"{peers[0].name} {len(reference)} rows ({len(set(reference))} distinct): {verdict}")  # fmt: skip
    return checks


# --- wrk -----------------------------------------------------------------------------------------------------------

UNITS_MS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3, "h": 3600e3}


def to_ms(value: str, unit: str) -> float:
    return float(value) * UNITS_MS[unit]


def parse_wrk(out: str) -> WrkStats:
    """Requests/sec, the 50% and 99% latencies, non-2xx/3xx responses and socket errors from wrk --latency."""
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", out, re.M)
    p50, p99 = (re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s|m|h)\s*$", out, re.M) for p in (50, 99))
    if not (rps and p50 and p99):
        raise ValueError(f"cannot parse wrk output:\n{out}")
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return WrkStats(
        rps=float(rps[1]),
        p50_ms=to_ms(p50[1], p50[2]),
        p99_ms=to_ms(p99[1], p99[2]),
        non_2xx=int(non_2xx[1]) if non_2xx else 0,
        errors=sum(int(n) for n in sock.groups()) if sock else 0,
    )


def run_wrk(url: str, seconds: int) -> WrkStats:
    cmd = ["wrk", f"-t{WRK_THREADS}", f"-c{WRK_CONNECTIONS}", f"-d{seconds}s", "--latency", url]
    cmd += ["-H", f"Accept: {ACCEPT}"]
    done = subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=seconds + 60)
    return parse_wrk(done.stdout)


def measure(peers: list[Peer], queries: dict[str, str], seconds: int, runs: int) -> Samples:
    """A short discarded warm-up per server and query, then `runs` interleaved rounds of wrk."""
    for peer in peers:
        for query in queries.values():
            run_wrk(query_url(peer.url, query), WARMUP_S)
    samples: Samples = {}
    for run in range(1, runs + 1):
        for name, query in queries.items():
            for peer in peers:
                stats = run_wrk(query_url(peer.url, query), seconds)
                samples.setdefault((peer.name, name), []).append(stats)
                log(f"run {run}/{runs} {name:<10} {peer.name:<16} {stats.rps:>9.1f} req/s  p50 {stats.p50_ms:.2f} ms")
    return samples


def summarise(key: tuple[str, str], stats: list[WrkStats], check: tuple[int, str]) -> PeerResult:
    med = statistics.median
    return PeerResult(
        server=key[0],
        query=key[1],
        rps=med(s.rps for s in stats),
        p50_ms=med(s.p50_ms for s in stats),
        p99_ms=med(s.p99_ms for s in stats),
        non_2xx=sum(s.non_2xx for s in stats),
        errors=sum(s.errors for s in stats),
        rows=check[0],
        check=check[1],
        run_rps=tuple(s.rps for s in stats),
    )


def bench_peers(
    graph_nq: Path, queries: dict[str, str], *, seconds: int = 10, runs: int = 3, kgqa_cmd: list[str] | None = None
) -> list[PeerResult]:
    """Serve `graph_nq` with kgqa, Oxigraph and rdflib-endpoint at once, check their answers agree, then time each
    query on each server with wrk. `kgqa_cmd` is how to run kgqa (default: the kgqa next to this Python)."""
    with tempfile.TemporaryDirectory(prefix="kgqa-peers-") as name, contextlib.ExitStack() as stack:
        tmp = Path(name)
        peers = [
            kgqa_peer(graph_nq, tmp, kgqa_cmd or [tool("kgqa")]),
            oxigraph_peer(graph_nq, tmp),
            rdflib_peer(graph_nq, tmp),
        ]
        for peer in peers:
            stack.enter_context(running(peer, tmp))
        checks = check_answers(peers, queries)
        samples = measure(peers, queries, seconds, runs)
    return [summarise(key, stats, checks[key]) for key, stats in samples.items()]


# --- report --------------------------------------------------------------------------------------------------------


def table(results: list[PeerResult]) -> str:
    lines = [
        "| query | server | req/s | p50 ms | p99 ms | non-2xx | socket errors | rows | rows vs kgqa |",
        "|---|---|--:|--:|--:|--:|--:|--:|---|",
    ]
    for r in results:
        lines.append(
            f"| {r.query} | {r.server} | {r.rps:,.0f} | {r.p50_ms:.2f} | {r.p99_ms:.2f} | {r.non_2xx} | {r.errors} "
            f"| {r.rows} | {r.check} |"
        )
    return "\n".join(lines)


def ratio(kgqa: PeerResult, other: PeerResult | None) -> str:
    """Median over runs of kgqa's req/s over the other server's in the same run (robust to drift between runs)."""
    if other is None or not all(other.run_rps):
        return "n/a"
    return f"{statistics.median(k / o for k, o in zip(kgqa.run_rps, other.run_rps, strict=True)):.3f}"


def ratios(results: list[PeerResult]) -> str:
    """kgqa's req/s over each other server's, per query."""
    by_key = {(r.server, r.query): r for r in results}
    others = ("oxigraph", "rdflib-endpoint")
    lines = ["| query | " + " | ".join(f"kgqa/{o} (req/s)" for o in others) + " | goal |"]
    lines.append("|---" + "|--:" * len(others) + "|---|")
    goal = " and ".join(f"≥ {GOALS[o]:g}x {o}" for o in others)
    for query in dict.fromkeys(r.query for r in results):
        cells = [ratio(by_key["kgqa", query], by_key.get((o, query))) for o in others]
        met = all(c != "n/a" and float(c) >= GOALS[o] for c, o in zip(cells, others, strict=True))
        lines.append(f"| {query} | " + " | ".join(cells) + f" | {goal}: {'met' if met else 'not met'} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--graph", type=Path, required=True, help="graph directory holding graph.nq")
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per run (default 10)")
    parser.add_argument("--runs", type=int, default=3, help="runs per server and query; medians reported (default 3)")
    parser.add_argument("--queries", type=Path, help="JSON object {name: SPARQL} instead of the default lookups")
    parser.add_argument("--kgqa-cmd", type=shlex.split, help="how to run kgqa: 'env PYTHONPATH=SRC python -m kgqa.cli'")
    args = parser.parse_args(argv)
    graph_nq = args.graph / "graph.nq"
    queries = json.loads(args.queries.read_text()) if args.queries else DEFAULT_QUERIES
    load_before = os.getloadavg()[0]
    results = bench_peers(graph_nq, queries, seconds=args.seconds, runs=args.runs, kgqa_cmd=args.kgqa_cmd)
    load_after = os.getloadavg()[0]
    with graph_nq.open("rb") as f:
        quads = sum(1 for _ in f)
    print(f"## SPARQL lookups: {graph_nq} ({quads:,} quads)\n")
    print(f"wrk -t{WRK_THREADS} -c{WRK_CONNECTIONS} -d{args.seconds}s --latency, GET ?query=, Accept: {ACCEPT};")
    print(f"medians of {args.runs} run(s); {os.cpu_count()} CPUs shared by wrk and the servers; ", end="")
    print(f"1-min load average {load_before:.1f} before, {load_after:.1f} after.\n")
    for name, how in CONCURRENCY.items():
        print(f"- {name}: {how}")
    print(f"\n{table(results)}\n\nRatios: median over runs of kgqa's req/s / the other's in the same run.\n")
    print(ratios(results))


if __name__ == "__main__":
    main()
