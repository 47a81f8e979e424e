"""English word lists from spaCy's lookup tables (spacy-lookups-data), shared by ingest and the question
side: base words by part of speech, every known form, and lookup lemmas."""

import gzip
import json
from functools import cache
from pathlib import Path
from typing import Any

import spacy_lookups_data


def _lookups(name: str) -> Any:
    path = Path(spacy_lookups_data.__file__).parent / "data" / f"en_{name}.json.gz"
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return json.load(fh)


@cache
def lemma_table() -> dict[str, str]:
    """Lookup lemmas keyed by lower-case form."""
    return {k.lower(): v.lower() for k, v in _lookups("lemma_lookup").items()}


@cache
def word_classes() -> dict[str, frozenset[str]]:
    """Base words by part of speech (noun, verb, adj, adv)."""
    return {pos: frozenset(w.lower() for w in words) for pos, words in _lookups("lemma_index").items()}


@cache
def english_words() -> frozenset[str]:
    """Every word form the tables know: tells a damaged or coined name from a real word."""
    table = lemma_table()
    return frozenset(table) | frozenset(table.values()).union(*word_classes().values())


@cache
def verbs_only() -> frozenset[str]:
    """Words the tables know only as verbs ('create', 'decouple', 'use'): never a name's first word, never
    what follows 'is'."""
    classes = word_classes()
    return classes["verb"] - classes["noun"] - classes["adj"]


def lemma(word: str) -> str:
    low = word.lower()
    return lemma_table().get(low, low)
