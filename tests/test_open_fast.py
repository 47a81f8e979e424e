"""Opening a graph fast: statements' names looked up only as long as a name can be, and collection paused while a
graph is built; each gives what the plain way gives."""

import gc
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from kg.cache_files import read, write
from kg.facts import EntityRecord
from kg.snapshot import snapshot_of
from kg.stores import StoreConfig, open_store
from kgqa.cli import main
from service.heap import building
from service.qa import QA
from service.qa.names import STOP, NameIndex, normalise
from service.qa.statements import Worked, tokens, work
from service.qa.worked_file import NAME

ENTITIES = {
    f"e:{key}": EntityRecord(f"e:{key}", key, label, "Service", aliases)
    for key, label, aliases in [
        ("queue", "Acme Queue", ("AQ",)),
        ("store", "Acme Object Store", ()),
        ("stream", "Acme Stream", ()),
        ("net", ".NET Core", ()),
        ("fn", "Function", ("serverless function",)),
    ]
}


def slow_named_in(names: NameIndex, text: str) -> set[str]:
    """_named_in as it was: every phrase up to the longest name, at every word."""
    words = normalise(text).split()
    found: set[str] = set()
    i = 0
    while i < len(words):
        for n in range(min(names.longest, len(words) - i), 0, -1):
            phrase = " ".join(words[i : i + n]).strip(".,;:")
            iri = names.exact.get(phrase)
            if iri and not (n == 1 and (phrase in STOP or phrase in names.shouted or len(phrase) <= 2)):
                found.add(iri)
                i += n - 1
                break
        i += 1
    return found


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Acme Queue holds messages.", {"e:queue"}),
        ("Put it in the acme object store, then the queue.", {"e:store", "e:queue"}),
        ("a serverless function; then .NET Core.", {"e:fn"}),  # a leading dot is stripped: no name
        ("Functions scale, AQ: buffers", {"e:fn"}),  # a name of two letters is a word
        ("... acme, object store", {"e:store"}),
        ("nothing named here", set()),
        ("", set()),
    ],
)
def test_named_in(text: str, expected: set[str]) -> None:
    names = NameIndex(ENTITIES)
    assert names._named_in(text) == expected
    assert names._named_in(text) == slow_named_in(names, text)


@pytest.mark.parametrize(
    ("text", "section"),
    [
        ("Queues decouple producers", "Messaging > Queues"),
        ("well-known e.g. caching", "Intro"),
        ("x", ""),
        ("C# and C++ it's fine’s", "Lang > Notes"),
    ],
)
def test_stems_of_a_statement_and_its_section(text: str, section: str) -> None:
    assert set(tokens(f"{text} {section}")) == set(tokens(text)) | set(tokens(section))


@pytest.mark.parametrize("enabled", [True, False])
def test_building_pauses_collection(enabled: bool) -> None:
    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        with building():
            assert not gc.isenabled()
            with building():
                assert not gc.isenabled()
            assert not gc.isenabled()
        assert gc.isenabled() == enabled
    finally:
        gc.enable() if was else gc.disable()


def note_graph(tmp_path: Path, text: str) -> StoreConfig:
    note = tmp_path / "batch.md"
    note.write_text(text, encoding="utf-8")
    graph = tmp_path / "g"
    assert main(["ingest", "--store", "memory", "--graph", str(graph), str(note)]) == 0
    return StoreConfig(kind="memory", directory=graph)


def work_files(config: StoreConfig) -> list[Path]:
    return sorted(config.directory.glob(f"{NAME}-*.marshal"))


def opened_work(config: StoreConfig) -> tuple[Worked, Worked]:
    """(what QA opened the graph with, `work` done afresh)."""
    snapshot = snapshot_of(open_store(config))
    qa = QA(snapshot)
    ws = qa.index.statements
    kept = Worked(
        [snapshot.statements.index(st.record) for st in ws],
        [st.text for st in ws],
        [st.lead for st in ws],
        [st.about for st in ws],
        qa.index.text_tokens,
    )
    return kept, work(snapshot.statements, qa.names.named_in)


NOTE = "## Acme Batch\n- Batch jobs are defined as Docker images and run on Acme Compute\n- Jobs\n  - queued first\n"


def damaged(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:-7])


def emptied(path: Path) -> None:
    path.write_bytes(b"")


def forged(path: Path) -> None:
    write(path, ("not", "worked"))


@pytest.mark.parametrize("spoil", [None, damaged, emptied, forged])
def test_work_kept_beside_the_store(tmp_path: Path, spoil: Callable[[Path], None] | None) -> None:
    config = note_graph(tmp_path, NOTE)
    first, fresh = opened_work(config)
    assert first == fresh and first.texts
    [path] = work_files(config)
    if spoil:
        spoil(path)
    again, fresh = opened_work(config)
    assert again == fresh
    assert work_files(config) == [path] and read(path) == tuple(fresh)


def test_work_made_anew_for_a_changed_graph(tmp_path: Path) -> None:
    config = note_graph(tmp_path, NOTE)
    opened_work(config)
    [before] = work_files(config)
    config = note_graph(tmp_path, NOTE + "- Acme Compute runs containers\n")
    after, fresh = opened_work(config)
    assert after == fresh and "Acme Compute runs containers" in after.texts
    assert work_files(config) != [before] and len(work_files(config)) == 1


def test_no_work_file_without_an_open_index(tmp_path: Path) -> None:
    config = note_graph(tmp_path, NOTE)
    snapshot = replace(snapshot_of(open_store(config)), digest=None)  # as a server's store opens
    qa = QA(snapshot)
    assert qa.index.statements and work_files(config) == []
