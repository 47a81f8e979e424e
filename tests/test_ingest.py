"""The ingest command end to end: bad files, atomic writes that survive a kill, per-source replacement,
and what extraction produced on the corpus."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest
from graphs import memory, named_graphs, read_dataset

from ingest.pipeline import run_ingest
from kg.errors import KGError
from kg.facts import entities, facts
from kg.locations import SOURCES_DIR
from kg.namespaces import source_graph
from kg.stores import open_store
from kgqa.cli import main

GOOD = "## AWS Batch\n- Batch jobs are defined as Docker images and run on ECS\n"


def kgqa(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kgqa.cli", *args], capture_output=True, text=True, timeout=120)


def test_corpus_yields_the_three_required_facts(corpus_facts):
    for fact in [
        ("AWS Fargate", "abstraction_over", "Amazon ECS"),
        ("AWS Batch", "runs_on", "Amazon ECS"),
        ("AWS Lambda", "triggered_by", "Amazon S3"),
    ]:
        assert fact in corpus_facts


def test_every_evidence_text_occurs_verbatim_in_its_source(corpus_graph):
    ds = open_store(memory(corpus_graph))
    texts = {p.name: p.read_text(encoding="utf-8") for p in SOURCES_DIR.iterdir()}
    evidence = [e for f in facts(ds) for e in f.evidence]
    assert evidence
    for e in evidence:
        assert str(e["text"]) in texts[str(e["source"])], e
        assert e["rule"] and int(str(e["line"])) >= 1


def test_facts_stated_in_several_notes_are_merged_with_all_sources(corpus_graph):
    ds = open_store(memory(corpus_graph))
    ents = entities(ds)
    batch_ecs = [
        f
        for f in facts(ds)
        if ents[f.subject].label == "AWS Batch"
        and f.predicate == "runs_on"
        and f.object_is_entity
        and ents[f.object].label == "Amazon ECS"
    ]
    assert len(batch_ecs) == 1
    assert batch_ecs[0].support >= 3


def test_entities_carry_labels_and_aliases(corpus_graph):
    ents = {e.label: e for e in entities(open_store(memory(corpus_graph))).values()}
    assert "ECS" in ents["Amazon ECS"].aliases
    assert "Elastic Container Service" in ents["Amazon ECS"].aliases
    assert ents["AWS Lambda"].type == "Service"
    assert 40 <= len(ents) <= 150


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.md", b"", "empty"),
        ("blank.txt", b"  \n\n", "empty"),
        ("binary.txt", b"\x00\x01\x02PNG", "binary"),
        ("latin1.txt", "Caf\u00e9 notes".encode("latin-1"), "UTF-8"),
    ],
)
def test_bad_files_get_a_one_line_error_and_the_rest_is_ingested(tmp_path, capsys, name, content, message):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / name).write_bytes(content)
    (notes / "good.md").write_text(GOOD, encoding="utf-8")
    code = main(["ingest", str(notes), "--graph", str(tmp_path / "g")])
    err = capsys.readouterr().err.strip().splitlines()
    assert code != 0
    assert len(err) == 1 and name in err[0] and message in err[0]
    assert "Traceback" not in "\n".join(err)
    assert "good.md" in open_store(memory(tmp_path / "g")).source_hashes()


def test_a_failed_write_leaves_the_previous_graph(tmp_path, monkeypatch):
    graph = tmp_path / "g"
    (tmp_path / "a.md").write_text(GOOD, encoding="utf-8")
    run_ingest([tmp_path / "a.md"], memory(graph))
    before = (graph / "graph.nq").read_bytes()

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    (tmp_path / "b.md").write_text("## ECS\n- Has integrations with the Application Load Balancer\n", encoding="utf-8")
    with pytest.raises(KGError, match="cannot write the graph: disk full"):  # one line for the command
        run_ingest([tmp_path / "b.md"], memory(graph))
    assert (graph / "graph.nq").read_bytes() == before
    assert [p.name for p in graph.iterdir()] == ["graph.nq"]


def test_an_ingest_killed_midway_leaves_a_whole_readable_graph(tmp_path):
    graph = tmp_path / "g"
    run_ingest([SOURCES_DIR], memory(graph))
    before = (graph / "graph.nq").read_bytes()
    big = tmp_path / "big"
    big.mkdir()
    text = (SOURCES_DIR / "other-compute.md").read_text(encoding="utf-8")
    for n in range(40):
        (big / f"copy{n}.md").write_text(text, encoding="utf-8")
    for delay in (0.5, 2.0, 4.0):
        proc = subprocess.Popen(
            [sys.executable, "-m", "kgqa.cli", "ingest", str(big), "--graph", str(graph)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        names = open_store(memory(graph)).source_hashes()  # must parse
        assert "other-compute.md" in names
        if (graph / "graph.nq").read_bytes() != before:
            assert len(names) == 5 + 40  # the new graph, whole
    assert not [p for p in graph.iterdir() if p.name != "graph.nq" and not p.name.startswith(".graph-")]


def test_reingesting_one_note_replaces_only_its_named_graph(tmp_path):
    graph = tmp_path / "g"
    a, b = tmp_path / "a.md", tmp_path / "b.md"
    a.write_text(GOOD, encoding="utf-8")
    b.write_text("## Amazon Lightsail\n- Low & predictable pricing\n", encoding="utf-8")
    run_ingest([a, b], memory(graph))
    a.write_text("## AWS Batch\n- Batch will dynamically launch EC2 instances\n", encoding="utf-8")
    run_ingest([a], memory(graph))
    store = open_store(memory(graph))
    ents = entities(store)
    got = {(ents[f.subject].label, f.predicate) for f in facts(store)}
    assert ("AWS Batch", "launches") in got
    assert ("AWS Batch", "runs_on") not in got  # a's old facts are gone
    assert ("Amazon Lightsail", "pricing") in got  # b's are kept
    assert len(read_dataset(graph).graph(source_graph(str(b)))) > 0  # a file named itself: by its absolute path
    union = {t for g in named_graphs(graph) for t in g}
    assert set(read_dataset(graph).default_graph) == union  # the default graph follows the named graphs


def test_facts_json_shape(corpus_graph, capsys):
    assert main(["facts", "--graph", str(corpus_graph), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    row = next(r for r in rows if r["predicate"] == "abstraction_over")
    assert set(row) == {"subject", "predicate", "object", "sources", "evidence"}
    assert row["subject"] == "AWS Fargate" and row["object"] == "Amazon ECS"
    assert set(row["evidence"][0]) >= {"source", "line", "text", "rule"}


@pytest.mark.parametrize("fmt", ["ttl", "nt", "trig", "jsonld", "graphml"])
def test_export_formats(corpus_graph, fmt):
    out = kgqa("export", "--graph", str(corpus_graph), "--format", fmt)
    assert out.returncode == 0, out.stderr
    assert "AWS Fargate" in out.stdout


def test_missing_graph_is_a_clear_error(tmp_path):
    out = kgqa("facts", "--graph", str(tmp_path / "nothing"))
    assert out.returncode != 0
    assert "kgqa ingest" in out.stderr and "Traceback" not in out.stderr


def test_ingest_reports_the_facts_that_facts_lists(tmp_path):
    report = run_ingest([SOURCES_DIR / "other-compute.md"], memory(tmp_path))
    store = open_store(memory(tmp_path))
    assert report.facts == len(facts(store))
    assert 0 < report.evidence_only < report.statements


PASSAGE_ROWS = """PREFIX kg: <https://kgqa.example/ontology#>
SELECT ?text ?kind ?section ?about WHERE {
  ?p a kg:Passage ; kg:text ?text ; kg:kind ?kind ; kg:section ?section ; kg:source "note.md" .
  OPTIONAL { ?p kg:about ?about }
}"""


def test_every_statement_is_a_passage(tmp_path):
    (tmp_path / "notes").mkdir()  # a folder's files are named relative to it: the source is "note.md"
    note = tmp_path / "notes" / "note.md"
    note.write_text("# Notes\n## AWS Lambda\n- Runs code without servers\n\n| a | b |\n| --- | --- |\n| x | y |\n")
    run_ingest([tmp_path / "notes"], memory(tmp_path / "graph"))
    rows = {(str(r[0]), str(r[1]), str(r[2])): r[3] for r in read_dataset(tmp_path / "graph").query(PASSAGE_ROWS)}
    assert ("## AWS Lambda", "heading", "Notes") in rows  # verbatim, as the evidence quotes it
    assert ("Runs code without servers", "item", "Notes > AWS Lambda") in rows
    assert str(rows[("Runs code without servers", "item", "Notes > AWS Lambda")]).endswith("/aws-lambda")
    assert ("| x | y |", "row", "Notes > AWS Lambda") in rows
    assert ("x", "cell", "Notes > AWS Lambda") in rows


@pytest.mark.parametrize(
    ("note", "line", "parent_line"),
    [
        ("# A\n- read committed\n  - no dirty reads\n", 3, 2),  # a child item sits under its item
        ("# A\n- read committed\n  - no dirty reads\n", 2, 1),  # a top item under its heading
        ("# A\n- read committed\n  - no dirty reads\n", 1, 0),  # the outermost heading under nothing
        ("# A\n\n| x | y |\n| --- | --- |\n| 1 | 2 |\n", 5, 3),  # a row under its header
    ],
)
def test_a_passage_names_the_line_it_sits_under(tmp_path, note, line, parent_line):
    from kg.facts import statements
    from kg.stores import open_store

    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "note.md").write_text(note)
    config = memory(tmp_path / "graph")
    run_ingest([tmp_path / "notes"], config)
    kept = {(s.line, s.kind): s.parent_line for s in statements(open_store(config)) if s.kind != "cell"}
    assert [p for (n, _), p in kept.items() if n == line] == [parent_line]


@pytest.mark.parametrize(
    ("source", "grounded"),
    [
        ("notes.md", 1),  # named in the folder ingested
        ("/somewhere/else/notes.md", 1),  # ingested alone: named by its absolute path
        ("other.md", 0),
    ],
)
def test_grounding_finds_a_source_by_either_name(tmp_path, source, grounded):
    from kg.facts import FactRecord
    from kgqa.evaluate import score_facts

    (tmp_path / "notes.md").write_text("Batch runs on ECS\n", encoding="utf-8")
    fact = FactRecord("s", "runs_on", "o", True, [{"source": source, "text": "Batch runs on ECS"}])
    assert score_facts([], [fact], {}, [tmp_path / "notes.md"]).grounded == grounded
