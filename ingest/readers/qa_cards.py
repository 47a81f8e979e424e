"""Flashcard decks exported as text: 'Q' and 'A' lines open a question and its answer; the rating
boilerplate ('How well did you know this?', 1..5) is dropped."""

import re

from ingest.readers.plain import text_segments
from ingest.readers.tree import Document, OutlineBuilder, lines

_BOILERPLATE = re.compile(r"^(?:How well did you know this\?|\d{1,4}|Not at all|Perfectly|Q|A)$")


def is_qa_cards(text: str) -> bool:
    found = [ln.strip() for ln in text.splitlines()]
    return found.count("Q") >= 2 and found.count("A") >= 2


def read_qa_cards(doc: Document) -> None:
    out = OutlineBuilder(doc)
    state = ""
    for pos, line in lines(doc.text):
        stripped = line.strip()
        if stripped in ("Q", "A"):
            state = stripped
            out.blank()
            continue
        if stripped == "How well did you know this?":
            state = ""
            continue
        if not stripped or _BOILERPLATE.match(stripped):
            if not stripped:
                out.blank()
            continue
        if state == "Q":
            out.heading(pos, pos + len(line), 1)
        elif state == "A":
            text_segments(out, pos, line, allow_headings=False)
