"""Precision by hand: draw random facts from the corpus graph and from the practice notes' graphs, and
score them with the verdicts kept in tests/data/precision/<set>.json.

    python bench/precision.py [--n 100] [--seed 1 [2 ...]]

Each set's file is a JSON list of {"subject", "predicate", "object", "evidence", "source", "verdict"} and, for
a comparison, the "contrast" its evidence records (what the two sides differ on, or both sides' sayings);
verdict is true (the quoted evidence, with its contrast, states the fact), false, or null (not judged yet). A
draw adds the facts it has no verdict for with verdict null, to be judged by reading their evidence; the report
counts judged facts of the current draw only, per seed, set and source file of the draw. One file keeps the verdicts
of every seed's draws (a fact drawn twice is judged once).
"""

import argparse
import json
import random
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ingest.pipeline import run_ingest  # noqa: E402
from kg.facts import entities, facts  # noqa: E402
from kg.locations import SOURCES_DIR  # noqa: E402
from kg.stores import StoreConfig, open_store  # noqa: E402

VERDICTS = ROOT / "tests/data/precision"
PRACTICE = ROOT / "tests/data/real"

Row = dict[str, object]


def relative(source: str, base: Path) -> str:
    """An evidence source named relative to the repository root, so verdicts survive checkouts and worktrees: a
    note named itself gives its absolute path, a folder's notes their path within the folder."""
    path = Path(source) if Path(source).is_absolute() else base / source
    return path.resolve().relative_to(ROOT).as_posix()


def rows_of(notes: list[Path], base: Path) -> list[Row]:
    """Every fact of a fresh graph of these notes (in the folder base), with its first quoted evidence."""
    with tempfile.TemporaryDirectory() as tmp:
        config = StoreConfig(kind="memory", directory=Path(tmp))
        run_ingest(notes, config)
        store = open_store(config)
        ents, got = entities(store), facts(store)
        store.close()
    out = []
    for f in got:
        ev = f.evidence[0]
        obj = ents[f.object].label if f.object_is_entity else f.object
        out.append(
            {
                "subject": ents[f.subject].label,
                "predicate": f.predicate,
                "object": obj,
                "evidence": ev["text"],
                "source": f"{relative(ev['source'], base)}:{ev['line']}",
                **({"contrast": ev["contrast"]} if ev.get("contrast") else {}),
            }
        )
    return out


def key(row: Row) -> tuple[str, str, str, str]:
    return str(row["subject"]), str(row["predicate"]), str(row["object"]), str(row["evidence"])


def draw(name: str, rows: list[Row], n: int, seed: int) -> dict[str, tuple[int, int, int]]:
    """Draw n facts; add the unjudged ones to the set's file; return (true, judged, drawn) per source file
    of the draw and for the whole set (key "")."""
    path = VERDICTS / f"{name}.json"
    kept: list[Row] = json.loads(path.read_text(encoding="utf-8")) if path.exists() else []
    verdicts = {key(r): r.get("verdict") for r in kept}
    sample = random.Random(seed).sample(rows, min(n, len(rows)))
    for row in sample:
        if key(row) not in verdicts:
            kept.append({**row, "verdict": None})
            verdicts[key(row)] = None
    path.write_text(json.dumps(kept, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    counts: dict[str, list[int]] = {}
    for row in sample:
        verdict = verdicts[key(row)]
        for group in ("", Path(str(row["source"]).rsplit(":", 1)[0]).stem):
            c = counts.setdefault(group, [0, 0, 0])
            c[0] += verdict is True
            c[1] += verdict is not None
            c[2] += 1
    return {group: (c[0], c[1], c[2]) for group, c in sorted(counts.items())}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100)
    ap.add_argument("--seed", type=int, nargs="+", default=[1])
    args = ap.parse_args()
    practice = sorted(p for p in PRACTICE.iterdir() if p.suffix in (".md", ".txt") and p.stem != "SOURCES")
    sets = {
        "corpus": rows_of([SOURCES_DIR], SOURCES_DIR),
        "practice": [r for note in practice for r in rows_of([note], PRACTICE)],
    }
    for seed in args.seed:
        print(f"seed {seed}")
        for name, rows in sets.items():
            for group, (true, judged, drawn) in draw(name, rows, args.n, seed).items():
                share = f"{true / judged:.3f}" if judged else "n/a"
                label = f"{name:10}" if not group else f"  {group:36}"
                total = f", {len(rows)} facts" if not group else ""
                print(f"{label} precision {share} ({true}/{judged} judged of {drawn} drawn{total})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
