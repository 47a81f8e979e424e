"""bench/synth.py: synthetic notes are reproducible, come in every corpus format, name services that stay
apart, and ingest into facts about the services they invent."""

import json
import os
import subprocess
import sys
from itertools import islice
from pathlib import Path

from rapidfuzz.distance import Levenshtein

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import synth

from ingest.nlp import fold
from ingest.sources import read_document


def contents(directory: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(directory.iterdir())}


def kgqa(graph: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KGQA_")}  # the memory store, in `graph`
    return subprocess.run(
        [sys.executable, "-m", "kgqa.cli", *args, "--graph", str(graph)],
        capture_output=True, text=True, timeout=120, env=env, check=True,
    )  # fmt: skip


def test_the_same_seed_writes_the_same_files_and_another_seed_others(tmp_path):
    a, b, c = (tmp_path / name for name in "abc")
    assert synth.write_notes(a, 5, seed=3) == synth.write_notes(b, 5, seed=3)
    synth.write_notes(c, 5, seed=4)
    assert contents(a) == contents(b)
    assert contents(a) != contents(c)


def test_a_larger_set_starts_with_the_smaller_one(tmp_path):
    synth.write_notes(tmp_path / "small", 3)
    synth.write_notes(tmp_path / "large", 6)
    small, large = contents(tmp_path / "small"), contents(tmp_path / "large")
    assert len(large) == 6 and small.items() <= large.items()


def test_notes_come_in_every_format_at_a_realistic_size(tmp_path):
    summary = synth.write_notes(tmp_path, 16)
    docs = [read_document(p) for p in sorted(tmp_path.iterdir())]
    assert summary.files == len(docs) == 16
    assert {d.format for d in docs} == {"markdown", "text", "flashcards"}
    assert any(d.name.endswith("-ocr.txt") for d in docs)
    assert any(st.kind == "table" for d in docs for st in d.statements)
    sizes = [len(d.text.split()) for d in docs]
    assert summary.words == sum(sizes)
    assert min(sizes) >= 200 and max(sizes) <= 2000


def test_write_corpus_stops_at_about_the_words_asked_for(tmp_path):
    files = synth.write_corpus(tmp_path, 3000)
    words = sum(len(p.read_text(encoding="utf-8").split()) for p in tmp_path.iterdir())
    assert files == len(list(tmp_path.iterdir()))
    assert 3000 <= words < 3000 + 2000


def test_invented_names_grow_with_the_notes_and_stay_three_edits_apart():
    pool = synth.NamePool()
    list(islice(synth.note_stream(7, pool), 200))
    words = [s.label.split()[1] for s in pool.services]
    assert 600 <= len(words) == len(set(words)) <= 1000  # three to five new services a note
    folded = [fold(w) for w in words]
    for n, word in enumerate(folded):
        assert all(Levenshtein.distance(word, other, score_cutoff=2) > 2 for other in folded[n + 1 :]), words[n]
    acronyms = [s.short for s in pool.services if s.definition]
    assert acronyms and len(acronyms) == len(set(acronyms))


def test_a_near_name_or_an_acronym_read_as_a_plural_is_refused():
    pool = synth.NamePool()
    pool.claim("Quorvex")
    assert not pool.free("Quorvax") and not pool.free("Qorvex")
    assert pool.free("Tessaline")
    assert not pool.free("Lambada")  # a real service's name, nearly
    pool.acronyms.add("CRS")
    assert not pool.acronym_free("CRSS") and not pool.acronym_free("CR") and pool.acronym_free("CRT")


def test_generated_notes_ingest_into_facts_about_invented_services(tmp_path):
    pool = synth.NamePool()
    notes = tmp_path / "notes"
    notes.mkdir()
    for name, text in islice(synth.note_stream(12, pool), 3):  # Markdown with a table, OCR text, flashcards
        (notes / name).write_text(text, encoding="utf-8")
    kgqa(tmp_path / "g", "ingest", str(notes))
    facts = json.loads(kgqa(tmp_path / "g", "facts", "--json").stdout)
    invented = {s.label for s in pool.services}
    subjects = {f["subject"] for f in facts}
    assert len(invented & subjects) >= 0.9 * len(invented), invented - subjects
    assert {s.label for s in pool.services if s.definition} <= subjects  # 'Amazon QDR (Quorvex Data Relay)'
    between = {f["predicate"] for f in facts if f["subject"] in invented and f["object"] in invented}
    assert {"runs_on", "integrated_with", "triggered_by", "compared_with"} <= between
    predicates = {f["predicate"] for f in facts if f["subject"] in invented}
    assert {"abstraction_over", "stores", "supports", "has_limit", "pricing", "use_case"} <= predicates
