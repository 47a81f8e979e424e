"""Scale, per store: synthetic notes sized for about 10k, 100k and 1M triples, ingested into the memory store, the
oxigraph store and an Oxigraph server (the sparql store). For each: ingest words/s, graph size on disk, time to
open (store + names + facts + question answerer, in a fresh process, imports excluded; wall and CPU) and its peak
RSS, the CPU of the first question asked after it, and the latency of one /api/ask question and one /sparql lookup
(wrk, one connection, p50 and p99).

    python bench/scale.py [--sizes 10k,100k,1M] [--stores memory,oxigraph,sparql] [--seconds 5] [--plot FILE]
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))
from peers import free_port, http_get, parse_wrk, stop, tool
from synth import write_notes

NOTES_FOR = {"10k": 5, "100k": 45, "1M": 450}  # synthetic notes that make about so many triples (~2,300 each)
STORES = ("memory", "oxigraph", "sparql")
KGQA = [sys.executable, "-m", "kgqa.cli"]
OPEN = """
import collections, json, resource, sys, time
from kg.stores import StoreConfig
import service.state
from service.heap import keep
started, cpu = time.perf_counter(), time.process_time()
state = service.state.load(StoreConfig.resolve(**json.loads(sys.argv[1])))
keep()  # as `kgqa serve` does once the graph is open
seconds, cpu_s = time.perf_counter() - started, time.process_time() - cpu
rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
subjects = collections.Counter(k.subject for k in state.snapshot.keys)
entity = state.snapshot.entities[max(subjects, key=lambda iri: (subjects[iri], iri))]
asked = time.process_time()
state.qa.ask("what is " + entity.label)
first_ms = (time.process_time() - asked) * 1000
print(json.dumps({"seconds": seconds, "cpu_s": cpu_s, "rss_mb": rss_mb, "first_ms": first_ms, "triples": state.triples,
                  "facts": len(state.snapshot.keys), "iri": entity.iri, "label": entity.label}))
"""


@dataclass
class ScaleRow:
    size: str
    store: str
    words: int
    triples: int
    facts: int
    ingest_s: float
    disk_mb: float
    open_s: float
    open_cpu_s: float
    rss_mb: float
    first_ask_cpu_ms: float  # the first question asked after the open, in the same process
    ask_p50_ms: float
    ask_p99_ms: float
    sparql_p50_ms: float
    sparql_p99_ms: float

    @property
    def words_per_s(self) -> float:
        return self.words / self.ingest_s


def disk_mb(path: Path) -> float:
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files) / 1e6


@contextmanager
def oxigraph_server(location: Path) -> Iterator[str]:
    """A read-write Oxigraph server on a free loopback port; its base URL."""
    port = free_port()
    proc = subprocess.Popen(
        [
            tool("oxigraph"),
            "serve",
            "--location",
            str(location),
            "--bind",
            f"127.0.0.1:{port}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # peers.stop signals the process group
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{base}/query?query={quote('ASK {}')}", proc)
        yield base
    finally:
        stop(proc)


def wait_for(url: str, proc: subprocess.Popen[bytes], seconds: float = 120) -> None:
    """Until `url` answers; RuntimeError if the process exits or the time runs out first."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            http_get(url, timeout=2)
            return
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(f"{proc.args!r} exited") from None
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {seconds:g} s")


def store_args(store: str, graph: Path, base: str) -> list[str]:
    if store == "sparql":
        return ["--store", "sparql", "--sparql-query-url", f"{base}/query", "--sparql-update-url", f"{base}/update"]
    return ["--store", store, "--graph", str(graph)]


def config_json(store: str, graph: Path, base: str) -> str:
    if store == "sparql":
        return json.dumps({"kind": "sparql", "query_url": f"{base}/query"})
    return json.dumps({"kind": store, "graph": str(graph)})


@contextmanager
def serving(args: list[str], workdir: Path) -> Iterator[str]:
    port = free_port()
    with (workdir / f"serve-{port}.log").open("wb") as log:
        command = [*KGQA, "serve", *args, "--port", str(port), "--workers", "2"]
        proc = subprocess.Popen(command, stdout=log, stderr=log, start_new_session=True)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_for(f"{base}/healthz", proc)
            yield base
        finally:
            stop(proc)


def latency(url: str, seconds: int) -> tuple[float, float]:
    """p50 and p99 in ms of requests one after another (wrk, one connection)."""
    out = subprocess.run(
        ["wrk", "-t1", "-c1", f"-d{seconds}s", "--latency", "-H", "Accept: application/sparql-results+json", url],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
    ).stdout
    stats = parse_wrk(out)
    if stats.non_2xx:
        raise RuntimeError(f"{stats.non_2xx} non-2xx answers from {url}")
    return stats.p50_ms, stats.p99_ms


def measure(size: str, store: str, notes: Path, words: int, work: Path, seconds: int) -> ScaleRow:
    graph = work / f"{size}-{store}"
    with tempfile.TemporaryDirectory(dir=work) as location, oxigraph_server(Path(location)) as base:
        args = store_args(store, graph, base)
        started = time.perf_counter()
        subprocess.run([*KGQA, "ingest", *args, str(notes)], check=True, capture_output=True)
        ingest_s = time.perf_counter() - started
        where = {"memory": graph / "graph.nq", "oxigraph": graph / "oxigraph", "sparql": Path(location)}[store]
        size_mb = disk_mb(where)  # here: the server's directory goes when the block ends
        opened = json.loads(
            subprocess.run(
                [sys.executable, "-c", OPEN, config_json(store, graph, base)],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
        )
        with serving(args, work) as url:
            ask = latency(f"{url}/api/ask?q={quote('what is ' + opened['label'])}", seconds)
            lookup = f"SELECT ?p ?o WHERE {{ <{opened['iri']}> ?p ?o }}"
            sparql = latency(f"{url}/sparql?query={quote(lookup)}", seconds)
    return ScaleRow(
        size, store, words, opened["triples"], opened["facts"], ingest_s, size_mb,
        opened["seconds"], opened["cpu_s"], opened["rss_mb"], opened["first_ms"], *ask, *sparql,
    )  # fmt: skip


def bench_scale(sizes: list[str], stores: list[str], seconds: int = 5) -> list[ScaleRow]:
    rows = []
    with tempfile.TemporaryDirectory(prefix="kgqa-scale-") as tmp:
        work = Path(tmp)
        for size in sizes:
            notes = work / f"notes-{size}"
            summary = write_notes(notes, NOTES_FOR[size])
            for store in stores:
                row = measure(size, store, notes, summary.words, work, seconds)
                print(json.dumps(asdict(row)), file=sys.stderr)
                rows.append(row)
                shutil.rmtree(work / f"{size}-{store}", ignore_errors=True)
    return rows


def table(rows: list[ScaleRow]) -> str:
    head = (
        "| size | store | triples | ingest words/s | disk MB | open s (CPU s) | open peak RSS MB | first ask CPU ms "
        "| /api/ask p50 / p99 ms | /sparql p50 / p99 ms |\n"
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n"
    )
    return head + "".join(
        f"| {r.size} | {r.store} | {r.triples:,} | {r.words_per_s:,.0f} | {r.disk_mb:.1f} | {r.open_s:.2f} "
        f"({r.open_cpu_s:.2f}) | {r.rss_mb:.0f} | {r.first_ask_cpu_ms:.0f} | {r.ask_p50_ms:.2f} / {r.ask_p99_ms:.2f} "
        f"| {r.sparql_p50_ms:.2f} / {r.sparql_p99_ms:.2f} |\n"
        for r in rows
    )


def plot(rows: list[ScaleRow], path: Path) -> None:
    """Latency against graph size, one line per store and endpoint, p50 solid and p99 dashed."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2), sharey=False)
    for ax, endpoint in zip(axes, ("ask", "sparql"), strict=True):
        for store in dict.fromkeys(r.store for r in rows):
            mine = sorted((r for r in rows if r.store == store), key=lambda r: r.triples)
            xs = [r.triples for r in mine]
            (line,) = ax.plot(xs, [getattr(r, f"{endpoint}_p50_ms") for r in mine], marker="o", label=f"{store} p50")
            ax.plot(xs, [getattr(r, f"{endpoint}_p99_ms") for r in mine], ls="--", color=line.get_color(), label="p99")
        ax.set(xscale="log", yscale="log", xlabel="triples in the graph", ylabel="latency (ms)")
        ax.set_title("/api/ask" if endpoint == "ask" else "/sparql lookup")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default="10k,100k,1M")
    p.add_argument("--stores", default=",".join(STORES))
    p.add_argument("--seconds", type=int, default=5)
    p.add_argument("--plot", type=Path, help="write the latency plot (PNG) here")
    p.add_argument("--json", type=Path, help="write the rows as JSON here")
    args = p.parse_args(argv)
    os.environ.setdefault("KGQA_QUERY_TIMEOUT", "30")
    rows = bench_scale(args.sizes.split(","), args.stores.split(","), args.seconds)
    print(table(rows))
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in rows], indent=1))
    if args.plot:
        plot(rows, args.plot)


if __name__ == "__main__":
    main()
