"""The OCR linker's nearest name: the first best within its similarity, in the names' order, for damaged forms of every
gazetteer name (the linker looks through rapidfuzz.process; the reference is the plain loop)."""

import random

import pytest
from rapidfuzz.distance import Levenshtein

from ingest.names import load_gazetteer
from ingest.nlp import OcrLinker, fold


def reference(linker: OcrLinker, folded: str) -> tuple[str, float] | None:
    if folded in linker.index:
        return folded, 1.0
    if len(folded) < 5:
        return None
    best: tuple[str, float] | None = None
    for n in range(len(folded) - 2, len(folded) + 3):
        for cand in linker.by_length.get(n, ()):
            score = Levenshtein.normalized_similarity(folded, cand)
            if score >= linker.context_similarity and (best is None or score > best[1]):
                best = (cand, score)
    return best


def damaged(text: str, rng: random.Random) -> str:
    chars = list(text)
    for _ in range(rng.randint(1, 3)):
        at = rng.randrange(len(chars))
        chars[at : at + rng.randint(0, 1)] = rng.choice(["", "x", "e", "l", "rn"])
    return "".join(chars)


@pytest.fixture(scope="module")
def linker() -> OcrLinker:
    linker = OcrLinker(min_similarity=0.8, word_similarity=0.83, context_similarity=0.66)
    linker.set_names(load_gazetteer())
    return linker


@pytest.mark.parametrize(
    ("folded", "expected"),
    [
        ("lambda", ("lambda", 1.0)),
        ("ecz", ("ecz", 1.0)),  # EC2 folded: a name itself
        ("lamda", ("lambda", 5 / 6)),
        ("dynamodd", ("dynamodb", 7 / 8)),
        ("lamd", None),  # under five characters: only a name itself
        ("qqqqqqqqqq", None),
    ],
)
def test_nearest(linker: OcrLinker, folded: str, expected: tuple[str, float] | None) -> None:
    assert linker._best(folded) == expected == reference(linker, folded)


def test_nearest_is_the_plain_loops(linker: OcrLinker) -> None:
    rng = random.Random(0)
    names = sorted(linker.index)
    for folded in [fold(damaged(rng.choice(names), rng)) for _ in range(2000)]:
        assert linker._best(folded) == reference(linker, folded), folded
