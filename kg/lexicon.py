"""English word lists from spaCy's lookup tables (spacy-lookups-data), shared by ingest and the question
side: base words by part of speech, every known form, and lookup lemmas. Derived once and kept in the cache
(kg.cache_files): reading the gzipped JSON and making the sets costs more than a small ingest."""

import gzip
import json
from functools import cache
from pathlib import Path
from typing import Any

import spacy_lookups_data

from kg.cache_files import cached

LOOKUPS = Path(spacy_lookups_data.__file__).parent / "data"
TABLES = ("lemma_lookup", "lemma_index")

Tables = tuple[dict[str, str], dict[str, frozenset[str]], frozenset[str]]


def _lookups(name: str) -> Any:
    with gzip.open(LOOKUPS / f"en_{name}.json.gz", "rt", encoding="utf-8") as fh:
        return json.load(fh)


def derive() -> Tables:
    """(lemma table, word classes, English words) from the lookups files."""
    table = {k.lower(): v.lower() for k, v in _lookups("lemma_lookup").items()}
    classes = {pos: frozenset(w.lower() for w in words) for pos, words in _lookups("lemma_index").items()}
    return table, classes, frozenset(table) | frozenset(table.values()).union(*classes.values())


@cache
def _tables() -> Tables:
    sources = [Path(__file__).read_bytes(), *((LOOKUPS / f"en_{name}.json.gz").read_bytes() for name in TABLES)]
    return cached("lexicon", sources, derive)


def lemma_table() -> dict[str, str]:
    """Lookup lemmas keyed by lower-case form."""
    return _tables()[0]


def word_classes() -> dict[str, frozenset[str]]:
    """Base words by part of speech (noun, verb, adj, adv)."""
    return _tables()[1]


def english_words() -> frozenset[str]:
    """Every word form the tables know: tells a damaged or coined name from a real word."""
    return _tables()[2]


@cache
def verbs_only() -> frozenset[str]:
    """Words the tables know only as verbs ('create', 'decouple', 'use'): never a name's first word, never
    what follows 'is'."""
    classes = word_classes()
    return classes["verb"] - classes["noun"] - classes["adj"]


def lemma(word: str) -> str:
    low = word.lower()
    return lemma_table().get(low, low)
