"""A statement with no relation cue: a definition when it opens its topic and has no verb, else a property
(or a limit, when it says what cannot be done)."""

from collections.abc import Iterator

from ingest.rules.model import Candidate, Clause, Context, tokens
from ingest.rules.words import (
    CATEGORY_HEADS,
    LIMITING,
    NEGATIONS,
    PRONOUNS,
    RELATIVES,
    dependent_fragment,
    is_negated,
    lead_in,
    literal,
    readable,
    verb_initial,
)
from ingest.vocabulary import vocabulary

SUBORDINATE = frozenset({"when", "where", "if", "whenever"})  # "when all writes that are ...": a saying, kept whole


def property_fallback(c: Clause, ctx: Context) -> Iterator[Candidate]:
    """A bullet with no cue: a definition when it opens its topic (or follows 'X:') and has no verb,
    else a property."""
    if not c.fallback:
        return
    doc, start, end, label, explicit = c.doc, c.start, c.end, c.label, c.explicit
    toks = tokens(doc)
    span = doc[start:end]
    free = [t for t in span if t.is_alpha and not t.ent_id_]
    words = [t for t in span if (t.is_alpha or t.ent_id_) and not t.is_stop and t.lower_ not in NEGATIONS]
    if not free or len(words) < 2 or ctx.category:
        return  # "they run", a bare name: nothing said
    text = span.text
    if text.istitle() and len(text.split()) <= 3:  # a stray heading, not a property
        return
    if not readable(span) or lead_in(doc) or dependent_fragment(span):
        return
    label_is_subject = bool(label) and bool(c.sentence.mentions(0, start))
    defining = bool(label) and vocabulary().defines(label)  # "Definition: A calculator that ..."
    if label and not label_is_subject and not defining:
        text = f"{label}: {text}"
    definitional = (
        (ctx.first or label_is_subject or defining)
        and not explicit
        and not verb_initial(span)
        and not is_negated(span[:3] if start == 0 else span)
        and (start == 0 or label_is_subject or defining)
        and not (label and not label_is_subject and not defining)
        and span[0].lower_ not in PRONOUNS  # "this ensures that ...": a saying, not a kind
    )
    last = [t for t in span if t.is_alpha][-1:]
    named_kind = bool(last) and (last[0].lower_ in CATEGORY_HEADS or last[0].lemma_ in CATEGORY_HEADS)
    short_kind = len(span) <= 4 and named_kind and not verb_initial(span) and not is_negated(span)
    definitional = definitional or (short_kind and not explicit and not label)  # "Serverless offering"
    pred = "is_a" if definitional else "has_property"
    if defining and not explicit and verb_initial(span) and not is_negated(span):
        pred = "use_case"  # "Definition: Identifies unused resources": what it is for
    if definitional and span[0].lower_ not in SUBORDINATE:  # "Managed NFS that can be mounted ...": the noun phrase
        text = doc[start : next((j for j in range(start, end) if toks[j].lower_ in RELATIVES), end)].text
    if LIMITING.search(span.text.replace("ca n't", "can't")):
        pred = "has_limit"  # "you can't SSH into your RDS instances", "can only be mounted to one instance"
    for s in c.subjects:
        yield Candidate(s, pred, literal(text), False, "definition" if definitional else "property")
