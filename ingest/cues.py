"""Cue phrases that signal a relation, read from the relation registry (data/ontology.ttl, kg:cue) into
spaCy phrase patterns over lower-cased words and lemmas.

A cue names the relation and what its object is:
- "entity": the entities named after the cue (no fact without one);
- "mixed": those entities, else the words after the cue as text;
- "region": the words after the cue as text;
- "clause": the whole clause as text (limits, prices, scaling keep their numbers and units).
"""

from collections.abc import Callable
from dataclasses import dataclass
from itertools import product
from typing import Any

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc
from spacy.vocab import Vocab

from kg.lexicon import lemma, lemma_table
from kg.ontology import load_ontology

Pattern = list[dict[str, Any]]


@dataclass(frozen=True)
class Cue:
    predicate: str
    object: str
    patterns: tuple[Pattern, ...]


def parse_cue(text: str) -> tuple[str, Pattern]:
    """'entity: ~run on|atop' -> ('entity', [{'LEMMA': 'run'}, {'LOWER': {'IN': ['on', 'atop']}}]): the
    registry's cue syntax (data/ontology.ttl, 'cue phrases') as a token pattern."""
    kind, _, phrase = text.partition(":")
    if kind not in OBJECT_KINDS or not phrase.split():
        raise ValueError(f"bad cue {text!r}: expected '<{'|'.join(OBJECT_KINDS)}>: <slot> ...'")
    pattern: Pattern = []
    for slot in phrase.split():
        if slot == "#":
            pattern.append({"LIKE_NUM": True})
            continue
        optional, slot = slot.endswith("?"), slot.rstrip("?")
        attr, slot = ("LEMMA", slot[1:]) if slot.startswith("~") else ("LOWER", slot)
        words = slot.split("|")
        tok: dict[str, Any] = {attr: {"IN": words} if len(words) > 1 else words[0]}
        if optional:
            tok["OP"] = "?"
        pattern.append(tok)
    return kind, pattern


OBJECT_KINDS = ("entity", "mixed", "region", "clause")


def registry_cues() -> dict[str, Cue]:
    """Every cue of the relation registry, one Cue per relation and object kind, named after the relation
    (and its kind, when the relation has cues of several kinds)."""
    grouped: dict[tuple[str, str], list[Pattern]] = {}
    for name, relation in sorted(load_ontology().relations.items()):
        for text in relation.cues:
            kind, pattern = parse_cue(text)
            grouped.setdefault((name, kind), []).append(pattern)
    kinds: dict[str, int] = {}
    for name, _ in grouped:
        kinds[name] = kinds.get(name, 0) + 1
    return {
        (name if kinds[name] == 1 else f"{name}:{kind}"): Cue(name, kind, tuple(patterns))
        for (name, kind), patterns in grouped.items()
    }


CUES: dict[str, Cue] = registry_cues()

ATTRIBUTE_RELATIONS = frozenset({"pricing", "has_limit", "scales"})
COUNTED_RELATIONS = frozenset({"replicates_to"})  # "replicated across 3 AZs": the object keeps its count
# Generic verbs that, after "to" or "for", say what something is for rather than what it does.
PURPOSE_VERBS = frozenset({"creates", "manages", "provides", "uses", "supports", "provisions", "exposes", "requires"})


class CueMatcher:
    """Finds cues with two PhraseMatchers (hash look-ups on lemmas and on lower-case forms) instead of a
    token Matcher: each pattern is expanded to the word sequences it accepts. A pattern that mixes a lemma
    with a word whose lemma differs ('used to') is matched on lower-case forms; a number slot ('up to 15')
    is dropped, the words before it suffice."""

    def __init__(self, vocab: Vocab) -> None:
        self.by_lemma = PhraseMatcher(vocab, attr="LEMMA")
        self.by_lower = PhraseMatcher(vocab, attr="LOWER")
        for name, cue in CUES.items():
            phrases: dict[tuple[str, bool], set[tuple[str, ...]]] = {}
            for pattern in cue.patterns:
                toks = [tok for tok in pattern if "LIKE_NUM" not in tok]
                uses_lemma = any("LEMMA" in tok for tok in toks)
                plain = all(lemma(w) == w for tok in toks if "LEMMA" not in tok for w in _words(tok))
                slot = _words if not uses_lemma or plain else _forms
                combos = {tuple(w for w in combo if w) for combo in product(*[_optional(t, slot) for t in toks])}
                number = "LIKE_NUM" in pattern[-1]  # 'only #': only before a number
                phrases.setdefault((f"{name}{NUMBER}" if number else name, uses_lemma and plain), set()).update(
                    c for c in combos if c
                )
            for (key, by_lemma), found in phrases.items():
                matcher = self.by_lemma if by_lemma else self.by_lower
                matcher.add(key, [_doc(vocab, words, lemmas=by_lemma) for words in found])

    def __call__(self, doc: Doc) -> list[tuple[int, int, int]]:
        """(cue name's hash, start, end) of every match; a cue that ends in a number needs one after it."""
        strings = doc.vocab.strings
        out = []
        for m, s, e in [*self.by_lemma(doc), *self.by_lower(doc)]:
            name = strings[m]
            if name.endswith(NUMBER):
                if e >= len(doc) or not doc[e].like_num:
                    continue
                m = strings.add(name[: -len(NUMBER)])
            out.append((m, s, e))
        return out


NUMBER = "#"  # the suffix of a cue's match key whose pattern ends in a number slot


def _optional(tok: dict[str, Any], slot: Callable[[dict[str, Any]], list[str]]) -> list[str]:
    """A slot's words, and the empty word when the token is optional ('OP': '?')."""
    return [*slot(tok), ""] if tok.get("OP") == "?" else slot(tok)


def _words(tok: dict[str, Any]) -> list[str]:
    value = next(v for k, v in tok.items() if k != "OP")
    return list(value["IN"]) if isinstance(value, dict) else [str(value)]


def _forms(tok: dict[str, Any]) -> list[str]:
    """A lemma slot's surface forms (every word spaCy's table maps to that lemma), else its words."""
    if "LEMMA" not in tok:
        return _words(tok)
    wanted = set(_words(tok))
    return sorted(wanted | {form for form, base in lemma_table().items() if base in wanted})


def _doc(vocab: Vocab, words: tuple[str, ...], *, lemmas: bool = False) -> Doc:
    doc = Doc(vocab, words=list(words))
    if lemmas:
        for token in doc:
            token.lemma_ = token.text
    return doc


def build_matcher(vocab: Vocab) -> CueMatcher:
    return CueMatcher(vocab)
