"""Housekeeping of a graph directory: one writer at a time, and nothing left behind.

- One writer: an advisory lock (flock) on the directory itself, held for a whole ingest; a second writer
  waits for it, or fails at once when told not to wait. The holder's pid is read from /proc/locks.
- Temporary files and directories carry their writer's pid in their name (`.graph-<pid>-*.tmp`); those
  whose writer is no longer alive are swept when the store is next opened.
"""

import errno
import fcntl
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kg.errors import KGError

TEMP_NAME = re.compile(r"^\.(?P<kind>[a-z]+)-(?P<pid>\d+)-.*\.tmp$")


class GraphBusy(KGError):
    """Another process is writing the graph."""

    status = 503
    code = "graph_busy"


def holder(directory: Path) -> int | None:
    """The pid holding the writer's lock on `directory`, if any (Linux: read from /proc/locks)."""
    try:
        inode = os.stat(directory).st_ino
        with open("/proc/locks", encoding="ascii") as locks:
            for line in locks:
                fields = line.split()
                if len(fields) > 5 and fields[1] == "FLOCK" and fields[5].endswith(f":{inode}"):
                    return int(fields[4])
    except (OSError, ValueError):
        pass
    return None


@dataclass
class _Held:
    fd: int
    count: int


_HELD: dict[Path, _Held] = {}  # locks this process holds, so a writer may open the store again


class WriterLock:
    """The graph directory's one-writer lock; re-entrant within a process."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory).absolute()

    def acquire(self, *, wait: bool = True, on_wait: Callable[[int | None], None] | None = None) -> None:
        """Take the lock. When another process holds it: with `wait`, tell `on_wait` (the holder's pid) and
        block until it is free; else raise GraphBusy."""
        held = _HELD.get(self.directory)
        if held:
            held.count += 1
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.directory, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                pid = holder(self.directory)
                if not wait:
                    who = f"another ingest (pid {pid})" if pid else "another ingest"
                    raise GraphBusy(
                        f"{self.directory}: {who} is writing this graph — wait for it to finish, or leave out --no-wait"
                    ) from None
                if on_wait:
                    on_wait(pid)
                fcntl.flock(fd, fcntl.LOCK_EX)
        except BaseException:
            os.close(fd)
            raise
        _HELD[self.directory] = _Held(fd, 1)

    def release(self) -> None:
        held = _HELD.get(self.directory)
        if not held:
            return
        held.count -= 1
        if held.count == 0:
            del _HELD[self.directory]
            os.close(held.fd)  # closing the only descriptor lets go of the lock

    def __enter__(self) -> "WriterLock":
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def temp_prefix(kind: str) -> str:
    """The start of a temporary file's name that says which process writes it."""
    return f".{kind}-{os.getpid()}-"


def make_temp(directory: Path, kind: str, suffix: str = ".tmp") -> tuple[int, Path]:
    """A new temporary file in `directory`, named for this process: its descriptor and path."""
    fd, name = tempfile.mkstemp(prefix=temp_prefix(kind), suffix=suffix, dir=directory)
    return fd, Path(name)


def alive(pid: int) -> bool:
    """Is a process with this pid running (a pid reused by another process counts as alive: kept, not lost)?"""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@dataclass(frozen=True)
class TempFile:
    path: Path
    pid: int
    size: int


def temp_files(directory: Path) -> list[TempFile]:
    """The temporary files and directories in `directory`, with the pid of their writer and their size."""
    found = []
    try:
        entries = sorted(Path(directory).iterdir())
    except OSError:
        return []
    for entry in entries:
        m = TEMP_NAME.match(entry.name)
        if m:
            found.append(TempFile(entry, int(m["pid"]), _size(entry)))
    return found


def sweep(directory: Path) -> list[TempFile]:
    """Remove the temporary files whose writer is no longer alive; what was removed. Best effort: a
    directory this user cannot write is left as it is."""
    swept = []
    for temp in temp_files(directory):
        if alive(temp.pid):
            continue
        try:
            if temp.path.is_dir() and not temp.path.is_symlink():
                shutil.rmtree(temp.path)
            else:
                temp.path.unlink()
        except OSError:
            continue
        swept.append(temp)
    return swept


def _size(path: Path) -> int:
    try:
        if path.is_dir() and not path.is_symlink():
            return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
        return path.stat().st_size
    except OSError:
        return 0


MESSAGES = {n: os.strerror(n) for n in (errno.ENOSPC, errno.EDQUOT, errno.EACCES, errno.EROFS)}  # in RocksDB's


def disk_trouble(exc: OSError) -> bool:
    """Is this an error of the disk (space, permission), not of the data on it? RocksDB's say so in words."""
    return exc.errno is not None or any(text in str(exc) for text in MESSAGES.values())


def disk_error(path: Path, exc: OSError, doing: str) -> KGError:
    """A disk error as one line: the path, what happened and what to do; the previous graph is kept."""
    fixes = {
        errno.ENOSPC: "no space left on the device — free some space and run the ingest again",
        errno.EDQUOT: "over the disk quota — free some space and run the ingest again",
        errno.EACCES: "permission denied — give the user running kgqa write permission, or use --graph DIR",
        errno.EPERM: "permission denied — give the user running kgqa write permission, or use --graph DIR",
        errno.EROFS: "read-only file system — use --graph DIR on a writable disk",
        errno.EISDIR: "a directory where the graph file should be — run `kgqa ingest --rebuild`",
        errno.ENOTDIR: "a file where a directory should be — run `kgqa ingest --rebuild`",
    }
    code = exc.errno or next((n for n, text in MESSAGES.items() if text in str(exc)), 0)
    detail = (str(exc.strerror or exc).strip().splitlines() or ["error"])[0]
    what = fixes.get(code, f"{detail} — check the disk, then run the ingest again")
    return KGError(f"{path}: cannot {doing}: {what} (the previous graph is kept)", code="disk_error")
