"""Markdown notes, read by a CommonMark parser (markdown-it-py, with GFM tables and front matter) into the
outline tree: headings nest by level; a list item is the parent of its nested items and of its continuation
paragraphs; a paragraph or item that is only a label ("Features:", "**Pros**") heads what follows it; block
quotes are statements of the section they sit in; tables become a header and its rows. Front matter, code,
HTML and links to the note's own anchors (a table of contents) are not statements."""

import re
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.front_matter import front_matter_plugin

from ingest.readers.cleaning import clean, sentences, split_label, split_term
from ingest.readers.tree import Document, OutlineBuilder, Statement, opens_sentence


@dataclass(slots=True)
class Node:
    """A block of the parsed note: a container (paragraph, list, item, heading, table, row, cell, quote) and its
    blocks, or a token that holds no blocks (an inline run, whose `token.children` are its inline tokens). Made
    in one pass over the parser's tokens: markdown-it's Node also makes a node of every inline token."""

    type: str
    tag: str
    map: list[int] | None
    token: Token | None = None
    children: list["Node"] = field(default_factory=list)

    @property
    def content(self) -> str:
        return self.token.content if self.token else ""


Nodes = list[Node]


def block_tree(tokens: list[Token]) -> Nodes:
    """The parser's flat tokens as the tree of blocks they open and close."""
    top: Nodes = []
    open_: list[Nodes] = [top]
    for tok in tokens:
        if tok.nesting == 1:
            node = Node(tok.type.removesuffix("_open"), tok.tag, tok.map)
            open_[-1].append(node)
            open_.append(node.children)
        elif tok.nesting == -1:
            open_.pop()
        else:
            open_[-1].append(Node(tok.type, tok.tag, tok.map, tok))
    return top


_MD = MarkdownIt("commonmark").enable(["table", "strikethrough"]).use(front_matter_plugin)
_TOML_FRONT_MATTER = re.compile(r"\A\+\+\+[ \t]*\n.*?\n\+\+\+[ \t]*(?:\n|\Z)", re.S)  # Hugo's; the plugin reads YAML's
_TASK_BOX = re.compile(r"^\s*\[[ xX]\]\s+")  # '- [x] done': a task list's box
_ANCHOR_LINK = re.compile(r"^\[[^\]]*\]\(#[^)]*\)$")  # '[What is Docker?](#what-is-docker)': a contents entry
_BOLD_ONLY = re.compile(r"^(\*\*|__)(?P<text>[^*_]+)\1:?$")
_CONTAINER_PREFIX = re.compile(r"[\s>]*")
_MARKED_TERM = re.compile(r"^(\*\*|__|\*|_|`)[^*_`]{1,48}?\1\s*[-–—]{1,2}\s+\S")  # '**Checkpoint** – a point ...'


def _plain(tokens: list[Token]) -> str:
    parts = []
    struck = 0  # ~~crossed out~~: the author took it back
    for tok in tokens:
        struck += {"s_open": 1, "s_close": -1}.get(tok.type, 0)
        if struck:
            continue
        if tok.type in ("text", "code_inline"):
            parts.append(tok.content)
        elif tok.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return clean(_TASK_BOX.sub("", "".join(parts)))


def _inline(source: str) -> list[Token]:
    return [tok for inline in _MD.parseInline(source) for tok in inline.children or []]


def plain(source: str) -> str:
    """The text a reader sees in an inline Markdown span, cleaned for matching: emphasis, code marks, HTML,
    images, struck-out text and a task box dropped, a link's text kept."""
    return _plain(_inline(source))


def navigation(tokens: list[Token]) -> bool:
    """'[<img src="back.png"> Databases](./db.md)': links around pictures or HTML, no words of its own."""
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


def label_only(content: str, text: str) -> bool:
    """'**Pros**', 'Features:', '**Event sources:**' (`content` as written, `text` cleaned): a short line that
    names what follows rather than saying something."""
    if bold_only(content):
        return True
    label, body = split_label(text)
    return bool(label) and not re.search(r"\w", body)


class _Reader:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.out = OutlineBuilder(doc)
        self.lines = doc.text.split("\n")
        self.starts = [0]
        for line in self.lines:
            self.starts.append(self.starts[-1] + len(line) + 1)
        self.blanks = [0]  # blank lines before each line: the block a statement is in
        for line in self.lines:
            self.blanks.append(self.blanks[-1] + (not line.strip()))
        self.headings: list[Statement] = []
        self.pseudo: set[int] = set()  # headings that are a bold line, not a '#' heading
        self.floor = 0  # the lowest level a heading inside a list item may have: below its list's section

    # ---------------------------------------------------------------- statements

    def parent_index(self, under: Statement | None) -> int | None:
        if under is not None:
            return under.index
        return self.headings[-1].index if self.headings else None

    def add(self, start: int, end: int, kind: str, depth: int, text: str, parent: int | None) -> Statement:
        st = self.out.new(start, end, kind, depth, text)
        st.parent = parent
        st.block = self.blanks[st.line - 1]
        if kind == "heading":  # an item's label is split by `new`
            st.label, st.body = split_label(text)
        return st

    def offsets(self, first_line: int, content: str) -> list[tuple[int, int, int, int]]:
        """Where each line of an inline token's content lies in the document: the content is its source lines
        with the container's marks ('- ', '> ', indentation) taken off. (content offset, its document
        offset, leading spaces, length of the line's text) per line."""
        out = []
        at = 0
        for n, piece in enumerate(content.split("\n")):
            line_no = min(first_line + n, len(self.lines) - 1)
            src = self.lines[line_no].rstrip()
            core = piece.strip()
            pos = len(src) - len(core) if core and src.endswith(core) else max(src.find(core), 0)
            out.append((at, self.starts[line_no] + pos, len(piece) - len(piece.lstrip()), len(core)))
            at += len(piece) + 1
        return out

    @staticmethod
    def locate(lines: list[tuple[int, int, int, int]], k: int) -> int:
        """The document offset of character `k` of the content `lines` describes."""
        at, base, lead, size = next(line for line in reversed(lines) if line[0] <= k)
        return base + min(max(k - at - lead, 0), size)

    @staticmethod
    def tokens(inline: Node) -> list[Token]:
        """The inline tokens of a paragraph, heading or cell, as the parser left them."""
        return (inline.token.children or []) if inline.token else []

    def line_span(self, line_no: int) -> tuple[int, int]:
        """A whole source line without its container's marks and trailing space."""
        src = self.lines[line_no]
        return self.starts[line_no] + _CONTAINER_PREFIX.match(src).end(), self.starts[line_no] + len(src.rstrip())  # type: ignore[union-attr]

    # ---------------------------------------------------------------- blocks

    def paragraph(self, node: Node, under: Statement | None, depth: int, bulleted: bool) -> list[Statement]:
        """A paragraph's sentences, each a statement under `under` (or the current heading)."""
        content, tokens = node.children[0].content, self.tokens(node.children[0])
        if _ANCHOR_LINK.match(content.strip()) or navigation(tokens) or node.map is None:
            return []
        lines = self.offsets(node.map[0], content)
        spans = list(sentences(content, 0, markup=True))
        made: list[Statement] = []
        for a, b in spans:
            text = _plain(tokens) if len(spans) == 1 else plain(content[a:b])
            if b <= a or not text.strip(" .:"):
                continue
            start, end = self.locate(lines, a), self.locate(lines, b - 1) + 1
            st = self.add(start, end, "item", depth, text, self.parent_index(under))
            st.bulleted = bulleted
            if not made and _MARKED_TERM.match(content):  # written as the glossary entry it is: 'Term: ...'
                st.label, st.body = split_term(text)
                st.text = f"{st.label}: {st.body}"
            made.append(st)
        return made

    def heading(self, node: Node, level: int, under: Statement | None = None, pseudo: bool = False) -> Statement | None:
        text = _plain(self.tokens(node.children[0]) if node.children else []).rstrip(":").strip()
        if not text or node.map is None:
            return None
        while self.headings and self.headings[-1].depth >= level:
            self.headings.pop()
        start, end = self.line_span(node.map[0])
        st = self.add(start, end, "heading", level, text, self.parent_index(under))
        self.headings.append(st)
        if pseudo:
            self.pseudo.add(st.index)
        return st

    def pseudo_level(self) -> int:
        """A bold line heads what follows it, one level below the '#' heading it sits under."""
        real = [h for h in self.headings if h.index not in self.pseudo]
        return real[-1].depth + 1 if real else 1

    def table(self, node: Node, under: Statement | None) -> None:
        rows = [tr for part in node.children for tr in part.children if tr.type == "tr"]
        header: Statement | None = None
        for tr in rows:
            if tr.map is None:
                continue
            cells = tuple(_plain(self.tokens(cell.children[0]) if cell.children else []) for cell in tr.children)
            start, end = self.line_span(tr.map[0])
            if not any(cells):  # a row of pictures
                continue
            if header is None:
                header = self.add(start, end, "table", 0, " | ".join(cells), self.parent_index(under))
                header.cells = cells
            else:
                row = self.add(start, end, "row", 0, " | ".join(cells), header.index)
                row.cells = cells

    def bullet_list(self, node: Node, under: Statement | None, depth: int) -> None:
        """Each item under `under`; an item that is only a label, with nothing nested, takes the items that
        follow it in its list: after '**Pros**' all of them up to the next such item, after 'Use cases:' the
        plain ones (an item with its own label, or a remark like 'You can ...', ends it)."""
        scope: Statement | None = None
        bold = False
        outer, floor = len(self.headings), self.floor
        self.floor = self.headings[-1].depth + 1 if self.headings else 1
        for li in node.children:
            tops = self.blocks(li.children, under, depth, item=True)
            del self.headings[outer:]  # a heading inside an item ends with it
            if not tops:
                continue
            head, content = tops[0], li.children[0].children[0].content
            opens = len(tops) == 1 and label_only(content, head.text)
            joins = bold or not (head.label or opens_sentence(head.text))
            if scope is not None and joins and not opens:
                for st in tops:
                    st.parent = scope.index
                continue
            scope = head if opens and len(li.children) == 1 else None
            bold = scope is not None and bold_only(content)
        self.floor = floor

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
                if len(made) == 1 and label_only(content, made[0].text):
                    lead = made[0]
            elif kind == "heading":  # inside a list item, a subsection of the item and of its list's section
                self.heading(node, max(int(node.tag[1:]), self.floor), under)
                under = None  # what follows in this item belongs to the heading
            elif kind in ("bullet_list", "ordered_list"):
                self.bullet_list(node, heads_list or under, depth + item)
            elif kind == "blockquote":
                self.blocks(node.children, under, depth, quote=True)
            elif kind == "table":
                self.table(node, under)
        return tops


def _without_toml_front_matter(text: str) -> str:
    """The text with a TOML front-matter block blanked out, line for line, so offsets stay."""
    m = _TOML_FRONT_MATTER.match(text)
    return text if m is None else re.sub(r"[^\n]", " ", m[0]) + text[m.end() :]


def read_markdown(doc: Document) -> None:
    _Reader(doc).blocks(block_tree(_MD.parse(_without_toml_front_matter(doc.text))), None, 0)
