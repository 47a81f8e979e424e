"""ingest.nlp's name ruler adds a name's patterns only when a text could hold it: the entities it finds are spaCy's
span ruler's with every pattern added at once, whatever the order of the texts."""

import random
from pathlib import Path

import pytest
from spacy.lang.en import English
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from ingest.names import NameTable, load_gazetteer
from ingest.nlp import (
    Found,
    NameRuler,
    Pattern,
    build_nlp,
    expect,
    first_longest,
    prefixes_at,
    ruler_patterns,
    squeezed,
)
from ingest.tokenizer import lazy_tokenizer

DATA = Path(__file__).parent / "data"

TEXTS = [
    "AWS Lambda runs code; lambdas scale. Amazon S3 buckets and S3's events trigger it.",
    "Use ECS or EKS — Elastic  Container Service (ECS) runs Docker containers",
    "aws\tlambda\nfunctions and API Gateway, api-gateway, APIGateway",
    "Σ ΟΔΟΣ and ς: Greek capitals, and İstanbul's dotted I",
    "",
]


def entities(doc: Doc) -> list[tuple[int, int, str, str]]:
    return [(e.start, e.end, e.label_, e.ent_id_) for e in doc.ents]


@pytest.fixture(scope="module")
def table() -> NameTable:
    table = load_gazetteer()
    table.add("Σ ΟΔΟΣ", "Concept")  # a final sigma, lower-cased one way in a word and another in a text
    table.add("İstanbul", "Concept")  # a capital whose lower case is two characters
    table.add("X", "Concept")  # shorter than a pattern's anchor: added at once
    return table


@pytest.fixture(scope="module")
def reference(table: NameTable) -> English:
    """spaCy's span ruler with every pattern added before any text."""
    nlp = English(create_tokenizer=lazy_tokenizer)
    ruler = nlp.add_pipe(
        "span_ruler",
        config={"spans_key": None, "annotate_ents": True, "overwrite": True, "phrase_matcher_attr": "LOWER"},
    )
    patterns = [{"label": p.label, "id": p.key, "pattern": p.text} for p in ruler_patterns(table)]
    ruler.add_patterns(patterns)  # type: ignore[attr-defined]
    return nlp


def statements() -> list[str]:
    """Every line of the corpus and the practice and unseen notes."""
    files = [
        *(DATA.parent.parent / "data" / "sources").iterdir(),
        *(DATA / "real").rglob("*"),
        *(DATA / "unseen").rglob("*"),
    ]
    return [line for f in sorted(files) if f.is_file() for line in f.read_text(errors="replace").splitlines()]


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("eager_chars", [2_000_000, 500])  # lazily throughout, or every pattern after a few texts
def test_entities_are_the_span_rulers(table: NameTable, reference: English, seed: int, eager_chars: int) -> None:
    texts = TEXTS + [f"the {p.text} x" for p in list(ruler_patterns(table))[::5]] + statements()
    random.Random(seed).shuffle(texts)
    nlp = English(create_tokenizer=lazy_tokenizer)
    ruler = nlp.add_pipe("name_ruler")
    ruler.budget = eager_chars  # type: ignore[attr-defined]
    ruler.set_patterns(ruler_patterns(table))  # type: ignore[attr-defined]
    for text in texts:
        assert entities(nlp(text)) == entities(reference(text)), text
    assert bool(ruler.pending) == (eager_chars > 1_000_000)  # type: ignore[attr-defined]


@pytest.mark.parametrize("seed", [0, 1])
def test_a_documents_statements_after_expect(table: NameTable, reference: English, seed: int) -> None:
    """`expect` readies the tokenizer and the ruler for a whole document: its statements then need no look each and
    get the span ruler's entities; a text outside the document is still looked at."""
    lines = TEXTS + statements()
    random.Random(seed).shuffle(lines)
    nlp = English(create_tokenizer=lazy_tokenizer)
    nlp.add_pipe("name_ruler").set_patterns(ruler_patterns(table))  # type: ignore[attr-defined]
    for start in range(0, len(lines), 40):
        document = lines[start : start + 40]
        expect(nlp, "\n".join(document))
        for text in [*document, "the Amazon S3 bucket and AWS Lambda"]:
            assert entities(nlp(text)) == entities(reference(text)), text


@pytest.mark.parametrize(
    ("text", "anchor", "longest", "expected"),
    [
        ("awslambdaandawss3", "aws", 5, {"aws", "awsl", "awsla", "awss", "awss3"}),
        ("xaws", "aws", 8, {"aws"}),  # the text ends: shorter prefixes only
        ("lambda", "aws", 8, set()),
        ("aaaa", "aa", 3, {"aa", "aaa"}),  # overlapping occurrences
    ],
)
def test_prefixes_at(text: str, anchor: str, longest: int, expected: set[str]) -> None:
    assert prefixes_at(text, anchor, longest) == expected


def test_patterns_are_added_only_as_needed(table: NameTable) -> None:
    nlp = build_nlp(table)
    ruler: NameRuler = nlp.get_pipe("name_ruler")  # type: ignore[assignment]
    before = len(ruler.labels)
    doc = nlp("Lambda is triggered by S3")
    assert {e.ent_id_ for e in doc.ents} == {table.key_for("Lambda"), table.key_for("S3")}
    assert len(ruler.labels) - before < 20  # the entities' own, not the gazetteer's


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("AWS  Lambda", "awslambda"),
        ("Tab\tand\nline", "tabandline"),
        ("ΟΔΟΣ", "οδοσ"),  # final sigma folded to the other
        ("İ", "i̇"),
    ],
)
def test_squeezed(text: str, expected: str) -> None:
    assert squeezed(text) == expected


def test_a_pattern_is_in_the_text_it_matches() -> None:
    """The premise of adding patterns lazily: a pattern's squeezed text is in the squeezed text of whatever its
    tokens match."""
    pattern = Pattern("Concept", "k", "Σ ΟΔΟΣ")
    assert squeezed(pattern.text) in squeezed("the σ οδος and")


def found(start: int, end: int, label: str = "Service", key: str = "k") -> Found:
    return Found(start, end, hash(label) % 1000, hash(key) % 1000, label, key)


@pytest.mark.parametrize(
    ("matches", "expected"),
    [
        ([], []),
        ([(0, 1), (2, 3)], [(0, 1), (2, 3)]),
        ([(0, 1), (0, 2)], [(0, 2)]),  # the longer
        ([(0, 2), (1, 3)], [(0, 2)]),  # the earlier of two as long
        ([(1, 3), (0, 2), (2, 4)], [(0, 2), (2, 4)]),
        ([(0, 3), (1, 2), (3, 4)], [(0, 3), (3, 4)]),
    ],
)
def test_first_longest(matches: list[tuple[int, int]], expected: list[tuple[int, int]]) -> None:
    assert [(f.start, f.end) for f in first_longest(found(a, b) for a, b in matches)] == expected


def test_first_longest_is_filter_spans() -> None:
    """Spans of the same tokens with different labels or keys: spaCy keeps the first in its own order."""
    nlp = English()
    doc = nlp("one two three four five six")
    rng = random.Random(0)
    for _ in range(300):
        matches = {
            Found(a, a + rng.randint(1, 3), 0, 0, rng.choice("AB"), rng.choice("xyz"))
            for a in [rng.randrange(5) for _ in range(rng.randint(0, 6))]
        }
        matches = {
            f._replace(end=min(f.end, 6), label_id=doc.vocab.strings.add(f.label), key_id=doc.vocab.strings.add(f.key))
            for f in matches
        }
        spans = {Span(doc, f.start, f.end, label=f.label, span_id=f.key) for f in matches}
        kept = [(s.start, s.end, s.label_, s.id_) for s in sorted(filter_spans(sorted(spans)))]
        assert [(f.start, f.end, f.label, f.key) for f in first_longest(matches)] == kept
