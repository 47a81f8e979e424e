"""Markdown notes, read by a CommonMark parser (markdown-it-py, with GFM tables and front matter) into the
outline tree: headings nest by level; a list item is the parent of its nested items and of its continuation
paragraphs; a paragraph or item that is only a label ("Features:", "**Pros**") heads what follows it; block
quotes are statements of the section they sit in; tables become a header and its rows. Front matter, code,
HTML and links to the note's own anchors (a table of contents) are not statements."""

import re

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode
from mdit_py_plugins.front_matter import front_matter_plugin

from ingest.readers.cleaning import clean, sentences, split_label, split_term
from ingest.readers.tree import Document, Outline, Statement, opens_sentence

Nodes = list[SyntaxTreeNode]
_MD = MarkdownIt("commonmark").enable("table").use(front_matter_plugin)
_ANCHOR_LINK = re.compile(r"^\[[^\]]*\]\(#[^)]*\)$")  # '[What is Docker?](#what-is-docker)': a contents entry
_BOLD_ONLY = re.compile(r"^(\*\*|__)(?P<text>[^*_]+)\1:?$")
_CONTAINER_PREFIX = re.compile(r"[\s>]*")
_MARKED_TERM = re.compile(r"^(\*\*|__|\*|_|`)[^*_`]{1,48}?\1\s*[-–—]{1,2}\s+\S")  # '**Checkpoint** – a point ...'


def plain(source: str) -> str:
    """The text a reader sees in an inline Markdown span, cleaned for matching: emphasis, code marks, HTML and
    images dropped, a link's text kept."""
    parts = []
    for tok in (tok for inline in _MD.parseInline(source) for tok in inline.children or []):
        if tok.type in ("text", "code_inline"):
            parts.append(tok.content)
        elif tok.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return clean("".join(parts))


def navigation(source: str) -> bool:
    """'[<img src="back.png"> Databases](./db.md)': links around pictures or HTML, no words of its own."""
    tokens = [tok for inline in _MD.parseInline(source) for tok in inline.children or []]
    depth, own_words, decorated = 0, False, False
    for tok in tokens:
        depth += {"link_open": 1, "link_close": -1}.get(tok.type, 0)
        decorated |= tok.type in ("image", "html_inline")
        own_words |= depth == 0 and tok.type in ("text", "code_inline") and bool(tok.content.strip(" \u00a0"))
    return decorated and not own_words


def bold_only(content: str) -> bool:
    """'**Pros**', '**Kinesis Agent**': a short line in bold, no sentence."""
    bold = _BOLD_ONLY.match(content.strip())
    if bold is None:
        return False
    return len(bold["text"].split()) <= 6 and not bold["text"].rstrip().endswith((".", "!", "?"))


def label_only(content: str) -> bool:
    """'**Pros**', 'Features:', '**Event sources:**': a short line that names what follows rather than saying
    something."""
    if bold_only(content):
        return True
    label, body = split_label(plain(content))
    return bool(label) and not re.search(r"\w", body)


class _Reader:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.out = Outline(doc)
        self.lines = doc.text.split("\n")
        self.starts = [0]
        for line in self.lines:
            self.starts.append(self.starts[-1] + len(line) + 1)
        self.blanks = [0]  # blank lines before each line: the block a statement is in
        for line in self.lines:
            self.blanks.append(self.blanks[-1] + (not line.strip()))
        self.headings: list[Statement] = []
        self.pseudo: set[int] = set()  # headings that are a bold line, not a '#' heading

    # ---------------------------------------------------------------- statements

    def parent_index(self, under: Statement | None) -> int | None:
        if under is not None:
            return under.index
        return self.headings[-1].index if self.headings else None

    def add(self, start: int, end: int, kind: str, depth: int, text: str, parent: int | None) -> Statement:
        st = self.out.new(start, end, kind, depth, text)
        st.parent = parent
        st.block = self.blanks[st.line - 1]
        if kind in ("item", "heading"):
            st.label, st.body = split_label(text)
        return st

    def offsets(self, first_line: int, content: str) -> list[int]:
        """The document offset of each character of an inline token's content (and one past its end): the
        content is its source lines with the container's marks ('- ', '> ', indentation) taken off."""
        out: list[int] = []
        end = 0
        for n, piece in enumerate(content.split("\n")):
            line_no = min(first_line + n, len(self.lines) - 1)
            src = self.lines[line_no].rstrip()
            core = piece.strip()
            pos = len(src) - len(core) if core and src.endswith(core) else max(src.find(core), 0)
            base = self.starts[line_no] + pos
            lead = len(piece) - len(piece.lstrip())
            out.extend(base + min(max(k - lead, 0), len(core)) for k in range(len(piece)))
            end = base + len(core)
            out.append(end)  # the newline, or the end
        return out

    def line_span(self, line_no: int) -> tuple[int, int]:
        """A whole source line without its container's marks and trailing space."""
        src = self.lines[line_no]
        return self.starts[line_no] + _CONTAINER_PREFIX.match(src).end(), self.starts[line_no] + len(src.rstrip())  # type: ignore[union-attr]

    # ---------------------------------------------------------------- blocks

    def paragraph(self, node: SyntaxTreeNode, under: Statement | None, depth: int, bulleted: bool) -> list[Statement]:
        """A paragraph's sentences, each a statement under `under` (or the current heading)."""
        inline = node.children[0]
        content = inline.content
        if _ANCHOR_LINK.match(content.strip()) or navigation(content) or node.map is None:
            return []
        offs = self.offsets(node.map[0], content)
        made: list[Statement] = []
        for a, b in sentences(content, 0, markup=True):
            text = plain(content[a:b])
            if b <= a or not text.strip(" .:"):
                continue
            st = self.add(offs[a], offs[b - 1] + 1, "item", depth, text, self.parent_index(under))
            st.bulleted = bulleted
            if not made and _MARKED_TERM.match(content):
                st.label, st.body = split_term(text)
            made.append(st)
        return made

    def heading(self, node: SyntaxTreeNode, level: int, pseudo: bool = False) -> Statement | None:
        content = node.children[0].content if node.children else ""
        text = plain(content).rstrip(":").strip()
        if not text or node.map is None:
            return None
        while self.headings and self.headings[-1].depth >= level:
            self.headings.pop()
        start, end = self.line_span(node.map[0])
        st = self.add(start, end, "heading", level, text, self.parent_index(None))
        self.headings.append(st)
        if pseudo:
            self.pseudo.add(st.index)
        return st

    def pseudo_level(self) -> int:
        """A bold line heads what follows it, one level below the '#' heading it sits under."""
        real = [h for h in self.headings if h.index not in self.pseudo]
        return real[-1].depth + 1 if real else 1

    def table(self, node: SyntaxTreeNode, under: Statement | None) -> None:
        rows = [tr for part in node.children for tr in part.children if tr.type == "tr"]
        header: Statement | None = None
        for tr in rows:
            if tr.map is None:
                continue
            cells = tuple(plain(cell.children[0].content if cell.children else "") for cell in tr.children)
            start, end = self.line_span(tr.map[0])
            if header is None:
                header = self.add(start, end, "table", 0, " | ".join(cells), self.parent_index(under))
                header.cells = cells
            else:
                row = self.add(start, end, "row", 0, " | ".join(cells), header.index)
                row.cells = cells

    def bullet_list(self, node: SyntaxTreeNode, under: Statement | None, depth: int) -> None:
        """Each item under `under`; an item that is only a label, with nothing nested, takes the plain items
        that follow it in its list."""
        scope: Statement | None = None
        for li in node.children:
            tops = self.blocks(li.children, under, depth, item=True)
            if not tops:
                continue
            head = tops[0]
            if scope is not None and not head.label and not opens_sentence(head.text) and not self._opens(li):
                for st in tops:
                    st.parent = scope.index
                continue
            scope = head if self._opens(li) and len(li.children) == 1 else None

    @staticmethod
    def _opens(li: SyntaxTreeNode) -> bool:
        first = li.children[0] if li.children else None
        return first is not None and first.type == "paragraph" and label_only(first.children[0].content)

    def blocks(
        self, nodes: Nodes, under: Statement | None, depth: int, *, item: bool = False, quote: bool = False
    ) -> list[Statement]:
        """Read a run of blocks under `under`; for a list item (`item`), return the statements of its first
        paragraph, which head the rest of the item."""
        tops: list[Statement] = []
        lead: Statement | None = None  # a 'Label:' paragraph heads the list right after it
        for n, node in enumerate(nodes):
            kind = node.type
            heads_list, lead = lead, None
            if kind == "paragraph":
                if item and n == 0:
                    tops = self.paragraph(node, under, depth, bulleted=True)
                    under = tops[0] if tops else under
                    continue
                content = node.children[0].content
                if not (item or quote or under is not None) and bold_only(content):  # a heading in bold
                    self.heading(node, self.pseudo_level(), pseudo=True)
                    continue
                made = self.paragraph(node, under, depth + item, bulleted=False)
                if len(made) == 1 and label_only(content):
                    lead = made[0]
            elif kind == "heading":
                self.heading(node, int(node.tag[1:]))
                under = None  # what follows in this item belongs to the heading
            elif kind in ("bullet_list", "ordered_list"):
                self.bullet_list(node, heads_list or under, depth + item)
            elif kind == "blockquote":
                self.blocks(node.children, under, depth, quote=True)
            elif kind == "table":
                self.table(node, under)
        return tops


def read_markdown(doc: Document) -> None:
    _Reader(doc).blocks(SyntaxTreeNode(_MD.parse(doc.text)).children, None, 0)
