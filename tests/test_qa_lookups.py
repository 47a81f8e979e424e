"""The question answerer's per-graph look-ups: the registry's question words searched only when a question has a word
each needs, with the same relations found as searching every pattern."""

import json
from pathlib import Path
from typing import Any

import pytest

from kg.facts import EntityRecord
from kg.ontology import load_ontology
from service.qa.engine import rows_by_prefix, word_prefixes
from service.qa.intent import RELATIVE, THAT_CLAUSE, Cues, literal_starts, relations_in, relative_clause
from service.qa.memo import Memo
from service.qa.names import NameIndex, normalise
from service.qa.statements import stems_of, tokens

DATA = Path(__file__).parent / "data"


def load(path: Path) -> list[dict[str, Any]]:
    return list(json.loads(path.read_text(encoding="utf-8")))


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("abstract", ("abstract",)),
        ("alternative|instead of|replace", ("alternative", "instead of", "replace")),
        (r"\btalks? to\b|\bflows? to\b", ("talk", "flow")),
        (r"use ?cases?|used for", ("use", "used for")),
        (r"how much (ram|memory)|\bsize", ("how much ", "size")),
        (r"\bpric|\$", ("pric", "$")),
        (r"fires?\b|event source", ("fire", "event source")),
        (r"\brel(y|ies) on", ("rel",)),
        (r"x*y", ()),  # a quantified first character: nothing it must contain
        (r"(data|events) to", ()),  # a branch that opens with a group
        (r"[ab]c", ()),  # a class
        (r"(?i)limit", ()),  # flags
        (r"\$?cost", ()),
    ],
)
def test_literal_starts(pattern: str, expected: tuple[str, ...]) -> None:
    assert literal_starts(pattern) == expected


def every_pattern(text: str, cues: Cues) -> list[str]:
    """relations_in as it was: every pattern searched."""
    found: dict[str, tuple[int, int]] = {}
    for name, at in cues.asked:
        m = cues.patterns[at][0].search(text)
        if m and (name not in found or (-len(m.group()), m.start()) < found[name]):
            found[name] = (-len(m.group()), m.start())
    return sorted(found, key=lambda n: (found[n], not cues.verbs[n].search(text), n))


def test_relations_found_as_by_every_pattern() -> None:
    cues = Cues.of(load_ontology())
    questions = [
        str(item["q"])
        for path in [*DATA.glob("*questions*.json"), *DATA.glob("real/*questions*.json"), *DATA.glob("audit/*.json")]
        for item in json.loads(path.read_text(encoding="utf-8"))
    ]
    assert len(questions) > 100
    for q in questions:
        text = normalise(q)
        expected = every_pattern(text, cues)
        assert [r for r in relations_in(text, cues) if r not in ("alias", "related")] == expected, q


@pytest.mark.parametrize(("limit", "kept"), [(None, 10), (3, 2), (20, 10)])  # past its limit a memo starts afresh
def test_memo_limit(limit: int | None, kept: int) -> None:
    memo: Memo[int, int] = Memo(limit)
    for key in range(10):
        assert memo.get(key, lambda key=key: key * key) == key * key  # type: ignore[misc]
    hits = 0  # the latest keys still kept
    for key in reversed(range(10)):
        if memo.get(key, lambda: -1) == -1:
            break
        hits += 1
    assert hits == kept


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("what does the service that pioneered serverless limit", True),
        ("which services run images which ecr stores", True),
        ("the one who manages it", True),
        ("what is that", False),  # 'that' with no word after it
        ("that service", False),  # nothing before it
        ("what is lambda", False),
        ("whichever", False),
    ],
)
def test_relative_clause(text: str, expected: bool) -> None:
    assert relative_clause(text) is expected
    assert relative_clause(text) == bool(RELATIVE.search(text) or THAT_CLAUSE.search(text))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("invocations", ("invoc",)),
        ("Docker images", ("docker", "image")),
        ("event-driven apps", ("event-driven", "event", "drive", "app")),
        ("", ()),
    ],
)
def test_stems_of(text: str, expected: tuple[str, ...]) -> None:
    assert stems_of(text) == expected
    assert list(stems_of(text)) == tokens(text)


NAMED = {
    iri: EntityRecord(iri, iri, label, "Service", aliases)
    for iri, label, aliases in [
        ("e:queue", "Quorvex Queue Relay", ("QQR",)),
        ("e:store", "Tessaline", ()),
        ("e:net", ".Net Runtime", ()),
    ]
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Quorvex Queue Relay sends to Tessaline.", {"e:queue", "e:store"}),
        ("qqr, then tessaline; done", {"e:queue", "e:store"}),
        ("... Quorvex Queue Relay", {"e:queue"}),
        ("Quorvex Queue alone", set()),
        (". net runtime", set()),
        ("", set()),
    ],
)
def test_named_in(text: str, expected: set[str]) -> None:
    """The entities a statement names; a name is looked for only as long as the names that begin with its word."""
    assert NameIndex(NAMED).named_in(text) == expected


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (
            ["read it", "redo"],
            {"r": [0, 1], "re": [0, 1], "rea": [0], "read": [0], "red": [1], "redo": [1], "i": [0], "it": [0]},
        ),
        (["a-b", ""], {"a": [0], "b": [0]}),
        ([], {}),
    ],
)
def test_rows_by_prefix(texts: list[str], expected: dict[str, list[int]]) -> None:
    hays: list[Any] = [(None, text, word_prefixes(text)) for text in texts]
    assert rows_by_prefix(hays) == expected
