"""From one statement to candidate facts: the rules of `ingest.rules` bound to a cue matcher and the names
known, behind the interface the outline and the pipeline use."""

from collections.abc import Iterator, Mapping

from spacy.tokens import Doc
from spacy.vocab import Vocab

from ingest.cues import build_matcher
from ingest.rules.clause import read_clause
from ingest.rules.model import Candidate, Context, CueMatch, Known, Sentence
from ingest.rules.registry import read_statement
from ingest.rules.spans import definition_phrase
from ingest.rules.words import NEGATIONS, literal

__all__ = ["NEGATIONS", "Candidate", "Context", "RelationExtractor", "literal"]


class RelationExtractor:
    """Turns (Doc, kind, label, Context) into candidate facts. `types` maps entity keys to their class."""

    def __init__(self, vocab: Vocab, *, types: Mapping[str, str], labels: Mapping[str, str] | None = None) -> None:
        self.matcher = build_matcher(vocab)
        self.known = Known(types, labels or {})

    def sentence(self, doc: Doc, kind: str = "item", label: str = "") -> Sentence:
        """The doc as the rules read it; its cue matches are found once and kept on the doc."""
        if "cues" not in doc.user_data:
            doc.user_data["cues"] = tuple(CueMatch(doc.vocab.strings[m], s, e) for m, s, e in self.matcher(doc))
        return Sentence(doc, doc.user_data["cues"], self.known, kind, label)

    def __call__(self, doc: Doc, st_kind: str, label: str, ctx: Context) -> Iterator[Candidate]:
        return read_statement(self.sentence(doc, st_kind, label), ctx)

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
        """The candidates of the clause [start, end) of a doc, about `default_subject` unless it names its own."""
        return read_clause(self.sentence(doc), start, end, default_subject, ctx, fallback=fallback, label=label_text)

    @staticmethod
    def definition_phrase(doc: Doc, start: int, end: int) -> str:
        return definition_phrase(doc, start, end)
