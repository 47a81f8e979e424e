"""Read source files into documents made of statements, each with its line, its verbatim text and its place
in the outline (heading, parent bullet, "Label:" scope, table).

One reader per format: Markdown, plain-text notes (bullets, indentation, OCR'd handwriting with inline
bullets) and exported flashcard decks (Q / A pairs, rating boilerplate dropped).
"""

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ingest.files import SourceError, read_note


@dataclass
class Statement:
    index: int
    line: int  # 1-based line of the first character
    start: int  # character offsets into Document.text: raw == text[start:end]
    end: int
    raw: str
    text: str  # cleaned for matching
    kind: str  # heading | item | table | row
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


# ------------------------------------------------------------------ cleaning

_BULLET = re.compile(r"^(?:\s*(?:[-*+•·●▪◦‣]|\d{1,2}[.)\]]|[a-z][.)])(?=\s|$)\s*)+")
_URL = re.compile(r"<?https?://\S+>?")
_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_TRANSLATE = str.maketrans(
    {
        "“": '"',
        "”": '"',
        "„": '"',
        "‘": "'",
        "’": "'",
        "–": "-",
        "—": "-",
        "…": "...",
        "\u00a0": " ",
        "\t": " ",
    }
)
_LABEL = re.compile(r"^(?P<label>[^:]{1,48}?)\s*:(?!//)\s*(?P<body>.*)$")


def clean(raw: str) -> str:
    """Normalise a statement for matching: bullets, quotes, dashes, links, OCR line-break hyphens."""
    text = raw.translate(_TRANSLATE)
    text = _MD_LINK.sub(r"\1", text)
    text = _URL.sub("", text)
    text = re.sub(r"(\w)-{2}\s*\n?\s*(\w)", r"\1\2", text)  # "Reposi--tones" -> "Repositones"
    text = re.sub(r"\*\*|__|`|\"", "", text)
    text = _BULLET.sub("", text.strip())
    text = re.sub(r"\s+", " ", text)
    return text.strip(" -")


def split_label(text: str) -> tuple[str, str]:
    """'Lambda: Time limit' -> ('Lambda', 'Time limit'); text without a short label -> ('', text)."""
    m = _LABEL.match(text)
    if not m or len(m["label"].split()) > 6 or "=" in m["label"]:
        return "", text
    return m["label"].strip(), m["body"].strip()


_WORD = re.compile(r"[A-Za-z0-9][\w.+#'-]*")
_MINOR = {
    "a",
    "an",
    "and",
    "or",
    "of",
    "the",
    "in",
    "on",
    "for",
    "to",
    "vs",
    "vs.",
    "versus",
    "with",
    "by",
    "&",
}


def title_like(text: str, max_words: int = 7) -> bool:
    """A short line whose words are capitalised (minor words aside): a heading in plain text."""
    words = _WORD.findall(text)
    if not words or len(words) > max_words or text.rstrip().endswith((".", ",", ";")):
        return False
    return all(w[0].isupper() or w[0].isdigit() or w.lower() in _MINOR for w in words)


# ------------------------------------------------------------------ outline builder


class _Outline:
    """Appends statements and works out each one's parent: headings nest by level, items by depth;
    a "Label:" item with no body opens a scope that takes the following items of its own depth."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.stack: list[Statement] = []
        self.open_label: Statement | None = None
        self.table: Statement | None = None
        self.block = 0
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", doc.text)]

    def line_of(self, offset: int) -> int:
        lo, hi = 0, len(self._line_starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self._line_starts[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        return lo + 1

    def blank(self) -> None:
        """A blank line ends a table and a 'Label:' scope, unless the label has nothing under it yet."""
        if self.open_label is not None and self.doc.statements[-1] is not self.open_label:
            self.open_label = None
        self.table = None
        self.block += 1

    def _new(self, start: int, end: int, kind: str, depth: int, text: str | None = None) -> Statement:
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
        self.open_label = self.table = None
        while self.stack and not (self.stack[-1].kind == "heading" and self.stack[-1].depth < level):
            self.stack.pop()
        st = self._new(start, end, "heading", level, text)
        st.parent = self.stack[-1].index if self.stack else None
        self.stack.append(st)
        return st

    def item(self, start: int, end: int, depth: int) -> Statement | None:
        if not clean(self.doc.text[start:end]).strip(" .:"):
            return None
        self.table = None
        st = self._new(start, end, "item", depth)
        is_label = bool(st.label) and not re.search(r"\w", st.body or "")
        scope = self.open_label
        joins_scope = (
            scope is not None
            and scope.depth == depth
            and not st.label
            and not re.match(r"(?i)(has|have|can|it|you|they|this)\b", st.text)
        )
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

    def row(self, start: int, end: int, cells: list[str]) -> None:
        if self.table is None:
            self.table = self._new(start, end, "table", 0, " | ".join(cells))
            self.table.cells = tuple(cells)
            self.table.parent = next((s.index for s in reversed(self.stack) if s.kind == "heading"), None)
            return
        st = self._new(start, end, "row", 0, " | ".join(cells))
        st.cells = tuple(cells)
        st.parent = self.table.index


def _sentences(text: str, start: int) -> Iterator[tuple[int, int]]:
    """Split a span into sentences (offsets), at . ! ? followed by a capital."""
    pos = 0
    for m in re.finditer(r"(?<=[a-z0-9)\]][.!?])(?<!vs\.)(?<!\.g\.)(?<!\.e\.)\s+(?=[A-Z\"“])", text):
        yield start + pos, start + m.start()
        pos = m.end()
    yield start + pos, start + len(text.rstrip())


# ------------------------------------------------------------------ readers

_MD_HEADING = re.compile(r"^(#{1,6})\s+\S")
_MD_BULLET = re.compile(r"^(\s*)([-*+]|\d+[.)])\s+")
_MD_SKIP = re.compile(r"^\s*(?:[-*+]\s+)?\[[^\]]*\]\(#[^)]*\)\s*$|^\s*(?:\* ?){3,}$|^\s*-{3,}\s*$|^\s*\[?<img")


def _lines(text: str) -> Iterator[tuple[int, str]]:
    pos = 0
    for line in text.splitlines(keepends=True):
        yield pos, line.rstrip("\r\n")
        pos += len(line)


_FRONT_MATTER = re.compile(r"\A(?:---|\+\+\+)[ \t]*\n.*?\n(?:---|\+\+\+|\.\.\.)[ \t]*(?:\n|\Z)", re.S)


def front_matter_end(text: str) -> int:
    """Where a leading YAML/TOML front-matter block ends (0 when there is none): metadata, never a subject."""
    m = _FRONT_MATTER.match(text)
    return m.end() if m else 0


def read_markdown(doc: Document) -> None:
    out = _Outline(doc)
    skip = front_matter_end(doc.text)
    for pos, line in _lines(doc.text):
        if pos < skip:
            continue
        if not line.strip():
            out.blank()
            continue
        if _MD_SKIP.match(line):
            continue
        if m := _MD_HEADING.match(line):
            out.heading(pos, pos + len(line), len(m.group(1)))
        elif line.lstrip().startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if all(re.fullmatch(r":?-{2,}:?", c) for c in cells):
                continue
            out.row(pos, pos + len(line), [clean(c) for c in cells])
        else:
            m = _MD_BULLET.match(line)
            depth = len(m.group(1).expandtabs(4)) // 2 if m else 0
            body_start = pos + (m.end() if m else len(line) - len(line.lstrip()))
            for s, e in _sentences(doc.text[body_start : pos + len(line)], body_start):
                st = out.item(s, e, depth)
                if st is not None and m is None:
                    st.bulleted = False


_SECTION_LABELS = {"example", "examples", "summary", "overview", "note", "notes", "index"}
_INLINE = re.compile(r"\s+[·•]\s+|\s+(?=#\s)")
_DASHES = re.compile(r"\s-{1,2}\s")
_INLINE_DASH = re.compile(r"\s+[·•]\s+|\s+(?=#\s)|:?-{1,2}\s+(?=\S)|\s+-{1,2}\s+")
_TEXT_BULLET = re.compile(r"^\s*(?:[-*•·●▪◦](?:\s+|$))+")


def _text_segments(doc: Document, out: _Outline, pos: int, line: str, *, allow_headings: bool) -> None:
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
        text = clean(seg)
        first = n == 0 and not bulleted
        if seg.lstrip().startswith("# "):
            out.heading(pos + a, pos + b, 1)
            continue
        if allow_headings and first and depth == 0:
            head = re.split(r"\s+-(?:\s+|$)", text, maxsplit=1)[0]
            label, body = split_label(text)
            if (label.lower() in _SECTION_LABELS or (label and title_like(label) and len(body.split()) <= 1)) or (
                (text.endswith("?") and len(text.split()) <= 12)
                or (head != text and title_like(head, 4))
                or (not label and "=" not in text and title_like(text))
            ):
                out.heading(pos + a, pos + b, 1)
                continue
        for s, e in _sentences(seg, pos + a):
            st = out.item(s, e, depth)
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
    out = _Outline(doc)
    blank_before = False
    for pos, line in _lines(doc.text):
        if not line.strip():
            out.blank()
            blank_before = True
            continue
        if _continues(doc, line, blank_before):
            _extend(doc, pos + len(line))
        else:
            _text_segments(doc, out, pos, line, allow_headings=True)
        blank_before = False


_BOILERPLATE = re.compile(r"^(?:How well did you know this\?|\d{1,4}|Not at all|Perfectly|Q|A)$")


def read_flashcards(doc: Document) -> None:
    out = _Outline(doc)
    state = ""
    for pos, line in _lines(doc.text):
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
            _text_segments(doc, out, pos, line, allow_headings=False)


def is_flashcards(text: str) -> bool:
    lines = [ln.strip() for ln in text.splitlines()]
    return lines.count("Q") >= 2 and lines.count("A") >= 2


QUESTION_KEYS = frozenset({"question", "front", "q", "prompt", "term", "word"})
ANSWER_KEYS = frozenset({"answer", "back", "a", "definition", "meaning", "response"})
_JSON_STRING_FIELD = re.compile(r'"(?P<key>[^"\\]{1,40})"\s*:\s*"(?P<value>(?:[^"\\]|\\.)*)"')


def _card(out: _Outline, question: tuple[int, int, str], answer: tuple[int, int, str]) -> None:
    """One card: its question is a heading, its answer's sentences are the items under it."""
    out.blank()
    out.stack.clear()
    out.heading(*question[:2], 1, text=question[2])
    start, end, text = answer
    if text != out.doc.text[start:end]:  # escapes inside: one statement, its text decoded
        st = out.item(start, end, 0)
        if st is not None:
            st.text = st.body = clean(text)
        return
    for s, e in _sentences(text, start):
        out.item(s, e, 0)


def read_json_cards(doc: Document) -> None:
    """A JSON export of cards: objects whose fields name a question and an answer, at any depth."""
    out = _Outline(doc)
    question: tuple[int, int, str] | None = None
    for m in _JSON_STRING_FIELD.finditer(doc.text):
        key, value = m["key"].lower(), json.loads(f'"{m["value"]}"')
        span = (m.start("value"), m.end("value"), value)
        if key in QUESTION_KEYS:
            question = span
        elif key in ANSWER_KEYS and question is not None and value.strip():
            _card(out, question, span)
            question = None


def is_json_cards(text: str) -> bool:
    if not text.lstrip().startswith(("[", "{")):
        return False
    try:
        json.loads(text)
    except ValueError:
        return False
    keys = {m["key"].lower() for m in _JSON_STRING_FIELD.finditer(text)}
    return bool(keys & QUESTION_KEYS) and bool(keys & ANSWER_KEYS)


def is_tab_cards(text: str) -> bool:
    """Tab-separated front/back lines (an Anki export): most lines have a tab, '#' lines are settings."""
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    return len(lines) >= 2 and sum(1 for ln in lines if "\t" in ln.strip()) >= 0.8 * len(lines)


_HTML = re.compile(r"<br\s*/?>|<div>|</div>|<[^>]{1,40}>")


def read_tab_cards(doc: Document) -> None:
    """Anki's text export: front TAB back [TAB tags]; HTML line breaks split the back into items."""
    out = _Outline(doc)
    for pos, line in _lines(doc.text):
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
                for s, e in _sentences(seg, back_start + a):
                    out.item(s, e, 0)


# ------------------------------------------------------------------ passages

CARD_FORMATS = frozenset({"flashcards", "json-cards", "tab-cards"})


def passage_kind(doc: Document, st: Statement) -> str:
    """heading | item | row | term | question | answer | sentence: where a statement sits in its note."""
    if st.kind == "heading":
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


# ------------------------------------------------------------------ entry point


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
    if path.suffix.lower() in (".md", ".markdown"):
        fmt, reader = "markdown", read_markdown
    elif is_flashcards(text):
        fmt, reader = "flashcards", read_flashcards
    elif is_json_cards(text):
        fmt, reader = "json-cards", read_json_cards
    elif is_tab_cards(text):
        fmt, reader = "tab-cards", read_tab_cards
    else:
        fmt, reader = "text", read_text
    doc = Document(name or path.name, path, text, fmt, hashlib.sha256(data).hexdigest())
    reader(doc)
    if not doc.statements:
        raise SourceError(f"{path}: no statements found")
    return doc
