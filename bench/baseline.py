"""kgqa against searching the notes: a BM25 search (bm25s) over 8-line windows of the notes shows its two best
windows, and both are scored with the same must_contain matching (`kgqa eval`) on the same question files.

The corpus sets (tests/data: dev-questions, dev-questions-2, the project's own questions) are asked of the
corpus notes; each practice note (tests/data/real) is asked its own questions over a fresh graph of that note
alone. Run alone: `python bench/baseline.py`; `make bench` prints it with the rest.
"""

import json
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import bm25s

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ingest.pipeline import run_ingest  # noqa: E402
from kg.locations import SOURCES_DIR  # noqa: E402
from kg.snapshot import snapshot_of  # noqa: E402
from kg.stores import StoreConfig, open_store  # noqa: E402
from kgqa.evaluate import answer_ok  # noqa: E402
from service.qa import QA  # noqa: E402

DATA = ROOT / "tests" / "data"
WINDOW, STRIDE, SHOWN = 8, 4, 2
WORD = re.compile(r"[a-z0-9]+")


@dataclass
class Row:
    name: str
    questions: int
    kgqa: float
    search: float

    @property
    def lead(self) -> float:
        return self.kgqa - self.search


class WindowSearch:
    """The learner's alternative: the two 8-line windows of the notes that best match the question."""

    def __init__(self, notes: list[Path]) -> None:
        self.windows: list[str] = []
        for note in notes:
            lines = note.read_text(encoding="utf-8", errors="replace").splitlines()
            for start in range(0, max(1, len(lines) - WINDOW + STRIDE), STRIDE):
                self.windows.append("\n".join(lines[start : start + WINDOW]))
        self.index = bm25s.BM25()
        self.index.index([WORD.findall(w.lower()) or ["_"] for w in self.windows], show_progress=False)

    def answer(self, question: str) -> str:
        scores = self.index.get_scores(WORD.findall(question.lower()))
        best = sorted(range(len(self.windows)), key=lambda i: -scores[i])[:SHOWN]
        return "\n".join(self.windows[i] for i in best)


def accuracy(items: list[dict[str, object]], answer) -> float:  # type: ignore[no-untyped-def]
    right = sum(1 for item in items if answer_ok(answer(str(item["q"])), list(item["must_contain"])))  # type: ignore[call-overload]
    return right / len(items) if items else 0.0


def score(name: str, notes: list[Path], question_files: list[Path]) -> list[Row]:
    with tempfile.TemporaryDirectory() as tmp:
        config = StoreConfig(directory=Path(tmp))
        run_ingest(notes, config)
        qa = QA(snapshot_of(open_store(config)))
        search = WindowSearch([p for n in notes for p in (sorted(n.glob("*")) if n.is_dir() else [n]) if p.is_file()])
        rows = []
        for path in question_files:
            items = json.loads(path.read_text(encoding="utf-8"))
            label = f"{name}: {path.name}" if len(question_files) > 1 else name
            rows.append(
                Row(label, len(items), accuracy(items, lambda q: qa.ask(q).answer), accuracy(items, search.answer))
            )
        return rows


def question_sets() -> list[tuple[str, list[Path], list[Path]]]:
    corpus = [DATA / n for n in ("dev-questions.json", "dev-questions-2.json", "questions.json")]
    sets = [("corpus", [SOURCES_DIR], [p for p in corpus if p.exists()])]
    for questions in sorted((DATA / "real").glob("*.questions.json")):
        topic = questions.name.removesuffix(".questions.json")
        notes = [p for p in questions.parent.glob(topic + ".*") if p.suffix in (".md", ".txt")]
        sets.append((topic, notes, [questions]))
    return sets


def bench_baseline() -> list[Row]:
    return [row for name, notes, files in question_sets() for row in score(name, notes, files)]


def table(rows: list[Row]) -> str:
    out = [
        "| question file | questions | kgqa | search (2 best 8-line windows) | kgqa's lead |",
        "| --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        out.append(f"| {r.name} | {r.questions} | {r.kgqa:.2f} | {r.search:.2f} | {r.lead:+.2f} |")
    return "\n".join(out)


if __name__ == "__main__":
    print(table(bench_baseline()))
