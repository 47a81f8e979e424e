"""Where things are in a sentence: its leading subjects, clauses, the object region after a cue, list items."""

import re

from spacy.tokens import Doc

from ingest.cues import ATTRIBUTE_RELATIONS
from ingest.rules.model import Sentence, keyed, tokens
from ingest.rules.words import (
    AUXILIARIES,
    CLAUSE_BREAKS,
    CONCESSIONS,
    COORDINATORS,
    EQUALS,
    LEADING,
    OBJECT_STOPS,
    RELATIVES,
    literal,
    participle_clause,
)
from ingest.vocabulary import vocabulary
from kg.lexicon import verbs_only, word_classes


def leading_subjects(s: Sentence, start: int, end: int) -> tuple[list[str], int]:
    """Entities that open the clause ('ECS / Fargate is ...'), and where the predicate starts."""
    doc = s.doc
    toks = tokens(doc)
    i = start
    while i < end and toks[i].lower_ in LEADING:
        i += 1
    keys: list[str] = []
    ents = {e.start: e for e in keyed(doc)}
    while i < end and i in ents:
        ent = ents[i]
        keys.append(ent.ent_id_)
        i = ent.end
        if i + 1 < end and toks[i].lower_ in THINGS_OF_A_NAME and i + 1 not in ents:
            i += 1  # "Each PutRecords request can ...": a call of PutRecords
        if i + 1 < end and toks[i].lower_ in COORDINATORS and (i + 1) in ents:
            i += 1
        elif i < end and toks[i].text == "(":  # "Elastic Container Service (ECS) is ..."
            close = next((j for j in range(i, end) if toks[j].text == ")"), None)
            if close is not None:
                i = close + 1
    if keys and not verb_like(s, i, end):
        return [], start  # "Serverless and scalable", "container technology ...": not the subject
    return list(dict.fromkeys(keys)), i


DASHES = ("-", "–", "—", ":")
THINGS_OF_A_NAME = vocabulary().name_tails | vocabulary().interface_tails


def topic_head(s: Sentence, start: int, end: int, topic: str | None) -> int | None:
    """'An object is ...', 'The bucket must ...' about the topic 'S3 object' / 'S3 bucket': an article and the
    last word of the topic's name, then a verb, name the topic. Where its predicate starts, else None."""
    doc = s.doc
    toks = tokens(doc)
    name = s.known.labels.get(topic or "", "").lower().split()
    if len(name) < 2 or end - start < 3 or toks[start].lower_ not in ("a", "an", "the"):
        return None
    word = toks[start + 1]
    if word.ent_id_ or word.lemma_ != name[-1] or not verb_like(s, start + 2, end):
        return None
    return start + 2


DETERMINERS = frozenset({"the", "a", "an", "your", "our", "their", "its", "each", "every", "any", "some", "most"})
ADVERBIALS = frozenset({"to", "in", "by", "for", "with", "on", "when", "once", "after", "before", "if", "as"})


def other_subject(s: Sentence, start: int, end: int, topic: str | None) -> bool:
    """'the application must batch records', 'By using X, customers do not need ...', 'we all want ...', 'AWS
    manages the host': the clause's subject is an actor (data/vocabulary.toml agents) or a vendor, not its
    topic, so what it says is not the topic's (a pronoun like 'it' or 'you', or a name, still may be)."""
    doc = s.doc
    toks = tokens(doc)
    _, own_name = vocabulary().vendor_of(s.known.labels.get(topic or "", ""))  # "AWS manages ..." under AWS Fargate
    topic_words = {w.lower() for w in own_name.split()}
    opens = [start]
    if toks[start].lower_ in ADVERBIALS:  # "If your application cannot", "To reduce overhead, the application must"
        commas = [j + 1 for j in range(start + 1, min(end, start + 15)) if toks[j].text == ","]
        opens += [start + 1, *commas[:1]]
    for i in opens:
        while i < end and toks[i].lower_ in DETERMINERS:
            i += 1
        for head in range(i, min(i + 3, end)):
            tok = toks[head]
            if tok.ent_id_ or not tok.is_alpha or (head > i and tok.is_stop):
                break
            actor = tok.lower_ in vocabulary().agents or (tok.text in vocabulary().prefixes and head == i)
            if actor and tok.lower_ not in topic_words and tok.lemma_ not in topic_words:
                after = head + 1 + (head + 1 < end and toks[head + 1].lower_ in ("all", "also", "then"))
                if tok.lower_ == "we" or finite(s, after, end):
                    return True
    return False


SOME = frozenset({"some", "many", "most", "several", "few", "other", "certain"})
MODALS = frozenset({"can", "will", "must", "may", "should", "cannot", "might", "could"})


def nameless_subject(s: Sentence, start: int, end: int, topic: str | None) -> bool:
    """'Large value provides better performance', 'some dbs have the concept of ...': the clause opens with a
    noun phrase that names nothing known, nor the topic nor what it is ('the service'), then a relation's verb,
    or it is some of a kind ('some dbs'): what it says is that noun's, not the topic's. ('Bucket names must be
    unique' may still be a property of the topic, said whole.)"""
    doc = s.doc
    toks = tokens(doc)
    i, quantified = start, False
    while i < end and (toks[i].lower_ in DETERMINERS or toks[i].lower_ in SOME):
        quantified = quantified or toks[i].lower_ in SOME
        i += 1
    head = i
    if not (quantified or head == start) or head >= end or toks[head].lemma_ in verbs_only():
        return False
    if toks[head].lower_.endswith("ing"):
        return False  # "Batching saves bandwidth": the topic's doing
    _, own_name = vocabulary().vendor_of(s.known.labels.get(topic or "", ""))
    named = {w.lower() for w in own_name.split()}
    for i in range(head, min(head + 4, end)):
        if i > head and noun_then_verb(s, i - 1, i, end):
            related = any(m.start == i and m.cue.predicate not in ATTRIBUTE_RELATIONS for m in s.cues)
            return (quantified or related) and toks[i - 1].lemma_ not in CATEGORY_WORDS  # "the service ...": the topic
        word = toks[i]
        if not word.is_alpha or word.ent_id_ or word.is_stop or word.lower_ in named or word.lemma_ in named:
            return False
        if word.lower_ in vocabulary().agents or word.lower_ in vocabulary().prefix_words:
            return False  # an actor or a vendor: other_subject's
    return False


def noun_then_verb(s: Sentence, noun: int, verb: int, end: int) -> bool:
    """A noun ('value', 'dbs') and the verb it is the subject of ('provides', 'provide', 'must')."""
    doc, classes = s.doc, word_classes()
    toks = tokens(doc)
    word = toks[noun]
    plural = word.lower_ != word.lemma_
    if word.lemma_ not in classes["noun"] and not (plural and word.lemma_ not in classes["verb"]):  # "dbs"
        return False
    if toks[verb].lower_.endswith("ed"):
        return False  # "data stored in a single AZ": a participle, no verb of its own
    if finite(s, verb, end) or toks[verb].lower_ in MODALS:
        return True
    return plural and toks[verb].lower_ == toks[verb].lemma_ and toks[verb].lemma_ in verbs_only()  # "dbs provide"


CATEGORY_WORDS = frozenset({"service", "platform", "tool", "library", "system", "product", "feature", "offering"})


def pointing_back(s: Sentence, start: int, end: int) -> bool:
    """'these need to be very quick', 'these generally are run on one thread': a plural pronoun points at
    things its parent line listed, not at the (singular) topic; 'these queries ...' names its own noun."""
    doc = s.doc
    toks = tokens(doc)
    if toks[start].lower_ not in ("these", "those"):
        return False
    i = start + 1
    while i < end and toks[i].lower_.endswith("ly"):
        i += 1
    if i >= end or not (finite(s, i, end) or (i + 1 < end and toks[i + 1].lower_ == "to")):  # "these need to"
        return False
    if toks[i].lemma_ in AUXILIARIES or (i + 1 < end and toks[i + 1].lower_ == "to"):
        return True
    return toks[i].lemma_ not in word_classes()["noun"]  # not "these queries"


def finite(s: Sentence, i: int, end: int) -> bool:
    """Does a finite verb start at token i ('must', 'do not', 'manages'), not a noun a cue starts with
    ('integration')?"""
    if i >= end:
        return False
    tok = s.doc[i]
    if tok.lemma_ in AUXILIARIES or tok.lower_ in ("can", "will", "must", "may", "should", "cannot"):
        return True
    inflected = tok.lemma_ != tok.lower_ and not tok.lower_.endswith("ing")
    return tok.is_alpha and inflected and tok.lemma_ in word_classes()["verb"]


def verb_like(s: Sentence, i: int, end: int) -> bool:
    """Does a predicate start at token i ('is', 'can', 'emulates', 'will dynamically launch')?"""
    doc = s.doc
    toks = tokens(doc)
    while i < end and toks[i].lower_.endswith("ly") and toks[i].lower_ not in ("only",):
        i += 1
    if i >= end:
        return False
    tok = toks[i]
    if tok.lemma_ in AUXILIARIES or tok.lower_ in ("can", "will", "must", "may", "should", "cannot"):
        return True
    if tok.text in EQUALS:
        return True
    if tok.lower_.endswith("ing") or not tok.is_alpha:
        return False
    return (tok.lemma_ in word_classes()["verb"] and tok.lemma_ != tok.lower_) or tok.lower_ in s.cue_starts(i)


def clauses(doc: Doc, start: int, end: int) -> list[tuple[int, int, str]]:
    """Split at ';', 'but', 'whereas', ...; each clause keeps the word that opened it. A concession ends at
    its comma ('Even though X works for ..., Y is designed for ...': the point is about Y)."""
    toks = tokens(doc)
    parts = []
    cur, opener = start, ""
    conceding = False
    for i in range(start, end):
        if toks[i].lower_ in CLAUSE_BREAKS and i > cur:
            parts.append((cur, i, opener))
            cur, opener = i + 1, toks[i].lower_
        elif toks[i].lower_ in CONCESSIONS:
            before = i - 1 if i > cur and toks[i - 1].lower_ == "even" else i
            conceding = before == cur or toks[before - 1].text in DASHES  # it opens the point, or follows its label
        elif conceding and toks[i].text == "," and i > cur:
            parts.append((cur, i, opener))
            cur, opener, conceding = i + 1, ",", False
    if cur < end:
        parts.append((cur, end, opener))
    return parts


COLON = re.compile(r":(?!//)")  # a colon, alone or in an OCR token ('Aws:-1)'), not a URL's


def object_region(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """The words after a cue up to a stop word, a sentence end, or a colon after words: the next 'X:' label
    run into the line ('to run applis. 2) ECS: ...': ECS starts a point of its own) or the list a lead
    introduces ('example of serverless service in AWS: 1) S3 2) Fargate': the members are not the object)."""
    toks = tokens(doc)
    i = start
    while i < end and (toks[i].lower_ not in OBJECT_STOPS or as_and(doc, i)):
        if toks[i].text in (".", ";") or (i > start and COLON.search(toks[i].text)):
            break
        if i > start and participle_clause(doc, i):  # "applications, integrating them with ...": a new point
            break
        if i > start and purpose(doc, i):  # "uses leases to coordinate ...": the object is the leases
            break
        i += 1
    if i < end and toks[i].text == ":":  # the label's own name is not the object either
        label = next((e for e in doc.ents if e.end == i), None)
        i = label.start if label is not None and label.start >= start else i
    return start, i


def bracketed_after_words(doc: Doc, start: int, i: int) -> bool:
    """Does token i sit in a bracket that follows words naming nothing ('Columnar storage (instead of row
    based)'), so that what the bracket says qualifies those words?"""
    toks = tokens(doc)
    depth = 0
    for j in range(i - 1, start - 1, -1):
        depth += (toks[j].text in ")]") - (toks[j].text in "([")
        if depth < 0:
            return j > start and not toks[j - 1].ent_id_
    return False


def as_and(doc: Doc, i: int) -> bool:
    """Is the 'as' at i part of 'such as' or 'as well as' (the object goes on)?"""
    toks = tokens(doc)
    return toks[i].lower_ == "as" and (
        toks[i - 1].lower_ == "such"
        or doc[i + 1 : i + 3].text.lower() == "well as"
        or doc[i - 2 : i].text.lower() == "as well"
    )


def purpose(doc: Doc, i: int) -> bool:
    """Does 'to' + a verb start a purpose clause at token i ('to coordinate', 'to directly put')?"""
    toks = tokens(doc)
    if toks[i].lower_ != "to":
        return False
    j = i + 1
    while j < len(doc) and toks[j].lower_.endswith("ly"):
        j += 1
    if j >= len(doc):
        return False
    word = toks[j]
    return word.lemma_ in word_classes()["verb"] and not word.ent_id_ and not word.lower_.endswith("ing")


def items(doc: Doc, rs: int, re_: int) -> list[tuple[int, int]]:
    """'security, user authentication, API keys and monitoring' -> one token range per item."""
    toks = tokens(doc)
    out, cur, depth = [], rs, 0
    for i in range(rs, re_ + 1):
        t = toks[i].text if i < re_ else ","
        depth += t in "([" and i < re_
        depth -= t in ")]" and i < re_
        if depth == 0 and (t == "," or (toks[i].lower_ in ("and", "or") and i < re_)):
            a = cur
            while a < i and toks[a].lower_ in ("using", "the", "a", "an", "to", "and", "or", "with"):
                a += 1
            b = i
            while b > a and toks[b - 1].is_punct:
                b -= 1
            if b > a:
                out.append((a, b))
            cur = i + 1
    return out


def is_list(doc: Doc, rs: int, re_: int) -> bool:
    toks = tokens(doc)
    return any(toks[i].text == "," for i in range(rs, re_)) and len(items(doc, rs, re_)) > 1


def copula_stop(doc: Doc, be: int, end: int) -> int:
    """Where a definition's noun phrase ends: a relative clause or a comma."""
    toks = tokens(doc)
    for j in range(be + 1, end):
        if toks[j].lower_ in ("that", "which", "who") or toks[j].text == ",":
            return j
        if toks[j].lower_ == "in" and j + 1 < end and toks[j + 1].lower_ == "which":
            return j
    return end


def passive(s: Sentence, be: int, end: int) -> bool:
    """'are stored in', 'was pioneered by', 'is preferred for': a verb follows, not a description."""
    doc = s.doc
    toks = tokens(doc)
    i = be + 1
    while i < end and (toks[i].lower_.endswith("ly") or toks[i].lower_ in ("also", "just", "then")):
        i += 1
    if i >= end:
        return False
    if any(m.start == i and m.cue.predicate not in ATTRIBUTE_RELATIONS for m in s.cues):
        return True
    if toks[i].lemma_ in verbs_only() or (
        toks[be].text in EQUALS and toks[i].lower_ == toks[i].lemma_ in word_classes()["verb"]
    ):
        return True  # "Amazon MQ = use instead of SQS"
    return toks[i].lower_.endswith("ed") and toks[i].lemma_ in word_classes()["verb"]


def after_to(doc: Doc, cs: int) -> bool:
    """'service ... to easily create APIs', 'preferred for running': a purpose, not an action; but 'allows
    you to manage X' is what the subject does."""
    toks = tokens(doc)
    i = cs - 1
    while i >= 0 and toks[i].lower_.endswith("ly"):
        i -= 1
    enabled = i >= 1 and toks[i].lower_ == "to" and ENABLING & {toks[i - 1].lower_, toks[max(i - 2, 0)].lower_}
    return i >= 0 and toks[i].lower_ in ("to", "for", "of", "per") and not enabled


# '<enabling> (you) to <verb>', 'you can choose to <verb>': the subject acts
ENABLING = frozenset({"allow", "allows", "enable", "enables", "choose", "chose", "chooses", "decide", "opt"})


PERSONAL = frozenset({"they", "it", "these", "them"})
RELATIVE_PRONOUNS = frozenset({"that", "which"})


def resolve_subjects(doc: Doc, start: int, cue_start: int, subjects: tuple[str, ...]) -> tuple[str, ...]:
    """'... your Docker images so they can be run by ECS': 'they' is the nearest entity before it; a
    pronoun after another noun is about that noun, none of the subjects."""
    toks = tokens(doc)
    for i in range(cue_start - 1, max(start, cue_start - 4) - 1, -1):
        if toks[i].lower_ in ("they", "it", "these", "them", "that", "which"):
            before = [e for e in keyed(doc) if e.end <= i and e.start >= start]
            if toks[i].lower_ in RELATIVE_PRONOUNS and before and before[-1].end < i - (toks[i - 1].text == ","):
                return subjects  # "a stand-alone Java software application that offers ...": not Java's
            if before:
                return (before[-1].ent_id_,)
            if toks[i].lower_ in PERSONAL and any(t.is_alpha and not t.is_stop for t in doc[start:i]):
                return ()  # "When the application starts up, it ...": 'it' is that noun, not the topic
    return subjects


def named_before(doc: Doc, start: int, cue_start: int) -> tuple[str, ...]:
    """'..., KDS is designed and optimized for ...': the entity whose 'is' the cue continues."""
    toks = tokens(doc)
    i = cue_start - 1
    while i > start and cue_start - i <= 4 and toks[i].is_alpha and not toks[i].ent_id_ and toks[i].lemma_ != "be":
        i -= 1
    if i > start and toks[i].lemma_ == "be" and toks[i - 1].ent_id_:
        return (toks[i - 1].ent_id_,)
    return ()


def definition_phrase(doc: Doc, start: int, end: int) -> str:
    """'A calculator that estimates cost ...' -> 'calculator': the noun phrase a definition opens with."""
    toks = tokens(doc)
    if end - start < 2 or toks[start].lower_ not in ("a", "an"):
        return ""
    stop = next(
        (j for j in range(start + 1, end) if toks[j].lower_ in RELATIVES | {"where", "when"} or toks[j].is_punct),
        end,
    )
    return literal(doc[start:stop].text) if stop - start <= 6 else ""
