"""The notes' outline, read from kg:parentLine: a heading's items, a list item's children, a lead-in's list.

A lead-in is a statement with statements under it ('What KPL handles:', 'solved in a few ways', 'Subscribers
can be'), or one followed by a sibling that only gives its examples ('E.g. CloudWatch for alarms')."""

import re
from typing import NamedTuple

from service.qa.statements import NUMBERED, Statement, StatementIndex, tokens

SPACES = re.compile(r"\s+")
DECORATION = re.compile(r"\([^)]*\)|[*_`❗📝💡]")  # a parenthesised part, emphasis, an emoji
PART = 160  # characters of one child shown inline
INLINE = 6  # children shown inline after a lead-in


def bare(text: str) -> str:
    """A heading or item as a name: no parenthesised part, emphasis or trailing colon ('Amazon SNS (Simple ...)')."""
    return SPACES.sub(" ", DECORATION.sub(" ", text)).strip(" :.-").lower()


def short(text: str, limit: int = PART) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


class LeadIn(NamedTuple):  # one per lead-in a question's words reach: a tuple is made several times faster
    statement: Statement
    items: list[Statement]  # what it introduces, in the notes' order
    matched: int  # the question's words it speaks to

    @property
    def numbered(self) -> bool:
        return sum(1 for st in self.items if NUMBERED.match(st.record.text)) >= 2


def items_of(index: StatementIndex, st: Statement) -> list[Statement]:
    """What a statement introduces: its children, else the sibling after it that gives its examples."""
    under = index.under(st)
    if under:
        return under
    after = index.example_after(st)
    return [after] if after else []


def render(index: StatementIndex, st: Statement, limit: int = 600, inline: int = INLINE) -> str:
    """A statement with what it introduces inline: 'Subscribers can be: SQS; HTTP/HTTPS; Lambda; ...'."""
    items = items_of(index, st)
    if not items:
        return short(st.text, limit)
    parts = [short(x.text) for x in items[:inline]]
    head = st.text.rstrip(":").rstrip()
    joiner = " " if items[0] not in index.under(st) else ": "
    return short(f"{head}{joiner}{'; '.join(parts)}", limit)


def lead_ins(index: StatementIndex, pool: list[Statement], words: list[str], need: int) -> list[LeadIn]:
    """The statements of `pool` that introduce two or more statements, or give examples, and speak to at least
    `need` of the question's words (their own text, not what they introduce): most words first, then in the
    notes' order."""
    stems = [set(tokens(w)) for w in words]
    stems = [s for s in stems if s]
    postings = index.postings
    having = set().union(*(postings.get(t, ()) for s in stems for t in s)) if need > 0 else None
    found = []
    for st in pool:
        if having is not None and st.index not in having:  # its text has none of the words
            continue
        items = items_of(index, st)
        if not items or (len(items) < 2 and not index.example_after(st)):
            continue
        have = index.text_tokens[st.index]
        matched = sum(1 for s in stems if s & have)
        if matched >= need:
            found.append(LeadIn(st, items, matched))
    return sorted(found, key=lambda x: (-x.matched, x.statement.source, x.statement.line))


def section(index: StatementIndex, place: Statement, depth: int = 2) -> list[Statement]:
    """Everything under a heading or list item, to `depth` levels, in the notes' order."""
    out: list[Statement] = []
    level = [place]
    for _ in range(depth):
        level = [c for st in level for c in index.under(st)]
        out += level
    return sorted(out, key=lambda st: st.line)
