"""From one statement to candidate facts: small rules over entity spans, cue matches and section context.

Each rule is a generator of `Candidate`s. The statement's place in the outline arrives as a `Context`
(topic entity, category such as "use cases", comparison pair); the spaCy `Doc` carries the entity spans.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise
from typing import NamedTuple

from spacy.tokens import Doc, Span
from spacy.vocab import Vocab

from ingest.cues import ATTRIBUTE_RELATIONS, CUES, PURPOSE_VERBS, build_matcher
from ingest.vocabulary import SERVICE, vocabulary
from kg.lexicon import english_words, lemma, verbs_only, word_classes

NEGATIONS = frozenset({"no", "not", "n't", "never", "without", "cannot", "except", "nor", "neither", "non"})
HEDGES = ("sort of", "kind of", "not exactly", "not quite", "in a way")
OBJECT_STOPS = frozenset(
    {
        "that",
        "which",
        "who",
        "so",
        "because",
        "when",
        "if",
        "whereas",
        "but",
        "while",
        "since",
        "regardless",
        "=>",
        "as",
    }
)
CAPABILITIES = frozenset({"supports", "integrated_with", "exposes", "runs_on", "supports_language"})
CATEGORY_HEADS = frozenset(
    """offering service platform registry repository tool technology paradigm database system storage
    model engine broker cache warehouse queue stream gateway framework runtime language""".split()
)
LIMITING = re.compile(r"(?i)\b(can't|cannot|can not|unable to|not able to|can only|only one|only works)\b")
PRONOUNS = frozenset({"this", "these", "that", "it", "they", "there", "i.e", "i.e.", "e.g", "e.g."})
RELATIVES = frozenset({"which", "that", "who", "because", "so"})
CLAUSE_BREAKS = frozenset({";", "but", "whereas", "however", "while"})
EQUALS = frozenset({"=", "==", ":="})
LEADING = frozenset({"a", "an", "the", "in", "your", "our", "each", "every", "with", "both", '"', "'", "("})
COORDINATORS = frozenset({"/", ",", "and", "or", "&", "+"})
WORKLOADS = frozenset({"container", "job", "workload", "task", "function", "application", "app", "image"})
AUXILIARIES = frozenset({"be", "have", "do", "can", "will", "would", "should", "may", "might", "must", "could"})
ADJECTIVE_ENDINGS = ("ive", "able", "ible", "al", "ful", "less", "ous", "ic", "ed", "ant", "ent")


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


# ------------------------------------------------------------------ text helpers


def literal(text: str) -> str:
    """Normalise text used as a fact's object: no bullets or trailing punctuation, '&' -> 'and',
    '10GB' -> '10 GB', lower-case first letter unless it starts an acronym or a name."""
    text = text.replace("&", " and ").replace('"', "").replace("...", " ")
    text = re.sub(r"(\d)(GB|MB|KB|TB|ms|s|min)\b", r"\1 \2", text)
    text = re.sub(r"\s+", " ", text).strip(" .,;:!?-=")
    text = re.sub(r"^(?:the|a|an)\s+", "", text, flags=re.I)
    first = text.split(" ", 1)[0]
    if first[:1].isupper() and first[1:].islower():
        text = text[:1].lower() + text[1:]
    return text


def strip_parenthetical(text: str) -> str:
    return re.sub(r"\s*[\(\[][^)\]]*[\)\]]?\s*$", "", text).strip() or text


def readable(span: Span) -> bool:
    """Most words are words: OCR noise from a diagram ('(NW) (AW) (MM) Dodee r Daemic m') is not."""
    tokens = [t for t in span if not t.is_punct and not t.like_num]
    if not tokens:
        return False
    known = sum(1 for t in tokens if t.ent_id_ or t.is_stop or (len(t.text) > 1 and t.lower_ in english_words()))
    return known / len(tokens) >= 0.75


def lead_in(doc: Doc) -> bool:
    """'Find base images for many technologies or OS:', 'For event-driven architecture choose X, e.g:':
    a line that introduces what follows it states nothing itself."""
    return doc.text.rstrip().endswith(":")


def participle_clause(doc: Doc, i: int) -> bool:
    """', integrating them with ...', ', including VMs': a comma opening a clause of its own."""
    return (
        doc[i].text == ","
        and i + 2 < len(doc)
        and doc[i + 1].lower_.endswith("ing")
        and doc[i + 2].is_alpha  # ', monitoring.' ends a list: a noun
        and doc[i + 1].lemma_ in word_classes()["verb"]
    )


def other_antecedent(doc: Doc, start: int, cue: int, subjects: list[str]) -> bool:
    """Is the cue inside a clause about another noun than the subject: after 'which/who' or a comma and
    '-ing' ('an infrastructure which might contain ...', 'your infrastructure, including VMs')?"""
    for i in range(max(start, 1), cue + 1):
        relative = doc[i].lower_ in ("which", "who") or (participle_clause(doc, i - 1) and i == cue)
        if relative and doc[i - 1 - (doc[i - 1].text == ",")].ent_id_ not in subjects:
            return True
    return False


def is_negated(tokens: Span) -> bool:
    return any(t.lower_ in NEGATIONS for t in tokens)


def verb_initial(tokens: Span) -> bool:
    """Does the phrase start with a verb ('Run on-demand', 'Launch containers', 'Has ...')?"""
    words = [t for t in tokens if t.is_alpha]
    if not words:
        return False
    first = words[0]
    verbs = word_classes()["verb"]
    return first.lemma_ in AUXILIARIES or (
        first.lemma_ in verbs
        and first.lemma_ not in word_classes()["adj"]
        and not first.text.endswith(("ly", "ed"))  # "Managed NFS", "Fully managed": descriptions
    )


# ------------------------------------------------------------------ the extractor


class RelationExtractor:
    """Turns (Doc, Context) into candidate facts. `types` maps entity keys to their class."""

    def __init__(self, vocab: Vocab, *, types: dict[str, str], labels: dict[str, str] | None = None) -> None:
        self.matcher = build_matcher(vocab)
        self.types = types
        self.labels = labels or {}

    # -------------------------------------------------------------- spans

    @staticmethod
    def mentions(doc: Doc, start: int, end: int) -> list[Span]:
        return [e for e in doc.ents if e.start >= start and e.end <= end and e.ent_id_]

    def leading_subjects(self, doc: Doc, start: int, end: int) -> tuple[list[str], int]:
        """Entities that open the clause ('ECS / Fargate is ...'), and where the predicate starts."""
        i = start
        while i < end and doc[i].lower_ in LEADING:
            i += 1
        keys: list[str] = []
        ents = {e.start: e for e in doc.ents if e.ent_id_}
        while i < end and i in ents:
            ent = ents[i]
            keys.append(ent.ent_id_)
            i = ent.end
            if i + 1 < end and doc[i].lower_ in COORDINATORS and (i + 1) in ents:
                i += 1
            elif i < end and doc[i].text == "(":  # "Elastic Container Service (ECS) is ..."
                close = next((j for j in range(i, end) if doc[j].text == ")"), None)
                if close is not None:
                    i = close + 1
        if keys and not self.verb_like(doc, i, end):
            return [], start  # "Serverless and scalable", "container technology ...": not the subject
        return list(dict.fromkeys(keys)), i

    def verb_like(self, doc: Doc, i: int, end: int) -> bool:
        """Does a predicate start at token i ('is', 'can', 'emulates', 'will dynamically launch')?"""
        while i < end and doc[i].lower_.endswith("ly") and doc[i].lower_ not in ("only",):
            i += 1
        if i >= end:
            return False
        tok = doc[i]
        if tok.lemma_ in AUXILIARIES or tok.lower_ in ("can", "will", "must", "may", "should", "cannot"):
            return True
        if tok.text in EQUALS:
            return True
        if tok.lower_.endswith("ing") or not tok.is_alpha:
            return False
        return (tok.lemma_ in word_classes()["verb"] and tok.lemma_ != tok.lower_) or tok.lower_ in self.cue_starts(
            doc, i
        )

    def all_cues(self, doc: Doc) -> list[tuple[int, int, int]]:
        """Every cue match in the doc, computed once: (match id, start, end)."""
        if "cues" not in doc.user_data:
            doc.user_data["cues"] = [(m, s, e) for m, s, e in self.matcher(doc)]
        return doc.user_data["cues"]

    def cue_starts(self, doc: Doc, i: int) -> set[str]:
        return {doc[s].lower_ for _, s, _ in self.all_cues(doc) if s == i}

    def cue_matches(self, doc: Doc, start: int, end: int) -> list[tuple[str, int, int]]:
        """Non-overlapping cues inside [start, end), longest first, in text order."""
        found = [(doc.vocab.strings[mid], s, e) for mid, s, e in self.all_cues(doc) if s >= start and e <= end]
        found.sort(key=lambda m: (-(m[2] - m[1]), m[1]))
        taken: set[int] = set()
        kept = []
        for name, s, e in found:
            if taken.isdisjoint(range(s, e)):
                kept.append((name, s, e))
                taken.update(range(s, e))
        return sorted(kept, key=lambda m: m[1])

    @staticmethod
    def clauses(doc: Doc, start: int, end: int) -> list[tuple[int, int, str]]:
        """Split at ';', 'but', 'whereas', ...; each clause keeps the word that opened it."""
        parts = []
        cur, opener = start, ""
        for i in range(start, end):
            if doc[i].lower_ in CLAUSE_BREAKS and i > cur:
                parts.append((cur, i, opener))
                cur, opener = i + 1, doc[i].lower_
        if cur < end:
            parts.append((cur, end, opener))
        return parts

    def object_region(self, doc: Doc, start: int, end: int) -> tuple[int, int]:
        """The words after a cue up to a stop word, a sentence end, or the next 'X:' label run into the
        line ('to run applis. 2) ECS: ...': ECS starts a point of its own)."""
        i = start
        while i < end and (
            doc[i].lower_ not in OBJECT_STOPS or (doc[i].lower_ == "as" and doc[i - 1].lower_ == "such")
        ):
            if doc[i].text in (".", ";") or (doc[i].text == ":" and i > start and doc[i - 1].ent_id_):
                break
            if i > start and participle_clause(doc, i):  # "applications, integrating them with ...": a new point
                break
            i += 1
        if i < end and doc[i].text == ":":  # the label's own name is not the object either
            label = next((e for e in doc.ents if e.end == i), None)
            i = label.start if label is not None and label.start >= start else i
        return start, i

    # -------------------------------------------------------------- main entry

    def __call__(self, doc: Doc, st_kind: str, label: str, ctx: Context) -> Iterator[Candidate]:
        body = 0
        if label:
            colon = next((t.i for t in doc if t.text == ":" and t.idx >= len(label) - 1), None)
            body = colon + 1 if colon is not None else 0
        label_ents = self.mentions(doc, 0, body) if body else []
        subject = label_ents[0].ent_id_ if label_ents else ctx.topic
        if st_kind == "heading":
            if doc.text.rstrip().endswith("?"):
                return  # a question states nothing
            named = self.mentions(doc, 0, len(doc))
            if named:
                yield from self.clause(doc, 0, len(doc), named[0].ent_id_, ctx, fallback=False)
            return
        if self.is_chain(doc, body):
            yield from self.chain(doc, body, label_ents, ctx.topic)
            return
        if body and not label_ents and subject:
            labelled = list(self.label_cue(doc, body, subject, label))
            if labelled:  # "Supported engines: A, B", "Max item size: 400 KB"
                yield from labelled
                return
        if ctx.first and not label and subject:
            yield from self.dash_definition(doc, subject)
        clauses = self.clauses(doc, body, len(doc))
        subjects_seen: list[str] = []
        for start, end, opener in clauses:
            produced = list(self.clause(doc, start, end, subject, ctx, fallback=True, label_text=label))
            yield from produced
            lead, _ = self.leading_subjects(doc, start, end)
            if opener in ("whereas", "while") and lead and subjects_seen and lead[0] != subjects_seen[0]:
                yield Candidate(subjects_seen[0], "compared_with", lead[0], True, "whereas", doc.text)
            subjects_seen.extend(lead)
        yield from self.category(doc, body, subject, ctx)

    def dash_definition(self, doc: Doc, subject: str) -> Iterator[Candidate]:
        """'Object storage - "infinitely scaling" storage' opening a section: the part before the dash is
        what the topic is."""
        dash = next((t.i for t in doc if t.text in ("-", "--") and t.i > 0 and t.whitespace_), None)
        if dash is None or dash > 5 or doc[0].lemma_ in verbs_only() or is_negated(doc[:dash]):
            return
        if not self.mentions(doc, 0, dash) and not doc[0].is_stop:
            yield Candidate(subject, "is_a", literal(doc[:dash].text), False, "dash_definition")

    def label_cue(self, doc: Doc, body: int, subject: str, label: str) -> Iterator[Candidate]:
        """A cue in the label applies to the value after it."""
        for name, _, _ in self.cue_matches(doc, 0, body - 1):
            cue = CUES[name]
            if cue.predicate in ATTRIBUTE_RELATIONS:
                for pred, obj in self.attributes(doc, body, len(doc), label, cue.predicate):
                    yield Candidate(subject, pred, obj, False, f"label:{name}")
                return
            if cue.object != "clause" and cue.predicate != "use_case":  # use cases: the category splits them
                found = list(self.cue_objects(doc, name, body, len(doc), is_negated(doc[body:])))
                for pred, obj, is_entity in found:
                    if obj != subject:
                        yield Candidate(subject, pred, obj, is_entity, f"label:{name}")
                if found:
                    return

    # -------------------------------------------------------------- clause rules

    def clause(
        self,
        doc: Doc,
        start: int,
        end: int,
        default_subject: str | None,
        ctx: Context,
        *,
        fallback: bool,
        label_text: str = "",
    ) -> Iterator[Candidate]:
        lead, pstart = self.leading_subjects(doc, start, end)
        if lead and default_subject and doc[start].lower_ in ("the", "this", "these", "that"):
            topic_name = self.labels.get(default_subject, "").lower()
            mention = next((e.text.lower() for e in doc.ents if e.start <= start + 1 and e.ent_id_ == lead[0]), "")
            if mention and topic_name.endswith(mention):
                lead = [default_subject]  # "The container image must ..." under "Lambda Container Image"
        explicit = bool(lead)
        subjects = lead or ([default_subject] if default_subject else [])
        if not subjects:
            return
        text = doc[start:end].text
        emitted = False
        copula_end = pstart
        equals = explicit and pstart < end and doc[pstart].text in EQUALS  # "S3 = Simple Storage Service"
        be = pstart if pstart < end and (doc[pstart].lemma_ == "be" or equals) else None
        if (
            be is None
            and not explicit
            and doc[start].lemma_ == "be"
            and start + 1 < end
            and doc[start + 1].lower_ in ("a", "an")
        ):
            be = start  # flashcard answers: "Is a fully managed ..."
        if be is None and not explicit and start + 1 < end and doc[start].lower_ in ("it", "this", "they"):
            linked = doc[start + 1].lemma_ == "be" or doc[start + 1].lower_ in ("'s", "’s")
            be = start + 1 if linked else None  # "It's OLAP": the topic
        if be is not None and doc[be].lower_ != "been" and not self.passive(doc, be, end):
            copula = list(self.copula(doc, be, end, subjects, text, attributes=fallback))
            yield from copula
            emitted = bool(copula)
            copula_end = self.copula_stop(doc, be, end)
        if doc[start].lower_ == "use" and not explicit:
            advice = list(self.use_when(doc, start, end))
            if advice:
                yield from advice
                return
        for cand in self.runs_on_services(doc, pstart, end, subjects):
            emitted = True
            yield cand
        cues = self.cue_matches(doc, pstart, end)
        consumed = 0
        attributes_done = not fallback  # headings carry no attribute facts
        for n, (name, cs, ce) in enumerate(cues):
            cue = CUES[name]
            if cs < copula_end or cs < consumed:
                continue
            if cue.predicate in ATTRIBUTE_RELATIONS:
                late = any(doc[i].lower_ in RELATIVES for i in range(pstart, cs))
                if (
                    attributes_done
                    or late
                    or (cue.predicate == "scales" and cs > 0 and doc[cs - 1].lower_ in ("any", "large", "global"))
                ):
                    continue
                attributes_done = True
                for pred, obj in self.attributes(doc, start, end, label_text):
                    for subj in subjects:
                        emitted = True
                        yield Candidate(subj, pred, obj, False, f"cue:{name}")
                continue
            if cue.predicate in PURPOSE_VERBS and cs > pstart and self.after_to(doc, cs):
                continue
            negated = is_negated(doc[pstart:cs])
            if negated and cue.predicate in CAPABILITIES:  # "EFS does not support Windows": a limit
                for subj in subjects:
                    emitted = True
                    yield Candidate(subj, "has_limit", literal(doc[start:end].text), False, f"negated:{name}")
                continue
            if other_antecedent(
                doc, pstart, cs, subjects
            ):  # "an infrastructure which might contain ...": not the topic's
                continue
            who = self.resolve_subjects(doc, start, cs, subjects)
            nxt = next((c[1] for c in cues[n + 1 :] if CUES[c[0]].predicate not in ATTRIBUTE_RELATIONS), end)
            rs, re_ = self.object_region(doc, ce, nxt)
            if rs == re_ and cue.object in (
                "region",
                "mixed",
            ):  # "must provision and maintain ...": one object
                rs, re_ = self.object_region(doc, ce, end)
                consumed = re_
            if doc[rs:re_].text.lower().strip(" .!") in (
                "it",
                "them",
                "this",
            ):  # "BI tools ... integrate with it"
                before = [e.ent_id_ for e in self.mentions(doc, start, cs)]
                if before and default_subject:
                    for key in dict.fromkeys(before):
                        emitted = True
                        yield Candidate(key, cue.predicate, default_subject, True, f"cue:{name}")
                    continue
            for pred, obj, is_entity in self.cue_objects(doc, name, rs, re_, negated):
                for subj in who:
                    if obj != subj:
                        emitted = True
                        yield Candidate(subj, pred, obj, is_entity, f"cue:{name}")
        if not emitted and explicit:
            for cand in self.verb_relation(doc, pstart, end, subjects):
                emitted = True
                yield cand
        if not emitted and fallback and (default_subject or explicit):
            yield from self.property_fallback(doc, start, end, subjects, ctx, explicit, label_text)

    def verb_relation(self, doc: Doc, pstart: int, end: int, subjects: list[str]) -> Iterator[Candidate]:
        """'VM emulates machine hardware': a relation named by the verb the text uses."""
        i = pstart
        while i < end and doc[i].lower_.endswith("ly"):
            i += 1
        if i >= end or doc[i].lemma_ in AUXILIARIES or not doc[i].lower_.endswith("s"):
            return
        if doc[i].lemma_ not in word_classes()["verb"] or doc[i].lemma_ == doc[i].lower_:
            return
        rs, re_ = self.object_region(doc, i + 1, end)
        stop = next(
            (j for j in range(rs, re_) if doc[j].lower_ == "in" and j + 1 < re_ and doc[j + 1].lower_ == "which"),
            re_,
        )
        ents = self.mentions(doc, rs, stop)
        name = doc[i].lower_
        for s in subjects:
            if ents:
                for e in ents:
                    if e.ent_id_ != s:
                        yield Candidate(s, name, e.ent_id_, True, "verb")
            elif re.search(r"[A-Za-z]{3}", doc[rs:stop].text):
                yield Candidate(s, name, literal(doc[rs:stop].text), False, "verb")

    def passive(self, doc: Doc, be: int, end: int) -> bool:
        """'are stored in', 'was pioneered by', 'is preferred for': a verb follows, not a description."""
        i = be + 1
        while i < end and (doc[i].lower_.endswith("ly") or doc[i].lower_ in ("also", "just", "then")):
            i += 1
        if i >= end:
            return False
        if any(
            s == i and CUES[doc.vocab.strings[m]].predicate not in ATTRIBUTE_RELATIONS for m, s, _ in self.all_cues(doc)
        ):
            return True
        if doc[i].lemma_ in verbs_only() or (
            doc[be].text in EQUALS and doc[i].lower_ == doc[i].lemma_ in word_classes()["verb"]
        ):
            return True  # "Amazon MQ = use instead of SQS"
        return doc[i].lower_.endswith("ed") and doc[i].lemma_ in word_classes()["verb"]

    @staticmethod
    def after_to(doc: Doc, cs: int) -> bool:
        """'service ... to easily create APIs', 'preferred for running': a purpose, not an action."""
        i = cs - 1
        while i >= 0 and doc[i].lower_.endswith("ly"):
            i -= 1
        return i >= 0 and doc[i].lower_ in ("to", "for", "of", "per")

    def attributes(
        self, doc: Doc, start: int, end: int, label: str, kind: str | None = None
    ) -> Iterator[tuple[str, str]]:
        """Limits, prices and scaling keep the whole clause (with its numbers and units); a comma list of
        short attributes ('no auto-scaling, limited AWS integrations') gives one fact per item."""
        parts, cur, depth = [], start, 0
        for i in range(start, end + 1):
            if i < end and doc[i].text in "([":
                depth += 1
            elif i < end and doc[i].text in ")]":
                depth -= 1
            if i == end or (doc[i].text == "," and depth == 0):
                if i > cur:
                    parts.append((cur, i))
                cur = i + 1
        if len(parts) > 1 and all(b - a <= 6 for a, b in parts) and not label:
            for a, b in parts:
                kinds = [CUES[doc.vocab.strings[m]].predicate for m, s, e in self.all_cues(doc) if s >= a and e <= b]
                kinds = [k for k in kinds if k in ATTRIBUTE_RELATIONS]
                negated = is_negated(doc[a:b])
                if kinds or negated:
                    yield (
                        self.attribute_kind(kinds[0] if kinds else "has_limit", negated),
                        literal(doc[a:b].text),
                    )
            return
        whole = doc[start:end].text
        if label and start > 0 and not self.mentions(doc, 0, start):
            whole = f"{label}: {whole}"
        kinds = [CUES[doc.vocab.strings[m]].predicate for m, s, e in self.all_cues(doc) if s >= start and e <= end]
        kind = kind or next((k for k in kinds if k in ATTRIBUTE_RELATIONS), "has_property")
        yield self.attribute_kind(kind, is_negated(doc[start:end])), literal(whole)

    @staticmethod
    def attribute_kind(kind: str, negated: bool) -> str:
        """'no auto-scaling' is a limit; 'no time limit' is a property."""
        if not negated:
            return kind
        return {"scales": "has_limit", "has_limit": "has_property"}.get(kind, kind)

    def use_when(self, doc: Doc, start: int, end: int) -> Iterator[Candidate]:
        """'Use DynamoDB when you need millisecond latency': advice, DynamoDB preferred_for the need."""
        ents = [e for e in doc.ents if e.start == start + 1 and e.ent_id_]
        if not ents:
            return
        after = ents[0].end
        if after < end and doc[after].lower_ in ("when", "for", "if", "to"):
            rest = doc[after + (0 if doc[after].lower_ == "when" else 1) : end].text
            yield Candidate(ents[0].ent_id_, "preferred_for", literal(rest), False, "use_when")

    def resolve_subjects(self, doc: Doc, start: int, cue_start: int, subjects: list[str]) -> list[str]:
        """'... your Docker images so they can be run by ECS': 'they' is the nearest entity before it."""
        for i in range(cue_start - 1, max(start, cue_start - 4) - 1, -1):
            if doc[i].lower_ in ("they", "it", "these", "them", "that", "which"):
                before = [e for e in doc.ents if e.end <= i and e.start >= start and e.ent_id_]
                if before:
                    return [before[-1].ent_id_]
        return subjects

    def cue_objects(self, doc: Doc, name: str, rs: int, re_: int, negated: bool) -> Iterator[tuple[str, str, bool]]:
        """(predicate, object, object_is_entity) for one relation cue and the words after it."""
        cue = CUES[name]
        pred = cue.predicate
        if negated:
            return
        objs: list[tuple[str, int]] = []
        ents = self.mentions(doc, rs, re_)
        for n, ent in enumerate(ents):
            if is_negated(doc[rs : ent.start]):
                continue
            if n + 1 < len(ents) and ents[n + 1].start == ent.end:  # "Serverless cron job": a modifier
                continue
            objs.append((ent.ent_id_, ent.start))
        if pred == "runs":  # "run Docker containers on EC2 instances": what runs, and where
            on = next((i for i in range(rs, re_) if doc[i].lower_ in ("on", "across", "atop")), re_)
            for key, at in objs:
                yield ("runs_on" if at > on else "runs"), key, True
            return
        if cue.object == "mixed" and self.is_list(doc, rs, re_):
            for a, b in self.items(doc, rs, re_):
                yield from self.list_item(doc, pred, a, b)
            return
        keys = list(dict.fromkeys(k for k, _ in objs))
        if keys and cue.object in ("entity", "mixed"):
            for key in keys:
                yield self.typed(pred, key), key, True
            return
        if cue.object == "entity":
            return
        region = doc[rs:re_].text.strip()
        dangling = rs < re_ and doc[rs].lower_ in ("for", "to", "of", "in", "on", "at", "with", "by", "from")
        if re.search(r"[A-Za-z]{2}", region) and not is_negated(doc[rs : rs + 2]) and not dangling:
            yield pred, literal(strip_parenthetical(region) if pred == "use_case" else region), False

    def typed(self, pred: str, key: str) -> str:
        """'supports Python' is the narrower supports_language."""
        return "supports_language" if pred == "supports" and self.types.get(key) == "ProgrammingLanguage" else pred

    @classmethod
    def is_list(cls, doc: Doc, rs: int, re_: int) -> bool:
        return any(doc[i].text == "," for i in range(rs, re_)) and len(cls.items(doc, rs, re_)) > 1

    @staticmethod
    def items(doc: Doc, rs: int, re_: int) -> list[tuple[int, int]]:
        """'security, user authentication, API keys and monitoring' -> one token range per item."""
        out, cur, depth = [], rs, 0
        for i in range(rs, re_ + 1):
            t = doc[i].text if i < re_ else ","
            depth += t in "([" and i < re_
            depth -= t in ")]" and i < re_
            if depth == 0 and (t == "," or (doc[i].lower_ in ("and", "or") and i < re_)):
                a = cur
                while a < i and doc[a].lower_ in ("using", "the", "a", "an", "to", "and", "or", "with"):
                    a += 1
                b = i
                while b > a and doc[b - 1].is_punct:
                    b -= 1
                if b > a:
                    out.append((a, b))
                cur = i + 1
        return out

    def list_item(self, doc: Doc, pred: str, a: int, b: int) -> Iterator[tuple[str, str, bool]]:
        ents = self.mentions(doc, a, b)
        if ents and ents[0].start == a and ents[-1].end == b:
            for e in ents:
                yield self.typed(pred, e.ent_id_), e.ent_id_, True
        elif re.search(r"[A-Za-z]{2}", doc[a:b].text) and not is_negated(doc[a:b]):
            yield pred, literal(doc[a:b].text), False

    def copula(
        self, doc: Doc, be: int, end: int, subjects: list[str], text: str, *, attributes: bool = True
    ) -> Iterator[Candidate]:
        """'X is a Y' -> is_a; 'X is not ...' or a hedge -> has_property; 'X is A, B, C' -> one fact each."""
        rest = doc[be + 1 : end]
        if is_negated(rest[:3]) or any(h in rest.text.lower() for h in HEDGES):
            for s in subjects:
                yield Candidate(s, "has_property", literal(text), False, "copula_negated")
            return
        if be + 1 < end and doc[be + 1].lower_ in (
            "more",
            "less",
            "very",
            "too",
            "quite",
            "highly",
            "to",
            "only",
        ):
            for s in subjects:  # "is more efficient", "is to get managed Redis": not a definition
                yield Candidate(s, "has_property", literal(text), False, "copula_property")
            return
        i = be + 1
        while i < end and (
            doc[i].lower_ in ("a", "an", "the", "also", "just", "usually", "basically") or doc[i].text in EQUALS
        ):
            i += 1
        if i >= end:
            return
        region = doc[i:end]
        cues = self.cue_matches(doc, i, end)
        if "," in region.text and not any(t.lower_ in ("to", "that", "which", "in") for t in region):
            items, cur = [], i
            for j in range(i, end + 1):
                if j == end or doc[j].text == "," or doc[j].lower_ in ("and", "or"):
                    if j > cur:
                        items.append((cur, j))
                    cur = j + 1
            for a, b in items:
                yield from self.copula_item(doc, a, b, subjects)
            return
        stop = self.copula_stop(doc, be, end)
        ents = self.mentions(doc, i, stop)
        if len(ents) == 1 and ents[0].start == i and ents[0].end == stop:
            for s in subjects:
                if s != ents[0].ent_id_:
                    yield Candidate(s, "is_a", ents[0].ent_id_, True, "copula")
            return
        attribute = [c for c in cues if CUES[c[0]].predicate in ATTRIBUTE_RELATIONS and c[1] < stop]
        if attribute and attributes:
            pred = CUES[attribute[0][0]].predicate
            for s in subjects:
                yield Candidate(s, pred, literal(text), False, "copula_attribute")
            return
        for s in subjects:
            yield Candidate(s, "is_a", literal(doc[i:stop].text), False, "copula")

    @staticmethod
    def copula_stop(doc: Doc, be: int, end: int) -> int:
        """Where a definition's noun phrase ends: a relative clause or a comma."""
        for j in range(be + 1, end):
            if doc[j].lower_ in ("that", "which", "who") or doc[j].text == ",":
                return j
            if doc[j].lower_ == "in" and j + 1 < end and doc[j + 1].lower_ == "which":
                return j
        return end

    def copula_item(self, doc: Doc, a: int, b: int, subjects: list[str]) -> Iterator[Candidate]:
        ents = self.mentions(doc, a, b)
        item = doc[a:b]
        cues = [c for c in self.cue_matches(doc, a, b) if CUES[c[0]].predicate in ATTRIBUTE_RELATIONS]
        for s in subjects:
            if ents and ents[0].start == a and ents[-1].end == b:
                for e in ents:
                    yield Candidate(s, "is_a", e.ent_id_, True, "copula_list")
            elif cues:
                yield Candidate(s, CUES[cues[0][0]].predicate, literal(item.text), False, "copula_list")
            elif len(item) == 1 and item.text.lower().endswith(ADJECTIVE_ENDINGS):
                yield Candidate(s, "has_property", literal(item.text), False, "copula_list")
            else:
                yield Candidate(s, "is_a", literal(item.text), False, "copula_list")

    def runs_on_services(self, doc: Doc, start: int, end: int, subjects: list[str]) -> Iterator[Candidate]:
        """'run your ECS/EKS containers' -> runs_on ECS, EKS: services named as the owner of a workload."""
        for i in range(start, end):
            if doc[i].lemma_ != "run":
                continue
            j = i + 1
            while j < end and doc[j].lower_ in ("your", "the", "their", "our", "my"):
                j += 1
            services = []
            ents = {e.start: e for e in doc.ents if e.ent_id_}
            while j < end and j in ents and self.types.get(ents[j].ent_id_) == SERVICE:
                services.append(ents[j].ent_id_)
                j = ents[j].end
                if j < end and doc[j].lower_ in COORDINATORS:
                    j += 1
            if (services and j < end and doc[j].lemma_ in WORKLOADS) or (
                services and j in ents and ents[j].root.lemma_ in WORKLOADS
            ):
                for s in subjects:
                    for svc in services:
                        if svc != s:
                            yield Candidate(s, "runs_on", svc, True, "run_service_workload")

    @staticmethod
    def definition_phrase(doc: Doc, start: int, end: int) -> str:
        """'A calculator that estimates cost ...' -> 'calculator': the noun phrase a definition opens with."""
        if end - start < 2 or doc[start].lower_ not in ("a", "an"):
            return ""
        stop = next(
            (j for j in range(start + 1, end) if doc[j].lower_ in RELATIVES | {"where", "when"} or doc[j].is_punct),
            end,
        )
        return literal(doc[start:stop].text) if stop - start <= 6 else ""

    def property_fallback(
        self, doc: Doc, start: int, end: int, subjects: list[str], ctx: Context, explicit: bool, label: str
    ) -> Iterator[Candidate]:
        """A bullet with no cue: a definition when it opens its topic (or follows 'X:') and has no verb,
        else a property."""
        span = doc[start:end]
        free = [t for t in span if t.is_alpha and not t.ent_id_]
        words = [t for t in span if (t.is_alpha or t.ent_id_) and not t.is_stop and t.lower_ not in NEGATIONS]
        if not free or len(words) < 2 or ctx.category:
            return  # "they run", a bare name: nothing said
        text = span.text
        if text.istitle() and len(text.split()) <= 3:  # a stray heading, not a property
            return
        if not readable(span) or lead_in(doc):
            return
        label_is_subject = bool(label) and bool(self.mentions(doc, 0, start))
        defining = bool(label) and vocabulary().defines(label)  # "Definition: A calculator that ..."
        if label and not label_is_subject and not defining:
            text = f"{label}: {text}"
        definitional = (
            (ctx.first or label_is_subject or defining)
            and not explicit
            and not verb_initial(span)
            and not is_negated(span[:3] if start == 0 else span)
            and (start == 0 or label_is_subject or defining)
            and not (label and not label_is_subject and not defining)
            and span[0].lower_ not in PRONOUNS  # "this ensures that ...": a saying, not a kind
        )
        last = [t for t in span if t.is_alpha][-1:]
        named_kind = bool(last) and (last[0].lower_ in CATEGORY_HEADS or last[0].lemma_ in CATEGORY_HEADS)
        short_kind = len(span) <= 4 and named_kind and not verb_initial(span) and not is_negated(span)
        definitional = definitional or (short_kind and not explicit and not label)  # "Serverless offering"
        pred = "is_a" if definitional else "has_property"
        if definitional:  # "Managed NFS that can be mounted ...": the noun phrase
            text = doc[start : next((j for j in range(start, end) if doc[j].lower_ in RELATIVES), end)].text
        if LIMITING.search(span.text.replace("ca n't", "can't")):
            pred = "has_limit"  # "you can't SSH into your RDS instances", "can only be mounted to one instance"
        for s in subjects:
            yield Candidate(s, pred, literal(text), False, "definition" if definitional else "property")

    def category(self, doc: Doc, body: int, subject: str | None, ctx: Context) -> Iterator[Candidate]:
        """Facts that come from the heading a bullet sits under ('Use cases:', 'Pricing', 'Languages')."""
        if not subject or not ctx.category or not re.search(r"[A-Za-z0-9]", doc[body:].text):
            return
        span = doc[body:]
        ents = [e for e in self.mentions(doc, body, len(doc)) if not is_negated(doc[body : e.start])]
        cat = ctx.category
        if cat in ("use_case", "pricing", "has_limit"):
            text = span.text
            if body and cat != "use_case" and not self.mentions(doc, 0, body):
                text = doc.text
            parts = [p for p in re.split(r",(?![^()]*\))|\band\b", text) if p.strip()] if cat == "use_case" else [text]
            for part in parts:
                value = literal(strip_parenthetical(part) if cat == "use_case" else part)
                if re.search(r"[a-z]{2}", value.lower()):
                    yield Candidate(subject, cat, value, False, f"under:{cat}")
        elif cat == "supports_language":
            for e in ents:
                kind = "supports_language" if self.types.get(e.ent_id_) == "ProgrammingLanguage" else "supports"
                if e.ent_id_ != subject:
                    yield Candidate(subject, kind, e.ent_id_, True, "under:language")
        elif cat == "example" and ctx.example_target:
            for e in ents:
                if e.ent_id_ != ctx.example_target:
                    yield Candidate(e.ent_id_, "example_of", ctx.example_target, True, "under:examples")
        elif cat == "example":
            text = literal(span.text)
            if re.search(r"[a-z]{3}", text):
                yield Candidate(subject, "use_case", text, False, "under:example")
        else:  # supports, triggers, includes, has_property, ...: the entities it names, else what it says
            named = [e.ent_id_ for e in ents if e.ent_id_ != subject]
            for key in dict.fromkeys(named):
                yield Candidate(subject, cat, key, True, f"under:{cat}")
            value = literal(strip_parenthetical(span.text))
            if not named and readable(span) and re.search(r"[a-z]{3}", value.lower()):
                yield Candidate(subject, cat, value, False, f"under:{cat}")

    # -------------------------------------------------------------- arrow chains

    @staticmethod
    def _arrows(doc: Doc, start: int) -> tuple[list[tuple[int, int]], str]:
        """Token ranges of the arrows in a statement, and their kind: 'stack' (-->) or 'flow' (>)."""
        arrows = []
        i = start
        kind = ""
        while i < len(doc):
            t = doc[i].text
            if t in ("-->", "->", "→", "⟶") or (t in ("--", "-") and i + 1 < len(doc) and doc[i + 1].text == ">"):
                width = 1 if t in ("-->", "->", "→", "⟶") else 2
                arrows.append((i, i + width))
                kind = "stack"
                i += width
                continue
            if t == ">" and (i == 0 or doc[i - 1].text not in ("=", "-", "--")):
                arrows.append((i, i + 1))
                kind = kind or "flow"
            i += 1
        return arrows, kind

    def is_chain(self, doc: Doc, start: int) -> bool:
        """Two or more arrows joining steps of which at least one names an entity."""
        arrows, _ = self._arrows(doc, start)
        if len(arrows) < 2:
            return False
        bounds = [start, *(x for a in arrows for x in a), len(doc)]
        return any(self.mentions(doc, bounds[k], bounds[k + 1]) for k in range(0, len(bounds), 2))

    def chain(self, doc: Doc, start: int, label_ents: list[Span], topic: str | None = None) -> Iterator[Candidate]:
        arrows, kind = self._arrows(doc, start)
        bounds = [start, *(x for a in arrows for x in a), len(doc)]
        segments = [(bounds[k], bounds[k + 1]) for k in range(0, len(bounds), 2)]
        seg_ents = [self.mentions(doc, a, b) for a, b in segments]
        if kind == "stack":
            for k in range(len(segments) - 1):
                for upper in seg_ents[k + 1]:
                    for lower in seg_ents[k]:
                        if upper.ent_id_ != lower.ent_id_:
                            yield Candidate(upper.ent_id_, "runs_on", lower.ent_id_, True, "layer_stack")
            for owner in label_ents:
                for ents in seg_ents:
                    for e in ents:
                        if e.ent_id_ != owner.ent_id_:
                            yield Candidate(owner.ent_id_, "uses", e.ent_id_, True, "stack_component")
            return
        nodes: list[tuple[str, str]] = []  # (entity key, verb label of the edge that leads to it)
        pending = ""
        if topic and len(seg_ents) > 2 and not seg_ents[0] and not seg_ents[1]:
            nodes.append((topic, ""))  # "Schedule Every hour > Trigger > Lambda" under EventBridge
        for (a, b), ents in zip(segments, seg_ents, strict=True):
            if not ents:
                pending = doc[a:b].text.strip()
                continue
            main = next((e for e in ents if self.types.get(e.ent_id_) != "Concept"), ents[0])
            nodes.append((main.ent_id_, pending))
            pending = ""
            rest = [
                c for c in self.clause(doc, a, b, main.ent_id_, Context(), fallback=False) if c.object != main.ent_id_
            ]
            yield from (c._replace(rule="flow_step") for c in rest)
        for (src, _), (dst, verb) in pairwise(nodes):
            if src != dst or verb:
                yield Candidate(src, self.flow_relation(doc, verb), dst, True, "flow", verb)

    @staticmethod
    def flow_relation(doc: Doc, verb: str) -> str:
        """'Trigger' -> triggers; 'Push' -> pushes_to; a label that is not a verb -> flows_to."""
        words = re.findall(r"[A-Za-z]+", verb.lower())
        if not words:
            return "flows_to"
        base = lemma(words[0])
        if base in ("trigger", "invoke"):
            return "triggers"
        if base not in word_classes()["verb"]:
            return "flows_to"
        third = (
            base[:-1] + "ies"
            if re.search(r"[^aeiou]y$", base)
            else base + ("es" if re.search(r"(s|x|ch|sh)$", base) else "s")
        )
        return f"{third}_to"
