"""'X is a Y' and its kin: definitions, lists of kinds, hedged or negated descriptions."""

from collections.abc import Iterator

from ingest.cues import ATTRIBUTE_RELATIONS
from ingest.rules.model import Candidate, Clause, Context, tokens
from ingest.rules.spans import copula_stop, passive
from ingest.rules.words import ADJECTIVE_ENDINGS, EQUALS, HEDGES, is_negated, literal

DEGREES = frozenset({"more", "less", "very", "too", "quite", "highly", "to", "only"})
ARTICLES = frozenset({"a", "an", "the", "also", "just", "usually", "basically"})


def copula_verb(c: Clause) -> int | None:
    """The token of the clause's 'is' (or '=') when it describes its subject, not a passive ('is stored in')."""
    doc, start, end, pstart = c.doc, c.start, c.end, c.pstart
    toks = tokens(doc)
    equals = c.explicit and pstart < end and toks[pstart].text in EQUALS  # "S3 = Simple Storage Service"
    be = pstart if pstart < end and (toks[pstart].lemma_ == "be" or equals) else None
    if (
        be is None
        and not c.explicit
        and toks[start].lemma_ == "be"
        and start + 1 < end
        and toks[start + 1].lower_ in ("a", "an")
    ):
        be = start  # flashcard answers: "Is a fully managed ..."
    if be is None and not c.explicit and start + 1 < end and toks[start].lower_ in ("it", "this", "they"):
        linked = toks[start + 1].lemma_ == "be" or toks[start + 1].lower_ in ("'s", "’s")
        be = start + 1 if linked else None  # "It's OLAP": the topic
    if be is not None and toks[be].lower_ != "been" and not passive(c.sentence, be, end):
        return be
    return None


def copula_end(c: Clause) -> int:
    """Where the description of a copula ends (cues before it are part of the description)."""
    be = copula_verb(c)
    return c.pstart if be is None else copula_stop(c.doc, be, c.end)


def copula(c: Clause, ctx: Context) -> Iterator[Candidate]:
    """'X is a Y' -> is_a; 'X is not ...' or a hedge -> has_property; 'X is A, B, C' -> one fact each."""
    be = copula_verb(c)
    if be is None:
        return
    doc, end, subjects, text = c.doc, c.end, c.subjects, c.text
    toks = tokens(doc)
    rest = doc[be + 1 : end]
    if is_negated(rest[:3]) or any(h in rest.text.lower() for h in HEDGES):
        for s in subjects:
            yield Candidate(s, "has_property", literal(text), False, "copula_negated")
        return
    if be + 1 < end and toks[be + 1].lower_ in DEGREES:
        for s in subjects:  # "is more efficient", "is to get managed Redis": not a definition
            yield Candidate(s, "has_property", literal(text), False, "copula_property")
        return
    i = be + 1
    while i < end and (toks[i].lower_ in ARTICLES or toks[i].text in EQUALS):
        i += 1
    if i >= end:
        return
    region = doc[i:end]
    cues = c.sentence.cue_matches(i, end)
    if "," in region.text and not any(t.lower_ in ("to", "that", "which", "in") for t in region):
        items, cur = [], i
        for j in range(i, end + 1):
            if j == end or toks[j].text == "," or toks[j].lower_ in ("and", "or"):
                if j > cur:
                    items.append((cur, j))
                cur = j + 1
        for a, b in items:
            yield from copula_item(c, a, b)
        return
    stop = copula_stop(doc, be, end)
    ents = c.sentence.mentions(i, stop)
    if len(ents) == 1 and ents[0].start == i and ents[0].end == stop:
        for s in subjects:
            if s != ents[0].ent_id_:
                yield Candidate(s, "is_a", ents[0].ent_id_, True, "copula")
        return
    attribute = [m for m in cues if m.cue.predicate in ATTRIBUTE_RELATIONS and m.start < stop]
    if attribute and c.fallback:
        for s in subjects:
            yield Candidate(s, attribute[0].cue.predicate, literal(text), False, "copula_attribute")
        return
    for s in subjects:
        yield Candidate(s, "is_a", literal(doc[i:stop].text), False, "copula")


def copula_item(c: Clause, a: int, b: int) -> Iterator[Candidate]:
    """One item of 'X is A, B and C': an entity is a kind, an attribute cue its relation, an adjective a
    property, anything else a kind."""
    ents = c.sentence.mentions(a, b)
    item = c.doc[a:b]
    cues = [m for m in c.sentence.cue_matches(a, b) if m.cue.predicate in ATTRIBUTE_RELATIONS]
    for s in c.subjects:
        if ents and ents[0].start == a and ents[-1].end == b:
            for e in ents:
                yield Candidate(s, "is_a", e.ent_id_, True, "copula_list")
        elif cues:
            yield Candidate(s, cues[0].cue.predicate, literal(item.text), False, "copula_list")
        elif len(item) == 1 and item.text.lower().endswith(ADJECTIVE_ENDINGS):
            yield Candidate(s, "has_property", literal(item.text), False, "copula_list")
        else:
            yield Candidate(s, "is_a", literal(item.text), False, "copula_list")
