"""Questions answered from the ingested corpus: kinds, phrasing styles, evidence, and honest abstention."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from graphs import memory

from kg.snapshot import snapshot_of
from kg.stores import open_store
from kgqa.evaluate import answer_ok, load
from service.qa import QA

DATA = Path(__file__).parent / "data"
ABSTAINS = ["not in the knowledge base|don't know|do not know|no information"]


@pytest.fixture(scope="session")
def qa(corpus_graph: Path) -> QA:
    return QA(snapshot_of(open_store(memory(corpus_graph))))


@pytest.mark.parametrize(
    ("question", "kind", "must_contain"),
    [
        ("what is ecs", "definition", ["elastic container service", "ec2"]),
        ("What does ECS stand for?", "definition", ["elastic container service"]),
        ("whats dockr", "definition", ["container"]),
        ("How long can a Lambda function run?", "attribute", ["15 min"]),
        ("how much ram can lamda get", "attribute", ["10 gb"]),
        ("How is Lightsail priced?", "attribute", ["predictable"]),
        ("how much does lambda cost per invocation", "attribute", ["0.20|0.0000002"]),
        ("which languages does Lambda support", "list", ["python", "node"]),
        ("use cases of Lightsail", "list", ["web"]),
        ("what does batch run on", "relation", ["ecs"]),
        ("where r docker images stored", "relation", ["repositor"]),
        ("What is Fargate an abstraction over?", "relation", ["ecs"]),
        ("What triggers Lambda in the thumbnail example?", "path", ["s3"]),
        ("What does the service that pioneered serverless limit invocations to?", "path", ["15 min"]),
        ("batch vs lambda", "comparison", ["time limit", "docker"]),
        ("how is lambda billed", "list", ["invocations", "time run"]),
        (
            "Where are Docker images stored publicly, and where privately?",
            "multi-part",
            ["docker hub", "ecr"],
        ),  # the list under 'Lambda Billing:'
        ("In the serverless API example, which database does Lambda talk to?", "list", ["dynamodb"]),
        ("difference between EC2 and Lambda", "comparison", ["on-demand", "continuous"]),
    ],
)
def test_kinds_and_phrasings(qa, question, kind, must_contain):
    answer = qa.ask(question)
    assert answer.answered, answer.answer
    assert answer.kind == kind
    assert answer_ok(answer.answer, must_contain), answer.answer
    assert answer.evidence and answer.facts and answer.sparql


@pytest.mark.parametrize(
    "question",
    [
        "What is the capital of France?",
        "How many availability zones does Fargate use?",
        "What is the price of Fargate per vCPU-hour?",
        "which port does the docker daemon listen on",
        "In which regions is AWS Batch available?",
        "",
    ],
)
def test_unanswerable_questions_abstain(qa, question):
    answer = qa.ask(question)
    assert not answer.answered
    assert not answer.facts
    if question:
        assert answer_ok(answer.answer, ABSTAINS), answer.answer


def test_abstention_offers_suggestions(qa):
    answer = qa.ask("How many availability zones does Fargate use?")
    assert "Fargate" in answer.answer
    assert any("Fargate" in s for s in answer.suggestions)


def test_criterion_gives_a_recommendation_from_the_facts(qa):
    answer = qa.ask("should I use Lambda or Batch for a 3-hour job")
    assert answer.kind == "comparison"
    assert answer.comparison and answer.comparison["recommendation"].startswith("Recommendation: AWS Batch")
    assert "15 minutes" in answer.answer


def test_comparison_table_has_both_sides(qa):
    table = qa.ask("Compare Batch and Lambda").comparison
    assert table and table["a"] == "AWS Batch" and table["b"] == "AWS Lambda"
    assert any(row["a"] and row["b"] for row in table["rows"])
    assert table["contrasts"]


def test_an_answers_queries_do_not_depend_on_what_was_asked_before(corpus_graph):
    fresh = QA(snapshot_of(open_store(memory(corpus_graph))))
    first = fresh.ask("lambda vs ec2").sparql
    fresh.ask("compare batch and lambda")
    assert fresh.ask("lambda vs ec2").sparql == first


def test_answer_json_shape_and_evidence_is_quoted_from_the_notes(qa):
    d = qa.ask("what does batch run on").to_dict()
    assert set(d) == {
        "question",
        "answered",
        "kind",
        "answer",
        "entities",
        "facts",
        "evidence",
        "sparql",
        "comparison",
        "suggestions",
        "points",
        "steps",
        "verdict",
    }
    assert {"label": "AWS Batch", "iri": "https://kgqa.example/entity/aws-batch"} in d["entities"]
    texts = {p.name: p.read_text(encoding="utf-8") for p in (Path(__file__).parents[1] / "data" / "sources").iterdir()}
    for e in d["evidence"]:
        assert e["text"] in texts[e["source"]]
    assert all("VALUES" in q and "SELECT" in q for q in d["sparql"])


@pytest.mark.parametrize("name", ["dev-questions.json", "questions.json"])
def test_question_sets(qa, name):
    items = load(DATA / name)
    wrong = [i["q"] for i in items if not answer_ok(qa.ask(i["q"]).answer, i["must_contain"])]
    accuracy = 1 - len(wrong) / len(items)
    # the own 70: 0.957 (issue 12's goal is 0.95)
    assert accuracy >= (1.0 if name.startswith("dev") else 0.95), wrong
    unknown = [i for i in items if i.get("kind") == "unknown" or "not in the knowledge base" in i["must_contain"][0]]
    assert all(not qa.ask(i["q"]).answered for i in unknown)


def test_cli_reads_questions_from_stdin_as_json_lines(corpus_graph):
    out = subprocess.run(
        [sys.executable, "-m", "kgqa.cli", "ask", "--graph", str(corpus_graph), "--json", "-"],
        input="what is ecs\nbatch vs lambda\n",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert [r["kind"] for r in rows] == ["definition", "comparison"]


def test_questions_about_notes_never_seen(tmp_path_factory):
    """Ingest the unseen notes (storage, messaging, databases) and ask about them."""
    from ingest.pipeline import run_ingest

    graph = tmp_path_factory.mktemp("unseen")
    assert not run_ingest([DATA / "unseen"], memory(graph)).errors
    qa = QA(snapshot_of(open_store(memory(graph))))
    items = load(DATA / "unseen" / "questions.json")
    wrong = [i["q"] for i in items if not answer_ok(qa.ask(i["q"]).answer, i["must_contain"])]
    assert not wrong


# ------------------------------------------------------------------ a small graph with kg:Passage nodes
# An invented topic (no corpus word), written as ingest writes it: entities, facts with kg:Evidence, and every
# statement of the note as a kg:Passage. The answers must come from these statements, about the entity asked.

NOTE = [  # line, kind, section, text, about (entity keys)
    (1, "heading", "", "# Quillstore", ("quillstore",)),
    (3, "item", "Quillstore", "- Quillstore is an object store for study notes", ("quillstore",)),
    (4, "item", "Quillstore", "- Objects can be up to 5 TB each", ("quillstore",)),
    (5, "item", "Quillstore", "- Objects are immutable: you cannot edit an object in place", ("quillstore",)),
    (6, "item", "Quillstore", "- There is no auto-scaling of buckets", ("quillstore",)),
    (7, "item", "Quillstore", "- Replication: Upload -> Validate -> Copy to a second region -> Confirm", ()),
    (8, "item", "Quillstore", "- Keeps three copies of every object", ("quillstore",)),
    (10, "heading", "Quillstore", "## Lifecycle", ()),
    (11, "item", "Quillstore > Lifecycle", "- Lifecycle rules apply at the bucket level", ()),
    (13, "heading", "", "# Ledgerline", ("ledgerline",)),
    (14, "item", "Ledgerline", "- Ledgerline keeps an audit log of every request", ("ledgerline",)),
    (15, "item", "Ledgerline", "- Priced per request, with a free tier", ("ledgerline",)),
    (16, "item", "Ledgerline", "- read fence", ()),
    (17, "item", "Ledgerline", "- waits for earlier writes before it answers", ()),
    (18, "item", "Ledgerline", "- blocks until the replicas agree", ()),
    (20, "heading", "Ledgerline", "## Operations", ()),
    (21, "item", "Ledgerline > Operations", "- Ledgerline compaction happens every hour", ("ledgerline",)),
    (22, "item", "Ledgerline > Operations", "- Each Ledgerline batch can hold up to 200 entries", ("ledgerline",)),
    (23, "item", "Ledgerline > Operations", "- Ledgerline costs $0.10 per 1,000 requests", ("ledgerline",)),
    (24, "item", "Ledgerline > Operations", "- It offers:", ("ledgerline",)),  # introduces, says nothing
    (25, "item", "Ledgerline > Operations", "- **Ledgerline never loses a write**", ("ledgerline",)),
    (26, "item", "Ledgerline > Operations", "- Ledgerline is a write-ahead ledger", ("ledgerline",)),
    (30, "heading", "", "# Inkwell", ("inkwell",)),
    (31, "item", "Inkwell", "- Inkwell is a queue for study events", ("inkwell",)),
    (32, "item", "Inkwell", "- Inkwell takes care of:", ("inkwell",)),
    (33, "item", "Inkwell", "- Retries of failed deliveries", ()),
    (34, "item", "Inkwell", "- Ordering per key", ()),
    (35, "item", "Inkwell", "- Publishing", ()),
    (36, "item", "Inkwell", "- 1. Create a channel", ()),
    (37, "item", "Inkwell", "- 2. Subscribe a reader", ()),
    (38, "item", "Inkwell", "- 3. Publish the event", ()),
    (40, "heading", "", "# Inkwell vs Ledgerline", ("inkwell", "ledgerline")),
    (41, "row", "Inkwell vs Ledgerline", "| Aspect | Inkwell | Ledgerline |", ("inkwell", "ledgerline")),
    (42, "row", "Inkwell vs Ledgerline", "| Storage | No retention | Keeps every write |", ("inkwell", "ledgerline")),
    (43, "row", "Inkwell vs Ledgerline", "| Delivery | Push | Pull |", ("inkwell", "ledgerline")),
    (44, "cell", "Inkwell vs Ledgerline", "No retention", ("inkwell",)),
    (45, "item", "Inkwell vs Ledgerline", "- Ledgerline:", ("ledgerline",)),
    (46, "item", "Inkwell vs Ledgerline", "- Replays old events on demand", ("inkwell", "ledgerline")),
]
PARENT = {
    31: 30,
    32: 30,
    33: 32,
    34: 32,
    35: 30,
    36: 35,
    37: 35,
    38: 35,
    41: 40,
    42: 41,
    43: 41,
    44: 42,
    45: 40,
    46: 45,
}


def note_triples() -> list:
    from rdflib import BNode, Graph, Literal
    from rdflib.namespace import RDF, XSD

    from kg.model import Entity, Evidence, Fact, entity_lines, fact_lines
    from kg.namespaces import ENT, KG

    is_a = Evidence("quill.md", 3, NOTE[1][3], "test", section="Quillstore")
    lines = [
        entity_lines(Entity("quillstore", "Quillstore", "Service", ("QS",))),
        entity_lines(Entity("ledgerline", "Ledgerline", "Service")),
        entity_lines(Entity("inkwell", "Inkwell", "Service")),
        fact_lines(Fact("quillstore", "is_a", "object store for study notes", False, is_a)),
    ]
    triples: list = list(Graph().parse(data="".join(lines), format="nt"))
    for line, kind, section, text, about in NOTE:
        node = BNode()
        triples += [(node, RDF.type, KG.Passage), (node, KG.source, Literal("quill.md")),
                    (node, KG.line, Literal(line, datatype=XSD.integer)), (node, KG.text, Literal(text)),
                    (node, KG.section, Literal(section)), (node, KG.kind, Literal(kind))]  # fmt: skip
        triples += [(node, KG.about, ENT[key]) for key in about]
        if line in PARENT:
            triples.append((node, KG.parentLine, Literal(PARENT[line], datatype=XSD.integer)))
    return triples


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> QA:
    from kg.stores import SourceGraph

    directory = tmp_path_factory.mktemp("small")
    store = open_store(memory(directory), write=True)
    store.replace_sources([SourceGraph("quill.md", "0" * 64, note_triples())])
    store.close()
    return QA(snapshot_of(open_store(memory(directory))))


@pytest.mark.parametrize(
    ("question", "kind", "must_contain", "must_not_contain"),
    [
        ("what is quillstore", "definition", ["object store", "quill.md:"], []),
        ("Tell me about Quillstore", "summary", ["object store", "5 TB", "immutable"], ["Ledgerline"]),
        ("how big can a quillstore object be", "", ["5 TB"], []),
        ("Can I edit a Quillstore object in place?", "yes/no", ["No.", "immutable"], []),
        ("does quillstore auto scale", "yes/no", ["No.", "no auto-scaling"], []),
        ("Does Ledgerline keep an audit log?", "yes/no", ["Yes.", "audit log"], []),
        ("How does Quillstore replication work?", "process", ["1. Upload", "2. Validate", "4. Confirm"], []),
        ("What should I know about the read fence?", "summary", ["earlier writes", "replicas agree"], []),
        (
            "what is quillstore, and how is ledgerline priced?",
            "multi-part",
            ["(1)", "object store", "(2)", "per request"],
            [],
        ),
        ("How many copies does Quillstore keep?", "", ["three copies"], []),
        ("Tell me about Ledgerline", "summary", ["never loses a write", "audit log"], ["It offers"]),
        ("Quillstore vs Ledgerline", "comparison", ["object store", "write-ahead ledger", "quill.md:26"], []),
        ("How often does Ledgerline compact?", "attribute", ["every hour"], ["200"]),
        ("How many entries can one Ledgerline batch hold?", "attribute", ["200 entries"], ["every hour"]),
        # kg:parentLine: a lead-in's children are the list, the steps, and a summary's points
        ("What does Inkwell take care of?", "list", ["Retries of failed deliveries; Ordering per key"], ["channel"]),
        ("What are the steps for publishing with Inkwell?", "process", ["1. Create a channel", "3. Publish"], []),
        ("Tell me about Inkwell", "summary", ["queue for study events", "takes care of: Retries"], ["Ledgerline"]),
        # a 'vs' heading and its table: each cell under its column's name, the question's words first
        ("Inkwell vs Ledgerline", "comparison", ["Storage: Inkwell: No retention; Ledgerline: Keeps every write"], []),
        ("How do Inkwell and Ledgerline differ in delivery?", "comparison", ["- Delivery: Inkwell: Push"], []),
        ("Does Inkwell retain anything?", "yes/no", ["No.", "No retention"], []),  # its own cell, not the row
        ("Can Inkwell replay old events?", "yes/no", ["The notes don't say"], ["Yes."]),  # Ledgerline's item
    ],
)
def test_answers_from_passages(small, question, kind, must_contain, must_not_contain):
    answer = small.ask(question)
    assert answer.answered, answer.answer
    assert not kind or answer.kind == kind, answer.kind
    assert all(s in answer.answer for s in must_contain), answer.answer
    assert not any(s in answer.answer for s in must_not_contain), answer.answer
    assert answer.evidence and len(answer.evidence) <= 5
    assert len(answer.answer) <= 1200


@pytest.mark.parametrize(
    "question",
    [
        "Which port does Quillstore listen on?",
        "How much does Quillstore cost per month?",
        "Tell me about PostgreSQL",
    ],
)
def test_questions_the_passages_do_not_cover_abstain(small, question):
    answer = small.ask(question)
    assert not answer.answered, answer.answer
    assert "don't know" in answer.answer
    assert "Ledgerline" not in answer.answer  # never from another entity's statements
    assert answer.answer.count(".") <= 3


@pytest.mark.parametrize(
    "question",
    [
        "How many GB of disk does a Ledgerline batch get?",  # a figure, but not of the unit asked
        "How many requests per second can Ledgerline serve?",  # a figure per 1,000 requests is not a rate
        "How often does Ledgerline take backups?",  # a frequency, but of something else
    ],
)
def test_a_figure_of_another_kind_is_not_the_answer(small, question):
    answer = small.ask(question)
    assert not answer.answered and "don't know" in answer.answer, answer.answer


@pytest.mark.parametrize(
    ("text", "other"),
    [
        ("Ledgerline: a ledger of the writes", True),  # a point about Ledgerline, wherever it sits
        ("Quillstore: an object store", False),
        ("Quillstore and Ledgerline: both keep logs", False),  # names the topic too
        ("Replication: Upload -> Validate", False),  # a label that names no entity
        ("Objects are immutable", False),
    ],
)
def test_a_point_labelled_with_another_name_is_not_the_topics(small, text, other):
    from types import SimpleNamespace

    from service.qa.intent import Topic

    topic = Topic("Quillstore", small.names.exact["quillstore"], [])
    assert small.labelled_other(topic, SimpleNamespace(text=text)) is other


def test_yes_no_answers_carry_a_verdict(small):
    assert small.ask("does quillstore auto scale").verdict == "no"
    assert small.ask("Does Ledgerline keep an audit log?").verdict == "yes"
    steps = small.ask("How does Quillstore replication work?").steps
    assert steps[:2] == ["Upload", "Validate"]
    points = small.ask("Tell me about Quillstore").points
    assert points and all({"text", "source", "line"} <= set(p) for p in points)


def test_a_graph_without_passages_reads_the_evidence_statements(tmp_path):
    from kg.facts import statements
    from kg.model import Evidence, Fact, fact_lines
    from kg.stores import SourceGraph

    ev = Evidence("n.md", 2, "- Quillstore is an object store", "test", section="Quillstore")
    store = open_store(memory(tmp_path), write=True)
    lines = fact_lines(Fact("quillstore", "is_a", "object store", False, ev))
    store.replace_sources([SourceGraph("n.md", "0" * 64, ntriples=lines.encode())])
    store.close()
    [record] = statements(open_store(memory(tmp_path)))
    assert (record.source, record.line, record.section) == ("n.md", 2, "Quillstore")
    assert record.about == ("https://kgqa.example/entity/quillstore",)


@pytest.mark.parametrize(
    ("question", "parts"),
    [
        ("What is ECR, and which services can run the images stored there?", 2),
        ("What does ECS stand for and who starts and stops its containers?", 2),
        ("How long does SQS keep messages, and does EventBridge retain events?", 2),
        ("What is the difference between ECS and Fargate?", 1),
        ("Which is cheaper, Lambda or EC2?", 1),
        ("What is ECR? Which services run its images?", 2),
        ("what is lambda", 1),  # no separator at all
        ("?", 1),
        ("??", 1),  # nothing but separators: the question whole, not an error
    ],
)
def test_multi_part_questions_split_into_their_questions(question, parts):
    from service.qa.engine import split_parts

    assert len(split_parts(question)) == parts


@pytest.mark.parametrize(
    ("question", "scope", "asked"),
    [
        ("In the serverless API example, which database does Lambda talk to?", "serverless API example", "which"),
        ("in a batch job, what runs the containers", "batch job", "what"),
        ("For a 3-hour job, should I use Batch or Lambda?", None, None),  # a criterion, not a scope
        ("In which region is S3?", None, None),
    ],
)
def test_a_leading_scope_is_read_apart_from_its_question(question, scope, asked):
    from service.qa.engine import SCOPE

    m = SCOPE.match(question)
    assert (m.group(1), m.group(2).split()[0].lower()) == (scope, asked) if scope else m is None


@pytest.mark.parametrize(
    ("stem", "text"),
    [
        ("second", "$1.00 for 600,000 gb-seconds"),
        ("cond", "$1.00 for 600,000 gb-seconds"),
        ("node.j", "runs node.js and python"),
        ("c#", "c# (.net core)"),
        ("invoc", "by the number of invocations"),
        ("vocation", "by the number of invocations"),
    ],
)
def test_a_stem_starts_a_word_by_set_or_pattern_alike(stem, text):
    from service.qa.engine import spoken, stem_groups, word_prefixes, word_start

    assert spoken(stem_groups([stem]), text, word_prefixes(text)) == bool(word_start(stem).search(text))


@pytest.mark.parametrize(
    ("value", "squashed"),
    [("a,and b", "aandb"), ("A, and B", "aandb"), ("up to 15 min.", "upto15min"), ("", "")],
)
def test_values_alike_but_for_punctuation_and_case_are_one(value, squashed):
    from service.qa.engine import squashed as squash

    assert squash(value) == squashed


@pytest.mark.parametrize(
    ("text", "clean"),
    [
        ("- **Fully managed** service", "Fully managed service"),
        ("## [OLAP vs OLTP](https://example.org/x)", "OLAP vs OLTP"),
        ("| Retention | 14 days | none |", "Retention; 14 days; none"),
        ('"answer": "Simple Storage Service",', "Simple Storage Service"),
        ("1. Create a topic", "Create a topic"),
        ("ends with a comma,", "ends with a comma"),
        ("a comma, then spaces, \t", "a comma, then spaces"),
        ("snake_case and __init__ stay", "snake_case and init stay"),
        ("_italics_ go", "italics go"),
        ("plain text [no link] (here)", "plain text [no link] (here)"),
        ("", ""),
    ],
)
def test_statements_are_quoted_clean(text, clean):
    from service.qa.statements import clean as cleaned

    assert cleaned(text) == clean


@pytest.mark.parametrize(
    ("labels", "brands"),
    [
        (["Acme Queue", "Acme Store", "Acme Stream", "Docker"], {"acme"}),
        (["Acme Queue", "Acme Store"], set()),  # two labels are no pattern
        (["Lambda layers", "Lambda function", "Lambda URLs", "Big Lambda"], set()),  # a name's last word is a name
    ],
)
def test_brand_words_are_learned_from_the_labels(labels, brands):
    from service.qa.names import brands as learned

    assert learned(labels) == brands


NAMES = ["amazon api gateway", "api gateway", "aws lambda", "lambda", "wordpress", "ec2 instance", "spot instance",
         "custom runtime api", "docker hub", "dockerfile", "ecs", "s3 glacier", "x"]  # fmt: skip


@pytest.mark.parametrize(
    ("word", "kept"),
    [
        ("gateway", {"amazon api gateway", "api gateway"}),
        ("lambda", {"aws lambda", "lambda"}),
        ("sourdough", set()),
    ],
)
def test_a_name_that_cannot_resemble_a_word_is_not_scored(word, kept):
    from service.qa.names import Letters

    rows = Letters(NAMES).could_resemble(word, 70)
    assert kept <= {NAMES[i] for i in rows} and rows == sorted(rows)


@pytest.mark.parametrize("seed", range(3))
def test_the_letters_bound_never_drops_a_name_wratio_would_keep(seed):
    import random

    from rapidfuzz import fuzz

    from service.qa.names import Letters

    letters, draw = Letters(NAMES), random.Random(seed)
    for _ in range(300):  # bounded: 300 words of 3 to 12 letters
        word = "".join(draw.choice("aeioulmnrstcdgpbkwy2") for _ in range(draw.randint(3, 12)))
        dropped = set(range(len(NAMES))) - set(letters.could_resemble(word, 70))
        assert all(fuzz.WRatio(word, NAMES[i]) < 70 for i in dropped), word


def test_cli_reads_unquoted_words_as_one_question(corpus_graph, capsys):
    from kgqa.cli import main

    assert main(["ask", "--graph", str(corpus_graph), "--json", "what", "is", "lambda"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["question"] == "what is lambda"


def test_the_audit_has_fifty_verdicts_and_no_false_statement():
    rows = load(DATA / "audit" / "corpus-audit.json")
    assert len(rows) == 50 and len({r["q"] for r in rows}) == 50
    assert {r["verdict"] for r in rows} <= {"true", "false", "refused-but-covered"}
    assert not [r["q"] for r in rows if r["verdict"] == "false"]
    assert all(len(str(r["answer"])) <= (2500 if r["kind"] == "comparison" else 1200) for r in rows)


@pytest.mark.parametrize(
    ("text", "fit"),
    [
        ("Batch jobs are defined as Docker images", True),
        ("Batch jobs o are defined as Docker 3mages", False),  # OCR read a letter as a digit
        ("Efficiently run 100,000s of batch jobs", True),
        ("Functions get 10GB of memory", True),
        ("Up to 4000,000 requests", False),
    ],
)
def test_points_with_ocr_damage_are_not_quoted(text, fit):
    from types import SimpleNamespace

    from service.qa.engine import clean_point

    assert clean_point(SimpleNamespace(text=text)) is fit


@pytest.mark.parametrize(
    ("question", "verdict"),
    [
        ("Can a Lambda function run any Docker image?", "no"),  # 'many programming languages except (arbitrary) Docker'
        ("can lambda run containers", "yes"),
    ],
)
def test_yes_no_reads_the_names_asked_in_the_statements_own_words(qa, question, verdict):
    answer = qa.ask(question)
    assert answer.verdict == verdict, answer.answer
    assert "arbitrary code" not in answer.answer  # says nothing of Docker images in its own words
