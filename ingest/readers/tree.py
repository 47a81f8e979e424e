"""The outline tree every reader builds: a Document of Statements, each with its kind, depth, parent, line and
verbatim text; and `OutlineBuilder`, the builder the line-based readers (plain text, cards) share."""

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ingest.readers.cleaning import clean, split_label


@dataclass(slots=True)
class Statement:
    index: int
    line: int  # 1-based line of the first character
    start: int  # character offsets into Document.text: raw == text[start:end]
    end: int
    raw: str
    text: str  # cleaned for matching
    kind: str  # heading | item | table | row; a sentence of running text is an item that is not `bulleted`
    depth: int = 0  # heading level, or list depth
    parent: int | None = None
    label: str = ""  # "Lambda" in "Lambda: ..." (cleaned)
    body: str = ""  # what follows the label (cleaned); the whole text when there is no label
    cells: tuple[str, ...] = ()
    bulleted: bool = True  # a list item; False for a sentence of running text
    block: int = 0  # statements between the same two blank lines share a block


@dataclass
class Document:
    name: str
    path: Path
    text: str
    format: str
    sha256: str
    statements: list[Statement] = field(default_factory=list)

    def parent(self, st: Statement) -> Statement | None:
        return None if st.parent is None else self.statements[st.parent]

    def ancestors(self, st: Statement) -> Iterator[Statement]:
        node = self.parent(st)
        while node is not None:
            yield node
            node = self.parent(node)


def lines(text: str) -> Iterator[tuple[int, str]]:
    """(offset, line without its newline) for each line."""
    pos = 0
    for line in text.splitlines(keepends=True):
        yield pos, line.rstrip("\r\n")
        pos += len(line)


class OutlineBuilder:
    """Appends statements and works out each one's parent: headings nest by level, items by depth;
    a "Label:" item with no body opens a scope that takes the following items of its own depth."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.stack: list[Statement] = []
        self.open_label: Statement | None = None
        self.block = 0
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", doc.text)]

    def line_of(self, offset: int) -> int:
        """The 1-based line that holds character `offset`."""
        return bisect_right(self._line_starts, offset)

    def blank(self) -> None:
        """A blank line ends a 'Label:' scope, unless the label has nothing under it yet."""
        if self.open_label is not None and self.doc.statements[-1] is not self.open_label:
            self.open_label = None
        self.block += 1

    def new(self, start: int, end: int, kind: str, depth: int, text: str | None = None) -> Statement:
        """Append a statement for text[start:end] (no parent yet); `text` overrides its cleaned text."""
        raw = self.doc.text[start:end]
        text = clean(raw) if text is None else text
        label, body = split_label(text) if kind == "item" else ("", text)
        st = Statement(
            index=len(self.doc.statements),
            line=self.line_of(start),
            start=start,
            end=end,
            raw=raw,
            text=text,
            kind=kind,
            depth=depth,
            label=label,
            body=body,
            block=self.block,
        )
        self.doc.statements.append(st)
        return st

    def heading(self, start: int, end: int, level: int, text: str | None = None) -> Statement | None:
        text = clean(self.doc.text[start:end] if text is None else text).lstrip("#").strip().rstrip(":").strip()
        if not text:
            return None
        self.open_label = None
        while self.stack and not (self.stack[-1].kind == "heading" and self.stack[-1].depth < level):
            self.stack.pop()
        st = self.new(start, end, "heading", level, text)
        st.parent = self.stack[-1].index if self.stack else None
        self.stack.append(st)
        return st

    def item(self, start: int, end: int, depth: int, text: str | None = None) -> Statement | None:
        """Append an item for text[start:end] (`text`: its cleaned text, when the caller has it), unless it says
        nothing."""
        text = clean(self.doc.text[start:end]) if text is None else text
        if not text.strip(" .:"):
            return None
        st = self.new(start, end, "item", depth, text)
        is_label = bool(st.label) and not re.search(r"\w", st.body or "")
        scope = self.open_label
        joins_scope = scope is not None and scope.depth == depth and not st.label and not opens_sentence(st.text)
        if joins_scope and scope is not None:
            st.parent = scope.index
            return st
        if scope is not None:  # a shallower item ends the scope; a deeper one means the list is nested
            self.open_label = None
        while self.stack and self.stack[-1].kind == "item" and self.stack[-1].depth >= depth:
            self.stack.pop()
        st.parent = self.stack[-1].index if self.stack else None
        self.stack.append(st)
        if is_label:
            self.open_label = st
        return st


def opens_sentence(text: str) -> bool:
    """'Has integrations ...', 'You must ...': a remark about the topic, not a member of a 'Label:' list."""
    return bool(re.match(r"(?i)(has|have|can|it|you|they|this)\b", text))
