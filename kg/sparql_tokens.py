"""The terminals of the SPARQL 1.1 grammar (section 19.8), read in one left-to-right pass with no recursion.

Each token is the longest match of one terminal at its position, as the grammar's notes ask, with the patterns
written as the grammar states them and the repetitions possessive, as in Oxigraph's PEG parser. One deviation
follows Oxigraph rather than the grammar: a local name takes at most one run of inner dots (`ex:a.b.c` is read as
`ex:a.b`, `.`, `c`), so that the screen never reads more of a name than the engine does. And a run of name
characters with no colon after it (`a-b.c`) is one WORD token, holding one or more keywords: read keyword by
keyword, `a.a.a.a...` would scan its rest again at every keyword, in time quadratic in its length.
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
WORD = "word"  # keywords, function names, true/false or `a`: a run of name characters without a colon
PUNCT = "punct"
COMMENT = "comment"

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

TERMINALS = [  # in the order they are tried: only those that can start with the same character must be ordered
    (PUNCT, r"\^\^|&&|\|\||!=|>=|[{}()\[\];,=>!+\-*/|^~]"),  # what no other terminal starts with
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
    (WORD, PN_PREFIX),  # the whole run, so that no part of it is scanned twice
    (PUNCT, r"<=|[<.?]"),  # after the IRI, numbers and variables that start with these
]
ERROR = "error"  # one character where no terminal starts
_MASTER = re.compile(  # spaces are skipped in front of each token
    "[ \t\r\n]*+(?:"
    + "|".join(f"(?P<t{i}>{pattern})" for i, (_, pattern) in enumerate(TERMINALS))
    + "|(?P<error>.)|(?P<end>\\Z))",  # so that every offset matches: finditer never has to search on
    re.DOTALL,
)
_KINDS = {f"t{i}": kind for i, (kind, _) in enumerate(TERMINALS)} | {"error": ERROR, "end": ""}


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
    """The first token at or after `position`, past spaces; None at the end or where no terminal fits."""
    found = _MASTER.match(text, position)
    if found is None or found.lastgroup in (None, "error", "end"):
        return None
    group = found.lastgroup or ""
    return Token(_KINDS[group], found.start(group), found.end(), found.group(group))


def tokens(text: str) -> Iterator[Token]:
    """Every token, comments included (spaces are not tokens), in one pass; TokenError where none fits."""
    kinds = _KINDS
    for found in _MASTER.finditer(text):
        group = found.lastgroup or "error"
        if group == "end":
            return
        if group == "error":
            raise TokenError(found.start(group))
        yield Token(kinds[group], found.start(group), found.end(), found.group(group))
