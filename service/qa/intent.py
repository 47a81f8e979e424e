"""What a question asks: its kind, the relations it names, the words it wants matched, any criterion."""

import re
import tomllib
from dataclasses import dataclass, field

from kg.locations import DATA_DIR
from kg.ontology import Ontology
from service.qa.names import STOP, Mention, normalise
from service.qa.statements import Statement

# Question words that ask for no relation of the registry: an acronym's expansion, any link at all.
ALIAS = re.compile(r"stand(s)? for|acronym|short for|full name")
RELATED = re.compile(r"relat|relationship|connect|link|interact|together")
COMPARE = re.compile(r"\bvs\.?\b|\bversus\b|\bcompar|\bdiffer|\bbetter\b|\bor\b|\bwhich (one|should)")
DEFINE = re.compile(
    r"^(what|who)('s|s| is| are)\b|^define\b|definition|meaning|^explain\b|tell me about|describe|^what does .* do\b"
)
LIST = re.compile(r"^(which|list|name|give|what are the|enumerate|show)\b|\bwhich\b|\bsome\b|use ?cases|languages")
ATTRIBUTE = re.compile(
    r"how (much|many|long|big|is .* (priced|billed|charged))|\bmax|\blimit|\bpric|\bcost|\bbill|\bsize"
)
FIGURE = re.compile(
    r"how (much|many|big|long|often)|\bmax|\bmin(imum)?\b|\bsize\b|\bper (gb|hour|month|second|million)"
)
HOW_MUCH = re.compile(r"how (much|many|big|long)|\bmax|\bsize")
MEASURED = ("has_limit", "pricing", "scales")
RELATIVE = re.compile(r"\b(the|a) (service|one|thing|tool)s? (that|which|who)\b")
THAT_CLAUSE = re.compile(r"\w+ (that|which|who) ")
CRITERION = re.compile(r"\bfor (a|an|my)? ?(.+?)\??$")  # 'for a 3-hour job'
CHOOSING = re.compile(r"should|which|better")
VOCABULARY = DATA_DIR / "vocabulary.toml"
SYNONYMS: dict[str, tuple[str, ...]] = {  # data/vocabulary.toml [synonyms]
    word: tuple(same) for word, same in tomllib.loads(VOCABULARY.read_text(encoding="utf-8"))["synonyms"].items()
}
GENERIC_KEYWORDS = frozenset(
    """whats count counts mean means meaning define definition stand benefits benefit advantages features
    list pros properties overview summary tell example function functions service services
    thing things know should points key few give walk through steps happens work works explain kind example
    notes max maximum limit limits much many long big can get run runs running
    price pricing cost costs priced billed bill charged""".split()
)


# Words that frame a question rather than say what it is about ('tell me about', 'what are the steps').
FRAME = frozenset(
    """whats mean means meaning define definition stand tell know should points point key few give walk through
    steps step happens happen work works explain overview summary summarize summarise describe notes list thing
    things kind kinds main some way ways anything say says important type types""".split()
)
# Frame words that a lead-in of the notes may itself use: 'solved in a few ways', 'Key features:', 'Steps:'.
CUES = frozenset("way ways feature features step steps benefits advantages".split())


@dataclass
class Topic:
    """What a question is about: a linked entity, or a phrase of the question the notes use as a name."""

    label: str
    iri: str | None
    statements: list[Statement]


@dataclass
class Question:
    text: str
    norm: str
    mentions: list[Mention]
    intent: "Intent"
    topic: Topic | None
    words: list[str]  # content words: not names, not stop words, not generic question words
    cues: list[str] = field(default_factory=list)  # frame words a lead-in may use ('ways', 'steps')
    asks_figure: bool = field(init=False)  # 'how many', 'max', 'per hour': a figure is asked for

    @property
    def asked(self) -> list[str]:
        """The words a lead-in about the question would use: its content words and its cues."""
        return self.words + [c for c in self.cues if c not in self.words]

    def __post_init__(self) -> None:
        self.asks_figure = bool(FIGURE.search(self.norm))


@dataclass
class Intent:
    kind: str  # definition | attribute | list | relation | path | comparison | unknown
    relations: list[str] = field(default_factory=list)
    keywords: set[str] = field(default_factory=set)
    criterion: str = ""


@dataclass(frozen=True)
class Cues:
    """The registry's question words (kg:askedBy) and each relation's verb phrase, compiled once per engine: each
    distinct pattern with the words one of which any match of it contains (empty: no such words), so a question
    without them is not searched."""

    asked: tuple[tuple[str, int], ...]  # a relation and its pattern's place in `patterns`
    patterns: tuple[tuple[re.Pattern[str], frozenset[str]], ...]  # each distinct pattern, and the words it needs
    verbs: dict[str, re.Pattern[str]]
    needing: tuple[tuple[str, tuple[int, ...]], ...]  # each word some pattern needs, and those patterns' places
    always: tuple[int, ...]  # the patterns that need no word: searched in every question
    asking: tuple[tuple[str, ...], ...]  # by pattern: the relations it asks for

    @classmethod
    def of(cls, ontology: Ontology) -> "Cues":
        rels = sorted(ontology.relations.items())
        sources = list(dict.fromkeys(pattern for _, rel in rels for pattern in rel.asked_by))
        patterns = tuple((re.compile(p), frozenset(literal_starts(p))) for p in sources)
        asked = tuple((name, sources.index(pattern)) for name, rel in rels for pattern in rel.asked_by)
        literals = tuple(sorted({w for _, needs in patterns for w in needs}))
        return cls(
            asked,
            patterns,
            {name: _verb_pattern(ontology.verb(name)) for name, _ in rels},
            tuple((w, tuple(at for at, (_, needs) in enumerate(patterns) if w in needs)) for w in literals),
            tuple(at for at, (_, needs) in enumerate(patterns) if not needs),
            tuple(tuple(dict.fromkeys(name for name, at in asked if at == place)) for place in range(len(patterns))),
        )


def _verb_pattern(verb: str) -> re.Pattern[str]:
    """A relation's verb phrase in any person: 'run on' for 'runs on'."""
    words = [re.escape(w[:-1] if w.endswith("s") and len(w) > 3 else w) for w in verb.split()]
    return re.compile(r"\b" + r"\s+".join(w + r"(s|es)?" for w in words) + r"\b")


LITERAL = re.compile(r"(?:\\b)*((?:[a-z0-9 ]|\\[$.?])+)(.?)")  # a branch's leading plain characters, what follows


def literal_starts(pattern: str) -> tuple[str, ...]:
    """The text each top-level branch of a pattern begins with, which any match of it contains: 'run' for
    '\\brun(s|ning)? on\\b', '$' for '\\$'; () when a branch begins otherwise (a group, a class), or the pattern
    has flags or a branch ends in a quantified character it cannot count on."""
    branches, depth, start = [], 0, 0
    for i, c in enumerate(pattern):
        escaped = i > 0 and pattern[i - 1] == "\\"
        if c in "([" and not escaped:
            depth += 1
        elif c in ")]" and not escaped:
            depth -= 1
        elif c == "|" and depth == 0 and not escaped:
            branches.append(pattern[start:i])
            start = i + 1
    branches.append(pattern[start:])
    if "[" in pattern or "(?" in pattern:  # a class or an extension: not read here
        return ()
    out = []
    for branch in branches:
        m = LITERAL.match(branch)
        if not m:
            return ()
        text = m.group(1).replace("\\", "")
        if m.group(2) in ("?", "*", "{"):  # 'talks?': the quantified 's' may be absent
            text = text[:-1]
        if not text.strip():
            return ()
        out.append(text)
    return tuple(out)


def relations_in(text: str, cues: Cues) -> list[str]:
    """The relations a question asks for, by the registry's kg:askedBy words: the longest match first (the most
    specific words), then the earliest, then those whose verb the question uses. Each distinct pattern is searched
    once, and only when the question has one of the words it needs."""
    searched = {at for w, places in cues.needing if w in text for at in places}.union(cues.always)
    found: dict[str, tuple[int, int]] = {}  # each relation's longest, then earliest, match
    for at in searched:
        m = cues.patterns[at][0].search(text)
        if m:
            key = (-len(m.group()), m.start())
            for name in cues.asking[at]:
                if name not in found or key < found[name]:
                    found[name] = key
    rels = sorted(found, key=lambda n: (found[n], not cues.verbs[n].search(text), n)) if len(found) > 1 else [*found]
    if ALIAS.search(text):
        rels.insert(0, "alias")
    if RELATED.search(text):
        rels.append("related")
    return rels


def keywords(text: str, mentions: list[Mention]) -> set[str]:
    """Content words the answer should speak to, with a few synonyms ('long' -> time, minutes ...)."""
    words = normalise(text).split()
    covered = {i for m in mentions for i in range(m.start, m.end)}
    out: set[str] = set()
    for i, w in enumerate(words):
        w = w.strip(".?!,")
        if i in covered or w in STOP or len(w) < 3:
            continue
        out.add(w)
        out.update(SYNONYMS.get(w, ()))
    return out


def between_or(text: str, mentions: list[Mention]) -> bool:
    """'SNS or EventBridge?': an 'or' between the first two names, not 'which API does a producer or an app use'."""
    if len(mentions) < 2:
        return False
    words = text.split()
    first, second = sorted(mentions[:2], key=lambda m: m.start)
    return any(w == "or" and first.end <= i < second.start for i, w in enumerate(words))


def relative_clause(text: str) -> bool:
    """'the service that ...', 'images which ...': a clause that says which thing is asked about (RELATIVE, or
    THAT_CLAUSE, whose matches need one of those words after a space)."""
    if " that" not in text and " which" not in text and " who" not in text:
        return False
    return bool(RELATIVE.search(text) or THAT_CLAUSE.search(text))


def parse(question: str, mentions: list[Mention], cues: Cues, text: str = "") -> Intent:
    """`text`: the question normalised, when the caller has it."""
    text = text or normalise(question)
    rels = relations_in(text, cues)
    kw = keywords(question, mentions)
    criterion = m.group(2) if (m := CRITERION.search(text)) else ""
    if not mentions:
        return Intent("unknown", rels, kw)
    two = len(mentions) >= 2
    either = between_or(text, mentions) and bool(question.rstrip().endswith("?") or CHOOSING.search(text))
    if two and ((COMPARE.search(text) and "or" not in text.split()) or either):
        if not criterion and either:
            criterion = text.split(",")[0] if "," in text else ""
        return Intent("comparison", rels, kw, criterion)
    relative = relative_clause(text)
    if HOW_MUCH.search(text) and not relative:
        return Intent("attribute", [r for r in rels if r in MEASURED] or ["has_limit"], kw)
    real = [r for r in rels if r != "related"]
    if relative or (two and real and "relat" not in text):
        return Intent("path", rels, kw)
    if two:
        return Intent("relation", rels or ["related"], kw)
    if "alias" in rels:
        return Intent("definition", ["alias"], kw)
    if ATTRIBUTE.search(text) and any(r in MEASURED for r in real):
        return Intent("attribute", real, kw)
    if DEFINE.search(text) and not real:
        return Intent("definition", [], kw)
    if LIST.search(text) and real:
        return Intent("list", real, kw)
    if real:
        return Intent("relation", real, kw)
    return Intent("definition", [], kw)
