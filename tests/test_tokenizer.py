"""ingest.tokenizer adds spaCy's special cases as texts need them: its tokens are spacy.blank("en")'s, whatever
the order of the texts and whether the rules were added one by one or all at once."""

import random

import pytest
import spacy
from spacy.lang.en import English
from spacy.tokens import Doc

from ingest.tokenizer import lazy_tokenizer

TEXTS = [
    "Don't use EC2 if you can't manage servers.",
    "It's 9 a.m. in the U.S. and we're (finally) done :)",
    "Lambda -- serverless; i.e. no servers, e.g. S3's events.",
    "a.m .",  # a rule's words with a space between them
    "don 't",
    "\tTabs\nand\xa0spaces  twice",
    "O'Reilly's books, y'all, ain't cheap: $5.99 vs. 3pm",
    "(-_-) <3 ^_^ :-) ;) :((( ",
    "Mr. Smith met Dr. Jones on Jan. 5th, 2020 at 10:30am.",
    "shouldn't've would've gonna gotta wanna",
    "",
]


def attributes(doc: Doc) -> list[tuple[object, ...]]:
    return [(t.text, t.whitespace_, t.norm_, t.lower_, t.shape_, t.is_alpha, t.is_punct, t.like_num) for t in doc]


@pytest.fixture(scope="module")
def reference() -> spacy.language.Language:
    return spacy.blank("en")


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("eager_chars", [2_000_000, 40])  # lazily throughout, or all rules after a few texts
def test_tokens_are_spacys(reference: spacy.language.Language, seed: int, eager_chars: int) -> None:
    texts = TEXTS + [f"{rule} x" for rule in sorted(reference.tokenizer.rules)[::7]]  # type: ignore[union-attr]
    random.Random(seed).shuffle(texts)
    lazy = English(create_tokenizer=lazy_tokenizer)
    lazy.tokenizer.budget = eager_chars  # type: ignore[union-attr]
    for text in texts:
        assert attributes(lazy(text)) == attributes(reference(text)), text


def test_parts_of_an_expected_text(reference: spacy.language.Language) -> None:
    """After `expect(whole)`, its parts are tokenized without a look each, as spaCy does; other texts are looked at."""
    lazy = English(create_tokenizer=lazy_tokenizer)
    lazy.tokenizer.expect("\n".join(TEXTS[:5]))  # type: ignore[union-attr]
    for text in TEXTS:
        assert attributes(lazy(text)) == attributes(reference(text)), text


def test_rules_are_added_only_as_needed() -> None:
    lazy = English(create_tokenizer=lazy_tokenizer)
    before = len(lazy.tokenizer.tokenizer.rules)  # type: ignore[union-attr]
    lazy("We don't.")
    added = len(lazy.tokenizer.tokenizer.rules) - before  # type: ignore[union-attr]
    assert 1 <= added < 10
    assert "don't" in lazy.tokenizer.tokenizer.rules  # type: ignore[union-attr]


def test_affix_patterns_are_spacys() -> None:
    lazy = English(create_tokenizer=lazy_tokenizer)
    tokenizer = lazy.tokenizer.tokenizer  # type: ignore[union-attr]
    defaults = English.Defaults
    assert tokenizer.prefix_search.__self__ == spacy.util.compile_prefix_regex(defaults.prefixes)
    assert tokenizer.suffix_search.__self__ == spacy.util.compile_suffix_regex(defaults.suffixes)
    assert tokenizer.infix_finditer.__self__ == spacy.util.compile_infix_regex(defaults.infixes)
