"""Read source files into documents made of statements, each with its line, its verbatim text and its place
in the outline (heading, parent item, "Label:" scope, table). The readers, one per format, are in
ingest/readers/; this module picks one for a file and says where a statement sits in its note."""

import hashlib
from collections.abc import Callable
from pathlib import Path

from ingest.files import SourceError, read_note
from ingest.readers.glossary import is_glossary, read_glossary
from ingest.readers.json_cards import is_json_cards, read_json_cards
from ingest.readers.markdown import read_markdown
from ingest.readers.plain import read_text
from ingest.readers.qa_cards import is_qa_cards, read_qa_cards
from ingest.readers.tab_cards import is_tab_cards, read_tab_cards
from ingest.readers.tree import Document, Statement

__all__ = ["Document", "SourceError", "Statement", "cell_spans", "passage_kind", "read_document", "section_path"]

CARD_FORMATS = frozenset({"flashcards", "json-cards", "tab-cards", "glossary"})


def passage_kind(doc: Document, st: Statement) -> str:
    """heading | item | row | term | question | answer | sentence: where a statement sits in its note."""
    if st.kind == "heading":
        if doc.format == "glossary":
            return "term"
        return "question" if doc.format in CARD_FORMATS else "heading"
    if st.kind in ("table", "row"):
        return "row"
    if doc.format in CARD_FORMATS:
        return "answer"
    if st.label and st.body:
        return "term"
    return "item" if st.bulleted else "sentence"


def section_path(doc: Document, st: Statement) -> str:
    """The headings above a statement, outermost first, ' > ' joined."""
    return " > ".join(reversed([a.text for a in doc.ancestors(st) if a.kind == "heading"]))


def cell_spans(st: Statement) -> list[tuple[int, str]]:
    """A table row's cells as written: (column, verbatim text) for each non-empty cell."""
    cells = st.raw.strip().strip("|").split("|")
    return [(n, c.strip()) for n, c in enumerate(cells) if c.strip()]


def _format(path: Path, text: str) -> tuple[str, Callable[[Document], None]]:
    if path.suffix.lower() in (".md", ".markdown"):
        return "markdown", read_markdown
    if is_qa_cards(text):
        return "flashcards", read_qa_cards
    if is_json_cards(text):
        return "json-cards", read_json_cards
    if is_tab_cards(text):
        return "tab-cards", read_tab_cards
    if is_glossary(text):
        return "glossary", read_glossary
    return "text", read_text


def read_document(path: Path, name: str = "") -> Document:
    """Read one file as the source `name` (default: the file's name); raise SourceError (naming the file)
    when it cannot be read (ingest/files.py) or is empty, binary or not UTF-8."""
    path = Path(path)
    data = read_note(path)
    if not data.strip():
        raise SourceError(f"{path}: the file is empty")
    if b"\x00" in data[:8192]:
        raise SourceError(f"{path}: binary file, not a text note")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceError(f"{path}: not valid UTF-8 (byte {exc.start})") from exc
    text = text.replace("\r\n", "\n")
    fmt, reader = _format(path, text)
    doc = Document(name or path.name, path, text, fmt, hashlib.sha256(data).hexdigest())
    reader(doc)
    if not doc.statements:
        raise SourceError(f"{path}: no statements found")
    return doc
