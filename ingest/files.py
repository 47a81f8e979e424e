"""Which files an ingest reads and what it calls them; reading one without hanging or running out of memory.

A source is named by its path relative to the folder it was found in, or by its absolute path when it was
named itself, so two `notes.md` in two folders stay two sources. A note is read only when `stat` says it is a
regular file no larger than KGQA_MAX_NOTE_BYTES, and it is opened non-blocking, so a FIFO never hangs.
"""

import errno
import os
import stat
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ingest.settings import MAX_NOTE_BYTES, value

SUFFIXES = (".md", ".markdown", ".txt", ".text", ".tsv", ".json", "")


class SourceError(ValueError):
    """A file that cannot be read as a note; the message names the file and says what to do."""


@dataclass(frozen=True)
class SourceFile:
    """A file to ingest and its source name (its named graph and evidence use the name)."""

    path: Path
    name: str


def discover(paths: list[Path]) -> list[SourceFile]:
    """Files named directly (by absolute path), plus note files inside named folders (by their path relative
    to that folder; sorted, hidden files skipped). Files that two folders would give one name are named by
    their absolute paths."""
    found: list[SourceFile] = []
    for p in map(Path, paths):
        if p.is_dir():
            found.extend(
                SourceFile(f, f.relative_to(p).as_posix())
                for f in sorted(p.rglob("*"))
                if f.is_file() and not f.name.startswith(".") and f.suffix.lower() in SUFFIXES
            )
        else:
            found.append(SourceFile(p, str(p.absolute())))
    names = Counter(f.name for f in found)
    named = [f if names[f.name] == 1 else SourceFile(f.path, str(f.path.absolute())) for f in found]
    return list({f.name: f for f in named}.values())  # a file named twice is read once


def read_note(path: Path, limit: int | None = None) -> bytes:
    """The bytes of one note file. Anything but a regular file, or a file over `limit` bytes (default
    KGQA_MAX_NOTE_BYTES), is a SourceError of one line."""
    limit = limit or value(MAX_NOTE_BYTES)
    try:
        info = os.stat(path)
        _check(path, info, limit)
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        raise SourceError(f"{path}: cannot read ({exc.strerror}) — {_fix(exc)}") from None
    try:
        _check(path, os.fstat(fd), limit)  # the file opened may not be the one looked at
        with os.fdopen(fd, "rb", closefd=False) as note:
            data = note.read(limit + 1)
    except OSError as exc:
        raise SourceError(f"{path}: cannot read ({exc.strerror}) — {_fix(exc)}") from None
    finally:
        os.close(fd)
    if len(data) > limit:
        raise SourceError(_too_large(path, len(data), limit))
    return data


def _check(path: Path, info: os.stat_result, limit: int) -> None:
    if stat.S_ISDIR(info.st_mode):
        raise SourceError(f"{path}: a directory, not a note — name it as a folder to ingest the notes inside")
    if not stat.S_ISREG(info.st_mode):
        kind = "a FIFO" if stat.S_ISFIFO(info.st_mode) else "not a regular file"
        raise SourceError(f"{path}: {kind}, not a note file — save the note to a file and ingest that")
    if info.st_size > limit:
        raise SourceError(_too_large(path, info.st_size, limit))


def _too_large(path: Path, size: int, limit: int) -> str:
    return (
        f"{path}: {size / 1e6:.1f} MB, over the {limit / 1e6:g} MB limit of one note — split it, or raise "
        f"KGQA_{MAX_NOTE_BYTES.name}"
    )


def _fix(exc: OSError) -> str:
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "give the user running kgqa read permission on it"
    if exc.errno == errno.ENOENT:
        return "check the path"
    return "check the file"
