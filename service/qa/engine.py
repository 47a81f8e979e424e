"""Answering questions from the graph, with the facts, evidence and SPARQL behind every answer.

Each kind of question runs prepared SPARQL queries (kg.queries) bound to the entities and relations it
names; paths use the networkx projection. The question's own content words must be found in what the
notes say: when the graph lacks the entity, the relation or those words, the answer abstains and says so.
"""

import math
import re
from collections import defaultdict
from collections.abc import Callable, Container, Iterable
from dataclasses import dataclass, field, fields, replace
from functools import lru_cache
from itertools import zip_longest
from typing import Any

from rapidfuzz import fuzz
from rdflib import URIRef
from rdflib.namespace import RDFS

from kg.confidence import clean
from kg.facts import FactRecord as Fact
from kg.lexicon import english_words, lemma
from kg.model import local_name, relation_iri, snake
from kg.namespaces import KG
from kg.ontology import Ontology
from kg.paths import shortest_paths
from kg.queries import CONTRASTS, FACTS_PO, FACTS_SP, NamedQuery
from kg.snapshot import Snapshot
from service.qa.intent import (
    CUES,
    FRAME,
    GENERIC_KEYWORDS,
    SYNONYMS,
    Cues,
    Intent,
    Question,
    Topic,
    parse,
    relations_in,
)
from service.qa.kinds import KINDS
from service.qa.memo import ByRow, Memo
from service.qa.names import STOP, Mention, NameIndex, normalise
from service.qa.outline import LeadIn, bare, items_of, lead_ins, render, section
from service.qa.statements import (
    NEGATION,
    NUMBERED,
    WORD,
    Hit,
    Statement,
    StatementIndex,
    is_lead,
    stem,
    stems_of,
    tokens,
)
from service.qa.worked_file import worked

ABSTAIN = "I don't know: that is not in the knowledge base."
MAX_TEXT, MAX_COMPARISON, MAX_QUOTES = 1200, 2500, 5
COMPARES = re.compile(r"\b(is|are) (not|different|similar|unlike|like|better|worse|more|less)\b")
DEFINES = re.compile(
    r"^(definition:|(it|this) (is|are) (an?|the|where|when|what|how|one)\b|(it|this) means\b|is an?\b)"
)
FIGURE_IN = re.compile(r"(?<![A-Za-z])\d|\b(two|three|four|five|ten|hundred|thousand|million|billion)\b", re.I)
UNITS = (  # what a figure question asks for, and how the notes write such a figure
    (
        re.compile(r"how often|\bfrequency\b"),
        re.compile(r"\bevery\b|\b(hourly|daily|weekly|monthly|yearly)\b|\d+ times"),
    ),
    (
        re.compile(r"\b(cost|costs|price|priced|charge|charges|pay)\b|how much"),
        re.compile(r"[$€£] ?\d|\d+ ?(cents?|usd)\b"),
    ),
    (
        re.compile(r"how long|\b(retention|retain|duration|timeout)\b"),
        re.compile(r"\d+\s*-?\s*(ms|seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?)\b"),
    ),
    (re.compile(r"\b(size|large|big|bytes)\b"), re.compile(r"\d+(\.\d+)?\s*(bytes?|[kmgtp]i?b)\b")),
)
UNIT_ASKED = re.compile(r"how many (kb|mb|gb|tb|bytes|ms|seconds|minutes|hours|days|weeks|months|years)\b")
RATE = re.compile(r"\bper (second|minute|hour|day|week|month|year|request|gb)")
LABEL_WORDS = 4  # 'Amazon ECR (Elastic ...)': the label before a ':' is a name of a few words
EMPHASIS = re.compile(r"\*\*|❗|⚠|\bimportant\b", re.I)  # the author marks a key point
COUNT_REACH = 3  # a count is a number at most this many words before the counted word: 'up to 500 records'
FIGURE_FRAME = frozenset("one often times frequency have has contain contains hold holds number amount".split())
REFERS = re.compile(  # 'X runs on some Y service - what does that service ...': the second clause refers back
    r"(?i)^(?P<first>[^?]+?)\s+[-–—;]\s+(?P<second>(?:what|which|who|where|how)\b.*?\bthat (?P<noun>\w+)\b.*)$"
)
REFERS_CUT = re.compile(r"\s[-–—;]\s")  # what REFERS needs between its clauses, found without backtracking
SCOPE = re.compile(  # 'In the serverless API example, which ...': a scope, then its question
    r"(?i)^\s*(?:in|within) (?:the |an? )?([^,?]{3,60}),\s*((?:what|which|who|where|how|does|do|is|are|can)\b.+)$"
)
MANNER = re.compile(r"^how (is|are) ")  # 'how is X billed': the notes' list under 'X Billing:', if trusted
ASKS_WHICH = re.compile(r"^(which|what)\b")
ASKS_WHAT = re.compile(r"^(what|who)('s| is| are| does)\b")
QUESTION_START = re.compile(
    r"(?i)\s*(what|which|who|where|when|how|why|is|are|was|were|does|do|did|can|could|should|will|would|has|have|"
    r"must|may|tell|give|list|name|explain|describe|summari[sz]e|compare|define)\b"
)
STEPS = re.compile(r"\bsteps?\b|walk me through|\bin order\b")
VERSUS = re.compile(r"\bvs\.?\b|\bversus\b|\bcompared\b|\bdifferences?\b", re.I)
SIDES = re.compile(r"\bvs\.?\b|\bversus\b|\bor\b|\band\b|\bfrom\b|\bwith\b|:")
CONTRAST = re.compile(r"\b(whereas|while|unlike|than|instead|but|vs)\b", re.I)
FRAMES = frozenset("compare comparison differ differs difference different better which should".split())
ARROW = re.compile(r"\s*(?:->|→|=>|⇒|-->)\s*|\s+>\s+")
REASONS = ("benefit", "advantage", "pro", "because", "cheap", "popular", "easy", "no", "only", "fast", "scale")
AND = re.compile(r"\sand\s")  # PARTS's 'and' between two questions, in a lower-case question
PARTS = re.compile(
    r"(?:,\s*(?:and\s+)?|\s+and\s+|\?\s+)(?=(?:what|which|who|where|when|how|why|does|do|is|are|can)\b)", re.I
)
DAMAGED_NUMBER = re.compile(r"\d{4,},\d{3}\b|\b[A-Z]{3,}, ?\d{3}\b")  # '4000,000', 'LOOD, 000': OCR damage
DAMAGED_WORD = re.compile(r"\b\d[a-z]{3,}\b")  # '3mages': OCR read a letter as a digit
MAX_ROWS = 6  # aspects in a comparison
MAX_HOPS = 2  # a longer chain between two names says little about how they relate
RARE = 0.05  # a word in at most this share of the statements can name what a question is about
NEGATION_REACH = 4  # a negation this many words before a word of the question negates it
DEFINING = (
    "is_a", "abstraction_over", "runs_on", "launches", "runs", "stores", "stored_in", "requires",
    "has_property", "has_limit", "pricing", "use_case", "preferred_for", "example_of", "pioneered",
)  # fmt: skip
COMPARED = (
    "is_a", "has_limit", "has_property", "scales", "pricing", "runs_on", "depends_on", "launches",
    "preferred_for", "use_case", "supports_language", "defined_as",
)  # fmt: skip
MINUTES = {"ms": 1 / 60000, "s": 1 / 60, "sec": 1 / 60, "second": 1 / 60, "min": 1, "minute": 1,
           "h": 60, "hr": 60, "hour": 60, "day": 1440}  # fmt: skip
NON_WORD = re.compile(r"[\W_]+")
SPACES = re.compile(r"\s+")
LATER_WORD = re.compile(r"(?<=\s)[\w.+#-]+")  # a word after the first
CAPITAL_OR_DIGIT = re.compile(r"[A-Z0-9]")
LETTERS = re.compile(r"[A-Za-z]+")
NON_LETTER = re.compile(r"[^a-z]")
DIGIT = re.compile(r"\d")
ACTS = re.compile(r"(run|trigger|launch|store|use|support|expose|host)")
ASKS_WHICH_WHO = re.compile(r"^(what|which|who)\b")
CLAUSE = re.compile(r"(?<=\w )(that|which|who)\b(.*)")
LOWER_WORD = re.compile(r"[a-z]{3,}")
ACRONYM = re.compile(r"\b[A-Z]{2,5}\b")
MARKED = re.compile(r"\*\*|__|`")
BRACKETED_OR_MARKED = re.compile(r"\s*\([^)]*\)|\*\*|__|`")
CELLS = re.compile(r" \| | vs\.? ")
WH_WORD = re.compile(r"(?i)(what|which|who|where|when|how|why)$")
DOUBLED = re.compile(r"\b(\w{3,}) \1\b", re.I)  # 'Container Container'
WORD3 = re.compile(r"[A-Za-z]{3,}")
WORD2 = re.compile(r"[A-Za-z]{2,}")
DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*-?\s*(ms|seconds?|secs?|s|minutes?|mins?|hours?|hrs?|h|days?)\b")


@dataclass
class Answer:
    question: str
    answered: bool
    kind: str
    answer: str
    entities: list[dict[str, str]] = field(default_factory=list)
    facts: list[dict[str, Any]] = field(default_factory=list)
    evidence: list[dict[str, Any]] = field(default_factory=list)
    sparql: list[str] = field(default_factory=list)
    comparison: dict[str, Any] | None = None
    suggestions: list[str] = field(default_factory=list)
    points: list[dict[str, Any]] = field(default_factory=list)  # key points: text, source, line
    steps: list[str] = field(default_factory=list)  # a process, in order
    verdict: str = ""  # yes/no questions: yes | no | unknown

    def to_dict(self) -> dict[str, Any]:
        """The answer as JSON-ready data (its fields already hold plain lists and dicts: no deep copy)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


class _Run:
    """One question's trip through the graph: the queries it ran and the facts it used."""

    def __init__(self, qa: "QA") -> None:
        self.qa = qa
        self.sparql: list[str] = []
        self.said: set[str] = set()  # the texts in self.sparql
        self.used: list[Fact] = []
        self.used_ids: set[int] = set()  # the facts in self.used, by identity

    def _query(self, q: NamedQuery, **bindings: URIRef) -> list[dict[str, Any]]:
        key = (q.name, tuple(sorted(bindings.items())))
        self.show(self.qa.shown(q, key, lambda: bindings))
        rows = self.qa.results.get(key)
        if rows is None:  # the snapshot does not change while it is served: results can be kept
            rows = self.qa.results[key] = q.run(self.qa.snapshot.store, **bindings)
        return rows

    def objects(self, subject: str, relation: str) -> list[Fact]:
        """Facts (subject, relation, ?) with their evidence, best supported first."""
        if relation not in self.qa.relations_of.get(subject, ()):
            return []
        text, facts = self.qa.told_of(subject, relation)
        self.show(text)
        return list(facts)

    def subjects(self, relation: str, obj: str) -> list[Fact]:
        """Facts (?, relation, object)."""
        if relation not in self.qa.relations_to.get(obj, ()):
            return []
        text, facts = self.qa.told_to.get((obj, relation), lambda: self.qa.told_by(relation, obj))
        self.show(text)
        return list(facts)

    def show(self, text: str) -> None:
        """A bound query for the answer to show, once (the facts it gives were read at load)."""
        if text not in self.said:
            self.said.add(text)
            self.sparql.append(text)

    def all_of(self, subject: str) -> list[Fact]:
        found: list[Fact] = []
        said = self.said
        for text, facts in self.qa.told_all.get(subject, lambda: self.qa.told_all_of(subject)):
            if text not in said:  # show(text), inline
                said.add(text)
                self.sparql.append(text)
            found += facts
        return found

    def show_all(self, subject: str) -> None:
        """all_of's queries shown, its facts not gathered."""
        said = self.said
        for text, _ in self.qa.told_all.get(subject, lambda: self.qa.told_all_of(subject)):
            if text not in said:  # show(text), inline
                said.add(text)
                self.sparql.append(text)

    def contrasts(self, a: str, b: str) -> list[str]:
        if "compared_with" not in self.qa.relations_of.get(a, ()):
            return []
        rows = self._query(CONTRASTS, e=URIRef(a))
        return list(self.qa.contrasted.get((a, b), lambda: contrasts_with(rows, b)))

    def use(self, facts: list[Fact]) -> list[Fact]:
        for f in facts:
            if id(f) not in self.used_ids:  # one record per fact (FactsBy): its id is its own
                self.used_ids.add(id(f))
                self.used.append(f)
        return facts


class _Reads:
    """Stands in for a run where a comparison's graph-only work is kept (QA.side): the entities whose facts it
    read, in order, for a run to show their queries later."""

    def __init__(self) -> None:
        self.read: list[str] = []

    def show_all(self, subject: str) -> None:
        self.read.append(subject)


@dataclass(frozen=True)
class Compared:
    """What comparing two entities reads from the graph, whatever the question: the column order of the notes'
    table that compares them, and each side's facts per compared relation (QA.comparison)."""

    columns: tuple[str, str] | None
    sides: dict[str, dict[str, list[Fact]]]


class FactsBy:
    """Facts by (entity, relation), read one entity's table at a time on first need and kept (QA.by_subject,
    QA.by_object): `get` as a dict's."""

    def __init__(self, table: Callable[[str], dict[str, list[Fact]]]) -> None:
        self.table = table
        self.tables: dict[str, dict[str, list[Fact]]] = {}

    def of(self, entity: str) -> dict[str, list[Fact]]:
        kept = self.tables.get(entity)
        if kept is None:  # two threads may both read it: the first kept is everyone's, so a fact is one object
            kept = self.tables.setdefault(entity, self.table(entity))
        return kept

    def get(self, key: tuple[str, str], default: list[Fact]) -> list[Fact]:
        entity, relation = key
        return self.of(entity).get(relation, default)


def contrasts_with(rows: list[dict[str, Any]], b: str) -> tuple[str, ...]:
    """The contrasts of the CONTRASTS rows that are with `b`, the points most notes make first."""
    counts: dict[str, int] = defaultdict(int)
    for r in rows:
        if str(r["other"]) == b:
            counts[str(r["contrast"])] += 1
    return tuple(sorted(counts, key=lambda c: (-counts[c], c)))


class QA:
    """Built once per graph snapshot; `ask` is then cheap and side-effect free."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        self.services = services_of(snapshot.ontology)
        self.names = NameIndex(snapshot.entities, self.services)
        self.index = StatementIndex(snapshot.statements, worked(snapshot, self.names))
        self.by_subject = FactsBy(self.stated_of)  # read one entity at a time, with their evidence, on first need
        self.by_object = FactsBy(self.stated_to)
        self.relations_of: dict[str, set[str]] = defaultdict(set)
        self.relations_to: dict[str, set[str]] = defaultdict(set)
        for f in snapshot.keys:
            self.relations_of[f.subject].add(f.predicate)
            if f.object_is_entity:
                self.relations_to[f.object].add(f.predicate)
        self.relations_listed = {e: sorted(rels - {"compared_with"}) for e, rels in self.relations_of.items()}
        self.labels = {iri: ent.label for iri, ent in snapshot.entities.items()}  # label(), by IRI
        self.lookups()
        self.prepare()

    def lookups(self) -> None:
        """What questions look up on this graph, kept here and nowhere else: the registry's question words compiled,
        and each memo of what is worked out once per graph item (an entity, a statement row, a fact, a query's
        bindings, a text of the notes, a pair of them) on first need; one per item is kept whole (Memo(None)). No
        memo holds an answer or a reading of a question; the name patterns are keyed by a topic's label, which may
        be a phrase of one."""
        self.cues = Cues.of(self.snapshot.ontology)
        self.results: dict[tuple[str, tuple[tuple[str, URIRef], ...]], list[dict[str, Any]]] = {}
        self.told: Memo[tuple[str, str], tuple[str, list[Fact]]] = Memo(None)  # (subject, relation) -> _Run.objects
        self.told_to: Memo[tuple[str, str], tuple[str, list[Fact]]] = Memo(None)  # (object, relation) -> _Run.subjects
        self.told_all: Memo[str, list[tuple[str, list[Fact]]]] = Memo(None)  # subject -> _Run.all_of, by relation
        self.defining: Memo[str, re.Pattern[str]] = Memo()  # a topic's label -> 'X is ...'
        self.said: Memo[tuple[str, str], bool] = Memo()  # (entity, value) -> whether a fact of it says the value
        self.sections_of: Memo[str, list[Statement]] = Memo(None)  # entity -> QA.sectioned
        self.side_names: Memo[tuple[str, str | None], tuple[re.Pattern[str], list[str]]] = Memo()
        self.inline_ok: Memo[int, bool] = Memo(None)  # statement row -> QA.inlines
        self.hays: Memo[int, tuple[Fact, str, frozenset[str]]] = Memo(None)  # a fact's id -> the text QA.score searches
        self.readable_as: Memo[tuple[str, bool], bool] = Memo()  # (text, inflected) -> QA.reads
        self.versus: list[Statement] | None = None
        self.pools: Memo[str, tuple[list[Statement], dict[int, int], bool]] = Memo(None)  # entity -> QA.point_pool
        self.defined: Memo[str, list[Statement]] = Memo(None)  # entity -> QA.definers
        self.name_patterns: Memo[tuple[str, str | None], re.Pattern[str]] = Memo()  # topic -> QA.name_at's names
        self.homes: Memo[str, list[Statement]] = Memo(None)  # entity -> QA.leads_at_home
        self.placed: Memo[str, tuple[list[Fact], dict[tuple[Any, Any], list[int]]]] = Memo(None)  # QA.facts_by_place
        self.counting: Memo[int, frozenset[str]] = Memo(None)  # statement row -> QA.counted
        self.alike: Memo[tuple[int, int], bool] = Memo()  # two statement rows -> QA.near_same
        self.restated: Memo[tuple[str, str], bool] = Memo()  # two contrasts as shown -> QA.restates
        self.support: Memo[int, int] = Memo(None)  # a fact's id -> QA.unsupported
        self.near_values: Memo[tuple[int, int], bool] = Memo()  # two facts' ids -> QA.near_value
        self.weakness: Memo[int, bool] = Memo(None)  # a fact's id -> QA.weak
        self.shown_text: Memo[tuple[object, ...], str] = Memo(None)  # a query's name and bindings -> its text shown
        self.contrasted: Memo[tuple[str, str], tuple[str, ...]] = Memo()  # (a, b) -> _Run.contrasts
        self.compared: Memo[tuple[str, str], Compared] = Memo()  # (a, b) -> QA.comparison's facts of each side
        self.mentions: Memo[str, list[Statement]] = Memo()  # a heading or lead item -> the statements naming it
        self.sourced: Memo[int, tuple[Fact, tuple[str, ...]]] = Memo(None)  # a fact's id -> QA.sources
        self.points: Memo[tuple[str, str, int, frozenset[int]], list[Statement]] = Memo()  # QA.key_points, no words
        self.well_known: Memo[str, bool] = Memo(None)  # entity -> a dozen facts of the DEFINING relations or more
        self.hays_of: Memo[str, list[tuple[Fact, str, frozenset[str]]]] = Memo(None)  # entity -> QA.hay of all_of
        self.prefix_rows: Memo[str, dict[str, list[int]]] = Memo(None)  # entity -> rows_by_prefix of its hays_of
        self.chains: Memo[tuple[str, str], list[list[str]]] = Memo()  # (a, b) -> QA.between's shortest path
        self.side_named: Memo[tuple[str, str | None, str], bool] = Memo()  # (side, text) -> QA.names_side
        self.sided: Memo[tuple[str, str, str, tuple[str, str] | None], tuple[str, tuple[str, ...]]] = Memo()

    def prepare(self) -> None:
        """What questions look up by statement row, each row worked out the first time a question reaches it: the
        entities its text and its place (lead item, heading) name, the services among them, whether it only names a
        concept and how it may define one. What is made per entity (its points, definitions, contrasts), per fact
        (the text it is scored on) and for the whole graph (BM25 weights, the paths' graph, the word lists) is made
        on first use too and kept: opening a graph costs what every question needs, not what some may."""
        rows = self.index.statements
        services = self.services
        entities = self.snapshot.entities

        def served(named: ByRow[frozenset[str]]) -> ByRow[frozenset[str]]:
            return ByRow(
                len(rows), lambda i: frozenset(e for e in named[i] if e in entities and entities[e].type in services)
            )

        self.named_text = ByRow(len(rows), lambda i: self.names.named_in(rows[i].text))
        self.named_place = ByRow(len(rows), lambda i: self.names.named_in(_place(rows[i])))
        self.served_text = served(self.named_text)
        self.served_place = served(self.named_place)
        self.name_rows = ByRow(len(rows), lambda i: rows[i].text.lower() in self.index.names)  # is_name, by row
        self.defines_rows = ByRow(len(rows), lambda i: _defines(rows[i].text.lower()))  # True, False or None
        self.bare_rows = ByRow(len(rows), lambda i: bare(rows[i].text))  # each as a name (own_places)
        self.owner_rows = ByRow(len(rows), lambda i: self.names.exact.get(normalise(self.bare_rows[i])))
        self.section_rows: dict[str, list[int]] = defaultdict(list)  # entity -> rows whose section names it
        for st in rows:
            if st.record.kind != "cell":
                for iri in self.names.named_in(st.section.replace(" > ", " . ")):
                    self.section_rows[iri].append(st.index)

    def stated_of(self, subject: str) -> dict[str, list[Fact]]:
        """by_subject's table of one entity: its stated facts by relation, the best supported first."""
        table: dict[str, list[Fact]] = defaultdict(list)
        for fact in _ranked(self.snapshot.stated_about(subject)):
            table[fact.predicate].append(fact)
        return dict(table)

    def stated_to(self, obj: str) -> dict[str, list[Fact]]:
        """by_object's table of one entity: the stated facts whose object it is, by relation, in _ranked's order
        of all the facts; the same records as by_subject's."""
        found = [
            f
            for subject in self.snapshot.subjects_of(obj)
            for facts in self.by_subject.of(subject).values()
            for f in facts
            if f.object_is_entity and f.object == obj
        ]
        table: dict[str, list[Fact]] = defaultdict(list)
        for fact in _ranked(sorted(found, key=lambda f: (f.subject, f.predicate, f.object))):
            table[fact.predicate].append(fact)
        return dict(table)

    def shown(self, q: NamedQuery, key: tuple[object, ...], bindings: Callable[[], dict[str, URIRef]]) -> str:
        """A query's text with its bindings written in, once per key (a query with the same bindings)."""
        return self.shown_text.get(key, lambda: q.shown(**bindings()))

    def told_of(self, subject: str, relation: str) -> tuple[str, list[Fact]]:
        """The query that reads the facts (subject, relation, ?), as shown, and those facts (read at load)."""
        return self.told.get((subject, relation), lambda: self._told_of(subject, relation))

    def _told_of(self, subject: str, relation: str) -> tuple[str, list[Fact]]:
        key = (FACTS_SP.name, subject, relation)
        text = self.shown(FACTS_SP, key, lambda: {"s": entity_ref(subject), "p": relation_iri(relation)})
        return text, self.by_subject.get((subject, relation), [])

    def told_by(self, relation: str, obj: str) -> tuple[str, list[Fact]]:
        """The query that reads the facts (?, relation, object), as shown, and those facts."""
        key = (FACTS_PO.name, obj, relation)
        text = self.shown(FACTS_PO, key, lambda: {"p": relation_iri(relation), "o": entity_ref(obj)})
        return text, self.by_object.get((obj, relation), [])

    def told_all_of(self, subject: str) -> list[tuple[str, list[Fact]]]:
        """_Run.all_of's queries and facts, relation by relation."""
        return [self.told_of(subject, r) for r in self.relations_listed.get(subject, ())]

    def all_facts(self, subject: str) -> list[Fact]:
        """_Run.all_of's facts, in its order."""
        return [f for _, facts in self.told_all.get(subject, lambda: self.told_all_of(subject)) for f in facts]

    # -------------------------------------------------------------- wording

    def type_label(self, type_: str) -> str:
        label = self.snapshot.ontology.graph.value(KG[type_], RDFS.label)
        return str(label) if label else snake(type_).replace("_", " ")

    def label(self, iri: str) -> str:
        return self.labels.get(iri, iri)

    def obj(self, fact: Fact) -> str:
        return self.label(fact.object) if fact.object_is_entity else fact.object

    def sentence(self, subject: str, relation: str, objects: list[str]) -> str:
        verb = self.snapshot.ontology.verb(relation)
        distinct = {squashed(o): o for o in reversed(objects)}  # "a,and b" ~ "a, and b"
        return f"{self.label(subject)} {verb} {'; '.join(reversed(distinct.values()))}."

    def say(self, fact: Fact) -> str:
        return self.sentence(fact.subject, fact.predicate, [self.obj(fact)]).rstrip(".")

    @staticmethod
    def quote(fact: Fact) -> str:
        return " The notes say: “" + SPACES.sub(" ", str(fact.evidence[0]["text"])).strip(" •-·") + "”."

    def score(self, fact: Fact, stems: "set[str] | list[frozenset[str]]") -> int:
        """How many of the question's words (each a group of stems: a word and its synonyms) the fact, its
        relation, value, evidence and section speak to."""
        return self.speaks(fact, stem_groups(stems))

    def speaks(self, fact: Fact, groups: "list[tuple[frozenset[str], tuple[str, ...]]]") -> int:
        """QA.score with the stems already grouped (stem_groups): a plain stem is one set look-up."""
        _, hay, prefixes = self.hay(fact)
        return spoken(groups, hay, prefixes)

    def hay(self, fact: Fact) -> tuple[Fact, str, frozenset[str]]:
        """The text QA.score searches for a fact (its relation, value, subject, evidence and sections), with
        the starts of its words."""
        kept = self.hays.get(id(fact), lambda: self._hay(fact))
        return kept if kept[0] is fact else self._hay(fact)  # kept with its fact, so the id is never another's

    def _hay(self, fact: Fact) -> tuple[Fact, str, frozenset[str]]:
        hay = " ".join(
            [fact.predicate.replace("_", " "), self.obj(fact), self.label(fact.subject)]
            + [f"{e['text']} {e.get('section', '')}" for e in fact.evidence]
        ).lower()
        return (fact, hay, word_prefixes(hay))

    @staticmethod
    def wanted(intent: Intent) -> list[frozenset[str]]:
        """One group of stems per content word of the question: the word and its synonyms."""
        groups = []
        for w in sorted(intent.keywords):
            if w in SYNONYMS:
                groups.append(frozenset(stem(x) for x in (w, *SYNONYMS[w])))
            elif w not in GENERIC_KEYWORDS and not any(w in SYNONYMS.get(k, ()) for k in intent.keywords):
                groups.append(frozenset([stem(w)]))
        return groups

    def search(
        self, subject: str, stems: list[frozenset[str]], run: _Run, facts: list[Fact] | None = None
    ) -> list[Fact]:
        """The facts about `subject` that speak to the question's words: at least half of them."""
        if not stems:
            return []
        need = max(1, math.ceil(len(stems) / 2))
        groups = stem_groups(stems)
        if facts is None:  # all the subject's facts: read as all_of would, with the text each is scored on
            run.show_all(subject)
            hays = self.hays_of.get(subject, lambda: [self.hay(f) for f in self.all_facts(subject)])
            if not any(other for _, other in groups):  # plain stems only: the facts found by their words' starts
                return self.plain_search(subject, hays, [p for p, _ in groups], need)
        else:
            hays = [self.hay(f) for f in facts]
        if any(other for _, other in groups):
            scored = [(spoken(groups, text, prefixes), f) for f, text, prefixes in hays]
        else:  # plain stems only: one set look-up per word of the question
            plains = [p for p, _ in groups]
            scored = [(sum(1 for p in plains if not prefixes.isdisjoint(p)), f) for f, _, prefixes in hays]
        best = max((s for s, _ in scored), default=0)
        if best < need:
            return []
        return [f for s, f in sorted(scored, key=lambda x: -x[0]) if s >= need][:8]

    def plain_search(
        self, subject: str, hays: list[tuple[Fact, str, frozenset[str]]], plains: list[frozenset[str]], need: int
    ) -> list[Fact]:
        """search() over all of a subject's facts (`hays`) when every stem is plain: the groups each fact has a
        stem of counted from the rows each word start is in, not fact by fact."""
        at = self.prefix_rows.get(subject, lambda: rows_by_prefix(hays))
        counts: dict[int, int] = {}
        for group in plains:
            for i in {i for s in group for i in at.get(s, ())}:
                counts[i] = counts.get(i, 0) + 1
        if max(counts.values(), default=0) < need:
            return []
        best = sorted((i for i, n in counts.items() if n >= need), key=lambda i: (-counts[i], i))
        return [hays[i][0] for i in best[:8]]

    # -------------------------------------------------------------- entry point

    def ask(self, question: str) -> Answer:
        question = question.strip()
        if not question:
            return Answer(question, False, "unknown", "Please ask a question.")
        parts = split_parts(question)
        if len(parts) == 1:
            return self.referring(question) or self.scoped(question) or self.ask_one(question)
        answers: list[Answer] = []
        parts = [parts[0]] + [elided(parts[0], p) for p in parts[1:]]
        for part in parts:
            inherited = answers[0].entities[0]["label"] if answers and answers[0].entities else ""
            linked = self.names.link(part)
            answers.append(self.ask_one(part if linked or not inherited else f"{part} ({inherited})"))
        out = Answer(question, any(a.answered for a in answers), "multi-part", "")
        out.answer = " ".join(f"({i}) {a.answer}" for i, a in enumerate(answers, 1))[:MAX_TEXT]
        for a in answers:
            out.entities += [e for e in a.entities if e not in out.entities]
            out.facts += [f for f in a.facts if f not in out.facts]
            out.evidence += [e for e in a.evidence if e not in out.evidence]
            out.sparql += [q for q in a.sparql if q not in out.sparql]
            out.points += a.points
            out.steps += a.steps
        out.evidence = out.evidence[:MAX_QUOTES]
        return out

    def referring(self, question: str) -> Answer | None:
        """'Batch jobs run on some container service - what does that service run containers on?': 'that
        service' is the name of the first clause that has the word ('container service' -> ECS), when a fact
        links it to the first clause's other name; the fact, then the second question answered of it."""
        m = REFERS.match(question) if REFERS_CUT.search(question) else None
        if not m:
            return None
        named = self.names.link(m.group("first"))
        noun = m.group("noun").lower()
        meant = [x for x in named if noun in x.text.split() or noun.rstrip("s") in x.text.split()]
        if not meant or len(named) < 2:
            return None
        run = _Run(self)
        link = next((f for x in named if x is not meant[0] for f in [self._link(x.iri, meant[0].iri, run)] if f), None)
        if link is None:
            return None
        label = self.label(meant[0].iri)
        second = re.sub(rf"(?i)\bthat {re.escape(noun)}\b", label, m.group("second"))
        answer = self.ask_one(second)
        if not answer.answered:
            return None
        run.use([link])
        answer.question = question
        answer.answer = fit(f"{self.say(link)}. {answer.answer}")
        answer.facts.insert(0, {"subject": self.label(link.subject), "predicate": link.predicate,
                                "object": self.obj(link), "sources": link.sources})  # fmt: skip
        quote = {k: link.evidence[0][k] for k in ("source", "line", "text")} if link.evidence else None
        answer.evidence = ([quote] if quote else []) + [e for e in answer.evidence if e != quote][: MAX_QUOTES - 1]
        return answer

    def scoped(self, question: str) -> Answer | None:
        """'In the serverless API example, which database does Lambda talk to?': the question after its scope,
        kept when its answer's quotes speak to a content word of the scope; else None (the whole is asked)."""
        m = SCOPE.match(question)
        if not m:
            return None
        scope = {t for w in normalise(m.group(1)).split() if w not in STOP for t in tokens(w)}
        answer = self.ask_one(m.group(2))
        quoted = {t for e in answer.evidence for t in tokens(f"{e['text']} {e.get('section', '')}")}
        if not answer.answered or not scope & quoted:
            return None
        answer.question = question
        return answer

    def question(self, text: str) -> Question:
        """The question read: its names, its legacy intent, its topic and its content words."""
        norm = normalise(text)
        said = norm.split()
        mentions = self.names.link(text)
        intent = parse(text, mentions, self.cues, norm)
        covered = {w for m in mentions for w in normalise(m.text).split()}
        words = [
            w.strip(".,;:!?'\"")
            for w in said
            if w not in STOP and w not in FRAME and w not in covered and len(w) >= 3 and w not in self.names.brands
        ]
        cues = [w.strip(".,;:!?") for w in said if w.strip(".,;:!?") in CUES]
        return Question(text, norm, mentions, intent, self.topic(mentions, words, norm), words, cues)

    def topic(self, mentions: list[Mention], words: list[str], norm: str = "") -> Topic | None:
        """The entity asked about; else a phrase of the question that names a concept in the notes (a heading
        or a short list item), such as a topic the graph has no entity for yet; else the question's rarest
        word the notes use."""
        phrase, concept = self.named_phrase(words)
        if mentions and not (phrase and len(phrase.split()) >= 2):
            asked = [m for m in mentions if m.start == 1 and ASKS_WHICH.match(norm)]  # 'which load balancer'
            iri = mentions[1].iri if asked and len(mentions) > 1 else mentions[0].iri
            return Topic(self.label(iri), iri, self.index.about(iri))
        if concept:
            return Topic(concept, None, list(self.mentions.get(concept, lambda: self.index.mentioning(concept))))
        if mentions:
            return None
        used = [w for w in words if self.index.frequency.get(tokens(w)[0] if tokens(w) else "", 0)]
        rare = min(used, key=lambda w: (self.index.frequency[tokens(w)[0]], -len(w)), default="")
        if rare and len(rare) >= 4 and self.index.frequency[tokens(rare)[0]] <= RARE * len(self.index.statements):
            return Topic(rare, None, self.index.mentioning(rare))
        return None

    def named_phrase(self, words: list[str]) -> tuple[str, str]:
        """The longest run of the question's content words that names a heading or lead item of the notes,
        and that heading or item."""
        stems = [stems_of(w) for w in words]  # a phrase's stems are its words' (statements.tokens reads word by word)
        named = self.index.named
        for n in range(min(4, len(words)), 0, -1):
            for i in range(len(words) - n + 1):
                key = stems[i] if n == 1 else sum(stems[i : i + n], ())
                concept = named.get(key, "")
                if concept and (n > 1 or len(words[i]) >= 5):
                    return " ".join(words[i : i + n]), concept
        return "", ""

    def unknown_word(self, q: Question) -> str:
        """A name in the question (written with a capital or a digit inside) that no note uses: 'PostgreSQL'."""
        for raw in LATER_WORD.findall(q.text):
            w = raw.lower().strip(".-")
            if w not in q.words or not CAPITAL_OR_DIGIT.search(raw):
                continue
            stems = stems_of(w)
            if not stems:
                continue
            if not any(self.index.frequency.get(s) for s in stems) and w not in english_words():
                return raw.strip(".-")
        return ""

    def ask_one(self, text: str) -> Answer:
        q = self.question(text)
        run = _Run(self)
        answer = None
        unknown = self.unknown_word(q)
        if unknown:
            answer = Answer(q.text, False, "unknown", f"I don't know: the notes never mention {unknown}.")
            answer.suggestions = self.names.suggest(q.text)
        for kind in KINDS if answer is None else ():
            if kind.detects(q):
                answer = kind.answer(self, q, run)
                if answer is not None:
                    break
        if answer is None:
            answer = self.nothing(q)
        answer.entities = [{"label": self.label(m.iri), "iri": m.iri} for m in q.mentions]
        answer.sparql = run.sparql
        if answer.answered:
            answer.facts = [
                {
                    "subject": self.label(f.subject),
                    "predicate": f.predicate,
                    "object": self.obj(f),
                    "sources": list(self.sources(f)),
                }
                for f in run.used
            ]
            seen = {(e["source"], e["line"]) for e in answer.evidence}
            for f in run.used:
                if len(answer.evidence) >= MAX_QUOTES:  # no more are shown
                    break
                for e in f.evidence:
                    key = (e["source"], e["line"])
                    if key not in seen:
                        seen.add(key)
                        answer.evidence.append({"source": e["source"], "line": e["line"], "text": e["text"]})
            answer.evidence = answer.evidence[:MAX_QUOTES]
        limit = MAX_COMPARISON if answer.kind == "comparison" else MAX_TEXT
        if len(answer.answer) > limit:
            answer.answer = answer.answer[: limit - 1].rsplit(" ", 1)[0] + "…"
        return answer

    def nothing(self, q: Question) -> Answer:
        """No kind could answer: say so in one plain sentence."""
        if q.topic is None:
            answer = Answer(q.text, False, "unknown", f"{ABSTAIN} The notes name nothing this question is about.")
            answer.suggestions = self.names.suggest(q.text)
            return answer
        what = " ".join(q.words) or "that"
        return Answer(
            q.text,
            False,
            q.intent.kind,
            f"I don't know: the notes about {q.topic.label} don't mention {what}.",
            suggestions=[f"What is {q.topic.label}?"],
        )

    # -------------------------------------------------------------- statements

    def groups(self, q: Question) -> list[list[str]]:
        """The question's content words, each with its synonyms."""
        return [[w, *SYNONYMS.get(w, ())] for w in q.words]

    def hits(
        self, q: Question, *, extra: tuple[str, ...] = (), need: int | None = None, ranked: bool = True
    ) -> list[Hit]:
        """The topic's statements that speak to the question's words (StatementIndex.search), else its sections'."""
        assert q.topic is not None
        groups = self.groups(q) + [[w] for w in extra]
        if need is None:
            need = max(1, math.ceil(len(groups) / 2))
        found = self.index.search(q.topic.statements, groups, need=need, ranked=ranked)
        found = [h for h in found if not self.is_name(h.statement) and h.statement.record.kind != "question"]
        if not found and q.topic.iri:  # the statements of its sections: '# Kinesis Data Streams' > '## Limits'
            found = self.index.search(self.sectioned(q.topic.iri), groups, need=need, ranked=ranked)
            found = [h for h in found if not self.is_name(h.statement) and h.statement.record.kind != "question"]
        return found

    def sectioned(self, iri: str) -> list[Statement]:
        """Statements under a heading (at any level) that names the entity, or a narrower one whose name
        contains its name ('Amazon Kinesis Data Streams' for 'Amazon Kinesis'); table cells aside."""
        return self.sections_of.get(iri, lambda: self._sectioned(iri))

    def _sectioned(self, iri: str) -> list[Statement]:
        words = set(tokens(self.label(iri)))
        narrower = {e for e, ent in self.snapshot.entities.items() if words <= set(tokens(ent.label))}
        rows = sorted({i for e in narrower for i in self.section_rows.get(e, ())})
        return [self.index.statements[i] for i in rows]

    def continued(self, shown: list[Statement]) -> list[Statement]:
        """A statement that ends in ':' is followed by what it introduces: the next few lines."""
        out: list[Statement] = []
        for st in shown:
            out.append(st)
            if st.text.endswith(":"):
                after = self.index.statements[st.index + 1 : st.index + 4]
                out += [x for x in after if x.source == st.source and x.section == st.section and x not in out]
        return out[:MAX_QUOTES]

    def is_name(self, st: Statement) -> bool:
        """A heading or lead item that only names its topic: no point to quote."""
        return self.name_rows[st.index]

    def cite(self, answer: Answer, statements: list[Statement], run: _Run | None = None) -> Answer:
        """Quote the statements (and list the facts they state about the topic, when the run is given)."""
        for st in statements:
            e = st.quote()
            if e not in answer.evidence:
                answer.evidence.append(e)
        answer.points = [{"text": st.text, "source": st.source, "line": st.line} for st in statements]
        if run is not None:
            places = {(st.source, st.line) for st in statements}
            subjects = {iri for st in statements for iri in st.record.about}
            entities = self.snapshot.entities
            for iri in sorted(e for e in subjects if e in entities):
                run.show_all(iri)
                facts, at = self.facts_placed(iri)
                run.use([facts[i] for i in sorted({i for place in places for i in at.get(place, ())})])
        return answer

    @staticmethod
    def point(st: Statement) -> str:
        return f"{st.text.rstrip('.')} ({st.source}:{st.line})"

    def key_points(self, q: Question, limit: int, skip: set[int] = frozenset()) -> list[Statement]:  # type: ignore[assignment]
        """A topic's key points: the question's words first, then the items of the topic's own heading or list
        item in the notes' order (a lead-in with what it introduces), then support across notes; near-duplicates
        merged. When the topic has its own section, two places are kept for what other parts of the notes say
        of it by name."""
        topic = q.topic
        assert topic is not None
        named = set(tokens(topic.label))
        words = [w for w in q.words if not set(tokens(w)) <= named]  # not the topic's own words
        if not words and topic.iri is not None:  # the topic's own points alone: once per entity, limit and skip
            key = (topic.label, topic.iri, limit, frozenset(skip))
            return list(self.points.get(key, lambda: self.ranked_points(topic, {}, limit, skip)))
        asked = replace(q, words=words)
        ranked = {h.statement.index: len(h.matched) for h in self.hits(asked, need=1, ranked=False)} if words else {}
        return self.ranked_points(topic, ranked, limit, skip)

    def ranked_points(self, topic: Topic, ranked: dict[int, int], limit: int, skip: Container[int]) -> list[Statement]:
        """key_points with the statements the question's words reach ranked first (row -> words it has)."""
        pool, order, several = self.point_pool(topic)
        candidates = [st for st in pool if st.index not in skip]
        candidates.sort(key=lambda st: -ranked.get(st.index, 0))  # stable: ties stay in the topic's own order
        elsewhere = [st for st in candidates if st.index not in order and self.names_topic(topic, st)]
        room = limit - min(2, len(elsewhere)) if order and not several else limit
        out: list[Statement] = []
        lines: set[tuple[str, int]] = set()  # one point per line
        covered: set[int] = set()
        for st in candidates:
            if st.index in order and len([o for o in out if o.index in order]) >= room:
                continue
            if (st.source, st.line) in lines or st.index in covered:
                continue
            items = {x.index for x in items_of(self.index, st)} if self.inlines(st) else set()
            if (st.text.endswith(":") or self.is_name(st)) and 2 * len(items & {o.index for o in out}) >= len(items):
                continue  # a lead-in whose items are already points
            if not any(self.near_same(st, o) for o in out):
                out.append(st)
                lines.add((st.source, st.line))
                covered |= items
            if len(out) >= limit:
                break
        return out

    def facts_placed(self, iri: str) -> tuple[list[Fact], dict[tuple[Any, Any], list[int]]]:
        """facts_by_place, once per entity."""
        return self.placed.get(iri, lambda: self.facts_by_place(iri))

    def facts_by_place(self, iri: str) -> tuple[list[Fact], dict[tuple[Any, Any], list[int]]]:
        """An entity's facts in _Run.all_of's order, and where each (source, line) of their evidence is among them."""
        facts = [f for r in self.relations_listed.get(iri, ()) for f in self.by_subject.get((iri, r), [])]
        at: dict[tuple[Any, Any], list[int]] = defaultdict(list)
        for i, f in enumerate(facts):
            for e in f.evidence:
                at[(e["source"], e["line"])].append(i)
        return facts, at

    def counted(self, st: Statement) -> frozenset[str]:
        """counted() of a statement's text, once per statement."""
        return self.counting.get(st.index, lambda: counted(st.text))

    def near_same(self, st: Statement, other: Statement) -> bool:
        """Two statements that say nearly the same (token set ratio >= 85); judged once per pair."""
        return self.alike.get(
            (st.index, other.index), lambda: fuzz.token_set_ratio(st.text.lower(), other.text.lower()) >= 85
        )

    def restates(self, point: str, other: str) -> bool:
        """A comparison's point that another already makes (partial ratio >= 90); judged once per pair."""
        return self.restated.get((point, other), lambda: fuzz.partial_ratio(point.lower(), other.lower()) >= 90)

    def point_pool(self, topic: Topic) -> tuple[list[Statement], dict[int, int], bool]:
        """A topic's candidate points in its own order, before a question's words rank them (with the order of its
        own items, and whether several notes speak of it); made once per entity (a topic with an IRI is the
        statements about it)."""
        if topic.iri is not None:
            return self.pools.get(topic.iri, lambda: self._point_pool(topic))
        return self._point_pool(topic)

    def _point_pool(self, topic: Topic) -> tuple[list[Statement], dict[int, int], bool]:
        support = self.index.support
        own = self.own_points(topic)
        order = {st.index: i for i, st in enumerate(own)}
        several = len({st.source for st in topic.statements}) > 1  # notes that agree outrank one note's order
        inside = {x.index for st in own for x in section(self.index, st, 4)}  # shown with their lead-in, or below
        pool = own + [st for st in topic.statements if st.index not in order and st.index not in inside]
        candidates = [
            st
            for st in pool
            if (st.index in order or not self.is_name(st))
            and self.pointable(st)
            and not self.foreign(topic, st)
            and not self.labelled_other(topic, st)
            and (st.index in order or not order or several or self.names_topic(topic, st))  # elsewhere: by name
            and (st.index in order or st.record.kind not in ("row", "cell"))  # a table row has two sides
        ]
        candidates.sort(
            key=lambda st: (
                not several and st.index not in order,
                not self.owns(topic, st),
                -support[st.index],
                not several and order.get(st.index, len(order)),
                not several and not self.defines(topic, st),
                not EMPHASIS.search(st.record.text),
                st.source,
                order.get(st.index, len(order)),
                st.line,
            )
        )
        return (candidates, order, several)

    def own_points(self, topic: Topic) -> list[Statement]:
        """The items of the topic's own heading or list item, one per line: what the author marked first, then
        its plain items and its lead-ins (with their lists) in turn, each in the notes' order."""
        by_line: dict[tuple[str, int], list[Statement]] = {}
        for place in self.own_places(topic):
            for st in self.index.under(place):
                by_line.setdefault((st.source, st.line), []).append(st)
        items = [self.first_of_line(topic, sts) for sts in by_line.values()]
        marked = [st for st in items if EMPHASIS.search(st.record.text)]
        plain = [st for st in items if st not in marked and not items_of(self.index, st)]
        leads = [st for st in items if st not in marked and items_of(self.index, st)]
        turns = [st for pair in zip_longest(plain, leads) for st in pair if st is not None]
        return marked + turns

    def first_of_line(self, topic: Topic, sts: list[Statement]) -> Statement:
        """Of the sentences of one line, the one that leads it: a term's label, else the one naming the topic."""
        return min(
            sts,
            key=lambda st: (st.record.kind != "term", self.name_at(topic, st.text), st.index),
        )

    def aliases(self, topic: Topic) -> list[str]:
        return list(self.snapshot.entities[topic.iri].aliases) if topic.iri in self.snapshot.entities else []

    def name_at(self, topic: Topic, text: str) -> int:
        """Where a text first names the topic (by its label or an alias); far away when it does not."""
        found = self.name_patterns.get((topic.label, topic.iri), lambda: self._name_pattern(topic)).search(text.lower())
        return found.start() if found else len(text) + 1000

    def _name_pattern(self, topic: Topic) -> re.Pattern[str]:
        names = [topic.label] + (list(self.snapshot.entities[topic.iri].aliases) if topic.iri else [])
        either = "|".join(re.escape(n.lower()) for n in sorted(names, key=len, reverse=True))
        return re.compile(rf"\b({either})\b")

    def pointable(self, st: Statement) -> bool:
        """A statement fit to be a point: clean, and a lead-in only with what it introduces."""
        if items_of(self.index, st) and (st.text.endswith(":") or self.is_name(st)):
            return len(items_of(self.index, st)) >= 2 and self.inlines(st)
        return clean_point(st) and not st.text.endswith(":")

    def own_places(self, topic: Topic) -> list[Statement]:
        """The topic's own headings and list items: ones that are its name (or an alias), with items under them."""
        out = []
        for st in topic.statements:
            if st.record.kind not in ("heading", "item", "term") or not self.index.under(st):
                continue
            if topic.iri is None:
                mine = tokens(self.bare_rows[st.index]) == tokens(topic.label)
            else:
                mine = self.owner_rows[st.index] == topic.iri
            if mine:
                out.append(st)
        return out

    def inlines(self, st: Statement) -> bool:
        """Whether a point shows what it introduces: only when every item is readable (an OCR'd page's
        outline is not to be trusted)."""
        return self.inline_ok.get(st.index, lambda: self._inlines(st))

    def _inlines(self, st: Statement) -> bool:
        items = items_of(self.index, st)
        long = [x for x in items if len(x.text.split()) > 3]  # a few words are too few to judge
        said = sum(1 for x in long if self.reads(x.text, inflected=True))
        return bool(items) and not any(debris(x.text) for x in items) and said >= 0.75 * len(long)

    def reads(self, text: str, *, inflected: bool = False) -> bool:
        """readable() with the graph's names, judged once per text."""
        return self.readable_as.get((text, inflected), lambda: readable(text, self.names.exact, inflected=inflected))

    def point_text(self, st: Statement) -> str:
        text = render(self.index, st, 240) if self.inlines(st) else st.text
        return f"{text.rstrip('.')} ({st.source}:{st.line})"

    def names_topic(self, topic: Topic, st: Statement) -> bool:
        """Whether a statement's own text names the topic."""
        if topic.iri is None:
            return topic.label in st.text.lower()
        return topic.iri in self.named_text[st.index]

    def foreign(self, topic: Topic, st: Statement) -> bool:
        """A statement about something else: in another service's place (its heading or lead item), or naming
        other services and not the topic."""
        if topic.iri is None:
            return False
        parent = self.index.parent(st)
        if parent and (parent.text.endswith(":") or is_lead(parent.text)) and parent.record.kind != "heading":
            named = self.named_text[parent.index]  # '- Batch:' / '  - Any runtime ...': Batch's point
            if named and topic.iri not in named and not self.names_topic(topic, st):
                return True
        if self.owns(topic, st):
            return False
        if self.served_place[st.index] - {topic.iri}:  # another service's place
            return True
        return not self.names_topic(topic, st) and bool(self.served_text[st.index] - {topic.iri})

    def labelled_other(self, topic: Topic, st: Statement) -> bool:
        """'ECR: Private Docker Images Repository': a statement whose label (a few words before ':') names
        another entity, and not the topic, is a point about that entity."""
        label, colon, _ = st.text.partition(":")
        if not colon or len(label.split()) > LABEL_WORDS:
            return False
        named = self.names.named_in(label)
        if topic.iri is None:
            return bool(named) and topic.label.lower() not in label.lower()
        return bool(named - {topic.iri}) and topic.iri not in named

    def owns(self, topic: Topic, st: Statement) -> bool:
        """Whether a statement sits in the topic's own place: the graph says it is about it, or its heading or
        lead item names it."""
        if topic.iri is None:
            return topic.label in f"{st.lead.split(':')[0]} {st.heading.split(':')[0]}"
        if topic.iri in st.record.about and st.record.kind:  # kg:about of a passage (evidence subjects are guesses)
            return True
        return topic.iri in self.named_place[st.index]  # 'ECS: a service to run containers'

    def defines(self, topic: Topic, st: Statement) -> bool:
        """'X is ...', 'Definition: ...', 'It is ...': a statement that says what its topic is."""
        said = self.defines_rows[st.index]
        if said is not None:
            return said
        return bool(self.defining.get(topic.label, lambda: self._defining(topic)).match(st.text.lower()))

    def _defining(self, topic: Topic) -> re.Pattern[str]:
        names = [topic.label.lower()]
        if topic.iri:
            names += [a.lower() for a in self.snapshot.entities[topic.iri].aliases]
        either = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
        return re.compile(rf"(the |an? )?({either})\b[^.]{{0,20}}?\b(is|are|means|refers to)\b")

    def head(self, q: Question, run: _Run) -> tuple[str, list[Statement]]:
        """The definition: the alias it stands for and what the graph says it is, or the statement that
        defines it ('X is ...', 'this is where ...' under an item that names X), or the first item under X's
        own heading ('## EventBridge' / '- Serverless event bus/router ...')."""
        topic = q.topic
        assert topic is not None
        defining = self.definers(topic)
        if topic.iri is None:
            if not defining:
                return ("", [])
            text = defining[0].text.rstrip(".")
            said = text if text.lower().startswith(topic.label.lower()) else f"{topic.label}: {text}"
            return (f"{said} ({defining[0].source}:{defining[0].line}).", defining[:1])
        e = topic.iri
        ent = self.snapshot.entities[e]
        shorts = [a for a in (ent.label, *ent.aliases) if a.isupper()]
        names = [a for a in ent.aliases if len(a.split()) > 1 and any(_initials(a, x) for x in shorts)][:1]
        is_a = [f for f in run.objects(e, "is_a") if -self.unsupported(f) >= (2 if defining else 1)][:2]
        run.use(is_a)
        label = ent.label + (f" ({names[0]})" if names else "")
        if is_a:
            return (f"{label} is {'; '.join(self.obj(f) for f in is_a)}.", [])
        if defining:
            return (f"{label}: {defining[0].text.rstrip('.')}.", defining[:1])
        return (f"{label} is {_article(self.type_label(ent.type))}.", [])

    def definers(self, topic: Topic) -> list[Statement]:
        """The statements that say what a topic is, the best first (QA.head); made once per entity."""
        if topic.iri is not None:
            return self.defined.get(topic.iri, lambda: self._definers(topic))
        return self._definers(topic)

    def _definers(self, topic: Topic) -> list[Statement]:
        defining = [
            st
            for st in topic.statements + self.pronoun_definitions(topic)
            if (self.defines(topic, st) or ASKS_WHAT.search(st.heading))
            and not self.is_name(st)
            and st.record.kind != "question"
            and clean_point(st)
        ]
        defining.sort(key=lambda st: (not self.says_name(topic, st), st.source, st.line))
        opening = [
            first
            for place in self.own_places(topic)
            for under in [self.index.under(place)]
            for first in [self.first_of_line(topic, [x for x in under if x.line == under[0].line])]
            if under
            if not items_of(self.index, first) and clean_point(first) and not first.text.endswith(":")
        ][:1]
        if defining and not self.says_name(topic, defining[0]) and opening:
            defining = opening
        return defining or opening

    def says_name(self, topic: Topic, st: Statement) -> bool:
        """A definition that names its topic near its start, or that defines what its parent item names."""
        parent = self.index.parent(st)
        start = st.text[:60]
        if topic.label.lower() in start.lower() or (topic.iri and topic.iri in self.names.named_in(start)):
            return True
        return bool(
            parent and topic.iri and DEFINES.match(st.text.lower()) and self.named_text[parent.index] == {topic.iri}
        )

    def pronoun_definitions(self, topic: Topic) -> list[Statement]:
        """'uses MVCC (...) to handle ...' / '- this is where each transaction has its own version': a child that
        says what 'this' is, under a statement that names the topic and nothing else."""
        if topic.iri is None:
            return []
        return [
            child
            for st in topic.statements
            if self.named_text[st.index] == {topic.iri}
            for child in self.index.under(st)
            if DEFINES.match(child.text.lower())
        ]

    def summary(self, q: Question, run: _Run, *, points: int) -> Answer | None:
        assert q.topic is not None
        head, cited = self.head(q, run)
        said = {(str(e["source"]), int(e["line"])): self.obj(f) for f in run.used for e in f.evidence}
        skip = {st.index for st in cited} | {  # a statement of the topic the head's facts already say whole
            st.index
            for line, text in said.items()
            for st in self.index.on_line.get(line, ())
            if len(text) >= 0.6 * len(st.text) and st in q.topic.statements
        }
        found = self.key_points(q, points, skip)
        if not found and not head:
            return None
        if not found and not run.used:
            return None
        lines = [head] if head else []
        lines += [f"- {self.point_text(st)}" for st in found]
        answer = Answer(q.text, True, "summary" if points > 4 else "definition", fit("\n".join(lines)))
        return self.cite(answer, cited + found, run)

    def definition(self, q: Question, run: _Run) -> Answer | None:
        if "alias" in q.intent.relations or q.words:
            old = self.facts_definition(q.text, q.mentions, q.intent, run) if q.mentions else None
            if old is not None and old.answered:
                return old
            return None if q.words else self.summary(q, run, points=4)
        return self.summary(q, run, points=4)

    def yes_no(self, q: Question, run: _Run) -> Answer | None:
        """Yes when a statement says what the question asks, No when it says it negated; else the notes
        don't say, with the closest statements."""
        assert q.topic is not None
        others = [m for m in q.mentions if m.iri != q.topic.iri]
        direct = [f for m in others for f in run.all_of(q.topic.iri) if f.object == m.iri] if q.topic.iri else []
        if direct and all(self.score(f, [frozenset([stem(w)])]) for w in q.words for f in direct[:1]):
            run.use(direct[:3])
            return Answer(q.text, True, "yes/no", "Yes. " + " ".join(self.say(f) + "." for f in direct[:3]))
        extra = tuple(normalise(m.text) for m in others)
        hits = self.hits(q, extra=extra)
        if not hits:
            near = [h for h in self.hits(q, extra=extra, need=1) if clean_point(h.statement)][:2]
            text = "The notes don't say." + (
                " They say: " + "; ".join(f"“{self.point(h.statement)}”" for h in near) + "." if near else ""
            )
            return self.cite(Answer(q.text, bool(near), "yes/no", text), [h.statement for h in near], run)
        topic = q.topic
        named = [w.lower() for w in LETTERS.findall(" ".join([topic.label, *self.aliases(topic)]))]
        echoes = [w for w in q.words if len(stem(w)) >= 4 and any(n.startswith(stem(w)) for n in named)]
        wanted = len(q.words) - len(echoes) + len(extra)  # 'does EventBridge retain events': 'events' echoes it
        wanted = wanted if wanted <= 3 else wanted - 1  # 'a good fit for long-term storage' ~ 'not suited for ...'

        echoed = {t for w in echoes for t in tokens(w)}
        own = self.index.text_tokens  # each other name asked must be in the statement's own words, not its section's
        full = [
            h
            for h in hits
            if len(h.matched - echoed) >= wanted
            and not self.foreign(topic, h.statement)
            and all(set(tokens(x)) & own[h.statement.index] for x in extra)
        ]
        full.sort(key=lambda h: not self.names_topic(topic, h.statement))  # its own statements first
        said = {negates(h) for h in full if not h.statement.text.count("; ")}  # a table row has two sides
        verdict = "The notes don't say directly."
        if said == {True}:
            verdict = "No."
        elif said == {False} or (said and not negates(full[0])):
            verdict = "Yes."
        found = full or hits
        typed = [h for h in found if clean(h.statement.text, self.names.exact)]  # an OCR'd line only if all are
        shown = [h.statement for h in (typed or found)[:3]]
        text = f"{verdict} The notes say: " + "; ".join(f"“{self.point(st)}”" for st in shown) + "."
        answer = self.cite(Answer(q.text, True, "yes/no", text), shown, run)
        answer.verdict = {"Yes.": "yes", "No.": "no"}.get(verdict, "unknown")
        return answer

    def enumeration(self, q: Question, run: _Run) -> Answer | None:
        """'What does X handle', 'which subscriber types does X support', 'the ways to achieve X': the list the
        notes give under a lead-in about the topic that has most of the question's words."""
        assert q.topic is not None
        found = sorted(self.lead_ins(q), key=lambda x: (-x.matched, not self.trusted(x)))  # clean lists first
        if not found or not found[0].matched or (MANNER.match(q.norm) and not self.trusted(found[0])):
            return None
        lead = found[0].statement
        said = render(self.index, lead, MAX_TEXT - 200, inline=12)
        if not self.names_topic(q.topic, lead) and not self.owns(q.topic, lead):
            said = f"{q.topic.label}: {said}"
        text = f"{said} ({lead.source}:{lead.line})"
        relations = [r for r in q.intent.relations if r != "related"]
        facts = [f for r in relations for f in run.objects(q.topic.iri, r)] if q.topic.iri else []
        listed = self.names.named_in(said)
        more = [
            f
            for f in facts
            if self.obj(f).lower() not in said.lower() and f.object not in listed and self.reads(self.obj(f))
        ]
        if more:  # what other places of the notes give for the relation asked
            run.use(more[:6])
            text += " The notes also list: " + "; ".join(dict.fromkeys(self.obj(f) for f in more[:6])) + "."
        return self.cite(Answer(q.text, True, "list", text), [lead, *found[0].items][:MAX_QUOTES], run)

    def trusted(self, lead: LeadIn) -> bool:
        """A lead-in whose list another note gives too: most of its items are said, in the same words, elsewhere."""
        echo = self.index.echo
        return 2 * sum(echo[x.index] >= 2 for x in lead.items) > len(lead.items)

    def lead_ins(self, q: Question) -> list[LeadIn]:
        """The topic's lead-ins that speak to most of the question's words (the topic's own name aside)."""
        assert q.topic is not None
        topic = q.topic
        named = set(tokens(topic.label))
        words = [w for w in q.asked if not set(tokens(w)) <= named]
        pool = self.leads_at_home(topic)
        if not words:
            return [LeadIn(st, self.index.under(st), 0) for st in self.own_places(topic)]
        found = lead_ins(self.index, pool, words, max(1, math.ceil(len(words) / 2)))
        broader = self.broader(q)
        if not found and broader:  # 'an SNS topic': the lead-ins about SNS, with the word 'topic' asked too
            pool = [st for iri in sorted(broader) for st in self.index.about(iri)]
            named = {t for iri in broader for t in tokens(self.label(iri))} | {
                t for iri in broader for a in self.snapshot.entities[iri].aliases for t in tokens(a)
            }
            own = [w for m in q.mentions for w in normalise(m.text).split() if not set(tokens(w)) & named]
            words = words + [w for w in own if w not in words]
            found = lead_ins(self.index, pool, words, max(1, math.ceil(len(words) / 2)))
        return found

    def leads_at_home(self, topic: Topic) -> list[Statement]:
        """The topic's statements that introduce two or more others, or give examples (outline.lead_ins), and are
        not about something else (QA.foreign); kept per entity."""
        if topic.iri is None:
            return [st for st in topic.statements if self.leads(st)]
        return self.homes.get(
            topic.iri, lambda: [st for st in topic.statements if self.leads(st) and not self.foreign(topic, st)]
        )

    def leads(self, st: Statement) -> bool:
        items = items_of(self.index, st)
        return bool(items) and (len(items) >= 2 or self.index.example_after(st) is not None)

    def process(self, q: Question, run: _Run) -> Answer | None:
        """Numbered steps: an arrow chain, a lead-in's list (numbered lists first), a numbered list, or the
        statements of an example, in order."""
        assert q.topic is not None
        hits = self.hits(q, need=1) if q.words else []
        pool = [h.statement for h in hits] or q.topic.statements
        topic = q.topic
        enough = len(q.words) if len(q.words) <= 2 else len(q.words) - 1  # a chain must be the one asked about
        others = {m.iri for m in q.mentions} - {topic.iri}
        chains = [
            h
            for h in hits
            if len(ARROW.findall(h.statement.text)) >= 2
            and len(h.matched) >= enough
            and others <= self.names.named_in(f"{h.statement.text} . {h.statement.heading}")
        ]
        chains.sort(key=lambda h: (-len(h.matched), not self.names_topic(topic, h.statement)))
        arrows = [h.statement for h in chains]
        if not arrows and others:  # 'the example that starts from S3': a chain about the topic naming the others
            arrows = [
                st
                for st in topic.statements
                if len(ARROW.findall(st.text)) >= 2 and others <= self.names.named_in(st.text)
            ]
        if not q.words:
            arrows = [st for st in topic.statements if len(ARROW.findall(st.text)) >= 2]
            arrows.sort(key=lambda st: not self.names_topic(topic, st))
        listed = sorted(self.lead_ins(q), key=lambda x: (-x.matched, not x.numbered))
        chain_words = len(chains[0].matched) if chains else 0
        if arrows and not (listed and listed[0].numbered and listed[0].matched >= chain_words):
            first = ARROW.split(arrows[0].text)[0]
            label, _, chain = arrows[0].text.partition(": ") if ": " in first else ("", "", arrows[0].text)
            steps = [s.strip(" .") for s in ARROW.split(chain) if s.strip(" .")]
            cited = arrows[:1]
        elif listed:
            lead = listed[0]
            steps = [render(self.index, st, 240).rstrip(".") for st in lead.items]
            steps = [NUMBERED.sub("", s) for s in steps]
            cited, label = [lead.statement, *lead.items][:MAX_QUOTES], lead.statement.text.rstrip(":")
            if not lead.numbered and not STEPS.search(q.norm):  # points about how it works: what it is first
                items = sorted(
                    lead.items, key=lambda st: (not DEFINES.match(st.text.lower()), bool(NEGATION.search(st.text)))
                )
                lines = [f"- {self.point_text(st)}" for st in items]
                text = fit(f"What the notes say under “{label}”:\n" + "\n".join(lines))
                answer = self.cite(Answer(q.text, True, "process", text), [lead.statement, *items][:MAX_QUOTES], run)
                answer.steps = [st.text for st in items[:8]]
                return answer
        else:
            anchor = pool[0] if pool else None
            if anchor is None:
                return None
            block = [
                st for st in self.index.statements
                if st.source == anchor.source and st.section == anchor.section and not self.is_name(st)
                and st.line >= anchor.line - 8
            ][:8]  # fmt: skip
            block = [st for st in block if NUMBERED.match(st.record.text)]  # a numbered list is a list of steps
            if len(block) < 2:
                return None
            steps = [st.text.rstrip(".") for st in block]
            cited, label = block, ""
        text = f"{label or q.topic.label}, step by step:\n" + "\n".join(f"{i}. {s}" for i, s in enumerate(steps[:8], 1))
        answer = self.cite(Answer(q.text, True, "process", fit(text)), cited, run)
        answer.steps = steps[:8]
        return answer

    def why(self, q: Question, run: _Run) -> Answer | None:
        """The reasons, benefits and pros the notes give."""
        assert q.topic is not None
        if len(q.mentions) >= 2:
            compared = self.comparison(q.text, q.mentions, q.intent, run)
            if compared.answered:
                compared.kind = "why"
                return compared
        hits = self.hits(q, extra=REASONS, need=1)
        if not hits:
            return None
        shown = [h.statement for h in hits[:5]]
        text = f"What the notes give for {q.topic.label}:\n" + "\n".join(f"- {self.point(st)}" for st in shown)
        return self.cite(Answer(q.text, True, "why", fit(text)), shown, run)

    def statements_say_more(self, q: Question, run: _Run) -> bool:
        """Whether a statement about the topic has more of the question's words than the evidence of the facts
        the run used: 'which strategy provides serializability and scales but needs more research'."""
        if q.topic is None or not q.words or not run.used:
            return False
        hits = self.hits(q, ranked=False)  # only how many words each has counts here
        if not hits:
            return False
        said = set(tokens(" ".join(str(e["text"]) for f in run.used for e in f.evidence)))
        covered = sum(1 for g in self.groups(q) if any(set(tokens(w)) & said for w in g))
        best = max(len(h.matched) for h in hits)
        if q.intent.kind in ("list", "path"):  # the facts are the items or the hops: their evidence need not repeat it
            return best >= covered + 3
        given = {f.object for f in run.used if f.object_is_entity} | {f.subject for f in run.used}
        tops = [h.statement.context for h in hits if len(h.matched) == best]
        other = not any((given - {q.topic.iri}) & self.names.named_in(c) for c in tops)  # they name another
        return best >= covered + 2 or (covered == 0 and best >= 1) or (best > covered and other)

    def from_statements(self, q: Question, run: _Run) -> Answer | None:
        """The best-matching statements about the topic, quoted; a figure asked for and not given is said so."""
        if not q.words:
            return self.summary(q, run, points=4)
        hits = self.hits(q)
        if not hits:
            return None
        typed = [h for h in hits if clean_point(h.statement)] or hits  # an OCR'd line only if all are
        shown = self.continued([h.statement for h in typed[:3]])
        if q.asks_figure:  # the figure kind found no figure of the kind asked
            text = (
                "I don't know the figure: the notes give no figure for that. They say: "
                + "; ".join(f"“{self.point(st)}”" for st in shown[:2])
                + "."
            )
            return self.cite(Answer(q.text, False, "attribute", text), shown[:2], run)
        text = "The notes say: " + "; ".join(f"“{self.point(st)}”" for st in shown) + "."
        return self.cite(Answer(q.text, True, "statements", fit(text)), shown, run)

    def figure(self, q: Question, run: _Run) -> Answer | None:
        """A figure of the kind asked, quoted from a statement about the topic (or an entity its name contains:
        'SNS' for 'SNS topic') that has the question's words. Without a topic, the statement must have most of
        them."""
        words = [w for w in q.words if w not in FIGURE_FRAME]
        if not words:
            return None
        asked = UNIT_ASKED.search(q.norm)
        unit = next((u for said, u in UNITS if said.search(q.norm)), None)
        if asked:
            unit = re.compile(rf"\d\s*{asked.group(1)[:2].rstrip('s')}")
        rate = RATE.search(q.norm)  # 'requests per second': the statement must give that rate
        groups = [[w, *SYNONYMS.get(w, ())] for w in words]

        def figures(pool: list[Statement], need: int) -> list[Hit]:
            return [
                h
                for h in self.index.search(pool, groups, need=need)
                if h.statement.record.kind != "question"
                and (
                    unit.search(h.statement.text.lower())
                    if unit
                    else not self.counted(h.statement).isdisjoint(h.matched)
                )
                and (not rate or re.search(rf"(\bper|\ba|/)\s?{rate.group(1)[:3]}", h.statement.text.lower()))
            ]

        hits: list[Hit] = []
        if q.topic is not None:
            pool = list(q.topic.statements)
            for iri in self.broader(q):
                pool += [st for st in self.index.about(iri) if st not in pool]
            hits = figures(pool, math.ceil(len(words) / 2))
        if not hits and (q.topic is None or q.topic.iri is None):  # a word or heading, not an entity: any note
            hits = figures(self.index.statements, max(2, math.ceil(len(words) / 2)))
        if not hits:
            return None
        shown = [h.statement for h in hits if len(h.matched) == len(hits[0].matched)][:2]
        text = "The notes say: " + "; ".join(f"“{self.point(st)}”" for st in shown) + "."
        return self.cite(Answer(q.text, True, "attribute", fit(text)), shown, run)

    def broader(self, q: Question) -> set[str]:
        """The entities a mention's name contains: 'SNS' in 'SNS topic', 'S3' in 'object in S3'."""
        out: set[str] = set()
        for m in q.mentions:
            words = normalise(m.text).split()
            for n in range(len(words) - 1, 0, -1):
                for i in range(len(words) - n + 1):
                    iri = self.names.exact.get(" ".join(words[i : i + n]))
                    if iri and iri != m.iri:
                        out.add(iri)
        return out

    def found(self, question: str, kind: str, facts: list[Fact], run: _Run, *, quote: bool = False) -> Answer:
        """An answer made of facts, one sentence per relation; values that read as OCR debris are left out."""
        facts = [f for f in facts if self.reads(self.obj(f))] or facts
        kept: list[Fact] = []
        for f in sorted(facts, key=self.unsupported):  # near-duplicates: the better supported stays
            same = [k for k in kept if k.predicate == f.predicate and k.subject == f.subject and not f.object_is_entity]
            if not any(self.near_value(f, k) for k in same):
                kept.append(f)
        ids = {id(k) for k in kept}  # no two facts are equal (FactsBy): one is in `kept` only as itself
        facts = [f for f in facts if id(f) in ids]
        run.use(facts)
        by_rel: dict[tuple[bool, str, str], list[str]] = defaultdict(list)
        for f in facts:
            by_rel[(self.weak(f), f.subject, f.predicate)].append(self.obj(f))
        text = " ".join(
            ("One note says: " if weak else "") + self.sentence(s, r, objs) for (weak, s, r), objs in by_rel.items()
        )
        return Answer(question, True, kind, text + (self.quote(facts[0]) if quote else ""))

    def sources(self, fact: Fact) -> tuple[str, ...]:
        """The sources that state a fact (Fact.sources), listed once per fact."""
        kept = self.sourced.get(id(fact), lambda: (fact, tuple(fact.sources)))
        return kept[1] if kept[0] is fact else tuple(fact.sources)  # kept with its fact: an id is never another's

    def defined_by(self, e: str) -> list[str]:
        """The DEFINING relations an entity has facts of (what _Run.objects reads of it)."""
        return [r for r in DEFINING if r in self.relations_of.get(e, ())]

    def unsupported(self, fact: Fact) -> int:
        """Minus the sources that state a fact (a sort key: the best supported first); counted once per fact."""
        return self.support.get(id(fact), lambda: -len(fact.sources))

    def near_value(self, fact: Fact, other: Fact) -> bool:
        """Two facts whose values are near-duplicates (ratio >= 80); judged once per pair."""
        return self.near_values.get(
            (id(fact), id(other)), lambda: fuzz.ratio(self.obj(fact).lower(), self.obj(other).lower()) >= 80
        )

    def weak(self, fact: Fact) -> bool:
        """A fact of low confidence, shown as 'one note says': one source states it, in words with a damaged
        one (OCR: 'Relies on Ecz'); judged once per fact."""
        return self.weakness.get(id(fact), lambda: self._weak(fact))

    def _weak(self, fact: Fact) -> bool:
        if len(self.index.sources) < 2 or len(fact.sources) != 1:
            return False
        return not any(clean(str(e["text"]), self.names.exact) for e in fact.evidence)

    def abstain(self, question: str, kind: str, subject: str, topic: str) -> Answer:
        about = f"{self.label(subject)}'s {topic}" if topic else self.label(subject)
        rels = sorted(self.relations_of[subject] - {"compared_with"})
        suggestions = [f"What is {self.label(subject)}?"] + [
            f"{self.label(subject)}: {self.snapshot.ontology.label(r)}?" for r in rels[:4]
        ]
        text = f"{ABSTAIN} The notes say nothing about {about}."
        return Answer(question, False, kind, text, suggestions=suggestions)

    # -------------------------------------------------------------- kinds

    def facts_definition(self, question: str, mentions: list[Mention], intent: Intent, run: _Run) -> Answer:
        e = mentions[0].iri
        ent = self.snapshot.entities[e]
        if "alias" in intent.relations:
            short = mentions[0].text.upper()
            expansions = [a for a in ent.aliases if len(a.split()) > 1 and _initials(a, short)]
            if expansions:
                facts = run.use(run.objects(e, "is_a")[:1])
                what = f" It is {self.obj(facts[0])}." if facts else ""
                return Answer(question, True, "definition", f"{short} stands for {expansions[0]} ({ent.label}).{what}")
        stems = self.wanted(intent)
        if stems and len(mentions) == 1:  # "what base images can you find on Docker Hub": more than a definition
            hits = self.search(e, stems, run)
            if not hits:
                return self.abstain(question, "definition", e, " ".join(sorted(intent.keywords - GENERIC_KEYWORDS)))
            return self.found(question, "definition", hits, run, quote=True)
        parts, used = [], []
        well_known = self.well_known.get(e, lambda: sum(len(self.told_of(e, r)[1]) for r in self.defined_by(e)) >= 12)
        for relation in DEFINING:
            facts = run.objects(e, relation)
            top = -self.unsupported(facts[0]) if facts else 0
            floor = min(top, 2) if relation == "is_a" or not well_known else 2  # one noisy note is not enough
            facts = [f for f in facts if -self.unsupported(f) >= floor][: (3 if relation == "is_a" else 2)]
            if facts:
                used += facts
                parts.append(self.sentence(e, relation, [self.obj(f) for f in facts]))
        if not parts:
            return self.abstain(question, "definition", e, "")
        run.use(used)
        shorts = [a for a in ent.aliases if a.isupper()]
        names = [a for a in ent.aliases if len(a.split()) > 1 and any(_initials(a, s) for s in shorts)][:1]
        kind = self.type_label(ent.type)
        head = (
            ent.label + (f" ({names[0]})" if names else "") + f" is {'an' if kind[0] in 'aeiouAEIOU' else 'a'} {kind}. "
        )
        return Answer(question, True, "definition", head + " ".join(parts[:6]) + self.quote(used[0]))

    def attribute(self, question: str, mentions: list[Mention], intent: Intent, run: _Run) -> Answer:
        services = self.services
        main = next((m for m in mentions if self.snapshot.entities[m.iri].type in services), mentions[0])
        e = main.iri
        others = [frozenset([stem(normalise(m.text))]) for m in mentions if m is not main]
        stems = self.wanted(intent) or others
        relations = [r for r in intent.relations if r in ("has_limit", "pricing", "scales")] or [
            "has_limit",
            "pricing",
        ]
        candidates = [f for r in relations for f in run.objects(e, r)]
        if not stems:
            if not candidates:
                return self.abstain(question, "attribute", e, " / ".join(r.replace("_", " ") for r in relations))
            return self.found(question, "attribute", candidates[:8], run)
        hits = self.search(e, stems, run, candidates) or self.search(e, stems, run)
        ranking = stem_groups(stems + others)
        hits.sort(key=lambda f: -(self.speaks(f, ranking) + bool(DIGIT.search(self.obj(f)))))
        if not hits:
            return self.abstain(question, "attribute", e, " ".join(sorted(intent.keywords - GENERIC_KEYWORDS)))
        return self.found(question, "attribute", hits, run, quote=hits[0].predicate not in relations)

    def related(self, question: str, mentions: list[Mention], intent: Intent, run: _Run) -> Answer:
        if len(mentions) >= 2:
            return self.between(question, mentions[0].iri, mentions[1].iri, run)
        e = mentions[0].iri
        relations = [r for r in intent.relations if r != "related"]
        stems = self.wanted(intent)
        subject_side = self._asks_subject(question, mentions[0], intent)
        answer_facts: list[Fact] = []
        for r in relations:
            facts = run.subjects(r, e) if subject_side or r == "example_of" else []
            facts = facts or run.objects(e, r)
            if facts:
                answer_facts += facts if intent.kind == "list" else self._best(facts, stems)
            if len({f.predicate for f in answer_facts}) >= 2:
                break
        if not answer_facts:
            hits = self.search(e, [*stems, frozenset(stem(r.split("_")[0]) for r in relations)], run)
            if hits:
                return self.found(question, intent.kind, hits, run, quote=True)
            topic = " / ".join(r.replace("_", " ") for r in relations) or "that"
            return self.abstain(question, intent.kind, e, topic)
        subjects_listed = [f for f in answer_facts if f.object == e and f.subject != e]
        if subjects_listed:
            run.use(subjects_listed)
            groups: dict[tuple[bool, str], list[str]] = defaultdict(list)
            for f in subjects_listed:  # one sentence per relation, well supported facts first
                groups[(self.weak(f), f.predicate)].append(self.label(f.subject))
            said = []
            for (weak, rel), names in sorted(groups.items()):
                names = list(dict.fromkeys(names))
                verb = self.snapshot.ontology.verb(rel)
                line = f"{', '.join(names)} {plural(verb) if len(names) > 1 else verb} {self.label(e)}."
                said.append(f"One note says: {line}" if weak else line)
            return Answer(question, True, intent.kind, " ".join(said) + self.quote(subjects_listed[0]))
        return self.found(question, intent.kind, answer_facts[:12], run, quote=True)

    def _best(self, facts: list[Fact], stems: list[frozenset[str]]) -> list[Fact]:
        """The facts that speak to the question's words, if any do; else the best supported."""
        if stems:
            groups = stem_groups(stems)
            scored = [(self.speaks(f, groups), f) for f in facts]
            best = max(s for s, _ in scored)
            if best:
                return [f for s, f in scored if s == best][:6]
        return facts[:6]

    @staticmethod
    def _asks_subject(question: str, mention: Mention, intent: Intent) -> bool:
        """'what triggers Lambda', 'which services run containers': the named entity is the object."""
        words = normalise(question).split()
        verbs = [i for i, w in enumerate(words) if ACTS.match(w)]
        wh = ASKS_WHICH_WHO.match(question.lower())
        return bool(wh and verbs and verbs[-1] < mention.start)

    def between(self, question: str, a: str, b: str, run: _Run) -> Answer:
        """How two entities relate: the facts that join them, else the shortest chain."""
        direct = [f for x, y in ((a, b), (b, a)) for f in run.all_of(x) if f.object == y]
        if direct:
            return self.found(question, "relation", direct[:4], run, quote=True)
        found = self.chains.get((a, b), lambda: shortest_paths(self.snapshot.nx, a, b, limit=1))
        paths = [p for p in found if len(p) <= MAX_HOPS + 1]
        steps = [self._link(x, y, run) for x, y in zip(paths[0], paths[0][1:], strict=False)] if paths else []
        if steps and all(steps):
            run.use([s for s in steps if s])
            return Answer(question, True, "path", "Chain: " + " -> ".join(self.say(s) for s in steps if s) + ".")
        text = f"{ABSTAIN} The notes state no link between {self.label(a)} and {self.label(b)}."
        return Answer(question, False, "relation", text, suggestions=[f"What is {self.label(x)}?" for x in (a, b)])

    def _link(self, a: str, b: str, run: _Run) -> Fact | None:
        for x, y in ((a, b), (b, a)):
            for f in run.all_of(x):
                if f.object == y:
                    return f
        return None

    def path(self, question: str, mentions: list[Mention], intent: Intent, run: _Run) -> Answer:
        """Multi-hop: 'the service that pioneered serverless ...', 'services that run images stored in ECR'."""
        relations = [r for r in intent.relations if r != "related"]
        clause = CLAUSE.search(normalise(question))
        if clause:
            inner_words = clause.group(2).split()
            anchor = next((m for m in mentions if m.text.split()[0] in inner_words), None)
            if anchor is not None:
                return self.through(question, anchor, inner_words, relations, intent, mentions, run)
        if len(mentions) < 2:
            return self.related(question, mentions, intent, run)
        a, b = mentions[0].iri, mentions[1].iri
        stems = self.wanted(intent)
        found: list[tuple[Fact, Fact]] = []
        for e, other in ((a, b), (b, a)):
            for r in relations:
                for f in run.objects(e, r):
                    if f.object_is_entity and f.object not in (a, b):
                        link = self._link(other, e, run)
                        if link:
                            found.append((link, f))
        if not found:
            return self.between(question, a, b, run)
        ranking = stems + [frozenset([stem(normalise(m.text))]) for m in mentions]
        groups = stem_groups(ranking)
        best = max(self.speaks(f, groups) for _, f in found)
        found = [(link, f) for link, f in found if self.speaks(f, groups) == best]
        run.use([x for pair in found[:4] for x in pair])
        names = ", ".join(dict.fromkeys(self.obj(f) for _, f in found[:4]))
        chains = "; ".join(f"{self.say(link)} -> {self.say(f)}" for link, f in found[:4])
        return Answer(question, True, "path", f"{names}. Chain: {chains}.")

    def through(self, question: str, anchor: Mention, inner_words: list[str], relations: list[str],
                intent: Intent, mentions: list[Mention], run: _Run) -> Answer:  # fmt: skip
        """'X that <verb> <anchor> ...' or 'X that <anchor> <verb> ...': find X through the inner relation,
        then answer the outer question about X."""
        at = inner_words.index(anchor.text.split()[0])
        span = len(anchor.text.split())
        window = inner_words[:at] if at > 0 else inner_words[at + span : at + span + 2]
        inner = relations_in(" ".join(window), self.cues) or relations
        outer = [r for r in relations if r not in inner]
        stems = [g for g in self.wanted(intent) if not g & {stem(w) for w in window}]
        stems += [frozenset([stem(normalise(m.text))]) for m in mentions if m != anchor]
        hops = [f for r in inner for f in run.subjects(r, anchor.iri) + run.objects(anchor.iri, r)]
        middles = [f.subject if f.object == anchor.iri else f.object for f in hops if f.object_is_entity]
        for middle, hop in zip(middles, [f for f in hops if f.object_is_entity], strict=False):
            facts = [f for r in outer for f in run.objects(middle, r)] if outer else []
            facts = self.search(middle, stems, run, facts) or self.search(middle, stems, run) if stems else facts
            if facts:
                run.use([hop, *facts[:3]])
                step2 = self.sentence(
                    middle,
                    facts[0].predicate,
                    [self.obj(f) for f in facts[:3] if f.predicate == facts[0].predicate],
                )
                return Answer(
                    question, True, "path", f"{self.label(middle)}: {step2} Chain: {self.say(hop)} -> {step2}"
                )
        return self.abstain(question, "path", anchor.iri, "that chain of relations")

    def comparison(self, question: str, mentions: list[Mention], intent: Intent, run: _Run) -> Answer:
        a, b = mentions[0].iri, mentions[1].iri
        said = [(a, c) for c in run.contrasts(a, b)] + [(b, c) for c in run.contrasts(b, a)]
        made = self.compared.get((a, b), lambda: self.compare(a, b, [c for _, c in said]))
        columns, sides = made.columns, made.sides
        for e in (a, b):
            for r in COMPARED:
                run.objects(e, r)  # shown, as the facts were read
            if not any(sides[e].values()):
                return self.abstain(question, "comparison", e, "what it is")
        rows: list[dict[str, Any]] = []
        both_sides = sorted(COMPARED, key=lambda r: not (sides[a][r] and sides[b][r]))  # aligned aspects first
        for r in both_sides:
            fa, fb = sides[a][r], sides[b][r]
            if (fa or fb) and len(rows) < MAX_ROWS:
                run.use(fa + fb)
                rows.append({"aspect": self.snapshot.ontology.label(r),
                             "a": [self.obj(f) for f in fa], "b": [self.obj(f) for f in fb]})  # fmt: skip
        order = {self.snapshot.ontology.label(r): i for i, r in enumerate(COMPARED)}
        rows.sort(key=lambda row: order[str(row["aspect"])])
        wanted = [stem(w) for w in LOWER_WORD.findall(normalise(question)) if w not in STOP]
        said.sort(key=lambda ec: -sum(1 for w in wanted if w in ec[1].lower()))  # the aspect asked about first
        points: list[str] = []
        for e, c in said:
            point = self.side(c, e, a if e == b else b, run, columns) if self.reads(c) else ""
            if point and len(points) < 4 and not any(self.restates(point, p) for p in points):
                points.append(point)  # (past four, the side is still read: the run shows the queries it reads)
        shown = {e: {(row["aspect"], v) for row in rows for v in row[side]} for e, side in ((a, "a"), (b, "b"))}
        shared = sorted(shown[a] & shown[b])
        la, lb = self.label(a), self.label(b)
        text = [f"{la} vs {lb}:"]
        for row in rows:
            only_a = [v for v in row["a"] if (row["aspect"], v) not in shared]
            only_b = [v for v in row["b"] if (row["aspect"], v) not in shared]
            if only_a or only_b:
                text.append(f"- {row['aspect']}: {la}: {'; '.join(only_a) or '-'} | {lb}: {'; '.join(only_b) or '-'}")
        text += [f"- {c}" for c in points]
        if shared:
            text.append("- Both: " + "; ".join(f"{aspect} {v}" for aspect, v in shared))
        recommendation = self.recommend(intent.criterion, a, b, sides, run) if intent.criterion else ""
        if recommendation:
            text.append(recommendation)
        table = {
            "a": la,
            "b": lb,
            "rows": rows,
            "contrasts": points,
            "shared": [{"aspect": aspect, "value": v} for aspect, v in shared],
            "recommendation": recommendation,
        }
        return Answer(question, True, "comparison", "\n".join(text), comparison=table)

    def compare(self, a: str, b: str, contrasts: list[str]) -> Compared:
        """Compared for two entities and the notes' contrasts of each with the other; made once per pair."""
        columns = self.columns(contrasts, a, b)
        column: dict[str, list[str]] = {a: [], b: []}  # what the note's own table puts in each column
        for c in contrasts if columns else ():
            pair = [x.strip(" .").lower() for x in c.split(" | ")]
            if columns and len(pair) == 2:
                column[columns[0]].append(pair[0])
                column[columns[1]].append(pair[1])

        def consistent(f: Fact, e: str) -> bool:
            """Not a value the table puts in the other column only (an OCR'd table read across)."""
            value, other = self.obj(f).lower(), b if e == a else a
            mine = any(fuzz.ratio(value, x) >= 90 for x in column[e])
            return mine or not any(fuzz.ratio(value, x) >= 90 for x in column[other])

        sides = {
            e: {
                r: [f for f in self.by_subject.get((e, r), []) if self.comparable(f, a, b) and consistent(f, e)][:2]
                for r in COMPARED
            }
            for e in (a, b)
        }
        return Compared(columns, sides)

    def sides(self, q: Question) -> list[Topic]:
        """The two things a comparison asks about: its first two names, or a name and the phrase on the other
        side of 'vs' / 'or' / 'and' / 'from' ('OLTP vs OLAP' when the graph names only OLAP)."""
        sides = [Topic(self.label(m.iri), m.iri, []) for m in q.mentions[:2]]
        if len(sides) < 2:
            parts = [p for p in SIDES.split(q.norm.strip(" ?.")) if p.strip()]
            for part in parts if len(parts) == 2 else []:
                words = [w for w in part.split() if w not in STOP and w not in FRAME and w not in FRAMES]
                said = re.search(r"\b" + r"\W+".join(map(re.escape, words)) + r"\b", q.text, re.I) if words else None
                phrase = said.group() if said else " ".join(words)
                if phrase and not any(s.iri and s.iri in self.names.named_in(part) for s in sides):
                    sides.append(Topic(phrase, None, []))
        return sides if len(sides) == 2 else []

    def names_side(self, side: Topic, text: str) -> bool:
        """A text names a side by a name the graph knows, its own words, or its initials ('KDS'); judged once per
        side and text."""
        return self.side_named.get((side.label, side.iri, text), lambda: self._names_side(side, text))

    def _names_side(self, side: Topic, text: str) -> bool:
        if side.iri and side.iri in self.names.named_in(text):
            return True
        pattern, short = self.side_names.get((side.label, side.iri), lambda: self._side_names(side))
        if pattern.search(text.lower()):
            return True
        acronyms = ACRONYM.findall(text)
        return any(_initials(n, a) for n in short for a in acronyms)

    def _side_names(self, side: Topic) -> tuple[re.Pattern[str], list[str]]:
        names = [side.label] + (list(self.snapshot.entities[side.iri].aliases) if side.iri else [])
        either = "|".join(re.escape(n.lower()) for n in sorted(names, key=len, reverse=True))
        pattern = re.compile(rf"(?<![\w-])({either})(?![\w-])")
        brand = re.compile(rf"^({'|'.join(map(re.escape, sorted(self.names.brands)))}) ", re.I)
        return pattern, [brand.sub("", n) for n in names]

    def notes_comparison(self, q: Question, run: _Run) -> Answer | None:
        """Two things compared where the notes compare them: a heading or item that names both ('SQS vs
        EventBridge', a table under it), then the statements that name both and have the question's words."""
        sides = self.sides(q)
        if not sides:
            return None
        a, b = sides
        if self.versus is None:  # the notes' 'vs' headings and items, found once
            self.versus = [
                st
                for st in self.index.statements
                if st.record.kind in ("heading", "item", "term") and VERSUS.search(st.text) and self.inlines(st)
            ]
        places = [st for st in self.versus if self.names_side(a, st.text) and self.names_side(b, st.text)]
        rows: list[str] = []
        table: list[dict[str, Any]] = []  # the rows as aspect, a's cells, b's cells
        cited: list[Statement] = []
        if places:
            place = min(places, key=lambda st: (st.record.kind != "heading", st.source, st.line))
            cited.append(place)
            rows = self.compared_rows(q, place, cited, (a, b), table)
        if len(rows) < 2:  # one line is no comparison: the graph's facts may align more
            return None
        said = self.naming_both(q, a, b, cited)
        lines = [f"{a.label} vs {b.label}, as the notes compare them ({cited[0].source}:{cited[0].line}):"]
        lines += [f"- {r}" for r in rows]
        lines += [f"- {self.point(st)}" for st in said]
        recommendation = ""
        if q.intent.criterion and len(q.mentions) >= 2:  # 'for a 3-hour job': what the facts recommend
            facts = self.comparison(q.text, q.mentions, q.intent, run).comparison or {}
            recommendation = str(facts.get("recommendation", ""))
        lines.append(recommendation)
        answer = Answer(q.text, True, "comparison", fit("\n".join(x for x in lines if x), MAX_COMPARISON))
        answer.comparison = {"a": a.label, "b": b.label, "rows": table, "contrasts": rows + [st.text for st in said],
                             "shared": [], "recommendation": recommendation}  # fmt: skip
        return self.cite(answer, (cited + said)[:MAX_QUOTES], run)

    def naming_both(self, q: Question, a: Topic, b: Topic, shown: list[Statement] = []) -> list[Statement]:  # noqa: B006
        """At most two statements that name both sides and have the question's other words ('when should I use
        the API directly' ~ 'cannot use the KPL because ..., consider using the API directly')."""
        side_words = {t for s in (a, b) for t in tokens(s.label)}
        stems = [set(tokens(w)) for w in q.words if w not in FRAMES and not set(tokens(w)) & side_words]
        stems = [g for g in stems if g]
        if not stems:
            return []
        scored = []
        having = sorted({i for g in stems for t in g for i in self.index.postings.get(t, ())})
        for st in (self.index.statements[i] for i in having):
            if st in shown or st.record.kind in ("heading", "cell", "row", "question") or self.is_name(st):
                continue
            n = sum(1 for g in stems if g & self.index.text_tokens[st.index])
            if n and self.names_side(a, st.text) and self.names_side(b, st.text) and clean_point(st):
                scored.append((n, st))
        return [st for _, st in sorted(scored, key=lambda x: (-x[0], x[1].source, x[1].line))[:2]]

    def with_criterion(self, q: Question, answer: Answer, run: _Run) -> Answer:
        """A comparison ends with what the notes say of both sides about the question's own words."""
        sides = self.sides(q)
        said = self.naming_both(q, sides[0], sides[1]) if sides and answer.answered else []
        said = [st for st in said if st.text.rstrip(".") not in answer.answer]
        if not said:
            return answer
        lines = [f"- The notes say: {self.point(st)}" for st in said]
        head, _, rest = answer.answer.partition("\n")
        answer.answer = fit("\n".join([head, *lines, rest]) if rest else "\n".join([head, *lines]), MAX_COMPARISON)
        answer.evidence = [st.quote() for st in said] + [
            e for e in answer.evidence if e not in [st.quote() for st in said]
        ]
        return answer

    def compared_rows(
        self,
        q: Question,
        place: Statement,
        cited: list[Statement],
        sides: tuple[Topic, Topic],
        table: list[dict[str, Any]],
    ) -> list[str]:
        """A comparison place's items, at most MAX_ROWS, the question's words first: a table's rows with each
        cell under its column's name, or the items as the notes give them."""
        items = items_of(self.index, place)
        header = next((st for st in items if st.record.kind == "row"), None)
        if header is not None:
            columns = [BRACKETED_OR_MARKED.sub("", c).strip() for c in header.record.text.strip().strip("|").split("|")]
            rows = [st for st in self.index.under(header) if st.record.kind == "row"]
            shown = []
            for st in rows:
                cells = [MARKED.sub("", c).strip() for c in st.record.text.strip().strip("|").split("|")]
                if len(cells) == len(columns) >= 3:  # an aspect column, then one column per side
                    named = "; ".join(f"{columns[i]}: {cells[i]}" for i in range(1, len(cells)))
                    shown.append((st, f"{cells[0]}: {named}"))
                elif len(cells) == len(columns) == 2:  # one column per side
                    shown.append((st, f"{columns[0]}: {cells[0]} | {columns[1]}: {cells[1]}"))
            ranked = self.by_words(q, shown)
            cited += [st for st, _ in ranked[:MAX_ROWS]][: MAX_QUOTES - 1]
            first = 1 if len(columns) >= 3 else 0
            at = [next((i for i in range(first, len(columns)) if self.names_side(s, columns[i])), -1) for s in sides]
            for st, _ in ranked[:MAX_ROWS] if -1 not in at else ():
                cells = [MARKED.sub("", c).strip() for c in st.record.text.strip().strip("|").split("|")]
                table.append({"aspect": cells[0] if first else "", "a": [cells[at[0]]], "b": [cells[at[1]]]})
            return [text for _, text in ranked[:MAX_ROWS]]
        shown = [(st, render(self.index, st, 300)) for st in items if clean_point(st) or items_of(self.index, st)]
        ranked = self.by_words(q, shown)
        cited += [st for st, _ in ranked[:MAX_ROWS]][: MAX_QUOTES - 1]
        return [f"{text} ({st.source}:{st.line})" for st, text in ranked[:MAX_ROWS]]

    def by_words(self, q: Question, shown: list[tuple[Statement, str]]) -> list[tuple[Statement, str]]:
        """Items with more of the question's words first; else in the notes' order."""
        stems = [set(tokens(w)) for w in q.words]
        return sorted(shown, key=lambda x: -sum(1 for g in stems if g & set(tokens(x[1]))))

    def side_by_side(self, q: Question, run: _Run) -> Answer | None:
        """Two things compared when the graph cannot align their facts: what the notes say each one is, quoted;
        None unless the notes define both."""
        lines, cited = [f"{self.label(q.mentions[0].iri)} vs {self.label(q.mentions[1].iri)}:"], []
        for m in q.mentions[:2]:
            ent = self.snapshot.entities[m.iri]
            side = replace(q, topic=Topic(self.label(m.iri), m.iri, self.index.about(m.iri)))
            head, quoted = self.head(side, run)
            if not head or head == f"{ent.label} is {_article(self.type_label(ent.type))}.":
                return None
            lines.append(f"- {head}" + (f" ({quoted[0].source}:{quoted[0].line})" if quoted else ""))
            cited += quoted
        return self.cite(Answer(q.text, True, "comparison", fit("\n".join(lines), MAX_COMPARISON)), cited, run)

    def comparable(self, fact: Fact, a: str, b: str) -> bool:
        """A value fit for a comparison table: readable, and not about a third service."""
        if fact.object_is_entity:
            return True
        services = self.services
        named = self.names.named_in(fact.object) - {a, b}
        third = any(self.snapshot.entities[i].type in services for i in named if i in self.snapshot.entities)
        return self.reads(fact.object) and not third

    def says(self, e: str, value: str, run: "_Run | _Reads") -> bool:
        """Whether the graph states `value` (as written, near enough) of entity `e`."""
        run.show_all(e)  # on every call: the run shows the queries it read, whatever was asked before
        low = value.lower()
        return self.said.get((e, low), lambda: self._says(e, low))

    def _says(self, e: str, low: str) -> bool:
        facts = [f for r in self.relations_listed.get(e, ()) for f in self.by_subject.get((e, r), [])]
        return any(fuzz.ratio(low, self.obj(f).lower()) >= 92 for f in facts if not f.object_is_entity)

    def columns(self, contrasts: list[str], a: str, b: str) -> tuple[str, str] | None:
        """The order of a comparison table's columns, from its header row ('Batch | Lambda')."""
        for c in contrasts:
            cells = [x.strip(" .") for x in CELLS.split(c)]
            if len(cells) == 2:
                first, second = (self.names.named_in(x) for x in cells)
                if a in first and b in second:
                    return (a, b)
                if b in first and a in second:
                    return (b, a)
        return None

    def side(self, contrast: str, a: str, b: str, run: _Run, columns: tuple[str, str] | None = None) -> str:
        """A contrast of `a` with `b` on its own side ('AWS Batch: no time limit | AWS Lambda: time limit');
        '' when neither the note's layout nor the facts say whose it is. Worked out once per contrast and pair; the
        run shows the queries of the facts it read."""
        point, read = self.sided.get((contrast, a, b, columns), lambda: self._sided(contrast, a, b, columns))
        for e in read:
            run.show_all(e)
        return point

    def _sided(self, contrast: str, a: str, b: str, columns: tuple[str, str] | None) -> tuple[str, tuple[str, ...]]:
        reads = _Reads()
        return self._side(contrast, a, b, reads, columns), tuple(reads.read)

    def _side(self, contrast: str, a: str, b: str, run: _Reads, columns: tuple[str, str] | None) -> str:
        cells = [x.strip(" .") for x in CELLS.split(contrast)]
        if any(x.lower() in self.names.exact for x in cells):
            return ""  # a table's header row: the names, not a contrast
        if len(cells) == 2 and columns and " | " in contrast:  # a table row under a header that names both
            return f"{self.label(columns[0])}: {cells[0]} | {self.label(columns[1])}: {cells[1]}"
        if len(cells) == 2:  # a table row: whose cell is whose, by the facts each cell gave
            for x, y in ((a, b), (b, a)):
                if (self.says(x, cells[0], run) and not self.says(y, cells[0], run)) or (
                    self.says(y, cells[1], run) and not self.says(x, cells[1], run)
                ):
                    return f"{self.label(x)}: {cells[0]} | {self.label(y)}: {cells[1]}"
            return ""
        if re.match(rf"{re.escape(self.label(a))}: |{re.escape(self.label(b))}: ", contrast):
            return contrast.strip()
        low = contrast.lower().strip(" .")
        owners = [e for e in (a, b) if e in self.names.named_in(low) or self.says(e, low, run)]
        return f"{self.label(owners[0])}: {contrast.strip()}" if len(owners) == 1 else ""

    def recommend(self, criterion: str, a: str, b: str, sides: dict[str, dict[str, list[Fact]]], run: _Run) -> str:
        """A recommendation that follows from the facts: a job longer than one side's time limit goes to
        the other; else the side whose stated uses and strengths share the most words with the need."""
        need = _minutes(criterion)
        if need is not None:
            for x, y in ((a, b), (b, a)):
                for f in run.objects(x, "has_limit"):  # every limit, not just the few shown
                    limit = _minutes(f.object)
                    if limit is not None and need > limit:
                        run.use([f])
                        return (
                            f"Recommendation: {self.label(y)}. A {criterion} exceeds {self.label(x)}'s limit "
                            f"({f.object}), so {self.label(y)}."
                        )
        stems = [frozenset([stem(w)]) for w in LOWER_WORD.findall(criterion.lower()) if w not in GENERIC_KEYWORDS]
        kinds = ("preferred_for", "use_case", "has_property")
        groups = stem_groups(stems)
        score = {x: sum(self.speaks(f, groups) for r in kinds for f in sides[x][r]) for x in (a, b)}
        if stems and score[a] != score[b]:
            best = a if score[a] > score[b] else b
            return f"Recommendation: {self.label(best)}, whose notes speak to '{criterion}'."
        return ""


def _ranked(facts: Iterable[Fact]) -> list[Fact]:
    """Best supported first; ties by value and evidence by place, so that answers do not depend on the
    order in which rdflib happens to return rows (it varies from process to process)."""
    for fact in facts:
        fact.evidence.sort(key=lambda e: (str(e["source"]), int(e["line"]), str(e["text"])))
    return sorted(facts, key=lambda f: (-len(f.sources), f.subject, f.object))


def _defines(text: str) -> bool | None:
    """Whether a lower-case statement defines its topic whatever the topic is: not when it compares ('X is
    different from Y' says what X is not), yes when it opens as a definition ('It is ...'); else None."""
    if COMPARES.search(text[:80]):
        return False
    return True if DEFINES.match(text) else None


def _place(st: Statement) -> str:
    """A statement's place as names: its lead item and its heading, each before any ':'."""
    return f"{st.lead.split(':')[0]} . {st.heading.split(':')[0]}"


def _evidence(row: dict[str, Any]) -> dict[str, Any]:
    out = {"source": row["source"], "line": row["line"], "text": row["text"]}
    if row.get("section"):
        out["section"] = row["section"]
    return out


@lru_cache(maxsize=65536)
def _initials(name: str, acronym: str) -> bool:
    letters = NON_LETTER.sub("", acronym.lower())
    words = LETTERS.findall(name)
    every = "".join(w[0].lower() for w in words)
    major = "".join(w[0].lower() for w in words if w.lower() not in ("of", "and", "as", "a", "the", "for"))
    return bool(letters) and letters in (every, major)


def services_of(ontology: Ontology) -> frozenset[str]:
    """The entity types that are services (subclasses of kg:Service), read from the ontology."""
    return frozenset(local_name(str(c)) for c in ontology.graph.transitive_subjects(RDFS.subClassOf, KG.Service))


@lru_cache(maxsize=65536)
def word_start(stem: str) -> re.Pattern[str]:
    """A stem at the start of a word (QA.score), compiled once rather than per fact scored."""
    return re.compile(rf"(?<![a-z0-9]){re.escape(stem)}")


ALNUM = re.compile(r"[a-z0-9]+")


def word_prefixes(text: str) -> frozenset[str]:
    """Every start of every run of letters and digits in a lower-case text: a plain stem is at the start of a
    word of the text exactly when it is one of them."""
    return frozenset(w[:i] for w in ALNUM.findall(text) for i in range(1, len(w) + 1))


def rows_by_prefix(hays: list[tuple[Fact, str, frozenset[str]]]) -> dict[str, list[int]]:
    """Each word start of the texts QA.hay gives some facts: the places of the facts whose text has it."""
    rows: dict[str, list[int]] = defaultdict(list)
    for i, (_, _, prefixes) in enumerate(hays):
        for p in prefixes:
            rows[p].append(i)
    return dict(rows)


def stem_groups(stems: "set[str] | list[frozenset[str]]") -> list[tuple[frozenset[str], tuple[str, ...]]]:
    """Each group of stems (or each lone stem) as its plain stems, found by set look-up in word_prefixes, and the
    others, found by word_start's pattern (see spoken)."""
    groups = [(s,) if isinstance(s, str) else tuple(s) for s in stems]
    return [(frozenset(x for x in g if plain(x)), tuple(x for x in g if not plain(x))) for g in groups]


def spoken(groups: list[tuple[frozenset[str], tuple[str, ...]]], text: str, prefixes: frozenset[str]) -> int:
    """How many groups have a stem at the start of a word of a lower-case text (prefixes: its word_prefixes): a
    plain stem by set look-up, any other by word_start's pattern."""
    n = 0
    for plain, other in groups:
        if not prefixes.isdisjoint(plain) or (other and any(word_start(x).search(text) for x in other)):
            n += 1
    return n


@lru_cache(maxsize=65536)
def squashed(value: str) -> str:
    """A value in lower case without its non-word characters: 'a,and b' ~ 'a, and b' (QA.sentence)."""
    return NON_WORD.sub("", value.lower())


@lru_cache(maxsize=65536)
def plain(stem: str) -> bool:
    """A stem of letters and digits only."""
    return bool(ALNUM.fullmatch(stem))


@lru_cache(maxsize=65536)
def entity_ref(iri: str) -> URIRef:
    return URIRef(iri)


def plural(verb: str) -> str:
    """'runs on' -> 'run on', 'is an example of' -> 'are examples of' (near enough: 'are an example of')."""
    head, _, rest = verb.partition(" ")
    head = {"is": "are", "has": "have", "was": "were"}.get(head, head[:-1] if head.endswith("s") else head)
    return f"{head} {rest}".strip()


def _article(noun: str) -> str:
    return ("an " if noun[:1].lower() in "aeiou" else "a ") + noun


def split_parts(question: str) -> list[str]:
    """'What is X, and which services run it?' -> its two questions, in order; one question stays whole."""
    if "," not in question and "?" not in question[:-1] and not AND.search(question.lower()):
        return [question]  # none of PARTS's separators
    parts = [p.strip(" ,?") for p in PARTS.split(question) if p and p.strip(" ,?")]
    if not parts or not QUESTION_START.match(parts[0]):  # 'In the common pattern, what does ...': one question
        return [question]
    return parts if len(parts) > 1 and all(len(p.split()) >= 2 for p in parts) else [question]


def elided(first: str, part: str) -> str:
    """'Where are Docker images stored publicly, and where privately?': a part of two words or fewer takes the
    first part's words, its own in place of as many of the first part's last words."""
    words = part.split()
    if len(words) > 2 or len(first.split()) <= len(words):
        return part
    own = words[1:] if WH_WORD.match(words[0]) else words
    return " ".join(first.split()[: -len(own)] + own) if own else part


def negates(hit: Hit) -> bool:
    """Whether a statement says the question's words negated: 'no auto-scaling', 'you do not provision'."""
    words = WORD.findall(hit.statement.text.lower())
    for i, w in enumerate(words):
        said = stem(w) in hit.matched or any(stem(w).startswith(m) for m in hit.matched)
        if said and any(NEGATION.fullmatch(x) for x in words[max(0, i - NEGATION_REACH) : i]):
            return True
    return False


def counted(text: str) -> frozenset[str]:
    """The stems of a statement's words that it gives a number of ('up to 500 records': 'record'): a statement
    gives a number of one of the question's words when one of these is one of its stems."""
    words = WORD.findall(text.lower())
    return frozenset(
        t
        for i, w in enumerate(words)
        if any(FIGURE_IN.match(x) for x in words[max(0, i - COUNT_REACH) : i])
        for t in tokens(w)
    )


def fit(text: str, limit: int = MAX_TEXT) -> str:
    """Whole lines while they fit."""
    out: list[str] = []
    for line in text.split("\n"):
        if len("\n".join([*out, line])) > limit:
            break
        out.append(line)
    return "\n".join(out) or text[:limit]


def debris(text: str) -> bool:
    """OCR damage: '4000,000', '3mages', 'Container Container'."""
    return bool(DAMAGED_NUMBER.search(text) or DAMAGED_WORD.search(text) or DOUBLED.search(text))


def readable(text: str, names: Container[str] = (), *, inflected: bool = False) -> bool:
    """Mostly dictionary words, acronyms or the graph's names: not OCR debris ('couect couest Couest [entainer')."""
    if DAMAGED_NUMBER.search(text) or DOUBLED.search(text):  # 'Container Container'
        return False
    words = WORD3.findall(text)
    english = english_words()
    known = sum(
        1
        for w in words
        if w.lower() in english or w.isupper() or w.lower() in names or (inflected and lemma(w.lower()) in english)
    )
    return not words or known >= 0.7 * len(words)


def clean_point(st: Statement) -> bool:
    """A statement fit to quote as a point: mostly words (not OCR debris), more than a name."""
    return _clean_point(st.text)


@lru_cache(maxsize=65536)
def _clean_point(text: str) -> bool:
    if DAMAGED_NUMBER.search(text) or DAMAGED_WORD.search(text):
        return False
    words = WORD2.findall(text)
    flags = [w.lower() in english_words() or w.lower() in STOP or w[0].isupper() for w in words]
    garbled = any(not any(flags[i : i + 3]) for i in range(len(flags) - 2))  # three unknown words in a row
    return len(words) >= 3 and sum(flags) >= 0.7 * len(words) and not garbled


def _minutes(text: str) -> float | None:
    """'3-hour job' -> 180; 'up to 15 minutes' -> 15; None when the text gives no duration."""
    m = DURATION.search(text.lower())
    if not m:
        return None
    unit = m.group(2)
    unit = unit[:-1] if unit.endswith("s") and len(unit) > 2 else unit
    unit = {"mins": "min", "secs": "sec", "hrs": "hr"}.get(unit, unit)
    return float(m.group(1)) * MINUTES.get(unit, 1)
