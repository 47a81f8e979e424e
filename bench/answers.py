"""Every answer to every question set, as JSON, to diff before and after a change that must not change them.

    python bench/answers.py [--graphs DIR] > answers.json

The corpus sets (tests/data: questions, dev-questions*, audit) are asked of the corpus notes; each practice note
(tests/data/real) its own questions over a graph of that note alone. Each question is asked once in order, then in
capitals (a question of another case is a question of its own). Graphs are ingested into DIR once and reused.
"""

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ingest.pipeline import run_ingest  # noqa: E402
from kg.locations import SOURCES_DIR  # noqa: E402
from kg.snapshot import snapshot_of  # noqa: E402
from kg.stores import StoreConfig, open_store  # noqa: E402
from service.qa import QA  # noqa: E402

DATA = ROOT / "tests" / "data"


def question_sets() -> list[tuple[str, list[Path], list[Path]]]:
    """(name, notes, question files): the corpus, then each practice note."""
    corpus = [*sorted(DATA.glob("dev-questions*.json")), DATA / "questions.json", *sorted(DATA.glob("audit/*.json"))]
    sets = [("corpus", [SOURCES_DIR], [p for p in corpus if p.exists()])]
    for questions in sorted((DATA / "real").glob("*questions*.json")):
        topic = questions.name.removesuffix(".questions.json")
        notes = [p for p in questions.parent.glob(topic + ".*") if p.suffix in (".md", ".txt")]
        sets.append((topic, notes, [questions]))
    return sets


def answers(graphs: Path) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, notes, files in question_sets():
        graph = graphs / name
        if not graph.exists():
            run_ingest(notes, StoreConfig(directory=graph))
        qa = QA(snapshot_of(open_store(StoreConfig(directory=graph))))
        asked = [str(item["q"]) for f in files for item in json.loads(f.read_text(encoding="utf-8"))]
        out[name] = {
            "answers": [qa.ask(q).to_dict() for q in asked],
            "upper": [qa.ask(q.upper()).to_dict() for q in asked],
        }
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--graphs", type=Path, help="where the graphs are ingested once (default: a temp dir)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        found = answers(args.graphs or Path(tmp))
    json.dump(found, sys.stdout, indent=1, sort_keys=True, default=str)
    print()


if __name__ == "__main__":
    main()
