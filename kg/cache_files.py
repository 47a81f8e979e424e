"""Tables derived from data files, and compiled regular expressions, kept between processes in the cache
directory (kg.locations.cache_dir).

A file is named by a digest of everything its table is made from, so a change to any of them (a data file, the
code that derives the table, the Python version) makes a new one; it holds the marshalled table after a digest
of it, is written atomically, and is made again when missing, damaged or unreadable. A cache that cannot be
written costs speed, never a result."""

import _sre
import hashlib
import logging
import marshal
import os
import re
import sys
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar, cast

from kg.locations import cache_dir

LOG = logging.getLogger(__name__)
MAGIC = b"kgqa-cache 1\n"
DIGEST = 32  # bytes of blake2b
T = TypeVar("T")


def cached(name: str, sources: Iterable[bytes], make: Callable[[], T]) -> T:
    """`make()` (a table of dicts, sets, tuples and strings), read from the cache when `sources` (the bytes it is
    made from) are unchanged, else made and written there."""
    key = hashlib.blake2b(digest_size=16)
    for part in (sys.version.encode(), str(marshal.version).encode(), *sources):
        key.update(hashlib.blake2b(part).digest())
    path = cache_dir() / f"{name}-{key.hexdigest()}.marshal"
    found = read(path)
    if found is not None:
        return cast(T, found)
    value = make()
    write(path, value)
    return value


def read(path: Path) -> object | None:
    """The table in a cache file, or None when it is missing or damaged."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    head, digest, payload = data[: len(MAGIC)], data[len(MAGIC) : len(MAGIC) + DIGEST], data[len(MAGIC) + DIGEST :]
    if head != MAGIC or hashlib.blake2b(payload, digest_size=DIGEST).digest() != digest:
        LOG.info("ignoring a damaged cache file %s", path)
        return None
    try:
        return marshal.loads(payload)
    except (EOFError, ValueError, TypeError):
        LOG.info("ignoring an unreadable cache file %s", path)
        return None


def write(path: Path, value: Any) -> None:
    """Write a cache file atomically (a temporary file renamed over it), and remove the files of the same name
    that older sources made; a directory that cannot be written is passed over."""
    payload = marshal.dumps(value)
    name = path.name.rpartition("-")[0]
    temporary: Path | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary_name = tempfile.mkstemp(dir=path.parent, prefix=f".{name}-")
        temporary = Path(temporary_name)
        with os.fdopen(fd, "wb") as fh:
            fh.write(MAGIC + hashlib.blake2b(payload, digest_size=DIGEST).digest() + payload)
        os.replace(temporary, path)
        temporary = None
        for old in path.parent.glob(f"{name}-*.marshal"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError as exc:
        LOG.info("cannot write the cache file %s: %s", path, exc)
        if temporary is not None:
            temporary.unlink(missing_ok=True)


def compiled(name: str, expressions: Sequence[str]) -> list[re.Pattern[str]]:
    """re.compile(expression) for each, from its compiled program kept in the cache. Python compiles a pattern in
    Python code, which for large Unicode classes (spaCy's affix patterns) costs a fresh process more than the
    pattern is used; the program is the regular expression engine's own (`_sre`), so it is kept per Python
    version, and the engine checks a program before it runs one. Anything amiss falls back to re.compile."""
    try:
        sources = [Path(__file__).read_bytes(), *(e.encode() for e in expressions)]
        made = cached(name, sources, lambda: programs(expressions))
        return [_sre.compile(e, *program) for e, program in zip(expressions, made, strict=True)]
    except (AttributeError, ImportError, OSError, RuntimeError, TypeError, ValueError) as exc:
        LOG.info("compiling %s without the cache: %s", name, exc)
        return [re.compile(e) for e in expressions]


def programs(expressions: Sequence[str]) -> list[tuple[int, list[int], int, dict[str, int], tuple[str | None, ...]]]:
    """What `_sre.compile` makes each pattern from (re._compiler.compile, without the pattern itself)."""
    from re import _compiler, _parser  # type: ignore[attr-defined]

    made = []
    for expression in expressions:
        parsed = _parser.parse(expression, 0)
        groupindex = dict(parsed.state.groupdict)
        indexgroup: list[str | None] = [None] * parsed.state.groups
        for group, index in groupindex.items():
            indexgroup[index] = group
        code = [int(op) for op in _compiler._code(parsed, 0)]  # its opcodes are int subclasses marshal does not take
        made.append((int(parsed.state.flags), code, parsed.state.groups - 1, groupindex, tuple(indexgroup)))
    return made
