"""The terminals of the SPARQL 1.1 grammar (section 19.8), read in one left-to-right pass with no recursion.

Each token is the longest match of one terminal at its position, as the grammar's notes ask, with the patterns
written as the grammar states them and the repetitions possessive, as in Oxigraph's PEG parser. One deviation
follows Oxigraph rather than the grammar: a local name takes at most one run of inner dots (`ex:a.b.c` is read as
`ex:a.b`, `.`, `c`), so that the screen never reads more of a name than the engine does.
"""

import re
from collections.abc import Iterator
from typing import NamedTuple

IRI = "iri"
PNAME = "pname"
BNODE = "bnode"
VAR = "var"
STRING = "string"
LANGTAG = "langtag"
NUMBER = "number"
WORD = "word"  # a keyword, a function name, true/false or `a`
PUNCT = "punct"
COMMENT = "comment"
SPACE = "space"

_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
PN_CHARS_BASE = f"[{_BASE}]"
PN_CHARS_U = f"[_{_BASE}]"
PN_CHARS = f"[\\-0-9\u00b7\u0300-\u036f\u203f-\u2040_{_BASE}]"
VARNAME = f"[0-9_{_BASE}][0-9\u00b7\u0300-\u036f\u203f-\u2040_{_BASE}]*+"
PLX = r"(?:%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%])"
PN_PREFIX = f"{PN_CHARS_BASE}{PN_CHARS}*+(?:\\.++{PN_CHARS}++)*+"
PN_LOCAL = f"(?:{PN_CHARS_U}|[:0-9]|{PLX})(?:{PN_CHARS}|:|{PLX})*+(?:\\.++(?:{PN_CHARS}|:|{PLX})++)?+"
ECHAR = r"\\[tbnrf\"'\\]"
EXPONENT = "[eE][+-]?[0-9]++"
IRIREF = r"<[^<>\"{}|^`\\\x00-\x20]*+>"

TERMINALS = [
    (SPACE, r"[ \t\r\n]++"),
    (COMMENT, r"\#[^\r\n]*+"),
    (IRI, IRIREF),
    (PNAME, f"(?:{PN_PREFIX})?:(?:{PN_LOCAL})?"),
    (BNODE, f"_:(?:[0-9]|{PN_CHARS_U}){PN_CHARS}*+(?:\\.++{PN_CHARS}++)*+"),
    (VAR, f"[?$]{VARNAME}"),
    (STRING, f"'''(?:(?:''|')?(?:[^'\\\\]|{ECHAR}))*+'''"),
    (STRING, f'"""(?:(?:""|")?(?:[^"\\\\]|{ECHAR}))*+"""'),
    (STRING, f"'(?:[^'\\\\\\n\\r]|{ECHAR})*+'"),
    (STRING, f'"(?:[^"\\\\\\n\\r]|{ECHAR})*+"'),
    (LANGTAG, "@[a-zA-Z]++(?:-[a-zA-Z0-9]++)*+"),
    (NUMBER, f"[0-9]++\\.[0-9]*+{EXPONENT}|\\.[0-9]++{EXPONENT}|[0-9]++{EXPONENT}|[0-9]*+\\.[0-9]++|[0-9]++"),
    (WORD, "[A-Za-z_][A-Za-z0-9_]*+"),
    (PUNCT, r"\^\^|&&|\|\||!=|<=|>=|[{}()\[\];,.=<>!+\-*/|^~?]"),
]
ERROR = "error"  # one character where no terminal starts
_MASTER = re.compile(
    "|".join(f"(?P<t{i}>{pattern})" for i, (_, pattern) in enumerate(TERMINALS)) + "|(?P<error>.)", re.DOTALL
)
_KINDS = {f"t{i}": kind for i, (kind, _) in enumerate(TERMINALS)} | {"error": ERROR}


class Token(NamedTuple):
    kind: str
    start: int
    end: int
    text: str


class TokenError(ValueError):
    """No terminal of the grammar starts at `position`."""

    def __init__(self, position: int) -> None:
        super().__init__(f"no SPARQL token starts at offset {position}")
        self.position = position


def token_at(text: str, position: int) -> Token | None:
    """The token (spaces and comments included) that starts at `position`; None if none does."""
    found = _MASTER.match(text, position)
    if found is None or found.lastgroup == "error":
        return None
    return Token(_KINDS[found.lastgroup or ""], position, found.end(), found.group())


def tokens(text: str) -> Iterator[Token]:
    """Every token but spaces, comments included, in one pass; TokenError where no terminal fits."""
    kinds = _KINDS
    for found in _MASTER.finditer(text):
        kind = kinds[found.lastgroup or ""]
        if kind == SPACE:
            continue
        if kind == ERROR:
            raise TokenError(found.start())
        yield Token(kind, found.start(), found.end(), found.group())
