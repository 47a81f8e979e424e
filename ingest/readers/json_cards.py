"""JSON card exports: objects whose fields name a question and an answer, at any depth. Each card's question
is a heading, its answer's sentences the items under it."""

import json
import re

from ingest.readers.cleaning import clean, sentences
from ingest.readers.tree import Document, OutlineBuilder

QUESTION_KEYS = frozenset({"question", "front", "q", "prompt", "term", "word"})
ANSWER_KEYS = frozenset({"answer", "back", "a", "definition", "meaning", "response"})
_JSON_STRING_FIELD = re.compile(r'"(?P<key>[^"\\]{1,40})"\s*:\s*"(?P<value>(?:[^"\\]|\\.)*)"')


def is_json_cards(text: str) -> bool:
    if not text.lstrip().startswith(("[", "{")):
        return False
    try:
        json.loads(text)
    except ValueError:
        return False
    keys = {m["key"].lower() for m in _JSON_STRING_FIELD.finditer(text)}
    return bool(keys & QUESTION_KEYS) and bool(keys & ANSWER_KEYS)


def _card(out: OutlineBuilder, question: tuple[int, int, str], answer: tuple[int, int, str]) -> None:
    out.blank()
    out.stack.clear()
    out.heading(*question[:2], 1, text=question[2])
    start, end, text = answer
    if text != out.doc.text[start:end]:  # escapes inside: one statement, its text decoded
        st = out.item(start, end, 0)
        if st is not None:
            st.text = st.body = clean(text)
        return
    for s, e in sentences(text, start):
        out.item(s, e, 0)


def read_json_cards(doc: Document) -> None:
    out = OutlineBuilder(doc)
    question: tuple[int, int, str] | None = None
    for m in _JSON_STRING_FIELD.finditer(doc.text):
        key, value = m["key"].lower(), json.loads(f'"{m["value"]}"')
        span = (m.start("value"), m.end("value"), value)
        if key in QUESTION_KEYS:
            question = span
        elif key in ANSWER_KEYS and question is not None and value.strip():
            _card(out, question, span)
            question = None
