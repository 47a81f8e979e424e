"""Cue phrases that signal a relation, as spaCy Matcher patterns over lower-cased lemmas.

A cue names the relation and what its object is:
- "entity": the entities named after the cue (no fact without one);
- "mixed": those entities, else the words after the cue as text;
- "region": the words after the cue as text;
- "clause": the whole clause as text (limits, prices, scaling keep their numbers and units).
"""

from dataclasses import dataclass
from typing import Any

from spacy.matcher import Matcher
from spacy.vocab import Vocab

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
    "use_case": Cue(
        "use_case",
        "region",
        ([_l("use"), _w("for")], [_w("used"), _w("to")], [_w("use"), _w("case", "cases")]),
    ),
    "exposes": Cue("exposes", "mixed", ([_l("expose")],)),
    "provisions": Cue("provisions", "mixed", ([_w("provision", "provisions")],)),
    "launches": Cue("launches", "mixed", ([_w("launch", "launches", "launching")],)),
    "runs": Cue("runs", "entity", ([_l("run")], [_w("running")])),
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


def build_matcher(vocab: Vocab) -> Matcher:
    matcher = Matcher(vocab)
    for name, cue in CUES.items():
        matcher.add(name, list(cue.patterns))
    return matcher
