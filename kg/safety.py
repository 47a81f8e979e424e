"""Screening user SPARQL before it runs: read-only queries over the loaded graph, nothing fetched.

The screen reads the query token by token (kg.sparql_tokens), in time linear in its length and with no limit on
nesting, and passes on the text it read, so that the engine evaluates exactly what was screened:

- Line ends are normalised first (CR, CR LF, FF, VT, NEL, LS and PS become LF), so that no reader can end a
  comment or a line where another does not; comments are then blanked out (spaces, so positions stay).
- Refused (Forbidden): a SERVICE keyword, FROM / FROM NAMED, every Update keyword, and IRIs (prefixed names
  expanded, BASE and PREFIX included) whose scheme names a local file or a non-HTTP fetch.
- Oxigraph's parser is a PEG parser without a tokenizer: it matches a keyword at the start of a longer word
  (`falseSERVICE` is `false SERVICE`) and, after an operand inside parentheses, reads `<` as less-than even
  where an IRI would fit (`?a<ex:b)SERVICE:x#>`). So every word and prefix that contains SERVICE is refused,
  and wherever `<` could be either, the text is read both ways; an IRI or prefixed name that would fail the
  engine's own check (and so be read another way) is refused as not SPARQL.
- `\\u` escapes are refused: SPARQL decodes them before parsing, so they could spell any of the above.

Other syntax errors are the engine's to report.
"""

import re
from dataclasses import dataclass
from functools import lru_cache

from kg import sparql_tokens as tk
from kg.errors import BadQuery, Forbidden
from kg.iris import is_iri_reference, scheme_of
from kg.namespaces import PREFIXES

# Schemes that name a local file or a non-HTTP fetch: refused wherever they appear in a query.
FORBIDDEN_SCHEMES = frozenset({"file", "ftp", "jar", "netdoc", "gopher"})
UNICODE_ESCAPE = re.compile(r"\\[uU][0-9a-fA-F]{4}")
LINE_ENDS = re.compile("\r\n|[\r\f\v\x85\u2028\u2029]")
SERVICE = re.compile("service", re.IGNORECASE | re.ASCII)
KEYWORD = re.compile("[A-Za-z_][A-Za-z0-9_]*")
READ_ONLY = "SPARQL Update is not allowed: this endpoint is read-only"
NO_SERVICE = "SERVICE is not allowed: queries run only over this graph"
NO_DATASET = "FROM and FROM NAMED are not allowed: use GRAPH <iri> { ... } for one source's graph"
QUERY_FORMS = frozenset({"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"})
UPDATE_WORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"})
PROLOGUE_WORDS = frozenset({"BASE", "PREFIX", "VERSION"})
OPERAND_END_PUNCT = frozenset({")", "]", ">"})  # and every token but punctuation: terms, words
CHECKED = frozenset({tk.WORD, tk.PNAME, tk.IRI})  # the kinds of token that _Reading._check reads
OPENERS = frozenset("({[")
CLOSERS = {")": "(", "}": "{", "]": "["}
PAREN_DEPTH = {"(": 1, ")": -1}
PREDECLARED = {prefix: str(iri) for prefix, iri in PREFIXES.items()}
AMBIGUITY_BUDGET = 10_000  # tokens read in other readings, beyond one per token of the query
REMEMBERED_SCREENS = 256  # query texts that passed, per process, whose reading screen_remembered keeps
REMEMBERED_LENGTH = 16 * 1024  # characters: longer texts are screened each time


@dataclass(frozen=True)
class Screened:
    """A query that passed the screen: its kind and the text to evaluate (normalised, comments blanked)."""

    kind: str  # SELECT, ASK, CONSTRUCT or DESCRIBE
    text: str


State = tuple[int, int, bool]
"""Where a reading of the text stands: the next token's offset, the depth of parentheses and whether the token
before could end an operand (then a `<` could be less-than). A plain tuple: one is kept per token."""


def screen(query_text: str) -> Screened:
    """The query's kind and the text to run, if it is a read-only query that fetches nothing; else BadQuery
    (empty, an escape, or not read as SPARQL) or Forbidden (an Update, SERVICE, FROM, a file: IRI)."""
    if not query_text.strip():
        raise BadQuery("the query is empty")
    if UNICODE_ESCAPE.search(query_text):  # SPARQL decodes these before parsing
        raise BadQuery("\\u and \\U escapes are not supported here: write the characters themselves")
    text = LINE_ENDS.sub("\n", query_text)
    reading = _Reading(text)
    reading.read()
    blanked = reading.blanked()  # what the engine will read: the other readings are of this text
    _check_other_readings(blanked, reading.states, reading.forks)
    if reading.unbalanced:  # after every refusal: a query that would fetch is Forbidden, however it is broken
        raise reading.unbalanced
    return Screened(reading.kind(), blanked)


def screen_remembered(query_text: str) -> Screened:
    """screen(query_text), the reading of a text that passed kept for when the same text comes again (the screen
    depends on nothing else); refused texts are screened each time."""
    return _screen_kept(query_text) if len(query_text) <= REMEMBERED_LENGTH else screen(query_text)


@lru_cache(maxsize=REMEMBERED_SCREENS)
def _screen_kept(query_text: str) -> Screened:
    return screen(query_text)


class _Reading:
    """The grammar's reading of the text, checked token by token as it comes; only what the checks need is
    kept (the prologue's prefixes, the form, the comments, and the state at each token)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.comments: list[tk.Token] = []
        self.states: list[State] = []  # the state at each token's start, and at the end
        self.forks: list[State] = []  # where `<` might be less-than rather than an IRI's start
        self.prefixes = dict(PREDECLARED)
        self.base: str | None = None
        self.form: str | None = None  # the first word after the prologue
        self._in_prologue = 0  # tokens left of the current BASE, PREFIX or VERSION declaration
        self._before: list[str] = ["", ""]  # the texts of the two tokens before, upper-cased
        self._declared = ""  # the prefix that the last PREFIX declares
        self.unbalanced: BadQuery | None = None  # the first bracket that is stray or never closed

    def read(self) -> None:
        depth, after_operand = 0, False
        states, forks = self.states, self.forks
        opened: list[tk.Token] = []  # brackets not yet closed, so that a stray or missing one is named where it is
        try:
            for token in tk.tokens(self.text):
                kind, text = token.kind, token.text
                if kind == tk.COMMENT:
                    self.comments.append(token)
                    continue
                states.append((token.start, depth, after_operand))
                if kind == tk.PUNCT:
                    self._balance(token, opened)
                    depth += PAREN_DEPTH.get(text, 0)
                    after_operand = text in OPERAND_END_PUNCT
                else:
                    if kind == tk.IRI and depth > 0 and after_operand:
                        forks.append((token.start + 1, depth, False))
                    if kind in CHECKED:
                        self._check(token)
                    after_operand = True
                if self.form is None:
                    self._prologue(token)
        except tk.TokenError as error:
            raise BadQuery(f"not a SPARQL query: unexpected character at {_where(self.text, error.position)}") from None
        if opened and not self.unbalanced:
            where = _where(self.text, opened[-1].start)
            self.unbalanced = BadQuery(f"not a SPARQL query: the '{opened[-1].text}' at {where} is never closed")
        states.append((len(self.text), depth, after_operand))

    def _balance(self, token: tk.Token, opened: list[tk.Token]) -> None:
        """Keep `opened` the stack of open brackets; the first closing one that matches none is remembered."""
        if token.text in OPENERS:
            opened.append(token)
        elif token.text in CLOSERS:
            if opened and opened[-1].text == CLOSERS[token.text]:
                opened.pop()
            elif not self.unbalanced:
                where = _where(self.text, token.start)
                self.unbalanced = BadQuery(f"not a SPARQL query: unexpected '{token.text}' at {where}")

    def _prologue(self, token: tk.Token) -> None:
        upper = token.text.upper()
        if self._in_prologue:
            self._in_prologue -= 1
        elif upper in PROLOGUE_WORDS:
            self._in_prologue = 2 if upper == "PREFIX" else 1
        else:
            self.form = upper if token.kind == tk.WORD else ""
        self._before = [self._before[1], upper]

    def _check(self, token: tk.Token) -> None:
        in_prologue = self.form is None
        before, previous = self._before if in_prologue else ("", "")
        if token.kind == tk.WORD:
            _check_word(token.text)
        elif token.kind == tk.PNAME:
            prefix, _, local = token.text.partition(":")
            _check_prefix(prefix)
            if previous == "PREFIX":
                self._declare_prefix(token)
            else:
                self._check_iri(token, self._expand(token, prefix, local))
        else:
            iri = token.text[1:-1]
            self._check_iri(token, iri)
            if previous == "BASE":
                self.base = iri
            elif before == "PREFIX":
                self.prefixes[self._declared] = iri

    def _declare_prefix(self, token: tk.Token) -> None:
        if not token.text.endswith(":"):
            raise BadQuery(f"PREFIX takes a name ending in ':' at {_where(self.text, token.start)}")
        self._declared = token.text[:-1]

    def _expand(self, token: tk.Token, prefix: str, local: str) -> str:
        namespace = self.prefixes.get(prefix)
        if namespace is None:
            raise BadQuery(f"the prefix {prefix}: is not declared (at {_where(self.text, token.start)})")
        return namespace + re.sub(r"\\(.)", r"\1", local)

    def _check_iri(self, token: tk.Token, iri: str) -> None:
        if not is_iri_reference(iri):
            raise BadQuery(f"not a valid IRI at {_where(self.text, token.start)}")
        scheme = scheme_of(iri) or (scheme_of(self.base) if self.base else None)
        if scheme in FORBIDDEN_SCHEMES:
            raise Forbidden(f"{scheme}: IRIs are not allowed in queries")

    def kind(self) -> str:
        """The query form, after the prologue (BASE, PREFIX and VERSION declarations)."""
        if self.form not in QUERY_FORMS:
            raise BadQuery("not a SPARQL query: after its prologue comes SELECT, ASK, CONSTRUCT or DESCRIBE")
        return str(self.form)

    def blanked(self) -> str:
        """The text with every comment replaced by as many spaces."""
        if not self.comments:
            return self.text
        parts, position = [], 0
        for comment in self.comments:
            parts += [self.text[position : comment.start], " " * (comment.end - comment.start)]
            position = comment.end
        parts.append(self.text[position:])
        return "".join(parts)


def _check_word(word: str) -> None:
    """A run of keywords (`true.FROM` is two): refused if it holds SERVICE, FROM or an Update keyword."""
    refusal = _word_refusal(word)
    if refusal is not None:
        raise Forbidden(refusal)


@lru_cache(maxsize=4096)
def _word_refusal(word: str) -> str | None:
    if SERVICE.search(word):
        return NO_SERVICE
    for keyword in KEYWORD.findall(word.upper()):
        if keyword == "FROM":
            return NO_DATASET
        if keyword in UPDATE_WORDS:
            return READ_ONLY
    return None


def _check_prefix(prefix: str) -> None:
    if SERVICE.search(prefix):
        raise Forbidden(f"{NO_SERVICE} (nor a prefix that holds the word)")


def _check_other_readings(text: str, known: list[State], forks: list[State]) -> None:
    """Read on from every place where `<` might be less-than, in each reading that differs from the grammar's,
    until it meets a state that was read already; Forbidden if one of them meets a word or prefix that holds
    SERVICE. A reading ends where no token fits (the engine would fail there too)."""
    if not forks:
        return
    budget = len(known) + AMBIGUITY_BUDGET
    seen: set[State] = set(known)
    pending = [fork for fork in forks if fork not in seen]
    while pending:
        position, depth, after_operand = pending.pop()
        while position < len(text):
            token = tk.token_at(text, position)
            if token is None:
                break
            position = token.end
            if token.kind == tk.COMMENT:
                continue
            state = (token.start, depth, after_operand)
            if state in seen:
                break
            seen.add(state)
            budget -= 1
            if budget < 0:
                raise BadQuery("the query is too ambiguous to screen: write spaces around the '<' operator")
            if token.kind == tk.IRI and depth > 0 and after_operand:
                pending.append((token.start + 1, depth, False))
            if token.kind == tk.WORD and SERVICE.search(token.text):
                raise Forbidden(NO_SERVICE)
            if token.kind == tk.PNAME:
                _check_prefix(token.text.partition(":")[0])
            if token.kind == tk.PUNCT:
                depth += PAREN_DEPTH.get(token.text, 0)
            after_operand = token.kind != tk.PUNCT or token.text in OPERAND_END_PUNCT


def _where(text: str, position: int) -> str:
    line = text.count("\n", 0, position) + 1
    column = position - (text.rfind("\n", 0, position) + 1) + 1
    return f"line {line}, column {column}"
