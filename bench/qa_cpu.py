"""Question answering's CPU per new question text, in process: p50 and p90 over every ask, and over each question's
best. Each round asks every question of tests/data/questions.json once, its letters' case varied (as
bench/servers.py's wrk script does), so no answer is asked twice.

    python bench/qa_cpu.py --graph DIR [--rounds 8] [--against TREE]

With --against, a checkout of another commit (`git archive COMMIT | tar -x -C TREE`) answers beside this one in a
second process, question by question in alternation, so both see the same load. Nothing here is asserted.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

from inprocess import varied  # bench/ is this script's directory

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = ROOT / "tests" / "data" / "questions.json"


def serve(graph: Path) -> None:
    """A worker: read JSON question texts from stdin, write each answer's process CPU seconds."""
    sys.path.insert(0, str(Path.cwd()))
    from kg.snapshot import snapshot_of
    from kg.stores import StoreConfig, open_store
    from service.qa import QA

    qa = QA(snapshot_of(open_store(StoreConfig(directory=graph))))
    print("ready", flush=True)
    for line in sys.stdin:
        question = json.loads(line)
        start = time.process_time()
        qa.ask(question)
        print(time.process_time() - start, flush=True)


class Worker:
    def __init__(self, tree: Path, graph: Path) -> None:
        cmd = [sys.executable, str(Path(__file__).resolve()), "--serve", "--graph", str(graph)]
        self.process = subprocess.Popen(cmd, cwd=tree, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.process.stdin is not None and self.process.stdout is not None
        self.stdin, self.stdout = self.process.stdin, self.process.stdout
        if self.stdout.readline().strip() != "ready":
            raise SystemExit(f"the worker in {tree} did not start")

    def ask(self, question: str) -> float:
        self.stdin.write(json.dumps(question) + "\n")
        self.stdin.flush()
        return float(self.stdout.readline())

    def close(self) -> None:
        self.stdin.close()
        self.process.wait(timeout=60)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[int(share * (len(ordered) - 1))]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--graph", type=Path, required=True, help="a graph directory (e.g. the corpus ingested)")
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--against", type=Path, help="another checkout to measure beside this one")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        return serve(args.graph)
    trees = {"this": ROOT} | ({"against": args.against} if args.against else {})
    workers = {name: Worker(tree, args.graph) for name, tree in trees.items()}
    questions = [str(q["q"]) for q in json.loads(QUESTIONS.read_text(encoding="utf-8"))]
    for question in questions:  # first asks: the per-graph look-ups each fills on first need
        for worker in workers.values():
            worker.ask(question)
    every: dict[str, list[float]] = {name: [] for name in workers}
    best: dict[str, dict[str, float]] = {name: {} for name in workers}
    for r in range(args.rounds):
        for k, question in enumerate(questions):
            text = varied(question, (r + 1) * 100_000 + k)
            order = list(workers.items()) if (r + k) % 2 else list(reversed(workers.items()))
            for name, worker in order:
                seconds = worker.ask(text)
                every[name].append(seconds)
                best[name][question] = min(best[name].get(question, seconds), seconds)
    for worker in workers.values():
        worker.close()
    print(f"| code | every ask: p50 / p90 / mean µs | each question's best of {args.rounds}: p50 / p90 / mean µs |")
    print("| --- | --- | --- |")
    for name in workers:
        a, b = every[name], list(best[name].values())
        print(
            f"| {trees[name]} | {percentile(a, 0.5) * 1e6:,.0f} / {percentile(a, 0.9) * 1e6:,.0f} / "
            f"{statistics.mean(a) * 1e6:,.0f} | {percentile(b, 0.5) * 1e6:,.0f} / {percentile(b, 0.9) * 1e6:,.0f} / "
            f"{statistics.mean(b) * 1e6:,.0f} |"
        )


if __name__ == "__main__":
    main()
