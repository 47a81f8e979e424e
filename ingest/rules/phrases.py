"""Relations named by a cue phrase of the registry ('runs on', 'integrates with', 'up to'): the entities or
words after the cue are the object; limits, prices and scaling keep the whole clause."""

import re
from collections.abc import Iterator

from spacy.tokens import Doc

from ingest.cues import ATTRIBUTE_RELATIONS, COUNTED_RELATIONS, CUES, PURPOSE_VERBS
from ingest.rules.copula import copula_end
from ingest.rules.model import Candidate, Clause, Context, Sentence, keyed, tokens
from ingest.rules.spans import (
    THINGS_OF_A_NAME,
    after_to,
    bracketed_after_words,
    is_list,
    items,
    named_before,
    object_region,
    purpose,
    resolve_subjects,
)
from ingest.rules.words import (
    AUXILIARIES,
    CAPABILITIES,
    RELATIVES,
    is_negated,
    literal,
    other_antecedent,
    strip_parenthetical,
)
from kg.lexicon import word_classes

PRONOUN_OBJECTS = ("it", "them", "this")
SUBJECT_PRONOUNS = ("it", "they", "we", "you", "i", "one")
QUANTIFIERS = ("any", "every", "all")
WORDLIKE = re.compile(r"[A-Za-z]{2}")  # two letters in a row: a word, not a stray symbol
DANGLING = ("for", "to", "of", "in", "on", "at", "with", "by", "from")


def cue_relations(c: Clause, ctx: Context) -> Iterator[Candidate]:
    """Each cue after the subject gives its relation to what follows it, up to the next cue."""
    s, doc, start, end, pstart = c.sentence, c.doc, c.start, c.end, c.pstart
    toks = tokens(doc)
    described = copula_end(c)
    cues = s.cue_matches(pstart, end)
    consumed = 0
    attributes_done = not c.fallback  # headings carry no attribute facts
    for n, (name, cs, ce) in enumerate(cues):
        cue = CUES[name]
        if cs < described or cs < consumed or in_name(s, cs):
            continue
        if cue.predicate in ATTRIBUTE_RELATIONS:
            late = any(toks[i].lower_ in RELATIVES for i in range(pstart, cs))
            generic = cue.predicate == "scales" and cs > 0 and toks[cs - 1].lower_ in ("any", "large", "global")
            if attributes_done or late or generic:
                continue
            attributes_done = True
            for pred, obj in attributes(s, start, end, c.label):
                for subj in c.subjects:
                    yield Candidate(subj, pred, obj, False, f"cue:{name}")
            continue
        if cue.predicate in PURPOSE_VERBS and cs > pstart and after_to(doc, cs):
            continue
        if cue.object != "region" and purpose(doc, ce - 1):  # "replication to directly put ...": no destination
            continue
        if listed_action(doc, pstart, cs) and cue.predicate != "includes":
            continue  # "including creating streams, resharding, and ...": an item of a list of actions
        if ce - cs == 1 and participle(doc, cs) and cs > pstart and toks[cs - 1].lower_ in PARTICIPLE_LEADS:
            continue  # "if replication is used, ...", "Only required domains can ...": no act of the subject
        if cue.predicate == "alternative_to" and bracketed_after_words(doc, pstart, cs):
            continue  # "Columnar storage (instead of row based)": an alternative to those words, not the subject
        negated = is_negated(doc[pstart:cs])
        if negated and cue.predicate in CAPABILITIES:  # "EFS does not support Windows": a limit
            for subj in c.subjects:
                yield Candidate(subj, "has_limit", literal(c.text), False, f"negated:{name}")
            continue
        if other_antecedent(doc, pstart, cs, c.subjects):  # "an infrastructure which might contain ...": not ours
            continue
        own = not c.explicit and own_subject(s, pstart, cs, c.default_subject)
        if own and not (cue.predicate == "requires" and toks[cs].lower_ == "must"):
            continue  # "all other reads see ...", "dbs provide ...": that noun's relation, not the topic's
        who = resolve_subjects(doc, start, cs, c.subjects)
        if not c.explicit:
            who = named_before(doc, pstart, cs) or who
        nxt = next(  # a cue word inside a name ('uses Azure Monitor under the hood') does not end the object
            (m.start for m in cues[n + 1 :] if m.cue.predicate not in ATTRIBUTE_RELATIONS and not in_name(s, m.start)),
            end,
        )
        rs, re_ = object_region(doc, ce, nxt)
        if own:  # "Queue name must end with .fifo", "... – bucket must allow ...": what that noun must do
            rs = max((i + 1 for i in range(pstart, cs) if not toks[i].is_alpha), default=pstart)
        while re_ > rs + 1 and re_ == nxt and toks[re_ - 1].lower_ in SUBJECT_PRONOUNS:
            re_ -= 1  # "a record processor for every shard it manages": the next cue's subject is not ours
        if rs == re_ and cue.object in ("region", "mixed") and ce < end and toks[ce].lemma_ in word_classes()["verb"]:
            rs, re_ = object_region(doc, ce, end)  # "must provision and maintain ...": one object
            consumed = re_
        if doc[rs:re_].text.lower().strip(" .!") in PRONOUN_OBJECTS:  # "BI tools ... integrate with it"
            before = [e.ent_id_ for e in s.mentions(start, cs)]
            if before and c.default_subject and not negated:  # "you don't have to provision them": none
                for key in dict.fromkeys(before):
                    yield Candidate(key, cue.predicate, c.default_subject, True, f"cue:{name}")
                continue
        for pred, obj, is_entity in cue_objects(s, name, rs, re_, negated):
            for subj in who:
                if obj != subj:
                    yield Candidate(subj, pred, obj, is_entity, f"cue:{name}")


def in_name(s: Sentence, i: int) -> bool:
    """Is the cue word at i part of a name ('uses Azure Monitor under the hood', 'Auto Scaling Groups
    notifications'): inside a known name, or a capitalised word that a capitalised word goes on from?"""
    doc = s.doc
    toks = tokens(doc)
    if any(e.start <= i < e.end and len(e) > 1 for e in keyed(doc)):  # not 'Monitor' alone
        return True
    return 0 < i < len(doc) - 1 and toks[i - 1].is_title and toks[i].is_title and toks[i + 1].is_title


MODALS = frozenset({"must", "can", "cannot", "should", "may"})


def own_subject(s: Sentence, start: int, cue: int, topic: str | None) -> bool:
    """Is the noun right before a cue the clause's own subject ('Queue name must end ...', 'destination buckets
    must have ...', 'all other reads must see ...', 'dbs provide ...'), not the topic's name? It is when a modal
    follows it, or it is plural and the verb agrees; a singular noun before a plain verb ('The agent handles
    ...') is a part of the topic that may speak for it. Then the relation is that noun's, not the topic's."""
    if cue > start + 1 and s.doc[cue - 1].lower_ in MODALS:
        cue -= 1  # "dbs can expose ...": the modal before the cue's verb follows the noun
    if cue <= start:
        return False
    word = s.doc[cue - 1]
    nouns, verbs = word_classes()["noun"], word_classes()["verb"]
    if not word.is_alpha or word.ent_id_ or word.lower_.endswith("ly") or word.lower_ in SUBJECT_PRONOUNS:
        return False
    if cue - 1 > start and s.doc[cue - 2].ent_id_:
        return False  # "SQS queue can trigger ...": a name's own thing speaks for it
    name = {w.lower() for w in s.known.labels.get(topic or "", "").split()}
    verb = s.doc[cue]
    modal = verb.lemma_ in AUXILIARIES or verb.lower_ in MODALS
    plural = word.lower_ != word.lemma_ and word.lower_.endswith("s")
    if word.lemma_ not in nouns or (word.lemma_ in verbs and not modal) or word.lemma_ in name or word.lower_ in name:
        return False  # "reads see": a verb; "Lambda functions must": the topic's own name
    return modal or (plural and verb.lemma_ in verbs)


def attributes(s: Sentence, start: int, end: int, label: str, kind: str | None = None) -> Iterator[tuple[str, str]]:
    """Limits, prices and scaling keep the whole clause (with its numbers and units); a comma list of
    short attributes ('no auto-scaling, limited AWS integrations') gives one fact per item."""
    doc = s.doc
    toks = tokens(doc)
    parts, cur, depth = [], start, 0
    for i in range(start, end + 1):
        if i < end and toks[i].text in "([":
            depth += 1
        elif i < end and toks[i].text in ")]":
            depth -= 1
        if i == end or (toks[i].text == "," and depth == 0):
            if i > cur:
                parts.append((cur, i))
            cur = i + 1
    if len(parts) > 1 and all(b - a <= 6 for a, b in parts) and not label:
        for a, b in parts:
            kinds = [k for k in s.predicates(a, b) if k in ATTRIBUTE_RELATIONS]
            negated = is_negated(doc[a:b])
            if kinds or negated:
                part = attribute_kind(kinds[0] if kinds else "has_limit", negated)
                yield part, literal(doc[a + own_verb(doc, a, b, part) : b].text)
        return
    whole = doc[start:end].text
    if label and start > 0 and not s.mentions(0, start):
        whole = f"{label}: {whole}"
    kind = kind or next((k for k in s.predicates(start, end) if k in ATTRIBUTE_RELATIONS), "has_property")
    yield attribute_kind(kind, is_negated(doc[start:end])), literal(whole)


def own_verb(doc: Doc, a: int, b: int, kind: str) -> int:
    """1 when a short attribute opens with the relation's own verb, which the object does not repeat ('Scales
    automatically, pay per use' scales 'automatically'), else 0."""
    toks = tokens(doc)
    return int(kind == "scales" and b - a > 1 and toks[a].lower_ in ("scale", "scales") and toks[a + 1].is_alpha)


def attribute_kind(kind: str, negated: bool) -> str:
    """'no auto-scaling' is a limit; 'no time limit' is a property."""
    if not negated:
        return kind
    return {"scales": "has_limit", "has_limit": "has_property"}.get(kind, kind)


def cue_objects(s: Sentence, name: str, rs: int, re_: int, negated: bool) -> Iterator[tuple[str, str, bool]]:
    """(predicate, object, object_is_entity) for one relation cue and the words after it."""
    doc = s.doc
    toks = tokens(doc)
    cue = CUES[name]
    pred = cue.predicate
    if negated:
        return
    objs: list[tuple[str, int]] = []
    ents = s.mentions(rs, re_)
    for n, ent in enumerate(ents):
        if is_negated(doc[rs : ent.start]):
            continue
        if n + 1 < len(ents) and ents[n + 1].start == ent.end:  # "Serverless cron job": a modifier
            continue
        if n + 1 < len(ents) and ents[n + 1].start == ent.end + 1 and toks[ent.end].lower_ in THINGS_OF_A_NAME:
            continue  # "the API operation PutRecords": the operation is the object
        if toks[rs].lower_ in QUANTIFIERS or (ent.start > rs and toks[ent.start - 1].lower_ in QUANTIFIERS):
            continue  # "works with any language, OS and technology": no one OS
        if objs and described_by(s, objs[-1][1], ent.start):
            continue  # "use KPL producers implemented in Java": Java is what the producers are written in
        if pred in COUNTED_RELATIONS and ent.start > rs and toks[ent.start - 1].like_num:
            yield pred, literal(doc[ent.start - 1 : ent.end].text), False  # "across 3 AZs": how many is the fact
            return
        objs.append((ent.ent_id_, ent.start))
    if pred == "runs":  # "run Docker containers on EC2 instances": what runs, and where
        on = next((i for i in range(rs, re_) if toks[i].lower_ in ("on", "across", "atop", "in")), re_)
        for key, at in objs:
            yield ("runs_on" if at > on else "runs"), key, True
        return
    if cue.object == "mixed" and is_list(doc, rs, re_):
        spans = items(doc, rs, re_)
        if any(b == a + 1 and action(s, a) for a, b in spans):
            return  # "monitor, optimize and control spending": a list of actions, not of objects
        for a, b in spans:
            if doc[a:b].text.lower().rstrip(".") != "etc":
                yield from list_item(s, pred, a, b)
        return
    keys = list(dict.fromkeys(k for k, _ in objs))
    if keys and objs[0][1] > rs and gerund_phrase(s, rs):
        keys = []  # "instead of sending each Kinesis record in its own request": the names are the action's
    if keys and cue.object in ("entity", "mixed"):
        for key in keys:
            yield typed(s, pred, key), key, True
        return
    if cue.object == "entity":
        return
    region = doc[rs:re_].text.strip()
    dangling = rs < re_ and (toks[rs].lower_ in DANGLING or region.lower() in SUBJECT_PRONOUNS)
    if WORDLIKE.search(region) and not is_negated(doc[rs : rs + 2]) and not dangling:
        yield pred, literal(strip_parenthetical(region) if pred == "use_case" else region), False


PARTICIPLE_ENDINGS = ("ed", "en", "wn", "lt")
LIST_LEADS = frozenset({"including", ",", "and", "or"})
PARTICIPLE_LEADS = frozenset({"is", "are", "was", "were", "be", "been", "being", "only", "the", "a", "an", "all"})


def participle(doc: Doc, i: int) -> bool:
    """Is the word at i a past participle ('used', 'required', 'written'), not the verb's present form?"""
    toks = tokens(doc)
    word = toks[i]
    return word.lower_ != word.lemma_ and word.lower_.endswith(PARTICIPLE_ENDINGS)


def described_by(s: Sentence, obj: int, at: int) -> bool:
    """Does a past participle and its preposition ('implemented in', 'written in', 'built with') between the
    object at obj and the name at at say what that object is made of, with no list between?"""
    doc = s.doc
    toks = tokens(doc)
    if at - obj < 3 or any(t.text in (",", ";") or t.lower_ in ("and", "or") for t in doc[obj:at]):
        return False
    verb, prep = toks[at - 2], toks[at - 1]
    made = participle(doc, at - 2) and verb.lemma_ in word_classes()["verb"]
    return made and prep.lower_ in ("in", "with", "using", "on", "by")


def listed_action(doc: Doc, start: int, i: int) -> bool:
    """Is the word at i an -ing form after a list's comma or 'including', with more -ing items after it
    ('including creating streams, resharding, and putting ...'): one action of a list, not what the subject
    does to what follows (', integrating them with PagerDuty' is)?"""

    toks = tokens(doc)

    def item(j: int) -> bool:
        return toks[j].lower_.endswith("ing") and toks[j - 1].lower_ in LIST_LEADS

    return i > start and item(i) and any(item(j) for j in range(i + 2, len(toks)))


def gerund_phrase(s: Sentence, i: int) -> bool:
    """Does an action open at i ('sending each record ...'), a verb's -ing form that names nothing?"""
    word = s.doc[i]
    return word.lower_.endswith("ing") and not word.ent_id_ and word.lemma_ in word_classes()["verb"]


def action(s: Sentence, a: int) -> bool:
    """Is the word at a the bare form of a word that is only ever a verb ('maintain', 'optimize')?"""
    word = s.doc[a]
    classes = word_classes()
    lemma = word.lemma_
    return (
        not word.ent_id_
        and word.lower_ == lemma  # 'retries' is a plural noun here, not 'retry'
        and lemma in classes["verb"]
        and lemma not in classes["noun"]
        and lemma not in classes["adj"]
        and word.lower_ not in classes["noun"]
    )


def list_item(s: Sentence, pred: str, a: int, b: int) -> Iterator[tuple[str, str, bool]]:
    ents = s.mentions(a, b)
    if ents and ents[0].start == a and ents[-1].end == b:
        for e in ents:
            yield typed(s, pred, e.ent_id_), e.ent_id_, True
    elif WORDLIKE.search(s.doc[a:b].text) and not is_negated(s.doc[a:b]):
        yield pred, literal(s.doc[a:b].text), False


def typed(s: Sentence, pred: str, key: str) -> str:
    """'supports Python', 'use SQL as a query language' are the narrower supports_language."""
    language = s.known.types.get(key) == "ProgrammingLanguage"
    return "supports_language" if pred in ("supports", "uses") and language else pred
