"""Fact recall on real notes: one fresh graph per note, scored against its gold facts.

    python bench/real.py [DIR ...] [-v]

DIR holds `<topic>.md|txt` with `<topic>.facts.json` beside it (default: tests/data/real and
tests/data/unseen, whose gold is `expected-facts.json`). Prints one row per file and the total.
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ingest.pipeline import run_ingest  # noqa: E402
from kg.facts import entities, facts  # noqa: E402
from kg.stores import StoreConfig, open_store  # noqa: E402
from kgqa.evaluate import load, score_facts  # noqa: E402

NOTE_SUFFIXES = (".md", ".txt", ".tsv", ".json")


def sets(folder: Path) -> list[tuple[str, list[Path], Path]]:
    """(name, notes, gold) per scored set: a note with its own `.facts.json`, or a folder's `expected-facts.json`."""
    out = []
    shared = folder / "expected-facts.json"
    notes = sorted(p for p in folder.iterdir() if p.suffix in NOTE_SUFFIXES and not p.name.endswith("s.json"))
    if shared.exists():
        notes = [p for p in notes if p.suffix != ".json"]
        out.append((folder.name, notes, shared))
    for note in notes:
        gold = note.with_name(note.name.rsplit(".", 1)[0] + ".facts.json")
        if gold.exists():
            out.append((note.stem, [note], gold))
    return out


def score(notes: list[Path], gold: Path) -> tuple[int, int, int, int, list[dict[str, object]], float]:
    with tempfile.TemporaryDirectory() as tmp:
        config = StoreConfig(kind="memory", directory=Path(tmp))
        started = time.perf_counter()
        report = run_ingest(notes, config)
        seconds = time.perf_counter() - started
        store = open_store(config)
        ents, got = entities(store), facts(store)
        result = score_facts(load(gold), got, ents, notes)
        store.close()
    words = sum(len(p.read_text(encoding="utf-8").split()) for p in notes)
    return result.recalled, result.total, len(got), report.facts, result.missed, words / seconds


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("dirs", nargs="*", type=Path, default=[ROOT / "tests/data/real", ROOT / "tests/data/unseen"])
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    print(f"{'set':40} {'recall':>14} {'facts':>6} {'words/s':>8}")
    total = [0, 0]
    for folder in args.dirs:
        for name, notes, gold in sets(folder):
            hit, n, listed, _reported, missed, wps = score(notes, gold)
            total[0] += hit
            total[1] += n
            print(f"{name:40} {hit / n:6.3f} ({hit:3}/{n:3}) {listed:6} {wps:8.0f}")
            for m in missed if args.verbose else []:
                quote = str(m.get("quote", ""))[:80]
                print(f"    missed: {m['subject']} | {m['predicate']} | {m['object']}  <- {quote}")
    print(f"{'all':40} {total[0] / max(total[1], 1):6.3f} ({total[0]:3}/{total[1]:3})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
