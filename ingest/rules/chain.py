"""Arrow chains: 'Docker --> ECS --> Fargate' (a stack: each layer runs on the one before) and
'S3 > Trigger > Lambda > DynamoDB' (a flow: each step leads to the next, named by the label between)."""

import re
from collections.abc import Iterator
from itertools import pairwise

from spacy.tokens import Doc

from ingest.rules.clause import read_clause
from ingest.rules.model import Candidate, Context, Sentence, text_of, tokens
from kg.lexicon import lemma, word_classes

ARROWS = ("-->", "->", "→", "⟶")


def arrows(doc: Doc, start: int) -> tuple[list[tuple[int, int]], str]:
    """Token ranges of the arrows in a statement, and their kind: 'stack' (-->) or 'flow' (>)."""
    toks = tokens(doc)
    found: list[tuple[int, int]] = []
    i = start
    kind = ""
    if not any(mark in text_of(doc) for mark in (">", "→", "⟶")):  # every arrow holds one of them
        return found, kind
    while i < len(doc):
        t = toks[i].text
        if t in ARROWS or (t in ("--", "-") and i + 1 < len(doc) and toks[i + 1].text == ">"):
            width = 1 if t in ARROWS else 2
            found.append((i, i + width))
            kind = "stack"
            i += width
            continue
        if t == ">" and (i == 0 or toks[i - 1].text not in ("=", "-", "--")):
            found.append((i, i + 1))
            kind = kind or "flow"
        i += 1
    return found, kind


def is_chain(s: Sentence) -> bool:
    """Two or more arrows joining steps of which at least one names an entity."""
    found, _ = arrows(s.doc, s.body)
    if len(found) < 2:
        return False
    bounds = [s.body, *(x for a in found for x in a), len(s.doc)]
    return any(s.mentions(bounds[k], bounds[k + 1]) for k in range(0, len(bounds), 2))


def chain(s: Sentence, ctx: Context) -> Iterator[Candidate]:
    doc, start = s.doc, s.body
    label_ents = s.mentions(0, start) if start else []
    found, kind = arrows(doc, start)
    bounds = [start, *(x for a in found for x in a), len(doc)]
    segments = [(bounds[k], bounds[k + 1]) for k in range(0, len(bounds), 2)]
    seg_ents = [s.mentions(a, b) for a, b in segments]
    if kind == "stack" and any(acting(doc, a, b) for a, b in segments):
        kind = "flow"  # "EventBridge (route to services) → SNS (notify humans)": steps that act pass work on
    if kind == "stack":
        for k in range(len(segments) - 1):
            for upper in seg_ents[k + 1]:
                for lower in seg_ents[k]:
                    if upper.ent_id_ != lower.ent_id_:
                        yield Candidate(upper.ent_id_, "runs_on", lower.ent_id_, True, "layer_stack")
        for owner in label_ents:
            for ents in seg_ents:
                for e in ents:
                    if e.ent_id_ != owner.ent_id_:
                        yield Candidate(owner.ent_id_, "uses", e.ent_id_, True, "stack_component")
        return
    nodes: list[tuple[str, str]] = []  # (entity key, verb label of the edge that leads to it)
    pending = ""
    if ctx.topic and len(seg_ents) > 2 and not seg_ents[0] and not seg_ents[1]:
        nodes.append((ctx.topic, ""))  # "Schedule Every hour > Trigger > Lambda" under EventBridge
    for (a, b), ents in zip(segments, seg_ents, strict=True):
        if not ents:
            pending = doc[a:b].text.strip()
            continue
        main = next((e for e in ents if s.known.types.get(e.ent_id_) != "Concept"), ents[0])
        nodes.append((main.ent_id_, pending))
        pending = ""
        rest = [c for c in read_clause(s, a, b, main.ent_id_, Context(), fallback=False) if c.object != main.ent_id_]
        yield from (c._replace(rule="flow_step") for c in rest)
    for (src, _), (dst, verb) in pairwise(nodes):
        if src != dst or verb:
            yield Candidate(src, flow_relation(verb), dst, True, "flow", verb)


def acting(doc: Doc, a: int, b: int) -> bool:
    """Does a step say in brackets what it does ('EventBridge (route to services)'), by a verb's bare form,
    where a layer of a stack names what it is ('Host OS (EC2 Instance)')?"""
    toks = tokens(doc)
    for i in range(a, b - 1):
        if toks[i].text == "(":
            word = toks[i + 1]
            return word.is_lower and word.lemma_ == word.lower_ and word.lemma_ in word_classes()["verb"]
    return False


def flow_relation(verb: str) -> str:
    """'Trigger' -> triggers; 'Push' -> pushes_to; a label that is not a verb -> flows_to."""
    words = re.findall(r"[A-Za-z]+", verb.lower())
    if not words:
        return "flows_to"
    base = lemma(words[0])
    if base in ("trigger", "invoke"):
        return "triggers"
    if base not in word_classes()["verb"]:
        return "flows_to"
    third = (
        base[:-1] + "ies"
        if re.search(r"[^aeiou]y$", base)
        else base + ("es" if re.search(r"(s|x|ch|sh)$", base) else "s")
    )
    return f"{third}_to"
