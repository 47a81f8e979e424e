"""What the rules read and what they give: a `Sentence` (one statement's spaCy Doc with its cue matches and
the names the rules know), a `Clause` of it, the outline's `Context`, and `Candidate` facts."""

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Generic, NamedTuple, TypeVar

from spacy.tokens import Doc, Span, Token

from ingest.cues import CUES, Cue


class Candidate(NamedTuple):
    subject: str
    predicate: str
    object: str
    object_is_entity: bool
    rule: str
    contrast: str = ""


@dataclass(frozen=True)
class Context:
    """What the outline says about a statement: whom it is about and under which kind of heading."""

    topic: str | None = None
    category: str | None = None  # the relation a category parent sets (data/vocabulary.toml), or example
    example_target: str | None = None  # for "examples of X": X
    first: bool = False  # the first statement about its topic (a definition, when it has no verb)
    question: str = ""  # the card question the statement answers (the heading it sits under, ending in '?')


@dataclass(frozen=True)
class Known:
    """What the rules know besides the text: each entity key's class and label."""

    types: Mapping[str, str]
    labels: Mapping[str, str]


class CueMatch(NamedTuple):
    name: str  # the cue's name in ingest.cues.CUES
    start: int
    end: int

    @property
    def cue(self) -> Cue:
        return CUES[self.name]


def keyed(doc: Doc) -> tuple[Span, ...]:
    """The doc's entity spans that carry a key (`ent_id_`), in order: read once and kept on the doc, as each
    read of doc.ents makes its spans anew."""
    found: tuple[Span, ...] | None = doc.user_data.get("named")
    if found is None:
        found = doc.user_data["named"] = tuple(e for e in doc.ents if e.ent_id_)
    return found


def tokens(doc: Doc) -> list[Token]:
    """The doc's tokens: made once and kept on the doc, as each `doc[i]` makes a Token anew (a Token reads its doc's
    arrays, so it shows the doc's entities as they are when read)."""
    found: list[Token] | None = doc.user_data.get("tokens")
    if found is None:
        found = doc.user_data["tokens"] = list(doc)
    return found


def text_of(doc: Doc) -> str:
    """The doc's text: joined once and kept on the doc, as each read of doc.text joins its tokens anew."""
    if "text" not in doc.user_data:
        doc.user_data["text"] = doc.text
    text: str = doc.user_data["text"]
    return text


def label_colon(doc: Doc, label: str) -> int | None:
    """The token that holds the colon ending a 'Label:' (a token of its own, or glued to a bracket: '):'); kept on
    the doc, as the outline and the rules each ask it."""
    key = "colon:" + label
    if key not in doc.user_data:
        doc.user_data[key] = next(
            (t.i for t in doc if t.text.endswith(":") and t.idx + len(t.text) >= len(label)), None
        )
    found: int | None = doc.user_data[key]
    return found


@dataclass(frozen=True)
class Sentence:
    """One statement as the rules read it: its Doc (entity spans carry their key in `ent_id_`), every cue
    match in the matcher's order, its outline kind and `Label:`, and the known names."""

    doc: Doc
    cues: tuple[CueMatch, ...]
    known: Known
    kind: str = "item"
    label: str = ""

    @cached_property
    def body(self) -> int:
        """The first token after the label's colon (0 without a label)."""
        if not self.label:
            return 0
        colon = label_colon(self.doc, self.label)
        return colon + 1 if colon is not None else 0

    @cached_property
    def named(self) -> tuple[Span, ...]:
        return keyed(self.doc)

    def mentions(self, start: int, end: int) -> list[Span]:
        return [e for e in self.named if e.start >= start and e.end <= end]

    def cue_starts(self, i: int) -> set[str]:
        return {self.doc[m.start].lower_ for m in self.cues if m.start == i}

    def cue_matches(self, start: int, end: int) -> list[CueMatch]:
        """Non-overlapping cues inside [start, end), longest first, in text order."""
        found = [m for m in self.cues if m.start >= start and m.end <= end]
        found.sort(key=lambda m: (-(m.end - m.start), m.start))
        taken: set[int] = set()
        kept = []
        for m in found:
            if taken.isdisjoint(range(m.start, m.end)):
                kept.append(m)
                taken.update(range(m.start, m.end))
        return sorted(kept, key=lambda m: m.start)

    def predicates(self, start: int, end: int) -> list[str]:
        """The relations of every cue inside [start, end), overlapping or not, in the matcher's order."""
        return [m.cue.predicate for m in self.cues if m.start >= start and m.end <= end]


@dataclass(frozen=True)
class Clause:
    """A clause [start, end) of a sentence: its subjects and where its predicate starts (after the leading
    entities when they are explicit, else at the start, with the default subject)."""

    sentence: Sentence
    start: int
    end: int
    pstart: int
    subjects: tuple[str, ...]
    explicit: bool  # the clause names its subjects itself
    default_subject: str | None
    fallback: bool  # may state a property or attribute when no relation cue applies (not in headings)
    label: str = ""

    @property
    def doc(self) -> Doc:
        return self.sentence.doc

    @property
    def text(self) -> str:
        return self.doc[self.start : self.end].text


In = TypeVar("In", Sentence, Clause)


@dataclass(frozen=True)
class Rule(Generic[In]):
    """One rule of the registry. `exclusive`: when it yields, no rule after it runs. `fallback`: it runs
    only when no rule before it yielded."""

    name: str
    extract: Callable[[In, Context], Iterator[Candidate]]
    exclusive: bool = False
    fallback: bool = False


def run(rules: tuple[Rule[In], ...], item: In, ctx: Context) -> Iterator[Candidate]:
    """The candidates of a sequence of rules, in order, honouring `exclusive` and `fallback`."""
    said = False
    for rule in rules:
        if rule.fallback and said:
            continue
        found = list(rule.extract(item, ctx))
        yield from found
        said = said or bool(found)
        if found and rule.exclusive:
            return
