"""Corpus ingest in fresh processes, checkouts side by side: bench/run.py's FRESH_INGEST, alternating between the
checkouts given, with each process's CPU (its own and its forked processes') beside the wall clock and the load
average, for a shared machine where wall time alone says little.

    python bench/fresh_ingest.py [--runs 5] CHECKOUT [CHECKOUT ...]   # e.g. a `git archive` of the base, and .

Prints per checkout the medians of: wall s after imports and for the whole process, CPU s of the imports and
after them. Nothing here is asserted.
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SCRIPT = """
import json, resource, sys, time
def cpu():
    own, forked = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + forked.ru_utime + forked.ru_stime
started, started_cpu = time.perf_counter(), cpu()
from pathlib import Path
from ingest.pipeline import run_ingest
from kg.locations import SOURCES_DIR
from kg.stores import StoreConfig
imported, imported_cpu = time.perf_counter(), cpu()
run_ingest([SOURCES_DIR], StoreConfig(directory=Path(sys.argv[1])))
print(json.dumps({"after imports s": time.perf_counter() - imported, "imports CPU s": imported_cpu - started_cpu,
                  "after imports CPU s": cpu() - imported_cpu}))
"""


def run(checkout: Path, graph: Path) -> dict[str, float]:
    load = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(graph)],
        cwd=checkout,
        env={**os.environ, "PYTHONPATH": str(checkout)},
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    row = json.loads(out.splitlines()[-1])
    row["whole process s"] = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    row["whole process CPU s"] = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    row["load average"] = load
    return dict(row)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("checkouts", nargs="+", type=Path)
    args = parser.parse_args()
    rows: dict[Path, list[dict[str, float]]] = {c: [] for c in args.checkouts}
    with tempfile.TemporaryDirectory() as tmp:
        for n in range(args.runs):
            for i, checkout in enumerate(args.checkouts):
                rows[checkout].append(run(checkout.resolve(), Path(tmp) / f"{n}-{i}"))
    for checkout, found in rows.items():
        medians = {k: statistics.median(r[k] for r in found) for k in found[0]}
        print(checkout, "; ".join(f"{k} {v:.3f}" for k, v in medians.items()))


if __name__ == "__main__":
    main()
