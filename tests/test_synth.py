"""bench/synth.py: synthetic notes are reproducible, come in every corpus format, name services that stay
apart, and ingest into facts about the services they invent."""

import json
import os
import random
import subprocess
import sys
from itertools import count, islice
from pathlib import Path

from rapidfuzz.distance import Levenshtein

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import synth

from ingest.names import load_gazetteer
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
    assert {d.format for d in docs} == {"markdown", "text", "flashcards"}  # as ingest reads them
    assert {synth.note_format(d.name) for d in docs} == set(synth.SUFFIXES)  # OCR'd text too
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
    assert not pool.free("Lambada") and not pool.free("Stepi")  # real names, nearly ('AWS Step Functions')
    pool.acronyms.add("CRS")
    assert not pool.acronym_free("CRSS") and not pool.acronym_free("CR") and pool.acronym_free("CRT")


def first_of_each_format(seed: int) -> tuple[dict[str, str], list[synth.Service]]:
    """The first Markdown note with a table and an acronym, OCR note and flashcard deck of a stream: their
    texts by file name, and the services they introduce."""
    rng, pool = random.Random(seed), synth.NamePool()
    chosen: dict[str, str] = {}
    introduced: list[synth.Service] = []
    for index in count():
        before = len(pool.services)
        name, text = synth.note(rng, pool, index)
        fresh, kind = pool.services[before:], synth.note_format(name)
        wanted = kind in ("ocr", "cards") or (kind == "md" and "| --- |" in text and any(s.definition for s in fresh))
        if wanted and kind not in map(synth.note_format, chosen):
            chosen[name] = text
            introduced += fresh
        if len(chosen) == 3:
            return chosen, introduced
    raise AssertionError("unreachable")


def test_the_filler_words_name_no_real_service():
    table = load_gazetteer()  # 'Artifacts are kept in ...' would be about AWS Artifact
    words = [*synth.NOUNS, *map(synth.plural, synth.NOUNS), *synth.DESCRIPTORS, *synth.KINDS]
    assert [w for w in words if table.key_for(w) or table.key_for(w.capitalize())] == []


def test_generated_notes_ingest_into_facts_about_invented_services(tmp_path):
    chosen, introduced = first_of_each_format(7)
    notes = tmp_path / "notes"
    notes.mkdir()
    for name, text in chosen.items():
        (notes / name).write_text(text, encoding="utf-8")
    kgqa(tmp_path / "g", "ingest", str(notes))
    facts = json.loads(kgqa(tmp_path / "g", "facts", "--json").stdout)
    invented = {s.label for s in introduced}
    subjects = {f["subject"] for f in facts}
    assert len(invented & subjects) >= 0.9 * len(invented), invented - subjects
    assert {s.label for s in introduced if s.definition} <= subjects  # 'Amazon QDR (Quorvex Data Relay)'
    between = {f["predicate"] for f in facts if f["subject"] in invented and f["object"] in invented}
    assert {"runs_on", "integrated_with", "triggered_by", "compared_with"} <= between
    predicates = {f["predicate"] for f in facts if f["subject"] in invented}
    assert {"abstraction_over", "stores", "supports", "has_limit", "pricing", "use_case"} <= predicates
