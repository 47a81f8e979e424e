"""Retrieval beside the graph: every statement of the notes (kg:Passage nodes, or the statements kg:Evidence
nodes quote), what each is about, and a BM25 index (bm25s) to rank a topic's statements by a question's words.

A statement is about an entity when the graph says so (kg:about, the rdf:subject of its evidence), or when
it, its lead item (the short list item that names the concept its children describe) or its section names
the entity by a label or alias."""

import logging
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import NamedTuple

import bm25s
import numpy as np

from kg.facts import StatementRecord
from kg.lexicon import lemma

logging.getLogger("bm25s").setLevel(logging.WARNING)  # it sets itself to DEBUG: its progress is no warning
WORD = re.compile(r"[a-z0-9][a-z0-9+#.'-]*[a-z0-9+#]|[a-z0-9]")
NEGATION = re.compile(r"\b(no|not|never|cannot|can't|don't|doesn't|isn't|aren't|won't|without|nor|except)\b|n't\b")
EXAMPLE = re.compile(r"(e\.g\.|i\.e\.|for example|for instance|such as)[\s,:]", re.I)
NUMBERED = re.compile(r"^\s*(\d+[.)]|step \d+)\s", re.I)
PUNCTUATED = re.compile(r"[.:;,]")
LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
QUOTING = re.compile(r'^\s*"(question|answer)"\s*:\s*"?|"?,?\s*$')  # a flashcard export's JSON
MARKER = re.compile(r"^\s*(#+|>|[-*+•·]|\d+[.)])\s+")
EMPHASIS = re.compile(r"\*\*|__|`|(?<![\w_])_(?=\S)|(?<=[^\s_])_(?![\w_])")
LEAD_WORDS = 5  # a list item this short names a concept; the items after it describe it


def clean(text: str) -> str:
    """A statement as a learner reads it: no Markdown markers, link targets, table pipes or JSON quoting."""
    if "](" in text:  # each substitution only where its characters are
        text = LINK.sub(r"\1", text)
    if '"' in text or text.endswith(",") or text[-1:].isspace():
        text = QUOTING.sub("", text)
    text = MARKER.sub("", text)
    if "*" in text or "_" in text or "`" in text:
        text = EMPHASIS.sub("", text)  # emphasis, '_italics_'
    if text.count("|") >= 2:
        text = "; ".join(c.strip() for c in text.strip().strip("|").split("|") if c.strip(" -:"))
    return re.sub(r"\s+", " ", text).strip(" •-·")


FUNCTION_WORDS = frozenset(
    "a an the of to in on at by for from with until before after is are be it this that and or".split()
)


@lru_cache(maxsize=65536)
def is_lead(text: str) -> bool:
    """A list item that only names a concept ('read committed', 'two phase lock'): a few words, no clause."""
    words = text.lower().split()
    return len(words) <= LEAD_WORDS and not PUNCTUATED.search(text) and not FUNCTION_WORDS & set(words)


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A crude stem for matching question words to note words: 'invocations' ~ 'invocation time'."""
    for suffix in ("ations", "ation", "ings", "ing", "ions", "ion", "ies", "ates", "ate", "es", "ed", "s", "ly"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def tokens(text: str) -> list[str]:
    """Stems of the words of a text, for the index and for queries alike."""
    return list(_tokens(text))


def stems_of(text: str) -> tuple[str, ...]:
    """tokens(), as the tuple kept for the text (not to be changed)."""
    return _tokens(text)


@lru_cache(maxsize=65536)
def _tokens(text: str) -> tuple[str, ...]:
    return tuple(s for w in WORD.findall(text.lower().replace("’", "'")) for s in word_stems(w))


@lru_cache(maxsize=65536)
def word_stems(word: str) -> tuple[str, ...]:
    """A word's stems: its own, and each part's when it is hyphenated ('event-driven')."""
    return tuple(stem(lemma(p)) for p in ([word, *word.split("-")] if "-" in word else [word]))


@dataclass(eq=False)  # one object per row of its index: compared by identity, not field by field
class Statement:
    index: int  # its row in the index
    record: StatementRecord
    text: str  # clean
    lead: str  # lower case: the short list item above it in its section, which names what it describes
    heading: str  # lower case: the last heading of its section
    about: set[str] = field(default_factory=set)
    source: str = field(init=False)
    line: int = field(init=False)
    section: str = field(init=False)
    context: str = field(init=False)  # what names its topic: its text, its lead item and its heading (lower case)

    def __post_init__(self) -> None:
        self.source, self.line, self.section = self.record.source, self.record.line, self.record.section
        self.context = f"{self.text.lower()} {self.lead} {self.heading}"

    def quote(self) -> dict[str, object]:
        return {"source": self.source, "line": self.line, "text": self.record.text}


class Hit(NamedTuple):  # one per matching statement of a search: a tuple is made several times faster
    statement: Statement
    score: float
    matched: frozenset[str]  # the query stems it contains


class Worked(NamedTuple):
    """What `work` reads from the records' texts, the costly part of building the index (kept between processes by
    service.qa.worked_file). Per statement: its record's position, its clean text, its lead item (lower case),
    the entities it is about and the stems of its text."""

    rows: list[int]
    texts: list[str]
    leads: list[str]
    about: list[set[str]]
    stems: list[set[str]]


def work(records: Sequence[StatementRecord], named_in: Callable[[str], frozenset[str]]) -> Worked:
    """The statements of the records (a record with no text once clean is none) and what each says."""
    worked = Worked([], [], [], [], [])
    lead = ""
    where = ("", "")
    for n, r in enumerate(records):
        text = clean(r.text)
        if not text:
            continue
        if (r.source, r.section) != where:
            where, lead = (r.source, r.section), ""
        short = is_lead(text) and r.kind in ("item", "term")
        own = "" if short else lead.lower()
        if short:
            lead = text
        context = f"{text.lower()} {own} {heading_of(r.section)}"  # Statement.context
        worked.rows.append(n)
        worked.texts.append(text)
        worked.leads.append(own)
        worked.about.append(set(r.about) | named_in(text if r.kind == "cell" else context))  # a cell: its column's
        worked.stems.append(set(tokens(text)))
    return worked


def heading_of(section: str) -> str:
    """The last heading of a section, lower case."""
    return section.split(" > ")[-1].lower() if section else ""


class StatementIndex:
    """Built once per snapshot from the records and what `work` read from them; `about` and `search` are then
    cheap."""

    def __init__(self, records: Sequence[StatementRecord], worked: Worked) -> None:
        self.statements: list[Statement] = []
        for n, text, lead, about in zip(worked.rows, worked.texts, worked.leads, worked.about, strict=True):
            r = records[n]
            self.statements.append(Statement(len(self.statements), r, text, lead, heading_of(r.section), about))
        self.by_entity: dict[str, list[int]] = defaultdict(list)
        for i, st in enumerate(self.statements):
            for iri in st.about:
                self.by_entity[iri].append(i)
        self.on_line: dict[tuple[str, int], list[Statement]] = defaultdict(list)  # every statement of each line
        for st in self.statements:
            self.on_line[(st.source, st.line)].append(st)
        self.at: dict[tuple[str, int], Statement] = {}  # the head of each line: not under another on its line
        for st in self.statements:
            head = self.at.get((st.source, st.line))
            if head is None or (head.record.parent_line == head.line and st.record.parent_line != st.line):
                self.at[(st.source, st.line)] = st
        self.children: dict[tuple[str, int], list[Statement]] = defaultdict(list)
        for st in self.statements:  # 'Batch: • No time limit • ...': the items sit under the label on their line
            head = self.at[(st.source, st.line)]
            labelled = st is not head and head.text.endswith(":")  # sentences of one line are not its items
            if st.record.parent_line and (st.record.parent_line != st.line or labelled):
                self.children[(st.source, st.record.parent_line)].append(st)
        self.below = [self.children.get((st.source, st.line), []) for st in self.statements]  # under(), by row
        self.examples = [self._example_after(st) for st in self.statements]  # example_after(), by row
        self.parents = [  # parent(), by row
            self.at.get((st.source, st.record.parent_line)) if st.record.parent_line else None for st in self.statements
        ]
        self.text_tokens = worked.stems  # its own words, not its section's
        of_section: dict[str, frozenset[str]] = {}  # a section's stems, made once per section
        for st in self.statements:
            if st.section not in of_section:
                of_section[st.section] = frozenset(tokens(st.section))
        rows = zip(self.statements, self.text_tokens, strict=True)
        self.tokens = [toks | of_section[st.section] for st, toks in rows]
        self.postings: dict[str, list[int]] = defaultdict(list)  # stem -> the statements whose text has it
        for i, toks in enumerate(self.text_tokens):
            for t in toks:
                self.postings[t].append(i)
        self.having: dict[str, list[int]] = defaultdict(list)  # stem -> the statements whose text or section has it
        for i, toks in enumerate(self.tokens):
            for t in toks:
                self.having[t].append(i)
        self.about_of = {iri: [self.statements[i] for i in rows] for iri, rows in self.by_entity.items()}
        self.sources = {st.source for st in self.statements}
        self.names = {st.text.lower() for st in self.statements if is_lead(st.text) and st.record.kind != "cell"} | {
            part.lower() for st in self.statements for part in st.section.split(" > ") if part
        }  # headings and lead items: the concepts the notes name
        self.named = {tuple(tokens(n)): n for n in sorted(self.names, key=len, reverse=True)}
        self.frequency: dict[str, int] = defaultdict(int, {t: len(rows) for t, rows in self.having.items()})
        self.support = self._notes_saying(self.tokens)  # notes that say it too
        self.echo = self._notes_saying(self.text_tokens)  # notes with its words, any section

    def _notes_saying(self, stems: list[set[str]]) -> list[int]:
        """For each statement, how many notes have a statement of the same stems (by row)."""
        keys = [frozenset(toks) for toks in stems]
        sources: dict[frozenset[str], set[str]] = defaultdict(set)
        for st, key in zip(self.statements, keys, strict=True):
            sources[key].add(st.source)
        return [len(sources[key]) for key in keys]

    @cached_property
    def bm25(self) -> bm25s.BM25:
        index = bm25s.BM25()
        corpus = [sorted(t) or ["_"] for t in self.tokens] or [["_"]]  # bm25s cannot index no document
        index.index(corpus, show_progress=False)
        return index

    @cached_property
    def weights(self) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """Each stem's BM25 weights, read from bm25s's index: the statements that have it and its weight in each."""
        index = self.bm25
        data, rows, at = index.scores["data"], index.scores["indices"], index.scores["indptr"]
        known = len(at) - 1  # bm25s adds '' past its vocabulary; no stem is ''
        return {t: (rows[at[i] : at[i + 1]], data[at[i] : at[i + 1]]) for t, i in index.vocab_dict.items() if i < known}

    def scores(self, query: tuple[str, ...]) -> np.ndarray:
        """BM25 scores of every statement for a query's stems: bm25s's get_scores, summed stem by stem in the
        same order and type, without its per-call set-up."""
        out = np.zeros(self.bm25.scores["num_docs"], dtype=self.bm25.dtype)
        for t in query:
            if t in self.weights:
                rows, weights = self.weights[t]
                out[rows] += weights  # a stem's rows are distinct: np.add.at's sums
        return out

    def under(self, st: Statement) -> list[Statement]:
        """The statements that sit directly under a statement (its child list items, or a heading's items)."""
        return self.below[st.index]

    def parent(self, st: Statement) -> Statement | None:
        return self.parents[st.index]

    def example_after(self, st: Statement) -> Statement | None:
        """The sibling right after a statement when it only gives its examples ('E.g. CloudWatch for alarms')."""
        return self.examples[st.index]

    def _example_after(self, st: Statement) -> Statement | None:
        after = self.statements[st.index + 1] if st.index + 1 < len(self.statements) else None
        if after and after.source == st.source and after.record.parent_line == st.record.parent_line:
            return after if EXAMPLE.match(after.text) else None
        return None

    def about(self, iri: str) -> list[Statement]:
        return list(self.about_of.get(iri, ()))

    def concept(self, phrase: str) -> str:
        """The heading or lead item a phrase names, by its stems ('two phase locking' ~ 'two phase lock')."""
        return self.named.get(tuple(tokens(phrase)), "")

    def mentioning(self, phrase: str) -> list[Statement]:
        """Statements whose text, lead item or section contain a phrase of the question (a topic the graph
        has no entity for)."""
        said = phrase.lower()
        pattern = re.compile(rf"(?<![\w-]){re.escape(said)}")
        return [st for st in self.statements if said in st.context and pattern.search(st.context)]

    def search(
        self, within: list[Statement], groups: list[list[str]], *, need: int = 1, ranked: bool = True
    ) -> list[Hit]:
        """The statements of `within` that speak to at least `need` of the question's words, best first. Each
        group is one word of the question with its synonyms. Unranked, they come in `within`'s order with no
        score (for a caller that counts the words each has)."""
        stems = [frozenset(s for w in g for s in _tokens(w)) for g in groups]
        stems = [g for g in stems if g]
        if not stems or not within:
            return []
        asked = frozenset().union(*stems)
        if need > 0:  # a statement with none of the asked stems matches none
            having = set().union(*(self.having.get(t, ()) for t in asked))
            within = [st for st in within if st.index in having]
        toks = self.tokens
        singles = [s for g in stems for s in g] if all(len(g) == 1 for g in stems) else None  # words of one stem
        if singles is not None and need <= 1:  # each statement left has one of them, if one is needed
            found = [(st, frozenset([s for s in singles if s in toks[st.index]])) for st in within]
        else:
            found = []
            for st in within:
                have = toks[st.index]
                if singles is None:
                    some = [min(g & have) for g in stems if not g.isdisjoint(have)]
                else:
                    some = [s for s in singles if s in have]
                if len(some) >= need:  # it matches at most as many
                    matched = frozenset(some)
                    if len(matched) >= need:
                        found.append((st, matched))
        if not found:
            return []
        if not ranked:
            return [Hit(st, 0.0, matched) for st, matched in found]
        scores = self.scores(tuple(sorted(asked)))  # BM25, only when some statement matches
        hits = [Hit(st, float(scores[st.index]), matched) for st, matched in found]
        return sorted(hits, key=lambda h: (-len(h.matched), -h.score, h.statement.source, h.statement.line))
