"""Confidence of a fact from its sources, and facts a better-supported one contradicts."""

import pytest

from kg.confidence import confidence, contradicted, polarity
from kg.facts import FactRecord


def fact(obj: str, *quotes: tuple[str, str], pred: str = "has_property", subject: str = "s") -> FactRecord:
    return FactRecord(subject, pred, obj, False, [{"source": s, "line": 1, "text": t} for s, t in quotes])


@pytest.mark.parametrize(
    ("value", "words", "negated"),
    [
        ("no auto-scaling", {"auto-scaling"}, True),
        ("auto-scaling", {"auto-scaling"}, False),
        ("you do not provision the infrastructure", {"you", "do", "provision", "the", "infrastructure"}, True),
        ("doesn't scale", {"scale"}, True),
    ],
)
def test_polarity(value, words, negated):
    assert polarity(value) == (frozenset(words), negated)


@pytest.mark.parametrize(
    ("quotes", "expected"),
    [
        ([("a.md", "Scales automatically")], 0.9),  # one clean note
        ([("a.md", "Scales automatically"), ("b.md", "It scales automatically")], 0.99),  # two notes
        ([("a.md", "Relies on Ecz")], 0.5),  # one damaged quote
        ([("a.md", "Relies on Ecz"), ("a.md", "Relies on ECS")], 0.9),  # a source counts its cleanest quote
        ([], 0.0),
    ],
)
def test_confidence(quotes, expected):
    assert confidence(fact("x", *quotes)) == expected


@pytest.mark.parametrize(
    ("facts", "beaten"),
    [
        # two notes say "no auto-scaling", one says "auto-scaling": the one is not stated
        (
            [
                fact("no auto-scaling", ("a.md", "q"), ("b.md", "q"), pred="has_limit"),
                fact("auto-scaling", ("c.md", "q")),
            ],
            {("s", "has_property", "auto-scaling")},
        ),
        # split evenly: both kept
        ([fact("no auto-scaling", ("a.md", "q")), fact("auto-scaling", ("b.md", "q"))], set()),
        # another subject is no contradiction
        (
            [fact("no auto-scaling", ("a.md", "q"), ("b.md", "q")), fact("auto-scaling", ("c.md", "q"), subject="t")],
            set(),
        ),
        # different words are no contradiction
        ([fact("no servers", ("a.md", "q"), ("b.md", "q")), fact("servers to patch", ("c.md", "q"))], set()),
    ],
)
def test_contradicted(facts, beaten):
    assert contradicted(facts) == beaten
