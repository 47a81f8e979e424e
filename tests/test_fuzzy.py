import random

import pytest
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from ingest.fuzzy import BigramIndex, shared_floor


@pytest.mark.parametrize(
    ("length", "cutoff", "floor"),
    [(1, 0.8, 0), (4, 0.8, 2), (5, 0.8, 2), (10, 0.8, 5), (20, 0.8, 11), (10, 0.0, -11)],
)
def test_shared_floor(length: int, cutoff: float, floor: int) -> None:
    assert shared_floor(length, cutoff) == floor


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
