"""Anki's text export: front TAB back [TAB tags] per line, '#' lines are settings; HTML line breaks split the
back into items under the front."""

import re

from ingest.readers.cleaning import sentences
from ingest.readers.tree import Document, OutlineBuilder, lines

_HTML = re.compile(r"<br\s*/?>|<div>|</div>|<[^>]{1,40}>")


def is_tab_cards(text: str) -> bool:
    """Most non-setting lines have a tab."""
    found = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    return len(found) >= 2 and sum(1 for ln in found if "\t" in ln.strip()) >= 0.8 * len(found)


def read_tab_cards(doc: Document) -> None:
    out = OutlineBuilder(doc)
    for pos, line in lines(doc.text):
        if not line.strip() or line.startswith("#") or "\t" not in line:
            continue
        front, back = line.split("\t")[:2]
        back_start = pos + len(front) + 1
        parts = [(m.start(), m.end()) for m in _HTML.finditer(back)]
        bounds = [0, *(x for p in parts for x in p), len(back)]
        out.blank()
        out.stack.clear()
        if out.heading(pos, pos + len(front), 1, text=_HTML.sub(" ", front)) is None:
            continue
        for a, b in zip(bounds[::2], bounds[1::2], strict=False):
            seg = back[a:b]
            if seg.strip():
                for s, e in sentences(seg, back_start + a):
                    out.item(s, e, 0)
