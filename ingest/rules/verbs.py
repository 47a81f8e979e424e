"""Relations a verb states without a registry cue: advice ('Use X when ...'), the owner of a workload ('run
your ECS containers'), and a verb of the text itself ('VM emulates machine hardware')."""

import re
from collections.abc import Iterator

from ingest.rules.model import Candidate, Clause, Context, keyed, tokens
from ingest.rules.spans import object_region
from ingest.rules.words import AUXILIARIES, COORDINATORS, WORKLOADS, gerund, is_negated, literal
from ingest.vocabulary import SERVICE, TECHNOLOGY
from kg.lexicon import word_classes

OWNERS = ("your", "the", "their", "our", "my")
ADVICE_VERBS = frozenset({"choose", "use", "pick", "prefer"})
CONDITIONS = ("for", "if")
FILLERS = frozenset({",", "then", "you", "we", "can", "should", "could", "may", "might", "just", "always"})


def use_when(c: Clause, ctx: Context) -> Iterator[Candidate]:
    """'Use DynamoDB when you need millisecond latency': advice, DynamoDB preferred_for the need."""
    doc, start, end = c.doc, c.start, c.end
    toks = tokens(doc)
    if toks[start].lower_ != "use" or c.explicit:
        return
    ents = [e for e in keyed(doc) if e.start == start + 1]
    if not ents:
        return
    after = ents[0].end
    if after < end and toks[after].lower_ in ("when", "for", "if", "to"):
        rest = doc[after + (0 if toks[after].lower_ == "when" else 1) : end].text
        yield Candidate(ents[0].ent_id_, "preferred_for", literal(rest), False, "use_when")


def need_first(c: Clause, ctx: Context) -> Iterator[Candidate]:
    """'For event-driven architecture choose EventBridge', 'If you are proficient in Bash, then use the Azure
    CLI': the need first, then the advice; the entity advised is preferred_for the need."""
    doc, start, end = c.doc, c.start, c.end
    toks = tokens(doc)
    if toks[start].lower_ not in CONDITIONS:
        return
    verb = next((i for i in range(start + 2, end) if toks[i].lemma_ in ADVICE_VERBS), None)
    if verb is None:
        return
    after = verb + 1 + (verb + 1 < end and toks[verb + 1].lower_ in ("the", "a", "an"))
    chosen = [e for e in c.sentence.mentions(after, end) if e.start == after]
    stop = verb
    while stop > start + 1 and toks[stop - 1].lower_ in FILLERS:
        stop -= 1
    need = doc[start + 1 : stop]
    if not chosen or not need or is_negated(need) or c.sentence.mentions(start, stop):
        return
    yield Candidate(chosen[0].ent_id_, "preferred_for", literal(need.text), False, "need_first")


def service_workloads(c: Clause, ctx: Context) -> Iterator[Candidate]:
    """'run your ECS/EKS containers' -> runs_on ECS, EKS: services named as the owner of a workload."""
    doc, end = c.doc, c.end
    toks = tokens(doc)
    types = c.sentence.known.types
    ents = {e.start: e for e in keyed(doc)}
    for i in range(c.pstart, end):
        if toks[i].lemma_ != "run":
            continue
        j = i + 1
        while j < end and toks[j].lower_ in OWNERS:
            j += 1
        services = []
        while j < end and j in ents and types.get(ents[j].ent_id_) == SERVICE:
            services.append(ents[j].ent_id_)
            j = ents[j].end
            if j < end and toks[j].lower_ in COORDINATORS:
                j += 1
        if services and ((j < end and toks[j].lemma_ in WORKLOADS) or (j in ents and ents[j].root.lemma_ in WORKLOADS)):
            for s in c.subjects:
                for svc in services:
                    if svc != s:
                        yield Candidate(s, "runs_on", svc, True, "run_service_workload")


def managed_technology(c: Clause, ctx: Context) -> Iterator[Candidate]:
    """'Managed message broker for RabbitMQ and ActiveMQ', 'is to get managed Redis or Memcached': a service
    that runs a named technology for you is an abstraction over it."""
    doc, end = c.doc, c.end
    toks = tokens(doc)
    types = c.sentence.known.types
    at = next((i for i in range(c.start, end) if toks[i].lower_ == "managed"), None)
    if at is None or is_negated(doc[c.start : at]):
        return
    ents = {e.start: e for e in c.sentence.mentions(at + 1, end)}
    j, found = at + 1, []
    while j < end and j - at <= 5 and j not in ents:  # a few words of what it is ('message broker for')
        if not toks[j].is_alpha or (toks[j].is_stop and toks[j].lower_ not in ("for", "of")):
            return  # "managed service that stores data in MySQL": a clause of its own, not what is managed
        if toks[j].lemma_ in word_classes()["verb"] and toks[j].lemma_ not in word_classes()["noun"]:
            return
        j += 1
    while j in ents and types.get(ents[j].ent_id_) == TECHNOLOGY:
        found.append(ents[j].ent_id_)
        j = ents[j].end + (ents[j].end < end and doc[ents[j].end].lower_ in COORDINATORS)
    for s in c.subjects:
        for key in found:
            if key != s:
                yield Candidate(s, "abstraction_over", key, True, "managed_technology")


OBJECT_LEADS = frozenset({"a", "an", "the", "your", "its", "their", "many", "multiple", "all", "each", "every"})
FEATURE_STATES = frozenset({"enabled", "supported"})
ARTICLES = frozenset({"a", "an", "the"})


def ability(c: Clause, ctx: Context) -> Iterator[Candidate]:
    """'Can host a static website (HTML, ...)' under a topic: what it can do with an object is a feature,
    'hosting a static website'; 'Can occur due to ...', 'Can only be mounted ...' are none."""
    doc, start, end = c.doc, c.start, c.end
    toks = tokens(doc)
    if c.explicit or end - start < 3 or toks[start].lower_ != "can":
        return
    verb, head = toks[start + 1], toks[start + 2]
    classes = word_classes()
    if verb.lower_ != verb.lemma_ or verb.lemma_ not in classes["verb"] or verb.lemma_ in AUXILIARIES:
        return
    if head.lower_ not in ARTICLES and (head.lemma_ not in classes["noun"] or head.lemma_ in classes["adv"]):
        return
    stop = next((i for i in range(start + 2, end) if toks[i].text in ("(", "-", "--", ";")), end)
    for s in c.subjects:
        yield Candidate(s, "supports", literal(f"{gerund(verb.lower_)} {doc[start + 2 : stop].text}"), False, "ability")


def feature_state(c: Clause, ctx: Context) -> Iterator[Candidate]:
    """'Versioning enabled at the bucket level': a feature said to be on (enabled, supported) is supported."""
    doc, start, end = c.doc, c.start, c.end
    toks = tokens(doc)
    if c.explicit:
        return
    at = next((i for i in range(start + 1, min(start + 4, end)) if toks[i].lower_ in FEATURE_STATES), None)
    if at is None:
        return
    feature = doc[start:at]
    if any(not t.is_alpha or t.is_stop or t.ent_id_ for t in feature) or c.sentence.mentions(start, at):
        return
    for s in c.subjects:
        yield Candidate(s, "supports", literal(feature.text), False, "feature_state")


def verb_relation(c: Clause, ctx: Context) -> Iterator[Candidate]:
    """'VM emulates machine hardware': a relation named by the verb the text uses, after named subjects."""
    if not c.explicit:
        return
    doc, end = c.doc, c.end
    toks = tokens(doc)
    i = c.pstart
    while i < end and toks[i].lower_.endswith("ly"):
        i += 1
    if i >= end or toks[i].lemma_ in AUXILIARIES or not toks[i].lower_.endswith("s"):
        return
    if toks[i].lemma_ not in word_classes()["verb"] or toks[i].lemma_ == toks[i].lower_:
        return
    rs, re_ = object_region(doc, i + 1, end)
    stop = next(
        (j for j in range(rs, re_) if toks[j].lower_ == "in" and j + 1 < re_ and toks[j + 1].lower_ == "which"), re_
    )
    stop = next((j for j in range(rs, stop) if toks[j].text in (",", ";")), stop)  # "..., and collects ..."
    if rs >= stop or toks[rs].is_punct:
        return  # "ECS tasks, Systems Manager": a noun in a list, no verb
    head = rs
    while head < stop and (toks[head].lower_ in OBJECT_LEADS or toks[head].is_punct):
        head += 1
    ents = [e for e in c.sentence.mentions(rs, stop) if e.start == head]  # "performs tasks ... for Kinesis": text
    name = toks[i].lower_
    for s in c.subjects:
        if ents:
            for e in ents:
                if e.ent_id_ != s:
                    yield Candidate(s, name, e.ent_id_, True, "verb")
        elif re.search(r"[A-Za-z]{3}", doc[rs:stop].text):
            yield Candidate(s, name, literal(doc[rs:stop].text), False, "verb")
