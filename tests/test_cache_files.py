"""The cache of derived tables (kg.cache_files): made once, read back, made again when its sources change or its
file is damaged; never a crash. No timing here (that is `make bench`)."""

import hashlib
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from kg import cache_files, lexicon
from kg.cache_files import cached


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("KGQA_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def counting(value: object) -> tuple[list[int], Callable[[], object]]:
    made: list[int] = []

    def make() -> object:
        made.append(1)
        return value

    return made, make


TABLE = ({"a": "b"}, {"noun": frozenset({"x", "y"})}, frozenset({"a", "b"}))


def test_made_once_then_read(cache: Path) -> None:
    made, make = counting(TABLE)
    assert cached("t", [b"src"], make) == TABLE
    assert cached("t", [b"src"], make) == TABLE
    assert len(made) == 1
    assert len(list(cache.glob("t-*.marshal"))) == 1


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ([b"data v1"], [b"data v2"]),  # a data file changed
        ([b"code", b"data"], [b"code2", b"data"]),  # the deriving code changed
        ([b"ab", b"c"], [b"a", b"bc"]),  # the same bytes split otherwise are other sources
    ],
)
def test_changed_sources_make_it_again(cache: Path, first: list[bytes], second: list[bytes]) -> None:
    made, make = counting(TABLE)
    cached("t", first, make)
    cached("t", second, make)
    assert len(made) == 2
    assert len(list(cache.glob("t-*.marshal"))) == 1  # the stale file is removed


def damage_truncate(data: bytes) -> bytes:
    return data[: len(data) // 2]


def damage_flip(data: bytes) -> bytes:
    return data[:-3] + bytes([data[-3] ^ 0xFF]) + data[-2:]


def damage_magic(data: bytes) -> bytes:
    return b"x" + data[1:]


def damage_empty(data: bytes) -> bytes:
    return b""


@pytest.mark.parametrize("damage", [damage_truncate, damage_flip, damage_magic, damage_empty])
def test_damaged_file_is_made_again(cache: Path, damage: Callable[[bytes], bytes]) -> None:
    made, make = counting(TABLE)
    cached("t", [b"src"], make)
    (path,) = cache.glob("t-*.marshal")
    path.write_bytes(damage(path.read_bytes()))
    assert cached("t", [b"src"], make) == TABLE
    assert len(made) == 2
    assert cache_files.read(path) == TABLE  # written whole again


def test_marshal_garbage_behind_a_good_digest(cache: Path) -> None:
    made, make = counting(TABLE)
    cached("t", [b"src"], make)
    (path,) = cache.glob("t-*.marshal")
    payload = b"\xff\x00garbage"
    digest = hashlib.blake2b(payload, digest_size=cache_files.DIGEST).digest()
    path.write_bytes(cache_files.MAGIC + digest + payload)
    assert cached("t", [b"src"], make) == TABLE
    assert len(made) == 2


def test_unwritable_cache_dir_still_gives_the_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("KGQA_CACHE_DIR", str(blocker / "cache"))
    made, make = counting(TABLE)
    assert cached("t", [b"src"], make) == TABLE
    assert cached("t", [b"src"], make) == TABLE
    assert len(made) == 2
    assert not list(tmp_path.glob("**/.t-*"))  # no temporary file left behind


def test_lexicon_from_the_cache_equals_the_lookups(cache: Path) -> None:
    lexicon._tables.cache_clear()
    try:
        first = lexicon._tables()  # made and written
        lexicon._tables.cache_clear()
        second = lexicon._tables()  # read back
    finally:
        lexicon._tables.cache_clear()
    assert first == second == lexicon.derive()
    assert len(list(cache.glob("lexicon-*.marshal"))) == 1


EXPRESSIONS = [
    r"^\$|^\(|^[\u00A6\u00A9\u00AE\u0482]",  # a prefix pattern's shape, with a Unicode class
    r"(?P<word>\w+)-(?P=word)|(x)(?:y)?$",  # named, back-referenced and anonymous groups
    r"(?i)[a-zß-ÿ]+\s*ς",  # flags set inside the pattern
    "",
]


def test_compiled_patterns_are_re_compiles(cache: Path) -> None:
    made = cache_files.compiled("re", EXPRESSIONS)  # compiled and written
    read = cache_files.compiled("re", EXPRESSIONS)  # read back
    for expression, first, second in zip(EXPRESSIONS, made, read, strict=True):
        reference = re.compile(expression)
        assert first == second == reference  # pattern, flags and the engine's program alike
        assert (second.groups, second.groupindex) == (reference.groups, reference.groupindex)
    assert read[1].match("ab-ab") and read[1].match("ab-ab")["word"] == "ab"  # type: ignore[index]
    assert len(list(cache.glob("re-*.marshal"))) == 1


def test_compiled_patterns_from_the_cache_skip_compiling(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache_files.compiled("re", EXPRESSIONS)
    monkeypatch.setattr(cache_files, "programs", lambda _: pytest.fail("compiled again"))
    assert cache_files.compiled("re", EXPRESSIONS) == [re.compile(e) for e in EXPRESSIONS]


@pytest.mark.parametrize("program", [(0, [99, 1, 2], 0, {}, ()), ("flags",), (0, [], 5, {}, ())])
def test_a_bad_program_falls_back_to_re_compile(
    cache: Path, monkeypatch: pytest.MonkeyPatch, program: tuple[object, ...]
) -> None:
    """A program the engine refuses (or arguments it does not take) is compiled afresh, never run."""
    monkeypatch.setattr(cache_files, "programs", lambda expressions: [program for _ in expressions])
    assert cache_files.compiled("bad", EXPRESSIONS[:1]) == [re.compile(EXPRESSIONS[0])]
