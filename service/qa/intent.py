"""What a question asks: its kind, the relations it names, the words it wants matched, any criterion."""

import re
import tomllib
from dataclasses import dataclass, field

from kg.locations import DATA_DIR
from kg.ontology import Ontology, load_ontology
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

    @property
    def asked(self) -> list[str]:
        """The words a lead-in about the question would use: its content words and its cues."""
        return self.words + [c for c in self.cues if c not in self.words]

    @property
    def asks_figure(self) -> bool:
        return bool(FIGURE.search(self.norm))


@dataclass
class Intent:
    kind: str  # definition | attribute | list | relation | path | comparison | unknown
    relations: list[str] = field(default_factory=list)
    keywords: set[str] = field(default_factory=set)
    criterion: str = ""


@dataclass(frozen=True)
class Cues:
    """The registry's question words (kg:askedBy) and each relation's verb phrase, compiled once per ontology."""

    asked: tuple[tuple[str, re.Pattern[str]], ...]
    verbs: dict[str, re.Pattern[str]]


_CUES: dict[int, Cues] = {}


def _cues(ontology: Ontology) -> Cues:
    if id(ontology) not in _CUES:
        rels = sorted(ontology.relations.items())
        _CUES[id(ontology)] = Cues(
            tuple((name, re.compile(pattern)) for name, rel in rels for pattern in rel.asked_by),
            {name: _verb_pattern(ontology.verb(name)) for name, _ in rels},
        )
    return _CUES[id(ontology)]


def _verb_pattern(verb: str) -> re.Pattern[str]:
    """A relation's verb phrase in any person: 'run on' for 'runs on'."""
    words = [re.escape(w[:-1] if w.endswith("s") and len(w) > 3 else w) for w in verb.split()]
    return re.compile(r"\b" + r"\s+".join(w + r"(s|es)?" for w in words) + r"\b")


def relations_in(text: str, ontology: Ontology | None = None) -> list[str]:
    """The relations a question asks for, by the registry's kg:askedBy words: the longest match first (the most
    specific words), then the earliest, then those whose verb the question uses."""
    cues = _cues(ontology or load_ontology())
    found: dict[str, tuple[int, int]] = {}
    for name, pattern in cues.asked:
        m = pattern.search(text)
        if m and (name not in found or (-len(m.group()), m.start()) < found[name]):
            found[name] = (-len(m.group()), m.start())
    rels = sorted(found, key=lambda n: (found[n], not cues.verbs[n].search(text), n))
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
    words = text.split()
    if len(mentions) < 2:
        return False
    first, second = sorted(mentions[:2], key=lambda m: m.start)
    return any(w == "or" and first.end <= i < second.start for i, w in enumerate(words))


def parse(question: str, mentions: list[Mention]) -> Intent:
    text = normalise(question)
    rels = relations_in(text)
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
    relative = bool(RELATIVE.search(text) or THAT_CLAUSE.search(text))
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
