"""How far to trust a fact: its support across notes, how clean its quotes are, and whether a better-supported
fact says the opposite ("no auto-scaling" against "auto-scaling")."""

import re
from collections import defaultdict
from collections.abc import Container, Iterable

from kg.facts import FactRecord
from kg.lexicon import english_words

NEGATION = frozenset("no not never without cannot can't don't doesn't isn't aren't won't none nor".split())
WORD = re.compile(r"[a-z0-9][a-z0-9'+#.-]*[a-z0-9+#]|[a-z0-9]")
LONG_WORD = re.compile(r"[A-Za-z]{3,}")
CLEAN_QUOTE, NOISY_QUOTE = 0.9, 0.5  # how likely one quote states its fact: typed words, or words with damage


def clean(text: str, names: Container[str] = frozenset()) -> bool:
    """Every word of three letters or more is English, an acronym or a known name ('Relies on Ecz' is not)."""
    words = LONG_WORD.findall(text)
    return all(w.lower() in english_words() or w.isupper() or w.lower() in names for w in words)


def confidence(fact: FactRecord, names: frozenset[str] = frozenset()) -> float:
    """The chance that at least one of its sources states it, each source as sure as its cleanest quote:
    0.9 for one clean note, 0.99 for two, 0.5 for one damaged (OCR) quote."""
    best: dict[str, float] = defaultdict(float)
    for ev in fact.evidence:
        source = str(ev["source"])
        best[source] = max(best[source], CLEAN_QUOTE if clean(str(ev["text"]), names) else NOISY_QUOTE)
    doubt = 1.0
    for sure in best.values():
        doubt *= 1.0 - sure
    return round(1.0 - doubt, 4) if best else 0.0


def polarity(value: str) -> tuple[frozenset[str], bool]:
    """A value's content words without its negation, and whether it was negated: 'no auto-scaling' ->
    ({'auto-scaling'}, True)."""
    words = WORD.findall(value.lower().replace("’", "'"))
    negated = any(w in NEGATION or w.endswith("n't") for w in words)
    return frozenset(w for w in words if w not in NEGATION and not w.endswith("n't")), negated


def contradicted(facts: Iterable[FactRecord]) -> set[tuple[str, str, str]]:
    """(subject, predicate, object) of each literal fact whose opposite on the same subject ('has limit: no
    auto-scaling' against 'has property: auto-scaling') has more sources. When the notes are split evenly,
    both are kept: the answer shows what each note says."""
    sides: dict[tuple[str, frozenset[str]], dict[bool, list[FactRecord]]] = defaultdict(lambda: {True: [], False: []})
    for f in facts:
        if f.object_is_entity:
            continue
        words, negated = polarity(f.object)
        if words:
            sides[(f.subject, words)][negated].append(f)
    out: set[tuple[str, str, str]] = set()
    for side in sides.values():
        yes, no = (len({s for f in side[n] for s in f.sources}) for n in (False, True))
        loser = side[True] if yes > no else side[False] if no > yes else []
        out |= {(f.subject, f.predicate, f.object) for f in loser}
    return out
