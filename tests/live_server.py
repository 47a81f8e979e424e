"""Starting and stopping a real `kgqa serve` (granian, or gunicorn) on a free loopback port, for the server and
browser tests."""

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO
from urllib.request import ProxyHandler, build_opener

import pytest

from kg.locations import PROJECT_ROOT

STARTUP_S = 60
OPENER = build_opener(ProxyHandler({}))  # loopback only, whatever the environment says about proxies


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(command: list[str], log: IO[bytes], port: int, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    """Start a server and wait (boundedly) until /healthz answers."""
    process = subprocess.Popen(command, env=env, cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + STARTUP_S
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with OPENER.open(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
                if response.status == 200:
                    return process
        except OSError:
            time.sleep(0.2)
    stop(process)
    log.seek(0)
    pytest.fail(f"the server did not start: {log.read().decode(errors='replace')[-3000:]}")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=20)


@contextmanager
def serving(
    graph: Path,
    log_dir: Path,
    env: dict[str, str] | None = None,
    store: tuple[str, ...] = (),
    server: str = "granian",
) -> Iterator[str]:
    """`kgqa serve` (two workers, under `server`) on `graph`, with `store` options if any; yields the base URL."""
    port = free_port()
    command = [sys.executable, "-m", "kgqa.cli", "serve", "--graph", str(graph), "--port", str(port), "--workers", "2"]
    with (log_dir / f"{server}.log").open("w+b") as log:
        process = start([*command, "--server", server, *store], log, port, env)
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            stop(process)
