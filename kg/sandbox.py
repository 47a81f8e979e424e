"""The sandbox a query process runs in: an audit hook that refuses file, network and process events, and an
address-space limit. Installed in each child of kg.pool before it answers anything."""

import os
import resource
from typing import Any

DENIED_EVENTS = frozenset(
    {
        "socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "socket.sendto", "socket.bind",
        "urllib.Request", "subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork",
    }
)  # fmt: skip
MODULE_SUFFIXES = (".py", ".pyc", ".so")  # a lazy import may still read these
denied: list[str] = []  # the events refused in this (child) process


def audit(event: str, args: tuple[Any, ...]) -> None:
    if event in DENIED_EVENTS or (event == "open" and not harmless_open(args)):
        denied.append(event)
        raise PermissionError(f"{event} is not allowed while a query runs")


def harmless_open(args: tuple[Any, ...]) -> bool:
    path = args[0] if args else None
    return isinstance(path, int) or (isinstance(path, str | bytes) and os.fsdecode(path).endswith(MODULE_SUFFIXES))


def limit_memory(extra_bytes: int) -> None:
    """Let the address space grow by at most `extra_bytes` beyond what the fork inherited (on Linux)."""
    try:
        with open("/proc/self/statm") as statm:
            size = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:  # no /proc: no limit
        return
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    soft = size + extra_bytes if hard == resource.RLIM_INFINITY else min(size + extra_bytes, hard)
    resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
