"""Glossaries: one 'term – definition' per line (an en or em dash, or a spaced hyphen). Each term is a
heading, its definition's sentences the items under it, as on a flashcard; other lines are read as plain text."""

import re

from ingest.readers.cleaning import sentences
from ingest.readers.plain import text_segments
from ingest.readers.tree import Document, OutlineBuilder, lines

_ENTRY = re.compile(r"^\s*(?:[-*•]\s+)?(?P<term>[^\s–—:-][^–—:]{0,47}?)\s+(?:[–—]|-{1,2})\s+(?P<definition>\S.*)$")


def _entry(line: str) -> re.Match[str] | None:
    m = _ENTRY.match(line)
    return m if m and len(m["term"].split()) <= 5 and "," not in m["term"] else None


def is_glossary(text: str) -> bool:
    """Most lines (a title line and '#' lines aside) are 'term – definition'."""
    found = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    entries = sum(1 for ln in found if _entry(ln))
    return entries >= 3 and entries >= 0.8 * (len(found) - 1)


def read_glossary(doc: Document) -> None:
    out = OutlineBuilder(doc)
    for pos, line in lines(doc.text):
        m = _entry(line)
        if m is None:
            if line.strip():
                text_segments(out, pos, line, allow_headings=True)
            else:
                out.blank()
            continue
        out.blank()
        out.stack.clear()
        if out.heading(pos + m.start("term"), pos + m.end("term"), 1) is None:
            continue
        for s, e in sentences(m["definition"], pos + m.start("definition")):
            out.item(s, e, 0)
