"""Ingest end to end against spaCy's floor on the same text, in the same run: `spacy.blank("en")` over `nlp.pipe`
on one core (the least any spaCy pipeline costs), and `kgqa ingest` of the same files (a child process, local
processes, the memory store), with the peak RSS of its largest process. Two sets of about `--words` words:
synthetic notes (bench/synth.py) and copies of the practice notes in tests/data/real.

    python bench/ingest_rate.py [--words 1000000] [--sets synthetic,real]
"""

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cluster import KGQA, measured
from synth import write_corpus

REAL = Path(__file__).resolve().parents[1] / "tests" / "data" / "real"
SUFFIXES = (".md", ".txt")


def copies_of_real(directory: Path, words: int) -> None:
    """Copies of the practice notes, each in a folder of its own, until about `words` words."""
    notes = [p for p in sorted(REAL.iterdir()) if p.suffix in SUFFIXES]
    total, n = 0, 0
    while total < words:
        folder = directory / f"copy{n:04d}"
        folder.mkdir(parents=True)
        for note in notes:
            shutil.copy(note, folder / note.name)
            total += len(note.read_text(encoding="utf-8").split())
        n += 1


def spacy_floor(directory: Path) -> float:
    """Words/s of spacy.blank("en") over nlp.pipe on the files' texts, one core."""
    import spacy

    texts = [p.read_text(encoding="utf-8") for p in sorted(directory.rglob("*")) if p.is_file()]
    words = sum(len(t.split()) for t in texts)
    nlp = spacy.blank("en")
    started = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=64):
        pass
    return words / (time.perf_counter() - started)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--words", type=int, default=1_000_000)
    p.add_argument("--sets", default="synthetic,real")
    args = p.parse_args(argv)
    print("| notes | words | spaCy floor words/s | ingest words/s | ratio | ingest s | peak RSS MB |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name in args.sets.split(","):
        with tempfile.TemporaryDirectory(prefix="kgqa-rate-") as tmp:
            notes = Path(tmp) / "notes"
            if name == "real":
                copies_of_real(notes, args.words)
            else:
                write_corpus(notes, args.words)
            words = sum(len(f.read_text(encoding="utf-8").split()) for f in notes.rglob("*") if f.is_file())
            floor = spacy_floor(notes)
            run = measured([*KGQA, "ingest", "--graph", str(Path(tmp) / "graph"), str(notes)])
            rate = words / run["seconds"]
            print(
                f"| {name} | {words:,} | {floor:,.0f} | {rate:,.0f} | {rate / floor:.3f} | {run['seconds']:.1f} "
                f"| {run['rss_mb']:,.0f} |",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
