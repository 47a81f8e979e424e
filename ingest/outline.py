"""What the outline of a document says: each statement's topic and category, and the facts that come from
structure rather than from one sentence (comparison headings and tables, sibling "Public: / Private:" labels).
"""

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from spacy.tokens import Doc

from ingest.entities import VERSUS, initials_match, is_definition_question, kind_of_list, singular
from ingest.relations import Candidate, Context, RelationExtractor, literal
from ingest.rules.model import keyed, label_colon, text_of, tokens
from ingest.rules.spans import THINGS_OF_A_NAME
from ingest.rules.words import NEGATIONS
from ingest.sources import Document, Statement
from ingest.vocabulary import vocabulary
from kg.lexicon import word_classes

TWO_QUESTIONS = re.compile(r"(?i)\band\s+(?:what|how|why|when|where|which|who)\b")
COMPARE_WORDS = re.compile(r"(?i)\b(vs\.?|versus|or|compared|comparison|difference)\b")


@dataclass
class Outline:
    """One document, its spaCy docs (one per statement) and the context of each statement."""

    doc: Document
    docs: list[Doc]
    contexts: list[Context]


def _keys(sdoc: Doc, end: int | None = None) -> list[str]:
    if end is not None:
        return list(dict.fromkeys(e.ent_id_ for e in keyed(sdoc) if e.end <= end))
    if "keys" not in sdoc.user_data:  # kept on the doc: the outline asks it of a line for each line under it
        sdoc.user_data["keys"] = tuple(dict.fromkeys(e.ent_id_ for e in keyed(sdoc)))
    return list(sdoc.user_data["keys"])


def _label_end(sdoc: Doc, st: Statement) -> int:
    if not st.label:
        return 0
    colon = label_colon(sdoc, st.label)
    return colon if colon is not None else 0


def own_topic(st: Statement, sdoc: Doc) -> str | None:
    """The entity a heading or a 'Label:' item is about (the first one it names)."""
    if st.kind == "heading":
        keys = _keys(sdoc)
        return keys[0] if keys else None
    if st.kind == "item" and st.label:
        end = _label_end(sdoc, st)
        keys = _keys(sdoc, end)
        if keys:
            return keys[0]
        opening = [e for e in keyed(sdoc) if e.start == end + 1]  # "Public: Docker Hub"
        adjective = st.label.lower() in word_classes()["adj"] and " " not in st.label
        return opening[0].ent_id_ if opening and adjective else None
    if st.kind == "item":  # "AWS Snowball = physical device ...", or a bare name: its sub-bullets are about it
        named = keyed(sdoc)
        if named and names_alone(sdoc, named[0].start, named[0].end):
            return str(named[0].ent_id_)
        first = [e for e in keyed(sdoc) if e.start <= 1]
        if first and first[0].end < len(sdoc) and sdoc[first[0].end].text in ("=", "==", "is", "are"):
            return str(first[0].ent_id_)
        if first and any(t.text in ("=", "==") for t in sdoc[first[0].end + 1 : first[0].end + 2]):  # "FIFO queue ="
            return str(first[0].ent_id_)
    return None


def names_alone(sdoc: Doc, start: int, end: int) -> bool:
    """Is the span all the line says, apart from marks before it and a bracket or colon after it
    ('Direct Publish (for mobile apps SDK)', '📝 Fan out (SNS -> SQS)', 'read committed:')?"""
    toks = tokens(sdoc)
    before = not any(c.isalnum() for c in text_of(sdoc)[: toks[start].idx])
    rest = text_of(sdoc)[toks[end].idx :].strip() if end < len(toks) else ""
    return before and (not rest or rest == ":" or bool(re.fullmatch(r"\(.*\)\s*:?", rest)))


def own_category(st: Statement, sdoc: Doc, *, parent: bool = False) -> str | None:
    """The relation a category parent sets for what is under it: a heading, a 'Label:', or a short item
    that heads a list ('Subscribers can be'). A category word inside a name ('Azure Pricing Calculator')
    is part of the name, not a category."""
    words = len(st.text.split())
    last = st.text.split()[-1].strip(":.") if words else ""
    ends_in_kind = words <= 6 and vocabulary().category(last) is not None  # "solved in a few ways"
    short_parent = parent and st.kind == "item" and not st.label and (words <= 4 or ends_in_kind)
    if st.kind == "heading" and TWO_QUESTIONS.search(st.text):
        return None  # "What is a S3 bucket and what are the limits?": which answer is which is not known
    text = st.text if st.kind == "heading" or short_parent else st.label
    for ent in keyed(sdoc):
        text = text.replace(ent.text, " ")
    return vocabulary().category(text) if text else None


def example_target(st: Statement, sdoc: Doc) -> str | None:
    """'Some of the serverless services', 'examples of X': the X the listed entities are examples of."""
    if not re.search(r"(?i)some of the|examples? of", st.text):
        return None
    ents = keyed(sdoc)
    concept = next((e for e in ents if e.label_ == "Concept"), ents[0] if ents else None)
    return concept.ent_id_ if concept is not None else None


def leading_entity(sdoc: Doc) -> tuple[str, str] | None:
    """The entity a statement opens with ('Aws Batch provisions ...', 'Lambda Billing:'), and its type."""
    first = next(iter(keyed(sdoc)), None)
    return (str(first.ent_id_), str(first.label_)) if first is not None and first.start <= 1 else None


def continued_subject(doc: Document, docs: list[Doc], st: Statement) -> str | None:
    """A later sentence of a point that names no topic (under 'Anti-patterns') is about what the point's
    first sentence opens with, after its label ('Storage: X is not suited ... By default, data is ...')."""
    if st.kind != "item" or st.index == 0:
        return None
    prev = doc.statements[st.index - 1]
    if prev.kind != "item" or prev.line != st.line or prev.parent != st.parent:
        return None
    sdoc = docs[prev.index]
    start = _label_end(sdoc, prev) + 1 if prev.label else 0
    first = next((e for e in keyed(sdoc) if e.start >= start), None)
    return str(first.ent_id_) if first is not None and first.start <= start + 1 else None


PRONOUN_START = re.compile(r"(?i)^(?:it|they)\b")
NOUN_SUBJECT = re.compile(  # "To reduce overhead, the application must ...": a noun and a modal verb
    r"(?i)^(?:[^,]*,\s*)?(?:the|a|an|your|each|every)\s+[a-z-]+\s+(?:must|should|can|will|may|needs?)\b"
)


def another_antecedent(doc: Document, docs: list[Doc], st: Statement) -> bool:
    """'It' opening the sentence after one whose subject is a noun of no name ('the application must ...')
    is that noun, not the topic."""
    if st.index == 0 or not PRONOUN_START.match(st.text):
        return False
    prev = doc.statements[st.index - 1]
    if prev.parent != st.parent or prev.block != st.block or leading_entity(docs[prev.index]) is not None:
        return False
    match = NOUN_SUBJECT.match(prev.text)
    return match is not None and not any(e.start_char < match.end() for e in keyed(docs[prev.index]))


def named_again(doc: Document, docs: list[Doc], st: Statement) -> str | None:
    """'Each PutRecords request can ...' then 'Each record in the request can ...': 'the request' of the next
    point is the thing of a name ('request', 'instance') the point before opened with."""
    if st.kind != "item" or st.index == 0 or leading_entity(docs[st.index]) is not None:
        return None
    prev = doc.statements[st.index - 1]
    if prev.kind != "item" or prev.parent != st.parent:
        return None
    pdoc = docs[prev.index]
    first = next(iter(keyed(pdoc)), None)
    if first is None or first.start > 2 or first.end >= len(pdoc):
        return None
    thing = pdoc[first.end].lower_
    if thing not in THINGS_OF_A_NAME or not re.search(rf"(?i)\bthe {re.escape(thing)}\b", st.text):
        return None
    return str(first.ent_id_)


@dataclass
class Leads:
    """Per document, computed once: the entity each statement opens with, and each block's names."""

    leads: list[tuple[str, str] | None]
    positions: list[int]  # statements that open with an entity, in order
    blocks: dict[int, list[int]]  # block -> its statements
    named: dict[int, set[str]]  # block -> the entities its statements name

    @classmethod
    def of(cls, doc: Document, docs: list[Doc]) -> "Leads":
        leads = [leading_entity(d) for d in docs]
        blocks: dict[int, list[int]] = {}
        named: dict[int, set[str]] = {}
        for st, sdoc in zip(doc.statements, docs, strict=True):
            blocks.setdefault(st.block, []).append(st.index)
            named.setdefault(st.block, set()).update(_keys(sdoc))
        return cls(leads, [i for i, lead in enumerate(leads) if lead], blocks, named)


def uncertain_topic(doc: Document, docs: list[Doc], st: Statement, topic: str, anchor: int, leads: Leads) -> bool:
    """In plain-text notes (OCR'd handwriting above all) a heading's topic is not carried past a statement
    that opens with another entity of its kind or a 'Label:' naming another entity, nor into a later block
    (lines between blank lines) that opens statements with such an entity and never names the topic, apart
    from the heading's own: an unreadable heading may stand between them."""
    if st.index == anchor:
        return False
    kind = next((e.label_ for e in keyed(docs[anchor]) if e.ent_id_ == topic), None)
    if kind is None:
        return False

    def rival(i: int) -> bool:  # "@ Batch :- No time limit" below "@ Serverless": Batch's points follow
        lead, other = leads.leads[i], doc.statements[i]
        labelled = other.kind == "item" and bool(other.label)
        return lead is not None and lead[0] != topic and ((lead[1] == kind and kind != "Concept") or labelled)

    above = {a.index for a in doc.ancestors(st)}
    between = leads.positions[bisect_right(leads.positions, anchor) : bisect_left(leads.positions, st.index)]
    if any(rival(i) and doc.statements[i].kind == "item" and i not in above for i in between):
        return True
    if doc.statements[anchor].block == st.block:
        return False
    block = [i for i in leads.blocks[st.block] if i > anchor]
    if topic in leads.named[st.block] and any(topic in _keys(docs[i]) for i in block):
        return False
    return any(map(rival, block))


DEFINING_PRONOUN = re.compile(r"(?i)^(?:this|it)\s+is\s+(?:where|when|an?|the)\b")


def defined_in(parent: Statement, pdoc: Doc, topic: str | None) -> str | None:
    """'this is where ...' under a line: under a name ('snapshot') it defines that thing (the topic); under a
    sentence it defines the last thing the sentence names that is not the topic ('uses MVCC (...) to
    handle ...' > MVCC), and when it names none ('in the form of predicate locks'), nothing we know."""
    named = keyed(pdoc)
    if named and names_alone(pdoc, named[0].start, named[0].end):
        return topic
    others = [e.ent_id_ for e in named if e.ent_id_ != topic]
    return str(others[-1]) if others else None


def compares_two(st: Statement, sdoc: Doc) -> bool:
    """'SQS vs SNS', 'Standard vs FIFO': a heading about two things, so what is under it is about neither
    one (its items say which, 'SQS: ...')."""
    return st.kind == "heading" and bool(VERSUS.search(st.text)) and len(_keys(sdoc)) >= 2


def one_side(sdoc: Doc, sides: list[str]) -> str | None:
    """The one side of a comparison a statement names ('Use DynamoDB when ...'), or None."""
    named = [k for k in _keys(sdoc) if k in sides]
    return named[0] if len(named) == 1 else None


def lists_others(st: Statement, category: str | None) -> bool:
    """'the following are equivalent concepts': an item that introduces things other than its topic."""
    return st.kind == "item" and category is None and bool(OTHERS.match(st.text))


OTHERS = re.compile(r"(?i)^(?:the following|these|here are|others?|other \w+)\b")


def unnamed_section(st: Statement, sdoc: Doc) -> bool:
    """A heading that names no entity and no category ('Azure Service Health' when it is not a known
    name, 'Resilience'): what is under it is about something the outline cannot name."""
    return st.kind == "heading" and not _keys(sdoc) and own_category(st, sdoc) is None


def two_of_a_kind(st: Statement, docs: list[Doc]) -> bool:
    """A plain-text heading that names two entities of one kind and no comparison ('Why AWS Lambda? JAmazon
    Ecz:'): OCR has run two lines together, and whose section follows is not certain."""
    if st.kind != "heading" or COMPARE_WORDS.search(st.text):
        return False
    kinds = [e.label_ for e in dict((e.ent_id_, e) for e in keyed(docs[st.index])).values()]
    return any(kinds.count(k) >= 2 for k in set(kinds) if k != "Concept")


def asks_other_than_what(st: Statement) -> bool:
    """A card's question that asks for something other than what the thing is ('What is the level of
    durability for S3?'): its answer is no definition."""
    return st.kind == "heading" and st.text.endswith("?") and not is_definition_question(st.text)


QUESTION_OPENER = re.compile(r"(?i)^(?:what|how|why|when|where|which|who|is|are|can|does|do|should|will)\b")


def qualifies_parent(st: Statement, sdoc: Doc, parent: Statement, pdoc: Doc) -> bool:
    """'doesn't scale well', 'preferrably with a logical clock' under a line that is a saying ('this can be
    done with version vectors'), not a name: a remark on that saying, whose subject the outline cannot name."""
    if st.kind != "item" or st.label or parent.kind != "item" or parent.label or own_topic(parent, pdoc):
        return False
    words = [t for t in sdoc if t.is_alpha or t.lower_ == "n't"]
    if not words or words[0].ent_id_:
        return False
    first, second = words[0], words[1].lower_ if len(words) > 1 else ""
    return second in NEGATIONS | {"n't"} or (first.lower_.endswith("ly") and first.lower_ not in ("only",))


def quoted_lines(doc: Document) -> frozenset[int]:
    """The lines of Markdown blockquotes ('> In a cost-optimal architecture, ...'), 1-based: a quotation set
    under a heading, neither about the heading's topic nor an item of its category, unless it names them."""
    if doc.format != "markdown":
        return frozenset()
    return frozenset(n for n, line in enumerate(doc.text.splitlines(), start=1) if line.lstrip().startswith(">"))


def asks(st: Statement) -> bool:
    """Is the heading a card's question ('Are S3 object mutable?', 'How is an S3 object identified')?"""
    return st.kind == "heading" and (st.text.endswith("?") or bool(QUESTION_OPENER.match(st.text)))


class NodeFacts:
    """own_topic, own_category, compares_two, unnamed_section and the section kind of each line of a document,
    each computed once: build_contexts asks them of a line for every line under it."""

    def __init__(self, docs: list[Doc]) -> None:
        self.docs = docs
        self.memo: dict[tuple[str, int], object] = {}

    def _once(self, what: str, st: Statement, compute: Callable[[], object]) -> Any:
        key = (what, st.index)
        if key not in self.memo:
            self.memo[key] = compute()
        return self.memo[key]

    def topic(self, st: Statement) -> str | None:
        return self._once("topic", st, lambda: own_topic(st, self.docs[st.index]))

    def category(self, st: Statement, *, parent: bool) -> str | None:
        what = "parent category" if parent else "category"
        return self._once(what, st, lambda: own_category(st, self.docs[st.index], parent=parent))

    def compares_two(self, st: Statement) -> bool:
        return self._once("compares", st, lambda: compares_two(st, self.docs[st.index]))

    def unnamed_section(self, st: Statement) -> bool:
        return self._once("unnamed", st, lambda: unnamed_section(st, self.docs[st.index]))

    def section(self, st: Statement) -> str | None:
        return self._once("section", st, lambda: vocabulary().section(st.text))


def build_contexts(doc: Document, docs: list[Doc]) -> list[Context]:
    """Walk up from each statement: the nearest category wins, the nearest entity is the topic."""
    contexts = []
    opened: set[int] = set()
    leads = Leads.of(doc, docs)
    quotes = quoted_lines(doc)
    node_facts = NodeFacts(docs)  # what each line says of itself, read once however many lines sit under it
    for st in doc.statements:
        topic = category = target = None
        anchor = None
        chain = [st, *doc.ancestors(st)] if st.kind == "item" and st.label else list(doc.ancestors(st))
        parent = doc.parent(st)
        under = [parent] if parent and st.line not in quotes else []
        for node in ([st] if st.label else []) + under:  # its own line, or right under
            if (category := node_facts.category(node, parent=node is parent)) is not None:
                target = example_target(node, docs[node.index]) if category == "example" else None
                break
        for node in chain:
            if node is not st and node_facts.compares_two(node):
                topic = one_side(docs[st.index], _keys(docs[node.index]))  # no anchor: it opens no definition
                break  # "Standard vs FIFO": what is under it is about the side it names alone, if it names one
            if node is not st and lists_others(node, category):
                break  # "the following are equivalent concepts": not about the thing above
            found = node_facts.topic(node)
            if found:
                topic, anchor = found, node.index
                break
            if node.kind == "heading" and node_facts.section(node) == "aspect":
                continue  # "Scalability": what is under it is about the thing above
            if node_facts.unnamed_section(node):
                break  # "### Azure Service Health", not a known name: a higher heading's topic is not certain
        if topic is None and doc.format != "text":
            topic = continued_subject(doc, docs, st)
        if (again := named_again(doc, docs, st)) is not None:
            topic, anchor = again, None
        if topic is not None and another_antecedent(doc, docs, st):
            topic = anchor = None  # "the application must ... It also must ...": 'it' is the application
        if (
            topic
            and anchor is not None
            and doc.format == "text"
            and uncertain_topic(doc, docs, st, topic, anchor, leads)
        ):
            topic = anchor = None  # kept as evidence of its section, no fact from the heading's topic
        if topic and anchor is not None and doc.format == "text" and two_of_a_kind(doc.statements[anchor], docs):
            topic = anchor = None  # kept as evidence of its section, no fact from the heading's topic
        if st.line in quotes:
            topic = anchor = None  # a quotation is about what it names itself, not the section's topic
        if category is None and parent is not None and qualifies_parent(st, docs[st.index], parent, docs[parent.index]):
            topic = anchor = None  # "doesn't scale well" under "this can be done with version vectors"
        if parent is not None and category is None and DEFINING_PRONOUN.match(st.text):
            topic, anchor = defined_in(parent, docs[parent.index], topic), None
        first = False
        bare_name = (st.text.istitle() and len(st.text.split()) <= 4) or bool(  # "Elastic Container Registry"
            re.fullmatch(r"[\w.-]+\s*==?\s*[\w .()-]+", st.text)  # "EFS = Elastic File System"
        )
        if anchor == st.index and st.parent is not None:
            opened.add(st.parent)  # "S3 Standard: ..." under "S3 Storage Classes": the section is under way
        if anchor is not None and st.parent == anchor and st.kind == "item" and anchor not in opened and not bare_name:
            opened.add(anchor)
            first = not asks_other_than_what(doc.statements[anchor])
        question = parent.text if parent is not None and asks(parent) else ""
        contexts.append(Context(topic=topic, category=category, example_target=target, first=first, question=question))
    return contexts


# ------------------------------------------------------------------ structure rules


def comparison_pairs(outline: Outline) -> Iterator[tuple[Statement, Candidate]]:
    """Headings or labels like 'Batch vs Lambda': every statement under them is a contrast point."""
    doc, docs = outline.doc, outline.docs
    for st, sdoc in zip(doc.statements, docs, strict=True):
        if st.kind not in ("heading", "item") or not COMPARE_WORDS.search(st.label or st.text):
            continue
        keys = _keys(sdoc)
        if len(keys) != 2:
            continue
        a, b = keys
        for other in doc.statements[st.index + 1 :]:
            if other.kind == "heading" or st.index not in {x.index for x in doc.ancestors(other)}:
                if other.kind == "heading" or (other.depth <= st.depth and st.kind == "item"):
                    break
                continue
            if other.kind in ("item", "row") and not (other.label and not other.body):
                yield other, Candidate(a, "compared_with", b, True, "comparison_section", literal(other.text))


def column_entities(outline: Outline, header: Statement) -> list[str | None]:
    """The entity each column of a table's header row names (None for a column that names none)."""
    head_doc = outline.docs[header.index]
    return [c[0] if c else None for c in (_cell_keys(head_doc, span) for span in _cells(head_doc))]


def table_rows(outline: Outline, extractor: RelationExtractor) -> Iterator[tuple[Statement, Candidate]]:
    """Three kinds of table, told apart by the header: every column names an entity (each cell is a fact
    about its column); the first column holds aspects and the others name entities (a comparison: each
    cell is its column's value of the row's aspect); the first column holds terms (each row is about its
    term: a definition column defines it, another column gives the aspect it names)."""
    doc = outline.doc
    for st in doc.statements:
        if st.kind != "table":
            continue
        heads = column_entities(outline, st)
        rows = [r for r in doc.statements if r.kind == "row" and r.parent == st.index]
        if heads and heads[0] is not None:
            yield from _column_table(outline, extractor, heads, rows)
        elif len({h for h in heads[1:] if h}) >= 2:
            yield from _aspect_table(outline, extractor, heads, rows)
        else:
            yield from _term_table(outline, extractor, st, rows)


def _column_table(
    outline: Outline, extractor: RelationExtractor, heads: list[str | None], rows: list[Statement]
) -> Iterator[tuple[Statement, Candidate]]:
    for n, row in enumerate(rows):
        rdoc = outline.docs[row.index]
        for (a, b), head in zip(_cells(rdoc), heads, strict=False):
            if head and b > a:
                ctx = Context(topic=head, first=n == 0)
                for cand in extractor.clause(rdoc, a, b, head, ctx, fallback=True):
                    yield row, cand._replace(rule="table_cell:" + cand.rule)
        known = [h for h in heads if h]
        if len(known) == 2:
            yield row, Candidate(known[0], "compared_with", known[1], True, "table_row", " vs ".join(row.cells))


def _aspect_value(subject: str, aspect: str, value: str, rule: str) -> Iterator[Candidate]:
    """One cell of a comparison: 'Yes' supports the aspect, 'No'/'None' lacks it, a value is the aspect's
    relation (data/vocabulary.toml aspects and categories) or a property 'aspect: value'."""
    aspect_text = literal(aspect)
    answer = re.match(r"(?i)^(yes|no|none|n/a)\b\W*(.*)$", value)
    if answer and answer[1].lower() == "yes":
        yield Candidate(subject, "supports", aspect_text, False, rule + ":yes")
        return
    if answer and not answer[2]:
        yield Candidate(subject, "has_limit", f"no {aspect_text}", False, rule + ":no")
        return
    relation = vocabulary().aspect(aspect) or vocabulary().category(aspect)
    if relation in (None, "example", "supports_language"):
        yield Candidate(subject, "has_property", literal(f"{aspect_text}: {value}"), False, rule)
    else:
        yield Candidate(subject, str(relation), literal(value), False, rule)


def _aspect_table(
    outline: Outline, extractor: RelationExtractor, heads: list[str | None], rows: list[Statement]
) -> Iterator[tuple[Statement, Candidate]]:
    named = [h for h in heads[1:] if h]
    for row in rows:
        aspect, *values = row.cells
        if not aspect:
            continue
        for head, value in zip(heads[1:], values, strict=False):
            if head and value.strip():
                for cand in _aspect_value(head, aspect, value, "table_aspect"):
                    yield row, cand
        if len(named) == 2:
            contrast = f"{aspect}: " + " vs ".join(values)
            yield row, Candidate(named[0], "compared_with", named[1], True, "table_row", contrast)


def _term_table(
    outline: Outline, extractor: RelationExtractor, header: Statement, rows: list[Statement]
) -> Iterator[tuple[Statement, Candidate]]:
    columns = header.cells
    for row in rows:
        rdoc = outline.docs[row.index]
        spans = _cells(rdoc)
        if not spans:
            continue
        terms = _cell_keys(rdoc, spans[0])
        if not terms:
            continue
        term = terms[0]
        for n, (a, b) in enumerate(spans[1:], start=1):
            column = columns[n] if n < len(columns) else ""
            value = row.cells[n] if n < len(row.cells) else ""
            if b <= a or not value.strip():
                continue
            if vocabulary().defines(column):
                facts = list(extractor.clause(rdoc, a, b, term, Context(topic=term, first=True), fallback=False))
                definition = extractor.definition_phrase(rdoc, a, b)
                if definition:
                    facts.append(Candidate(term, "is_a", definition, False, "definition"))
                if not facts:
                    facts = [Candidate(term, "has_property", literal(value), False, "property")]
                for cand in facts:
                    yield row, cand._replace(rule="table_term:" + cand.rule)
            else:
                for cand in _aspect_value(term, column, value, "table_term"):
                    yield row, cand


def _cells(sdoc: Doc) -> list[tuple[int, int]]:
    bounds = [-1, *(t.i for t in sdoc if t.text == "|"), len(sdoc)]
    return [(bounds[k] + 1, bounds[k + 1]) for k in range(len(bounds) - 1)]


def _cell_keys(sdoc: Doc, span: tuple[int, int]) -> list[str]:
    return [e.ent_id_ for e in keyed(sdoc) if e.start >= span[0] and e.end <= span[1]]


def sibling_labels(outline: Outline, labels: dict[str, str]) -> Iterator[tuple[Statement, Candidate]]:
    """'Public: Docker Hub' beside 'Private: Amazon ECR', after 'images are stored in Docker Repositories':
    each is_a '<label> <category>', and the two are compared on their labels."""
    doc, docs = outline.doc, outline.docs
    groups: dict[int | None, list[tuple[Statement, str]]] = {}
    for st, sdoc in zip(doc.statements, docs, strict=True):
        if st.kind != "item" or not st.label or len(st.label.split()) != 1 or _keys(sdoc, _label_end(sdoc, st)):
            continue
        body_start = _label_end(sdoc, st) + 1
        ents = [e for e in keyed(sdoc) if e.start >= body_start]
        if ents and ents[0].start == body_start:
            groups.setdefault(st.parent, []).append((st, ents[0].ent_id_))
    for members in groups.values():
        if len(members) < 2:
            continue
        first = members[0][0]
        before = doc.statements[first.index - 1] if first.index else None
        category = None
        for node in (before, doc.parent(first)):
            if node is not None and node.kind == "item":
                ents = list(keyed(docs[node.index]))
                if ents and ents[-1].label_ == "Concept":
                    category = ents[-1]
                    break
        for st, key in members:
            if category is not None:
                yield (
                    st,
                    Candidate(
                        key,
                        "is_a",
                        f"{st.label.lower()} {labels.get(category.ent_id_, category.text)}",
                        False,
                        "labelled_member",
                    ),
                )
        for (sa, ka), (sb, kb) in pairwise(members):
            if ka != kb:
                yield (
                    sa,
                    Candidate(ka, "compared_with", kb, True, "sibling_labels", f"{sa.label} vs {sb.label}"),
                )


def category_labels(outline: Outline) -> Iterator[tuple[Statement, Candidate]]:
    """'In-memory database: ElastiCache', 'Key/Value database: DynamoDB (serverless)': the label says what
    the named entities are."""
    for st, sdoc in zip(outline.doc.statements, outline.docs, strict=True):
        if st.kind != "item" or not st.label or " " not in st.label.strip() or _keys(sdoc, _label_end(sdoc, st)):
            continue
        body_start = _label_end(sdoc, st) + 1
        depth, outside, named = 0, [], []
        for t in sdoc[body_start:]:
            depth += (t.text == "(") - (t.text == ")")
            if depth == 0 and t.ent_id_:
                named.append(t.ent_id_)
            elif depth == 0 and t.is_alpha and not t.is_stop:
                outside.append(t)
        if named and not outside:
            for key in dict.fromkeys(named):
                yield st, Candidate(key, "is_a", literal(st.label), False, "category_label")


def label_names(sdoc: Doc, st: Statement, key: str) -> bool:
    """Is a 'Label:' the entity's name alone ('EC2:', 'AWS Lambda:'), not a phrase that mentions it ('Policy
    assignment:', 'Built-in initiatives for:')?"""
    end = _label_end(sdoc, st)
    words = [t.i for t in sdoc[:end] if any(c.isalnum() for c in t.text)]
    return any(e.ent_id_ == key and e.start <= words[0] and e.end > words[-1] for e in keyed(sdoc)) if words else False


def entity_label_siblings(outline: Outline) -> Iterator[tuple[Statement, Candidate]]:
    """Two 'EC2:' / 'Lambda:' lists side by side under one parent compare the two."""
    doc, docs = outline.doc, outline.docs
    groups: dict[int | None, list[tuple[Statement, str]]] = {}
    for st, sdoc in zip(doc.statements, docs, strict=True):
        if st.kind == "item" and st.label and not st.body:
            key = own_topic(st, sdoc)
            if key and label_names(sdoc, st, key):
                groups.setdefault(st.parent, []).append((st, key))
    for parent, members in groups.items():
        keys = list(dict.fromkeys(k for _, k in members))
        if len(keys) == 2 and parent is not None:
            anchor = doc.statements[parent]
            yield (
                anchor,
                Candidate(keys[0], "compared_with", keys[1], True, "side_by_side", literal(anchor.text)),
            )


def outline_kinds(outline: Outline) -> Iterator[tuple[Statement, Candidate]]:
    """What the outline says by nesting alone: a concept listed under a kind ('Isolation levels' > 'read
    committed') is one of that kind, and an acronym heading ('ACID') includes the sub-sections whose
    initials spell it ('Atomicity', 'Consistency', ...)."""
    doc, docs = outline.doc, outline.docs
    for st, sdoc in zip(doc.statements, docs, strict=True):
        parent = doc.parent(st)
        if parent is None or st.kind != "item" or st.label:
            continue
        kind = kind_of_list(parent.text)
        pdoc = docs[parent.index]
        if any(names_alone(pdoc, e.start, e.end) for e in keyed(pdoc)):
            continue  # "KPL Features": a known name, not a kind
        named = keyed(sdoc)
        if kind and named and names_alone(sdoc, named[0].start, named[0].end):
            yield st, Candidate(named[0].ent_id_, "is_a", kind, False, "kind_list")
    for st, sdoc in zip(doc.statements, docs, strict=True):
        keys = _keys(sdoc)
        if st.kind != "heading" or len(keys) != 1 or not re.fullmatch(r"[A-Z]{2,8}", st.text.strip()):
            continue
        parts = [c for c in doc.statements if c.parent == st.index and c.kind == "heading"]
        part_keys = [own_topic(c, docs[c.index]) for c in parts]
        if len(parts) >= 2 and all(part_keys) and initials_match(st.text, " ".join(c.text for c in parts)):
            for part, key in zip(parts, part_keys, strict=True):
                yield part, Candidate(keys[0], "includes", str(key), True, "acronym_parts")


LINKS = frozenset({"to", "of", "for", "with", "in", "on", "by", "from", "into"})


def member_name(label: str) -> bool:
    """Can a label name a member of a kind ('S3 Glacier', 'ReadOnly')? A phrase with a preposition ('Changes to
    locked resource') says what happens to something, a lone verb ('Combine') what to do."""
    words = label.split()
    if any(w in LINKS for w in words):
        return False
    verb = len(words) == 1 and words[0].lower() in word_classes()["verb"] and not words[0].lower().endswith("s")
    return not verb


def kind_members(
    outline: Outline, labels: dict[str, str], types: dict[str, str]
) -> Iterator[tuple[Statement, Candidate]]:
    """'S3 Storage Classes' > 'S3 Standard: ...', 'Amazon S3 Glacier: ...': a parent that names a known kind
    in the plural lists members of that kind, each named by its label or alone on its line."""
    doc, docs = outline.doc, outline.docs
    for st, sdoc in zip(doc.statements, docs, strict=True):
        parent = doc.parent(st)
        if parent is None or st.kind != "item":
            continue
        pdoc = docs[parent.index]
        named = [e for e in keyed(pdoc) if names_alone(pdoc, e.start, e.end)]
        if not named or types.get(named[0].ent_id_) != "Concept":
            continue
        kind, written = str(named[0].ent_id_), named[0].text
        if singular(written) == written or singular(written).lower() != labels.get(kind, "").lower():
            continue  # "S3 Storage Class" alone, or "Lambda Functions" (the product, not a kind of it)
        member = own_topic(st, sdoc) if st.label else None
        if member is None and not st.label:
            ents = keyed(sdoc)
            member = str(ents[0].ent_id_) if ents and names_alone(sdoc, ents[0].start, ents[0].end) else None
        head = labels.get(kind, "").split()[-1].lower()
        name = labels.get(member or "", "")
        if member and member != kind and head not in name.lower().split()[:-1] and member_name(name):
            yield st, Candidate(member, "example_of", kind, True, "kind_members")  # not 'Producer Optimization'
