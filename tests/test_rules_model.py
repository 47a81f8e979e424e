"""What ingest.rules.model keeps on a statement's Doc: read once, the same as spaCy gives each time."""

import pytest
from spacy.lang.en import English
from spacy.tokens import Span

from ingest.rules.model import keyed, text_of, tokens


@pytest.mark.parametrize(
    "text",
    ["Amazon S3 stores objects", "", "Lambda -> SQS -> DynamoDB", "  spaced  out  "],
)
def test_kept_as_spacy_gives_them(text: str) -> None:
    doc = English()(text)
    assert [t.text for t in tokens(doc)] == [t.text for t in doc]
    assert tokens(doc) is tokens(doc)
    assert text_of(doc) == doc.text


def test_kept_tokens_show_the_entities_set_after() -> None:
    doc = English()("Amazon S3 stores objects")
    kept = tokens(doc)
    doc.ents = [Span(doc, 0, 2, label="Service", span_id="s3")]
    assert [(t.ent_type_, t.ent_id_) for t in kept] == [("Service", "s3"), ("Service", "s3"), ("", ""), ("", "")]
    assert [(e.start, e.end, e.ent_id_) for e in keyed(doc)] == [(0, 2, "s3")]
