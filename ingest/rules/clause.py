"""One clause through the clause rules: who it is about, then each rule of `CLAUSE_RULES` in order."""

from collections.abc import Iterator
from dataclasses import replace

from ingest.rules.answers import bound_figure
from ingest.rules.copula import copula
from ingest.rules.model import Candidate, Clause, Context, Rule, Sentence, keyed, run, tokens
from ingest.rules.phrases import cue_relations
from ingest.rules.properties import property_fallback
from ingest.rules.spans import leading_subjects, other_subject, pointing_back, topic_head
from ingest.rules.verbs import (
    ability,
    feature_state,
    managed_technology,
    need_first,
    service_workloads,
    use_when,
    verb_relation,
)

DEMONSTRATIVES = ("the", "this", "these", "that")

CLAUSE_RULES: tuple[Rule[Clause], ...] = (
    Rule("bound_figure", bound_figure, exclusive=True),
    Rule("copula", copula),
    Rule("use_when", use_when, exclusive=True),
    Rule("need_first", need_first, exclusive=True),
    Rule("run_service_workload", service_workloads),
    Rule("managed_technology", managed_technology),
    Rule("ability", ability),
    Rule("feature_state", feature_state),
    Rule("cue", cue_relations),
    Rule("verb", verb_relation, fallback=True),
    Rule("property", property_fallback, fallback=True),
)


def make_clause(
    s: Sentence, start: int, end: int, default_subject: str | None, *, fallback: bool, label: str = ""
) -> Clause | None:
    """The clause [start, end) about the entities it opens with, else about the default subject."""
    doc = s.doc
    toks = tokens(doc)
    lead, pstart = leading_subjects(s, start, end)
    if lead and default_subject and toks[start].lower_ in DEMONSTRATIVES:
        topic_name = s.known.labels.get(default_subject, "").lower()
        mention = next((e.text.lower() for e in keyed(doc) if e.start <= start + 1 and e.ent_id_ == lead[0]), "")
        if mention and topic_name.endswith(mention):
            lead = [default_subject]  # "The container image must ..." under "Lambda Container Image"
    if not lead and (head_end := topic_head(s, start, end, default_subject)) is not None:
        lead, pstart = [str(default_subject)], head_end  # "An object is identified by ..." under "S3 object"
    if not lead and pointing_back(s, start, end):
        return None  # "these need to be quick": about what the parent line lists
    subjects = lead or ([default_subject] if default_subject else [])
    if not subjects:
        return None
    return Clause(s, start, end, pstart, tuple(subjects), bool(lead), default_subject, fallback, label)


ACTOR_RULES = tuple(rule for rule in CLAUSE_RULES if rule.name == "property")


def read_clause(
    s: Sentence,
    start: int,
    end: int,
    default_subject: str | None,
    ctx: Context,
    *,
    fallback: bool,
    label: str = "",
) -> Iterator[Candidate]:
    clause = make_clause(s, start, end, default_subject, fallback=fallback, label=label)
    if clause is None:
        return
    if not clause.explicit and other_subject(s, start, end, default_subject):
        # "the application must batch records" under a library: no relation of the library, at most the
        # whole saying as its property, actor and all ("AWS takes care of starting containers")
        for cand in run(ACTOR_RULES, replace(clause, explicit=True), ctx):
            yield cand._replace(predicate="has_property")  # the actor's limit is none of the topic's
    else:
        yield from run(CLAUSE_RULES, clause, ctx)
