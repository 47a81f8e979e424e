"""Each reader's table of (input, expected outline). An outline row is 'kind text < parent text', with
'[label]' after the kind when the statement is 'Label: body', and '~' before the text of running text (not a
list item)."""

from pathlib import Path

import pytest

from ingest.readers.tree import Document, OutlineBuilder, Statement
from ingest.sources import read_document

ROOT = Path(__file__).resolve().parent.parent


def outline(doc: Document) -> list[str]:
    def row(st: Statement) -> str:
        parent = doc.parent(st)
        label = f"[{st.label}] " if st.label else ""
        text = ("" if st.bulleted else "~") + st.text
        return f"{st.kind} {label}{text}" + (f" < {parent.text}" if parent else "")

    return [row(st) for st in doc.statements]


def read(tmp_path: Path, name: str, text: str) -> Document:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return read_document(path)


MARKDOWN = [
    (  # nested lists to any depth; an item's continuation paragraph belongs to it
        "# T\n- a\n  - b\n    - c\n      - d\n\n    more on b.\n- e\n",
        ["heading T", "item a < T", "item b < a", "item c < b", "item d < c", "item ~more on b. < b", "item e < T"],
    ),
    (  # a heading inside a list item heads the rest of that item, and ends with it
        "# T\n- ## Part one\n  - x\n- ## Part two\n  - y\n- z\n",
        [
            "heading T",
            "heading Part one < T",
            "item x < Part one",
            "heading Part two < T",
            "item y < Part two",
            "item z < T",
        ],
    ),
    (  # ... whatever its level: it is a subsection of the item it is indented under
        "# T\n## S\n- Topic\n  # Detail\n  - fact\n\nafter\n",
        [
            "heading T",
            "heading S < T",
            "item Topic < S",
            "heading Detail < Topic",
            "item fact < Detail",
            "item ~after < S",
        ],
    ),
    (  # block quotes: their paragraphs and items are statements of the section
        "# T\n## S\n> Quoted one. Quoted two.\n> - quoted item\n\nafter\n",
        [
            "heading T",
            "heading S < T",
            "item ~Quoted one. < S",
            "item ~Quoted two. < S",
            "item quoted item < S",
            "item ~after < S",
        ],
    ),
    (  # a paragraph in bold heads what follows until a heading of its rank or higher
        "# T\n## S\n**Pros**\n- fast\n\n**Cons**\n\n- slow\n## U\n- z\n",
        [
            "heading T",
            "heading S < T",
            "heading Pros < S",
            "item fast < Pros",
            "heading Cons < S",
            "item slow < Cons",
            "heading U < T",
            "item z < U",
        ],
    ),
    (  # an item that is only bold or only a label takes the plain items after it in its list
        "# T\n- **Kinesis Agent**\n- collects files\n- Use cases:\n- logs\n- You can stop it.\n",
        [
            "heading T",
            "item Kinesis Agent < T",
            "item collects files < Kinesis Agent",
            "item [Use cases] Use cases: < T",
            "item logs < Use cases:",
            "item You can stop it. < T",
        ],
    ),
    (  # after a bold item, the items up to the next bold one belong to it, labelled or not
        "# T\n- **Pros**\n- Speed: fast\n- It is cheap\n- **Cons**\n- Speed: slow\n",
        [
            "heading T",
            "item Pros < T",
            "item [Speed] Speed: fast < Pros",
            "item It is cheap < Pros",
            "item Cons < T",
            "item [Speed] Speed: slow < Cons",
        ],
    ),
    (  # a 'Label:' paragraph heads the list right after it, blank line or not
        "# T\nFeatures:\n\n* one\n* two\n\nplain\n",
        [
            "heading T",
            "item [Features] ~Features: < T",
            "item one < Features:",
            "item two < Features:",
            "item ~plain < T",
        ],
    ),
    (  # glossary lines: the term is the label; bold, italics and code marks are dropped from the text
        "# G\n**Write-ahead log**: a file where every change is recorded.\n\n- _RecordMaxBufferedTime_: how long\n",
        [
            "heading G",
            "item [Write-ahead log] ~Write-ahead log: a file where every change is recorded. < G",
            "item [RecordMaxBufferedTime] RecordMaxBufferedTime: how long < G",
        ],
    ),
    (  # a term set off in bold before a dash is a glossary entry; a plain 'X - Y' item stays whole
        "## Lambda: pricing\n- **Checkpoint** – a point where pages are flushed\n- Object storage – scales\n",
        [
            "heading [Lambda] Lambda: pricing",
            "item [Checkpoint] Checkpoint: a point where pages are flushed < Lambda: pricing",
            "item Object storage - scales < Lambda: pricing",
        ],
    ),
    (  # front matter is metadata; code, HTML comments and a table of contents are no statements
        "---\ntitle: Not a subject\n---\n# T\n- [Part](#part)\n<!-- a comment -->\n\n```\ncode line\n```\n\n"
        "    indented code\n\n- [Docs](https://example.com) say `x` <!-- c -->\n",
        ["heading T", "item Docs say x < T"],
    ),
    (  # struck-out text is taken back; a task list's box is not text
        "# T\n- [x] ship ~~on Friday~~ on Monday\n- [ ] ~~all of it~~\n",
        ["heading T", "item ship on Monday < T"],
    ),
    (  # TOML front matter too
        "+++\ntitle = 'Not a subject'\n+++\n# T\n- item\n",
        ["heading T", "item item < T"],
    ),
    (  # a table: its header, then one row per line with its cells (a row of pictures is none)
        "# T\n| Aspect | A | B |\n|---|:-:|--|\n| **Type** | one | two |\n| Size | | 5 KB |\n| ![a](a.png) | | |\n",
        [
            "heading T",
            "table Aspect | A | B < T",
            "row Type | one | two < Aspect | A | B",
            "row Size |  | 5 KB < Aspect | A | B",
        ],
    ),
    (  # setext headings; sentences of an item are siblings; a navigation bar of pictures is no statement
        'Title\n=====\n- One. Two **three**.\n\n[<img src="back.png"> Back](./x.md)\n',
        ["heading Title", "item One. < Title", "item Two three. < Title"],
    ),
]


@pytest.mark.parametrize(("text", "expected"), MARKDOWN)
def test_markdown_outline(tmp_path: Path, text: str, expected: list[str]) -> None:
    assert outline(read(tmp_path, "note.md", text)) == expected


def test_markdown_cells_and_lines(tmp_path: Path) -> None:
    doc = read(tmp_path, "note.md", "# T\n\n| A | B |\n|---|---|\n| x | `y` |\n")
    assert [(st.kind, st.line, st.cells) for st in doc.statements] == [
        ("heading", 1, ()),
        ("table", 3, ("A", "B")),
        ("row", 5, ("x", "y")),
    ]


@pytest.mark.parametrize(
    "note",
    sorted([*ROOT.glob("tests/data/**/*.md"), *ROOT.glob("data/sources/*.md")]),
    ids=lambda p: p.name,
)
def test_markdown_statements_quote_their_source(note: Path) -> None:
    """Every statement's raw text is the slice [start:end] of the note and starts on its line."""
    doc = read_document(note)
    for st in doc.statements:
        assert st.raw == doc.text[st.start : st.end]
        assert doc.text.count("\n", 0, st.start) + 1 == st.line
        assert st.raw.strip() and st.text
        assert st.parent is None or st.parent < st.index


TEXT = [
    (
        "Compute\n- EC2: virtual servers\n  - pay per second\nLambda runs code. It scales.\n",
        [
            "heading Compute",
            "item [EC2] EC2: virtual servers < Compute",
            "item pay per second < EC2: virtual servers",
            "item ~Lambda runs code. < Compute",
            "item ~It scales. < Compute",
        ],
    ),
    (  # a wrapped line continues its item; a 'Label:' item takes the items of its depth that follow
        "Storage\n- S3 stores objects and\nserves them\nUse cases:\n- backup\n- archive\n",
        [
            "heading Storage",
            "item S3 stores objects and serves them < Storage",
            "item [Use cases] ~Use cases: < Storage",
            "item backup < Use cases:",
            "item archive < Use cases:",
        ],
    ),
]

QA_CARDS = [
    (
        "Q\nWhat is S3?\nA\nObject storage. It scales.\nHow well did you know this?\n1\n2\nQ\nWhat is EBS?\nA\nBlock storage\n",
        [
            "heading What is S3?",
            "item ~Object storage. < What is S3?",
            "item ~It scales. < What is S3?",
            "heading What is EBS?",
            "item ~Block storage < What is EBS?",
        ],
    ),
]

JSON_CARDS = [
    (
        '[{"fields": {"question": "What is a commit?", "answer": "A snapshot. It has a parent."}},'
        ' {"front": "Branch", "back": "A movable \\"pointer\\""}]',
        [
            "heading What is a commit?",
            "item A snapshot. < What is a commit?",
            "item It has a parent. < What is a commit?",
            "heading Branch",
            "item A movable pointer < Branch",
        ],
    ),
]

TAB_CARDS = [
    (
        "#separator:tab\nTCP\tReliable transport<br>Connection oriented\tnet\nUDP\tDatagrams\n",
        [
            "heading TCP",
            "item Reliable transport < TCP",
            "item Connection oriented < TCP",
            "heading UDP",
            "item Datagrams < UDP",
        ],
    ),
]

GLOSSARY = [
    (  # 'term – definition' lines, with an en dash, an em dash or a spaced hyphen; a title line stays text
        "Web terms\nLatency – time to answer. It adds up.\nCookie — data the browser keeps\nCORS - cross-origin rules\n",
        [
            "item ~Web terms",
            "heading Latency",
            "item time to answer. < Latency",
            "item It adds up. < Latency",
            "heading Cookie",
            "item data the browser keeps < Cookie",
            "heading CORS",
            "item cross-origin rules < CORS",
        ],
    ),
]


@pytest.mark.parametrize(
    ("name", "fmt", "text", "expected"),
    [
        *(("notes.txt", "text", text, expected) for text, expected in TEXT),
        *(("deck.txt", "flashcards", text, expected) for text, expected in QA_CARDS),
        *(("cards.json", "json-cards", text, expected) for text, expected in JSON_CARDS),
        *(("deck.tsv", "tab-cards", text, expected) for text, expected in TAB_CARDS),
        *(("terms.txt", "glossary", text, expected) for text, expected in GLOSSARY),
    ],
)
def test_other_readers(tmp_path: Path, name: str, fmt: str, text: str, expected: list[str]) -> None:
    doc = read(tmp_path, name, text)
    assert doc.format == fmt
    assert outline(doc) == expected


def test_glossary_facts(extract_facts) -> None:
    """A glossary of my own (tests/data/formats/http-glossary.txt): each term is the subject of its definition."""
    got = extract_facts((ROOT / "tests/data/formats/http-glossary.txt").read_text(encoding="utf-8"), "terms.txt")
    assert {
        ("Latency", "is_a", "time a request takes to reach the server and come back"),
        ("Cookie", "is_a", "small piece of data"),
        ("ETag", "use_case", "caching"),
    } <= got


LINES = "ab\n\ncd\n"
LINE_OF = [  # (offset into LINES, its 1-based line)
    (0, 1),
    (2, 1),  # the newline ends its line
    (3, 2),  # a blank line
    (4, 3),
    (6, 3),
    (7, 4),  # past the last newline
]


@pytest.mark.parametrize(("offset", "line"), LINE_OF)
def test_line_of(offset: int, line: int) -> None:
    assert OutlineBuilder(Document("n", Path("n"), LINES, "text", "")).line_of(offset) == line
