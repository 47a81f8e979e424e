import random

import pytest
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from ingest.fuzzy import BigramIndex, after, edits, lengths_allowed, pair_floor


@pytest.mark.parametrize(
    ("length", "cutoff", "most"),
    [(1, 0.8, 0), (4, 0.8, 0), (5, 0.8, 1), (10, 0.8, 2), (14, 0.8, 2), (15, 0.8, 3), (10, 0.0, 10), (10, 0.9, 1)],
)
def test_edits(length: int, cutoff: float, most: int) -> None:
    assert edits(length, cutoff) == most


@pytest.mark.parametrize(
    ("length", "other", "cutoff", "floor"),
    [(1, 1, 0.8, 0), (4, 4, 0.8, 3), (5, 5, 0.8, 2), (10, 12, 0.8, 7), (12, 10, 0.8, 7), (20, 20, 0.8, 11)],
)
def test_pair_floor(length: int, other: int, cutoff: float, floor: int) -> None:
    assert pair_floor(length, other, cutoff) == floor


@pytest.mark.parametrize(
    ("length", "other", "cutoff", "allowed"),
    [(10, 10, 0.8, True), (10, 12, 0.8, True), (12, 10, 0.8, True), (10, 13, 0.8, False), (4, 5, 0.8, True),
     (4, 6, 0.8, False), (1, 30, 0.0, True), (1, 2, 0.8, False)],
)  # fmt: skip
def test_lengths_allowed(length: int, other: int, cutoff: float, allowed: bool) -> None:
    assert lengths_allowed(length, other, cutoff) is allowed


@pytest.mark.parametrize(
    ("positions", "start", "expected"),
    [([], 3, []), ([1, 4, 9], 0, [1, 4, 9]), ([1, 4, 9], 4, [4, 9]), ([1, 4, 9], 5, [9]), ([1, 4, 9], 10, [])],
)
def test_after(positions: list[int], start: int, expected: list[int]) -> None:
    assert after(positions, start) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("amazon api goteway", ("amazonapigateway", 1)),  # one edit away: found
        ("ecz", ("ecz", 0)),  # exact
        ("kinesis", None),  # nothing close
        ("s", None),  # too short for bigrams: compared with every string
    ],
)
def test_closest(query: str, expected: tuple[str, int] | None) -> None:
    index = BigramIndex()
    index.extend(["ecz", "amazonapigateway", "dockerrepository", "s3standard"])
    hit = index.closest(query.replace(" ", ""), 0.8)
    assert (hit and (hit[0], hit[2])) == expected if expected else hit is None


def test_closest_is_extract_one() -> None:
    """The same answer as rapidfuzz's extractOne over every string, ties included, on random near-duplicates."""
    rng = random.Random(3)
    letters = "abcdes3"
    words = ["".join(rng.choice(letters) for _ in range(rng.randint(1, 14))) for _ in range(400)]
    index = BigramIndex()
    index.extend(words)
    for word in words[:200]:
        query = list(word)
        for _ in range(rng.randint(0, 3)):
            at = rng.randrange(len(query) + 1)
            query[at:at] = rng.choice(letters) if rng.random() < 0.5 else ""
            del query[at : at + rng.randint(0, 1)]
        text = "".join(query)
        for cutoff in (0.6, 0.8, 0.9):
            whole = process.extractOne(text, words, scorer=Levenshtein.normalized_similarity, score_cutoff=cutoff)
            assert index.closest(text, cutoff) == (whole and (whole[0], whole[1], whole[2]))


def test_closest_from_a_start_is_extract_one_over_the_rest() -> None:
    """From a start position on: the same answer as extractOne over the strings from there, at their positions."""
    rng = random.Random(5)
    words = ["".join(rng.choice("abcs3") for _ in range(rng.randint(1, 24))) for _ in range(300)]
    index = BigramIndex()
    index.extend(words)
    for word in words[:100]:
        start = rng.randrange(len(words))
        text = word[: rng.randint(0, len(word))] + rng.choice(["", "a", "s3"]) + word[len(word) // 2 :]
        for cutoff in (0.0, 0.7, 0.8):
            whole = process.extractOne(
                text, words[start:], scorer=Levenshtein.normalized_similarity, score_cutoff=cutoff
            )
            assert index.closest(text, cutoff, start) == (whole and (whole[0], whole[1], whole[2] + start))
