"""Text rules every reader shares: cleaning a statement for matching, "Label: body" and "term - definition"
splits, title-shaped lines and sentence spans."""

import re
from collections.abc import Iterator

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
_BROKEN_WORD = re.compile(r"(\w)-{2}\s*\n?\s*(\w)")
_EMPHASIS = re.compile(r"\*\*|__|`|\"")
_SPACE = re.compile(r"\s+")
_LABEL = re.compile(r"^(?P<label>[^:]{1,48}?)\s*:(?!//)\s*(?P<body>.*)$")


_BULLET_STARTS = frozenset("-*+•·●▪◦‣abcdefghijklmnopqrstuvwxyz")


def clean(raw: str) -> str:
    """Normalise a statement for matching: bullets, quotes, dashes, links, OCR line-break hyphens. Each
    substitution runs only when the text holds what it needs (a statement rarely holds any)."""
    text = raw if raw.isascii() and "\t" not in raw else raw.translate(_TRANSLATE)  # a table is slow: only when needed
    if "](" in text:
        text = _MD_LINK.sub(r"\1", text)
    if "://" in text:
        text = _URL.sub("", text)
    if "--" in text:
        text = _BROKEN_WORD.sub(r"\1\2", text)  # "Reposi--tones" -> "Repositones"
    if "*" in text or "_" in text or "`" in text or '"' in text:
        text = _EMPHASIS.sub("", text)
    text = text.strip()
    if text[:1] in _BULLET_STARTS or text[:1].isdigit():
        text = _BULLET.sub("", text)
    return " ".join(text.split()).strip(" -")  # whitespace runs made one space, as str.split and \s agree


def split_label(text: str) -> tuple[str, str]:
    """'Lambda: Time limit' -> ('Lambda', 'Time limit'); text without a short label -> ('', text)."""
    m = _LABEL.match(text)
    if not m or len(m["label"].split()) > 6 or "=" in m["label"]:
        return "", text
    return m["label"].strip(), m["body"].strip()


_TERM = re.compile(r"^(?P<label>[^,:;()]{1,48}?)\s+-{1,2}\s+(?P<body>\S.*)$")


def split_term(text: str) -> tuple[str, str]:
    """'Write-ahead log - a file where ...' (a cleaned glossary line, its dash made '-') -> ('Write-ahead log',
    'a file where ...'); otherwise split_label's answer. Only for a line known to be a glossary entry: in
    'Object storage - "infinitely scaling" storage' under a heading, the heading is the subject."""
    label, body = split_label(text)
    if label:
        return label, body
    m = _TERM.match(text)
    if not m or len(m["label"].split()) > 4:
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


_SENTENCE_END = re.compile(r"(?<=[a-z0-9)\]][.!?])(?<!vs\.)(?<!\.g\.)(?<!\.e\.)\s+(?=[A-Z\"“])")
_MARKED_SENTENCE_END = re.compile(  # "fail.** This", "done. **Note**", "storage_. By": emphasis around the break
    r"(?:(?<=[a-z0-9)\]][.!?])|(?<=[a-z0-9)\]][*_`][.!?]))(?<!vs\.)(?<!\.g\.)(?<!\.e\.)(?P<close>[*_`]*)\s+(?=[*_`\[]*[A-Z\"“])"
)


def sentences(text: str, start: int, *, markup: bool = False) -> Iterator[tuple[int, int]]:
    """Split a span into sentences (offsets), at . ! ? followed by a capital (with `markup`, Markdown
    emphasis marks may stand on either side of the break)."""
    pos = 0
    for m in (_MARKED_SENTENCE_END if markup else _SENTENCE_END).finditer(text):
        end = m.end("close") if markup else m.start()
        yield start + pos, start + end
        pos = m.end()
    yield start + pos, start + len(text.rstrip())
