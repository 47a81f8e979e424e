"""Kinds of question, in the manner of quepy's QuestionTemplate: each kind knows the questions it answers,
answers them, and carries a weight; KINDS, heaviest first, replaces an if-chain. A kind may decline (answer
None) once it has looked at the graph, and the next kind is tried; the statements kind comes last."""

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from service.qa.intent import Question
from service.qa.statements import NEGATION, Hit

if TYPE_CHECKING:
    from service.qa.engine import QA, Answer, _Run

YES_NO = re.compile(r"^(is|are|was|were|does|do|did|can|could|should|will|would|has|have|must|may)\b")
PROCESS = re.compile(
    r"how (does|do|is|are) .+ work|walk me through|\bsteps?\b|what happens|how do i\b|how to\b|\bprocess\b|\bflow\b"
)
WHY = re.compile(r"^why\b|\bbenefits?\b|\badvantages?\b|\bpros\b|\breasons?\b|why (would|should|use)")
SUMMARY = re.compile(
    r"tell me about|overview|summar|key points|what should i know|in a few points|\bexplain\b|describe"
    r"|what do (the notes|you) (say|know)"
)

VERSUS = re.compile(r"\bvs\.?\b|\bversus\b|\bcompare\b|\bdiffer")
ENUMERATES = re.compile(r"^(what|which|list|name|give|enumerate)\b|^how (is|are) \S.* \w+ed$")  # 'how is X billed'
FIGURE_SAID = re.compile(r"(?<![A-Za-z])\d")
DEFINES_ONLY = re.compile(r"^(what|who)('s|s| is)\b")  # 'what is X': a definition, not a list


@dataclass
class Kind:
    """One kind of question. `weight` orders the registry: the first kind that detects a question and
    answers it wins."""

    name: ClassVar[str]
    weight: ClassVar[int]

    def detects(self, q: Question) -> bool:
        raise NotImplementedError

    def answer(self, qa: "QA", q: Question, run: "_Run") -> "Answer | None":
        raise NotImplementedError


class Comparison(Kind):
    name, weight = "comparison", 90

    def detects(self, q: Question) -> bool:
        return q.intent.kind == "comparison"

    def answer(self, qa: "QA", q: Question, run: "_Run") -> "Answer | None":
        answer = qa.comparison(q.text, q.mentions, q.intent, run)
        if not answer.answered:  # the graph has too few facts to align: what the notes say each side is
            answer = qa.side_by_side(q, run) or answer
        return qa.with_criterion(q, answer, run)


class NotesComparison(Kind):
    """'SQS vs EventBridge', 'OLTP vs OLAP': where the notes compare the two themselves (a 'vs' heading and its
    items or table, statements that name both), that comparison first."""

    name, weight = "comparison", 95

    def detects(self, q: Question) -> bool:
        return q.intent.kind == "comparison" or bool(VERSUS.search(q.norm))

    def answer(self, qa: "QA", q: Question, run: "_Run") -> "Answer | None":
        return qa.notes_comparison(q, run)


class YesNo(Kind):
    """'Is Fargate serverless?': Yes., No. or The notes don't say., then the evidence."""

    name, weight = "yes/no", 80

    def detects(self, q: Question) -> bool:
        return q.topic is not None and bool(YES_NO.search(q.norm)) and not SUMMARY.search(q.norm)

    def answer(self, qa: "QA", q: Question, run: "_Run") -> "Answer | None":
        return qa.yes_no(q, run)


class Process(Kind):
    """'How does X work', 'walk me through', 'steps': the flow as numbered steps."""

    name, weight = "process", 70

    def detects(self, q: Question) -> bool:
        return q.topic is not None and bool(PROCESS.search(q.norm))

    def answer(self, qa: "QA", q: Question, run: "_Run") -> "Answer | None":
        return qa.process(q, run)


class Why(Kind):
    """'Why use X', 'benefits of X': the reasons, benefits and pros the notes give."""

    name, weight = "why", 65

    def detects(self, q: Question) -> bool:
        return q.topic is not None and bool(WHY.search(q.norm))

    def answer(self, qa: "QA", q: Question, run: "_Run") -> "Answer | None":
        return qa.why(q, run)


class Summary(Kind):
    """'Tell me about X', 'overview', 'key points': the back of a flashcard."""

    name, weight = "summary", 60

    def detects(self, q: Question) -> bool:
        return q.topic is not None and q.intent.kind != "path" and bool(SUMMARY.search(q.norm))

    def answer(self, qa: "QA", q: Question, run: "_Run") -> "Answer | None":
        return qa.summary(q, run, points=6)


class Enumeration(Kind):
    """'What does X handle', 'which subscriber types does X support', 'what are the ways to achieve X': the list
    the notes give under a lead-in that has the question's words ('What X handles:', 'solved in a few ways')."""

    name, weight = "list", 55

    def detects(self, q: Question) -> bool:
        return (
            q.topic is not None
            and q.intent.kind not in ("comparison", "path")
            and not q.asks_figure
            and bool(ENUMERATES.search(q.norm))
            and not (DEFINES_ONLY.search(q.norm) and (not q.words or q.intent.relations))  # 'what is X (over)
        )

    def answer(self, qa: "QA", q: Question, run: "_Run") -> "Answer | None":
        return qa.enumeration(q, run)


class Structured(Kind):
    """The kinds the graph's facts answer with bound queries: attribute, path, list, relation."""

    name, weight = "structured", 50
    handles: ClassVar[tuple[str, ...]] = ("attribute", "path", "list", "relation")

    def detects(self, q: Question) -> bool:
        return q.intent.kind in self.handles

    def answer(self, qa: "QA", q: Question, run: "_Run") -> "Answer | None":
        handler = {"attribute": qa.attribute, "path": qa.path, "list": qa.related, "relation": qa.related}
        answer = handler[q.intent.kind](q.text, q.mentions, q.intent, run)
        if q.asks_figure and not FIGURE_SAID.search(answer.answer):
            return None  # a figure was asked and the facts give none: the statements may
        if answer.answered and q.intent.kind in ("relation", "list", "path") and qa.statements_say_more(q, run):
            return None  # the facts found miss words of the question that a statement has
        return answer if answer.answered else None


class Figure(Kind):
    """'How many records can one request contain?', 'how often ...': the statement that gives a figure of the
    kind asked (a count, a size, a duration, a frequency, a price) beside the question's words."""

    name, weight = "figure", 45

    def detects(self, q: Question) -> bool:
        return q.asks_figure

    def answer(self, qa: "QA", q: Question, run: "_Run") -> "Answer | None":
        return qa.figure(q, run)


class Definition(Kind):
    """'What is X': the definition, then a few key points."""

    name, weight = "definition", 40

    def detects(self, q: Question) -> bool:
        return q.intent.kind == "definition" and q.topic is not None

    def answer(self, qa: "QA", q: Question, run: "_Run") -> "Answer | None":
        return qa.definition(q, run)


class Statements(Kind):
    """No structured kind applied: the best-matching statements about the topic, quoted."""

    name, weight = "statements", 0

    def detects(self, q: Question) -> bool:
        return q.topic is not None

    def answer(self, qa: "QA", q: Question, run: "_Run") -> "Answer | None":
        return qa.from_statements(q, run)


KINDS: tuple[Kind, ...] = tuple(
    sorted(
        (
            NotesComparison(),
            Comparison(),
            YesNo(),
            Process(),
            Why(),
            Summary(),
            Enumeration(),
            Structured(),
            Figure(),
            Definition(),
            Statements(),
        ),
        key=lambda k: -k.weight,
    )
)


def negated(hit: Hit) -> bool:
    return bool(NEGATION.search(hit.statement.text.lower()))
