"""The scale-out path against the local one: synthetic notes ingested through a Dask cluster started here (a
scheduler and N workers, subprocesses on loopback) and through local processes, with the time, words/s and
peak RSS of each and whether their facts are the same.

    python bench/cluster.py [--notes 1000] [--workers 2] [--notes-dir DIR]
"""

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synth import write_notes

BIN = Path(sys.executable).parent
KGQA = [sys.executable, "-m", "kgqa.cli"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start(command: list[str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def _stop(proc: subprocess.Popen[bytes], seconds: float = 20) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(seconds)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(seconds)


def connected_workers(address: str) -> int:
    from distributed import Client

    with Client(address, timeout=5, set_as_default=False) as client:
        return len(client.nthreads())


@contextmanager
def local_cluster(workers: int = 2, logs: Path | None = None, seconds: float = 180) -> Iterator[str]:
    """A Dask scheduler and `workers` one-thread workers on 127.0.0.1 (`dask scheduler`, `dask worker`), until all
    workers have joined (at most `seconds`); its address. Stopped, process groups and all, on exit."""
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    dask = str(BIN / "dask")
    with ExitStack() as stack, tempfile.TemporaryDirectory(prefix="kgqa-dask-") as tmp:
        where = logs or Path(tmp)
        procs = [
            _start(
                [dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--dashboard-address", ":0"],
                where / "scheduler.log",
            )
        ]
        stack.callback(lambda: [_stop(p) for p in reversed(procs)])
        for n in range(workers):
            command = [dask, "worker", address, "--nthreads", "1", "--host", "127.0.0.1", "--no-dashboard"]
            procs.append(_start([*command, "--local-directory", tmp, "--name", f"w{n}"], where / f"worker{n}.log"))
        deadline = time.monotonic() + seconds
        while True:
            if any(p.poll() is not None for p in procs):
                raise RuntimeError(f"the Dask cluster stopped; see the logs in {where}")
            try:
                if connected_workers(address) >= workers:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{workers} Dask workers did not join within {seconds:g} s")
            time.sleep(0.5)
        yield address


def measured(command: list[str]) -> dict[str, float]:
    """Run a command: its seconds and the peak RSS (MB) of its largest process (a forked worker's counts)."""
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode:
            errors.seek(0)
            raise RuntimeError(f"{command!r} failed: {errors.read().decode()[-2000:]}")
    return {"seconds": seconds, "rss_mb": usage.ru_maxrss / 1024}


def ingest(notes: Path, graph: Path, *extra: str) -> dict[str, float]:
    """`kgqa ingest` in a child process: its seconds and peak RSS (MB)."""
    return measured([*KGQA, "ingest", "--graph", str(graph), *extra, str(notes)])


def facts_json(graph: Path) -> bytes:
    return subprocess.run([*KGQA, "facts", "--json", "--graph", str(graph)], check=True, capture_output=True).stdout


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--notes", type=int, default=1000)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--notes-dir", type=Path, help="notes already written (else synthetic ones are made)")
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="kgqa-cluster-") as tmp:
        work = Path(tmp)
        notes = args.notes_dir or work / "notes"
        if not args.notes_dir:
            write_notes(notes, args.notes)
        words = sum(len(f.read_text(encoding="utf-8").split()) for f in notes.iterdir())
        local = ingest(notes, work / "local")
        with local_cluster(args.workers, work) as address:
            cluster = ingest(notes, work / "cluster", "--scheduler", address)
        same = facts_json(work / "local") == facts_json(work / "cluster")
    rows = {"local processes": local, f"Dask, {args.workers} workers": cluster}
    print(f"| path | seconds | words/s | peak RSS MB (kgqa) |\n| --- | ---: | ---: | ---: |  ({words:,} words)")
    for name, row in rows.items():
        print(f"| {name} | {row['seconds']:.1f} | {words / row['seconds']:,.0f} | {row['rss_mb']:,.0f} |")
    print(json.dumps({"words": words, "same_facts": same, **{k: v for k, v in rows.items()}}))
    print("facts: the same" if same else "facts: DIFFERENT")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
