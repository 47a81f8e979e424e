"""Cue phrases that signal a relation, as spaCy Matcher patterns over lower-cased lemmas.

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

Pattern = list[dict[str, Any]]


@dataclass(frozen=True)
class Cue:
    predicate: str
    object: str
    patterns: tuple[Pattern, ...]


def _w(*words: str) -> dict[str, Any]:
    return {"LOWER": {"IN": list(words)}} if len(words) > 1 else {"LOWER": words[0]}


def _l(*lemmas: str) -> dict[str, Any]:
    return {"LEMMA": {"IN": list(lemmas)}} if len(lemmas) > 1 else {"LEMMA": lemmas[0]}


CUES: dict[str, Cue] = {
    "abstraction_over": Cue("abstraction_over", "entity", ([_w("abstraction"), _w("over", "on", "of")],)),
    "runs_on": Cue(
        "runs_on",
        "entity",
        ([_l("run"), _w("on", "atop")], [_l("run"), _w("by")], [_w("on"), _w("top"), _w("of")]),
    ),
    "triggered_by": Cue("triggered_by", "entity", ([_l("trigger", "invoke"), _w("by")],)),
    "triggers": Cue("triggers", "entity", ([_l("trigger", "invoke")],)),
    "upload_event": Cue(
        "triggered_by",
        "entity",
        ([_l("upload", "put", "add", "drop"), _w("to", "onto", "into", "in")],),
    ),
    "stored_in": Cue("stored_in", "entity", ([_l("store", "keep", "save"), _w("in", "on", "at", "inside")],)),
    "stores": Cue("stores", "mixed", ([_w("where"), _w("you"), _l("store")], [_l("store")])),
    "based_on": Cue("based_on", "entity", ([_w("based", "built"), _w("on", "upon")],)),
    "integrated_with": Cue("integrated_with", "mixed", ([_l("integrate", "integration"), _w("with")],)),
    "alternative_to": Cue("alternative_to", "mixed", ([_l("alternative"), _w("to")], [_w("instead"), _w("of")])),
    "preferred_for": Cue(
        "preferred_for",
        "region",
        (
            [_l("prefer"), _w("for")],
            [
                _w("great", "good", "ideal", "best", "suited", "perfect", "helpful", "useful", "designed"),
                _w("for"),
            ],
        ),
    ),
    "helps": Cue("use_case", "region", ([_w("helps", "help", "helpful")],)),
    "use_case": Cue(
        "use_case",
        "region",
        ([_l("use"), _w("for")], [_w("used"), _w("to")], [_w("use"), _w("case", "cases")]),
    ),
    "exposes": Cue("exposes", "mixed", ([_l("expose")],)),
    "provisions": Cue("provisions", "mixed", ([_w("provision", "provisions")],)),
    "launches": Cue("launches", "mixed", ([_w("launch", "launches", "launching")],)),
    "runs": Cue("runs", "entity", ([_l("run")], [_w("running")])),
    "through": Cue("uses", "entity", ([_w("through", "via")],)),
    "templates": Cue("supports", "entity", ([_w("template", "templates"), _w("for")],)),
    "implements": Cue("requires", "mixed", ([_w("must"), _w("implement", "use", "support")],)),
    "uses": Cue("uses", "mixed", ([_l("use")], [_w("using")])),
    "supports": Cue("supports", "mixed", ([_l("support")], [_w("support"), _w("for")])),
    "requires": Cue("requires", "mixed", ([_l("require", "need")],)),
    "must": Cue("requires", "region", ([_w("must"), {"LOWER": {"IN": ["be", "have"]}, "OP": "?"}],)),
    "depends_on": Cue("depends_on", "mixed", ([_l("rely", "depend", "relies"), _w("on", "upon")],)),
    "pioneered_by": Cue("pioneered_by", "entity", ([_l("pioneer"), _w("by")],)),
    "pioneered": Cue("pioneered", "entity", ([_l("pioneer")],)),
    "example_of": Cue("example_of", "entity", ([_w("example", "examples", "instance"), _w("of")],)),
    "defined_as": Cue("defined_as", "mixed", ([_l("define", "package"), _w("as")],)),
    "provides": Cue("provides", "mixed", ([_w("provide", "provides", "providing", "offer", "offers")],)),
    "manages": Cue("manages", "mixed", ([_w("manage", "manages", "managing")],)),
    "protects": Cue("protects", "mixed", ([_w("protect", "protects", "protecting", "prevents", "guards")],)),
    "monitors": Cue("monitors", "mixed", ([_w("monitor", "monitors", "tracks", "track", "observes", "watches")],)),
    "replicates_to": Cue(
        "replicates_to",
        "mixed",
        ([_w("replicated", "replicates", "replicate", "replication", "copied", "copies"), _w("to", "across", "into")],),
    ),
    "connects_to": Cue(
        "connects_to",
        "mixed",
        (
            [_w("connect", "connects", "connected", "connecting"), _w("to", "with")],
            [_w("send", "sends", "sending", "deliver", "delivers"), _w("data"), _w("to")],
            [_w("routes"), _w("events", "data", "messages"), _w("between", "to")],
        ),
    ),
    "includes": Cue(
        "includes",
        "mixed",
        ([_w("includes", "include", "including", "contains", "contain")], [_w("consists"), _w("of")]),
    ),
    "part_of": Cue("part_of", "entity", ([_w("part", "component", "member"), _w("of", "in")],)),
    "creates": Cue("creates", "mixed", ([_l("create")],)),
    "pricing": Cue(
        "pricing",
        "clause",
        (
            [_w("pay"), _w("per", "for", "as")],
            [{"ORTH": "$"}],
            [_l("price", "pricing", "priced", "bill", "billing", "cost", "charge", "cheap", "expensive")],
            [_w("free")],
        ),
    ),
    "has_limit": Cue(
        "has_limit",
        "clause",
        (
            [_w("limited", "limit", "limits", "limitation", "limitations", "maximum", "max", "timeout")],
            [_w("up"), _w("to"), {"LIKE_NUM": True}],
            [_w("at"), _w("most"), {"LIKE_NUM": True}],
        ),
    ),
    "scales": Cue(
        "scales",
        "clause",
        (
            [_l("scale", "scaling", "scalable", "autoscale", "autoscaling", "grow")],
            [_w("auto"), {"ORTH": "-"}, _w("scaling")],
        ),
    ),
}

ATTRIBUTE_RELATIONS = frozenset({"pricing", "has_limit", "scales"})
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
            lemma_phrases: set[tuple[str, ...]] = set()
            lower_phrases: set[tuple[str, ...]] = set()
            for pattern in cue.patterns:
                toks = [tok for tok in pattern if "LIKE_NUM" not in tok]
                uses_lemma = any("LEMMA" in tok for tok in toks)
                plain = all(lemma(w) == w for tok in toks if "LEMMA" not in tok for w in _words(tok))
                slot = _words if not uses_lemma or plain else _forms
                combos = {tuple(w for w in combo if w) for combo in product(*[_optional(t, slot) for t in toks])}
                (lemma_phrases if uses_lemma and plain else lower_phrases).update(c for c in combos if c)
            self.by_lemma.add(name, [_doc(vocab, words, lemmas=True) for words in lemma_phrases])
            self.by_lower.add(name, [_doc(vocab, words) for words in lower_phrases])

    def __call__(self, doc: Doc) -> list[tuple[int, int, int]]:
        return [*self.by_lemma(doc), *self.by_lower(doc)]


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
