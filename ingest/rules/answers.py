"""Rules for answers to a card's question and for the short shapes card answers take: 'No, X is ...' to a yes/no
question, a bare figure to a 'max ...' question, 'Category (A, B)', 'Name (99.9%)', '99.99% durability - ...',
'Min 90 days ...'."""

import re
from collections.abc import Iterator

from spacy.tokens import Doc

from ingest.rules.model import Candidate, Clause, Context, Sentence, keyed, text_of, tokens
from ingest.rules.spans import topic_head
from ingest.rules.words import literal, strip_parenthetical
from kg.lexicon import verbs_only

YES_NO_QUESTION = re.compile(r"(?i)^(?:is|are|can|could|does|do|did|should|will|would|has|have|may|must)\b")
ANSWER_OPENER = re.compile(r"(?i)^(?P<word>yes|no|none|nothing)\s*[,.;:!]+\s*")
LIMIT_QUESTION = re.compile(r"(?i)\b(?:max|maximum|min|minimum|limits?|largest|smallest)\b")
FIGURE = re.compile(r"(?i)^(?:up to\s+)?~?\d[\d.,]*\s*(?:%|[a-z]{1,5})?$")
BOUND_WORDS = frozenset({"min", "max", "minimum", "maximum"})
EXAMPLE_MARKS = frozenset({"e.g.", "e.g", "eg", "such", "as", "like", "for", "example", ","})
MEMBER_JOINS = frozenset({",", "and", "or", "&", "/"})


def yes_no_answer(s: Sentence, ctx: Context) -> Iterator[Candidate]:
    """'Are S3 object mutable?' / 'No, S3 objects are immutable, ...', '... capacity limit for S3?' / 'None, S3
    has illimited capacity': what follows the yes, no or none is a property of the question's subject (its
    own name and verb left out)."""
    doc, topic = s.doc, ctx.topic
    toks = tokens(doc)
    m = ANSWER_OPENER.match(text_of(doc))
    if not topic or not ctx.question or s.label or not m:
        return
    if m["word"].lower() in ("yes", "no") and not YES_NO_QUESTION.match(ctx.question):
        return
    i = next((t.i for t in doc if t.idx >= m.end()), len(doc))
    opened = next((e.end for e in keyed(doc) if e.start == i and e.ent_id_ == topic), None)
    after = opened if opened is not None else topic_head(s, i, len(doc), topic)
    if after is not None and after < len(doc) and toks[after].lemma_ in ("be", "have"):
        i = after + 1
    rest = doc[i:].text
    if any(t.is_alpha and not t.is_stop for t in doc[i:]) or (rest and FIGURE.match(rest.strip(" ."))):
        yield Candidate(topic, "has_property", literal(rest), False, "yes_no_answer")


def figure_answer(s: Sentence, ctx: Context) -> Iterator[Candidate]:
    """'What is max size of an object on S3?' / '5TB': a bare figure answering a question about a bound is a
    limit of the question's subject."""
    if ctx.topic and LIMIT_QUESTION.search(ctx.question) and FIGURE.match(text_of(s.doc).strip(" .")):
        yield Candidate(ctx.topic, "has_limit", literal(text_of(s.doc)), False, "figure_answer")


def bracketed_members(s: Sentence, ctx: Context) -> Iterator[Candidate]:
    """'Object storage (S3, Glacier)', 'File Storage (e.g. Amazon EFS)': the names in brackets are of the kind
    before them; 'Standard Infrequent Access (99.9%)': the figure in brackets is a property of the name."""
    if ctx.category or s.label or "(" not in text_of(s.doc):
        return
    doc = s.doc
    toks = tokens(doc)
    segment = 0
    for i, t in enumerate(doc):
        if t.text == "(":
            close = next((j for j in range(i + 1, len(doc)) if toks[j].text in ")("), None)
            if close is None or toks[close].text != ")":
                return
            yield from _members(s, segment, i, close)
        elif t.text in (",", ";") and not _inside_brackets(doc, i):
            segment = i + 1


def _inside_brackets(doc: Doc, i: int) -> bool:
    depth = 0
    for t in doc[:i]:
        depth += (t.text == "(") - (t.text == ")")
    return depth > 0


def _members(s: Sentence, start: int, opening: int, close: int) -> Iterator[Candidate]:
    doc = s.doc
    toks = tokens(doc)
    head = doc[start:opening]
    head_ents = s.mentions(start, opening)
    inner = doc[opening + 1 : close].text.strip()
    if len(head_ents) == 1 and head_ents[0].start == start and head_ents[0].end == opening and FIGURE.match(inner):
        yield Candidate(head_ents[0].ent_id_, "has_property", literal(inner), False, "bracketed_figure")
        return
    words = [t for t in head if t.is_alpha]
    if head_ents or not 1 <= len(words) <= 4 or words[0].lemma_ in verbs_only() or words[-1].is_stop:
        return
    i = opening + 1
    while i < close and toks[i].lower_ in EXAMPLE_MARKS:
        i += 1
    members = s.mentions(i, close)
    covered = {k for e in members for k in range(e.start, e.end)}
    if not members or any(k not in covered and toks[k].lower_ not in MEMBER_JOINS for k in range(i, close)):
        return
    for e in members:
        yield Candidate(e.ent_id_, "is_a", literal(head.text), False, "bracketed_members")


def figure_lead(s: Sentence, ctx: Context) -> Iterator[Candidate]:
    """'99.999999999% durability - objects are replicated ...': a figure and what it measures, set off by a
    dash, is a property of the topic (the rest is read as usual)."""
    if not ctx.topic or s.label:
        return
    m = re.match(r"^(\d[\d.,]*\s*%?\s*[A-Za-z]+(?:\s*\([^)]*\))?)\s+[-–—]+\s+\S", text_of(s.doc))
    measured = literal(strip_parenthetical(m[1])) if m else ""
    if m and s.known.labels.get(ctx.topic, ctx.topic).lower() not in measured.lower():  # not 'durability' itself
        yield Candidate(ctx.topic, "has_property", measured, False, "figure_lead")


def bound_figure(c: Clause, ctx: Context) -> Iterator[Candidate]:
    """'Min 90 days storage charges', 'Max 100 buckets per account': a bound on a figure is a limit."""
    doc, start = c.doc, c.start
    toks = tokens(doc)
    if c.end - start >= 3 and toks[start].lower_ in BOUND_WORDS and toks[start + 1].like_num:
        for subject in c.subjects:
            yield Candidate(subject, "has_limit", literal(c.text), False, "bound_figure")
