"""Ingest end to end against spaCy's floor on the same text, in the same run: `spacy.blank("en")` over `nlp.pipe`
on one core (the least any spaCy pipeline costs), and `kgqa ingest` of the same files (a child process, local
processes, the memory store), with the peak RSS of its largest process. Two sets of about `--words` words:
synthetic notes (bench/synth.py) and copies of the practice notes in tests/data/real. With `--notes N`: N synthetic
notes into the on-disk oxigraph store instead, with the store's size and the time to open it (scale.py's open).

    python bench/ingest_rate.py [--words 1000000] [--sets synthetic,real]
    python bench/ingest_rate.py --notes 10000 [--store oxigraph]
"""

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cluster import KGQA, measured
from scale import OPEN, config_json, disk_mb
from synth import write_corpus, write_notes

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


def into_store(notes: int, store: str) -> None:
    """`notes` synthetic notes ingested into `store`: time, words/s, peak RSS, size on disk, time to open."""
    print("| notes | words | store | ingest s | words/s | peak RSS MB | store MB | open s | open peak RSS MB |")
    print("| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    with tempfile.TemporaryDirectory(prefix="kgqa-rate-") as tmp:
        folder, graph = Path(tmp) / "notes", Path(tmp) / "graph"
        words = write_notes(folder, notes).words
        run = measured([*KGQA, "ingest", "--store", store, "--graph", str(graph), str(folder)])
        where = graph / "oxigraph" if store == "oxigraph" else graph / "graph.nq"
        command = [sys.executable, "-c", OPEN, config_json(store, graph, "")]
        opened = json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
        print(
            f"| {notes:,} | {words:,} | {store} | {run['seconds']:.1f} | {words / run['seconds']:,.0f} "
            f"| {run['rss_mb']:,.0f} | {disk_mb(where):,.1f} | {opened['seconds']:.2f} | {opened['rss_mb']:,.0f} |",
            flush=True,
        )


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--words", type=int, default=1_000_000)
    p.add_argument("--sets", default="synthetic,real")
    p.add_argument("--notes", type=int, help="this many synthetic notes into --store instead")
    p.add_argument("--store", default="oxigraph", choices=("memory", "oxigraph"))
    args = p.parse_args(argv)
    if args.notes:
        into_store(args.notes, args.store)
        return 0
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
