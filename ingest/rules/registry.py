"""The registry of relation rules: which rules read a statement, by its shape, in order.

A heading states relations of the first entity it names; an arrow chain is a stack or a flow; any other
statement is read by its label, its dash definition, its clauses (each through `CLAUSE_RULES`) and its
category parent. A new rule is one function and one entry here, with its table in tests/test_rules.py."""

from collections.abc import Iterator

from ingest.rules.answers import bracketed_members, figure_answer, figure_lead, yes_no_answer
from ingest.rules.chain import chain, is_chain
from ingest.rules.clause import CLAUSE_RULES
from ingest.rules.model import Candidate, Clause, Context, Rule, Sentence, run
from ingest.rules.statement import category, clause_facts, dash_definition, heading, label_cue

STATEMENT_RULES: dict[str, tuple[Rule[Sentence], ...]] = {
    "heading": (Rule("heading", heading),),
    "chain": (Rule("chain", chain),),
    "item": (
        Rule("yes_no_answer", yes_no_answer, exclusive=True),
        Rule("figure_answer", figure_answer, exclusive=True),
        Rule("bracketed_members", bracketed_members),
        Rule("figure_lead", figure_lead),
        Rule("label_cue", label_cue, exclusive=True),
        Rule("dash_definition", dash_definition),
        Rule("clauses", clause_facts),
        Rule("category", category),
    ),
}

REGISTRY: dict[str, tuple[Rule[Sentence], ...] | tuple[Rule[Clause], ...]] = {**STATEMENT_RULES, "clause": CLAUSE_RULES}


def shape(s: Sentence) -> str:
    """Which rules read a statement: 'heading', 'chain' (two arrows or more between named steps), or 'item'."""
    if s.kind == "heading":
        return "heading"
    return "chain" if is_chain(s) else "item"


def read_statement(s: Sentence, ctx: Context) -> Iterator[Candidate]:
    """Every candidate fact of one statement."""
    yield from run(STATEMENT_RULES[shape(s)], s, ctx)
