"""Rules over a whole statement: a heading, a 'Label: value' line, a dash definition, its clauses, and the
category its parent sets ('Use cases:', 'Pricing', 'Languages')."""

import re
from collections.abc import Iterator

from spacy.tokens import Doc, Token

from ingest.cues import ATTRIBUTE_RELATIONS, CUES
from ingest.rules.clause import read_clause
from ingest.rules.model import Candidate, Context, Sentence, text_of, tokens
from ingest.rules.phrases import attributes, cue_objects
from ingest.rules.spans import clauses, leading_subjects, nameless_subject, other_subject
from ingest.rules.words import is_negated, literal, readable, strip_parenthetical
from kg.lexicon import verbs_only


def subject_of(s: Sentence, ctx: Context) -> str | None:
    """The entity a statement is about: its label's entity ('ECS: ...'), else the outline's topic."""
    label_ents = s.mentions(0, s.body) if s.body else []
    return label_ents[0].ent_id_ if label_ents else ctx.topic


def heading(s: Sentence, ctx: Context) -> Iterator[Candidate]:
    """'Fargate - abstraction over ECS': a heading states relations of the first entity it names (never a
    property, and a question states nothing)."""
    doc = s.doc
    if text_of(doc).rstrip().endswith("?"):
        return
    named = s.mentions(0, len(doc))
    if named:
        yield from read_clause(s, 0, len(doc), named[0].ent_id_, ctx, fallback=False)


def label_cue(s: Sentence, ctx: Context) -> Iterator[Candidate]:
    """'Supported engines: A, B', 'Max item size: 400 KB': a cue in the label applies to the value after it."""
    doc, body = s.doc, s.body
    subject = subject_of(s, ctx)
    if not body or s.mentions(0, body) or not subject:
        return
    for name, _, _ in s.cue_matches(0, body - 1):
        cue = CUES[name]
        if cue.predicate in ATTRIBUTE_RELATIONS:
            for pred, obj in attributes(s, body, len(doc), s.label, cue.predicate):
                yield Candidate(subject, pred, obj, False, f"label:{name}")
            return
        if cue.object != "clause" and cue.predicate != "use_case":  # use cases: the category splits them
            found = list(cue_objects(s, name, body, len(doc), is_negated(doc[body:])))
            for pred, obj, is_entity in found:
                if obj != subject:
                    yield Candidate(subject, pred, obj, is_entity, f"label:{name}")
            if found:
                return


def dash_definition(s: Sentence, ctx: Context) -> Iterator[Candidate]:
    """'Object storage - "infinitely scaling" storage' opening a section: the part before the dash is
    what the topic is."""
    doc = s.doc
    toks = tokens(doc)
    subject = subject_of(s, ctx)
    if not ctx.first or s.label or not subject:
        return
    dash = next((t.i for t in doc if t.text in ("-", "--") and t.i > 0 and t.whitespace_), None)
    if dash is None or dash > 5 or toks[0].lemma_ in verbs_only() or is_negated(doc[:dash]):
        return
    if not s.mentions(0, dash) and not toks[0].is_stop:
        yield Candidate(subject, "is_a", literal(doc[:dash].text), False, "dash_definition")


def clause_facts(s: Sentence, ctx: Context) -> Iterator[Candidate]:
    """Each clause through the clause rules; 'X ..., whereas Y ...' also compares X with Y."""
    subject = subject_of(s, ctx)
    seen: list[str] = []
    actor = False  # "we all want ..., but still be able to ...": the clauses after an actor's are its too
    aside = in_asides(s.doc)  # "(You can save on headers; instead of ...)": a remark, no fact of the topic
    for start, end, opener in clauses(s.doc, s.body, len(s.doc)):
        if start in aside:
            continue
        end = min([end, *(i - 1 for i in aside if start < i <= end)])
        lead, _ = leading_subjects(s, start, end)
        if actor and not lead:
            continue
        if not lead and nameless_subject(s, start, end, subject):  # "Large value provides ...": not the topic's
            actor = True
            continue
        actor = not lead and other_subject(s, start, end, subject)
        owner = seen[-1] if seen and not lead and opener in CONTINUING else subject  # "X is ..., but needs ..."
        yield from read_clause(s, start, end, owner, ctx, fallback=True, label=s.label)
        if opener in ("whereas", "while") and lead and seen and lead[0] != seen[0]:
            yield Candidate(seen[0], "compared_with", lead[0], True, "whereas", text_of(s.doc))
        seen.extend(lead)


CONTINUING = frozenset({"but", "however"})  # a clause they open with no subject goes on about the last one named


ASIDE_OPENERS = frozenset({"you", "we", "it", "this", "they", "these", "that"})


def in_asides(doc: Doc) -> set[int]:
    """The tokens of a bracketed remark ('(You can save on HTTP Headers space; ...)'); a bracket of examples
    ('(EC2 state changes, S3 uploads, etc.)') is no remark."""
    toks = tokens(doc)
    inside: set[int] = set()
    if "(" not in text_of(doc) and "[" not in text_of(doc):
        return inside
    for t in doc:
        if t.text in "([" and t.i + 1 < len(doc) and toks[t.i + 1].lower_ in ASIDE_OPENERS:
            close = next((j for j in range(t.i + 1, len(doc)) if toks[j].text in ")]"), len(doc))
            inside.update(range(t.i + 1, close))
    return inside


ITEM_JOINS = frozenset({",", ";", "and", "or", "/", "&", "+", "(", "via", "including"})
ITEM_LEADS = frozenset({"a", "an", "the", "[", '"', "'", "*", "_"})


def heads_item(doc: Doc, start: int, at: int) -> bool:
    """Does the name at token at open the statement or one item of its list ('Lambda functions, SQS queues',
    'AWS services (EC2 state changes, ...)', 'Extensible via PowerShell'), not sit inside a phrase ('Retry of
    failed response from Kinesis API', 'Load balancing across instances')?"""
    toks = tokens(doc)
    i = at - 1
    while i >= start and toks[i].lower_ in ITEM_LEADS:
        i -= 1
    return i < start or toks[i].lower_ in ITEM_JOINS


def category(s: Sentence, ctx: Context) -> Iterator[Candidate]:
    """Facts that come from the heading a bullet sits under ('Use cases:', 'Pricing', 'Languages')."""
    doc, body = s.doc, s.body
    toks = tokens(doc)
    subject = subject_of(s, ctx)
    if not subject or not ctx.category or not re.search(r"[A-Za-z0-9]", doc[body:].text):
        return
    span = doc[body:]
    ents = [e for e in s.mentions(body, len(doc)) if not is_negated(doc[body : e.start])]
    cat = ctx.category
    if cat in ("use_case", "pricing", "has_limit"):
        text = span.text
        if body and cat != "use_case" and not s.mentions(0, body):
            text = text_of(doc)
        parts = [p for p in re.split(r",(?![^()]*\))|\band\b", text) if p.strip()] if cat == "use_case" else [text]
        for part in parts:
            value = literal(strip_parenthetical(part) if cat == "use_case" else part)
            if re.search(r"[a-z]{2}", value.lower()):
                yield Candidate(subject, cat, value, False, f"under:{cat}")
    elif cat == "supports_language":
        for e in ents:
            kind = "supports_language" if s.known.types.get(e.ent_id_) == "ProgrammingLanguage" else "supports"
            if e.ent_id_ != subject:
                yield Candidate(subject, kind, e.ent_id_, True, "under:language")
    elif cat == "example" and ctx.example_target:
        for e in ents:
            if e.ent_id_ != ctx.example_target:
                yield Candidate(e.ent_id_, "example_of", ctx.example_target, True, "under:examples")
    elif cat == "example":
        text = literal(span.text)
        if re.search(r"[a-z]{3}", text):
            yield Candidate(subject, "use_case", text, False, "under:example")
    else:  # supports, triggers, includes, has_property, ...: the entities it names, else what it says
        aside = in_asides(doc)  # "Batching records (You can save on HTTP Headers ...)": an aside names none
        named = [
            e.ent_id_ for e in ents if e.ent_id_ != subject and e.start not in aside and heads_item(doc, body, e.start)
        ]
        for key in dict.fromkeys(named):
            yield Candidate(subject, cat, key, True, f"under:{cat}")
        value = literal(strip_parenthetical(span.text))
        if not named and readable(span) and re.search(r"[a-z]{3}", value.lower()):
            own = "has_property" if acts(toks[body]) else cat  # "Advertises Planned Maintenance": what it does
            yield Candidate(subject, own, value, False, f"under:{cat}")


def acts(word: Token) -> bool:
    """Is a word a verb's third person ('advertises', 'publishes'): the subject's own act, not a feature
    named by a noun or an action to take ('Set up alerts')?"""
    low = word.lower_
    return low.endswith("s") and word.lemma_ != low and word.lemma_ in verbs_only()
