"""Plain-text notes: bullets by glyph and indentation, OCR'd handwriting with inline bullets, headings by line
shape, wrapped lines joined to the item they continue."""

import re

from ingest.readers.cleaning import clean, sentences, split_label, title_like
from ingest.readers.tree import Document, OutlineBuilder, lines

_SECTION_LABELS = {"example", "examples", "summary", "overview", "note", "notes", "index"}
_INLINE = re.compile(r"\s+[·•]\s+|\s+(?=#\s)")
_DASHES = re.compile(r"\s-{1,2}\s")
_INLINE_DASH = re.compile(r"\s+[·•]\s+|\s+(?=#\s)|:?-{1,2}\s+(?=\S)|\s+-{1,2}\s+")
_TEXT_BULLET = re.compile(r"^\s*(?:[-*•·●▪◦](?:\s+|$))+")
_HEAD_DASH = re.compile(r"\s+-(?:\s+|$)")  # 'Title - what it is': a heading's title before the dash


def text_segments(out: OutlineBuilder, pos: int, line: str, *, allow_headings: bool) -> None:
    """One line of plain text: inline bullets split it; a short title-like first segment is a heading."""
    indent = len(line) - len(line.lstrip())
    depth = len(line[:indent].expandtabs(4)) // 2
    bulleted = bool(_TEXT_BULLET.match(line))
    cursor = 0
    pieces = []
    splitter = _INLINE_DASH if len(_DASHES.findall(line)) >= 3 else _INLINE
    for m in splitter.finditer(line):
        pieces.append((cursor, m.start()))
        cursor = m.end()
    pieces.append((cursor, len(line)))
    for n, (a, b) in enumerate(pieces):
        seg = line[a:b]
        if not seg.strip():
            continue
        first = n == 0 and not bulleted
        if seg.lstrip().startswith("# "):
            out.heading(pos + a, pos + b, 1)
            continue
        text = None  # cleaned only when it may be a heading
        if allow_headings and first and depth == 0:
            text = clean(seg)
            head = _HEAD_DASH.split(text, maxsplit=1)[0]
            label, body = split_label(text)
            if (label.lower() in _SECTION_LABELS or (label and title_like(label) and len(body.split()) <= 1)) or (
                (text.endswith("?") and len(text.split()) <= 12)
                or (head != text and title_like(head, 4))
                or (not label and "=" not in text and title_like(text))
            ):
                out.heading(pos + a, pos + b, 1)
                continue
        spans = list(sentences(seg, pos + a))
        for s, e in spans:
            st = out.item(s, e, depth, text if len(spans) == 1 else None)  # one sentence: the segment, cleaned
            if st is not None and not bulleted and n == 0:
                st.bulleted = False


def _continues(doc: Document, line: str, blank_before: bool) -> bool:
    """A wrapped line: no bullet, starts in lower case, right after an item that did not end a sentence."""
    if blank_before or not doc.statements or _TEXT_BULLET.match(line):
        return False
    last = doc.statements[-1]
    return last.kind == "item" and line.strip()[:1].islower() and not last.raw.rstrip().endswith((".", "!", "?"))


def _extend(doc: Document, end: int) -> None:
    st = doc.statements[-1]
    st.end = end
    st.raw = doc.text[st.start : end]
    st.text = clean(st.raw)
    st.label, st.body = split_label(st.text)


def read_text(doc: Document) -> None:
    out = OutlineBuilder(doc)
    blank_before = False
    for pos, line in lines(doc.text):
        if not line.strip():
            out.blank()
            blank_before = True
            continue
        if _continues(doc, line, blank_before):
            _extend(doc, pos + len(line))
        else:
            text_segments(out, pos, line, allow_headings=True)
        blank_before = False
