"""Operating the graph as a user's machine meets it: one writer at a time, nothing left behind, a way back from
a damaged graph, one-line errors, and sources keyed by their path."""

import errno
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from graphs import memory

from ingest.files import SourceError, discover, read_note
from kg import stores
from kg.doctor import check
from kg.errors import GraphUnavailable
from kg.facts import facts
from kg.graphdir import WriterLock, sweep, temp_files
from kg.locations import SOURCES_DIR
from kg.stores import LocalStore, StoreConfig, open_store
from kgqa.cli import main

NOTE = "## AWS Batch\n- Batch jobs are defined as Docker images and run on ECS\n"
OTHER = "## Amazon Lightsail\n- Low & predictable pricing\n"
ROOT = Path(__file__).resolve().parents[1]


def kgqa(*args: str, env: dict[str, str] | None = None, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kgqa.cli", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
    )


def folder(root: Path, name: str, files: dict[str, str]) -> Path:
    path = root / name
    for rel, text in files.items():
        (path / rel).parent.mkdir(parents=True, exist_ok=True)
        (path / rel).write_text(text, encoding="utf-8")
    return path


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def one_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("error: ") and "Traceback" not in text
    return lines[0]


# ------------------------------------------------------------------ one writer at a time


@pytest.mark.parametrize("kind", ["memory", "oxigraph"])
def test_two_concurrent_ingests_both_land_in_the_graph(tmp_path: Path, kind: str) -> None:
    a = folder(tmp_path, "a", {"batch.md": NOTE})
    b = folder(tmp_path, "b", {"lightsail.md": OTHER})
    graph = str(tmp_path / "g")
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "kgqa.cli", "ingest", "--store", kind, "--graph", graph, str(notes)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for notes in (a, b)
    ]
    for run in runs:
        _, err = run.communicate(timeout=180)
        assert run.returncode == 0, err
    names = open_store(StoreConfig(kind=kind, directory=Path(graph))).source_hashes()
    assert set(names) == {"batch.md", "lightsail.md"}


def test_a_second_ingest_waits_for_the_first_and_says_so(tmp_path: Path) -> None:
    notes = folder(tmp_path, "n", {"batch.md": NOTE})
    graph = tmp_path / "g"
    log = tmp_path / "stderr"
    lock = WriterLock(graph)
    lock.acquire()
    try:
        with log.open("w") as err:
            run = subprocess.Popen(
                [sys.executable, "-m", "kgqa.cli", "ingest", "--graph", str(graph), str(notes)],
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=err,
            )
        for _ in range(600):  # up to a minute for the child to start and find the lock taken
            if "waiting" in log.read_text() or run.poll() is not None:
                break
            time.sleep(0.1)
        assert f"waiting for another ingest (pid {os.getpid()}) to finish" in log.read_text()
        assert run.poll() is None  # still waiting
    finally:
        lock.release()
    assert run.wait(timeout=180) == 0
    assert "batch.md" in open_store(memory(graph)).source_hashes()


def test_no_wait_fails_at_once_with_one_line(tmp_path: Path) -> None:
    notes = folder(tmp_path, "n", {"batch.md": NOTE})
    graph = tmp_path / "g"
    with WriterLock(graph):
        out = kgqa("ingest", "--no-wait", "--graph", str(graph), str(notes))
    line = one_line(out.stderr)
    assert out.returncode != 0
    assert f"pid {os.getpid()}" in line and "--no-wait" in line
    assert not (graph / "graph.nq").exists()


def test_the_writer_lock_is_reentrant_within_a_process(tmp_path: Path) -> None:
    with WriterLock(tmp_path), WriterLock(tmp_path):
        pass
    with WriterLock(tmp_path):  # released: taken again
        pass


def test_the_sparql_store_says_how_it_writes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder(tmp_path, "n", {"batch.md": NOTE})
    url = "http://127.0.0.1:9/"
    args = ["ingest", "--store", "sparql", "--sparql-query-url", url + "query", "--sparql-update-url", url + "update"]
    assert main([*args, str(tmp_path / "n")]) != 0
    assert "each source is written whole, in one update request" in capsys.readouterr().err


# ------------------------------------------------------------------ nothing left behind


def test_temporary_files_of_dead_writers_are_swept_on_open(tmp_path: Path) -> None:
    graph = tmp_path / "g"
    (tmp_path / "a.md").write_text(NOTE, encoding="utf-8")
    assert main(["ingest", "--graph", str(graph), str(tmp_path / "a.md")]) == 0
    dead, live = dead_pid(), os.getpid()
    (graph / f".graph-{dead}-x1.nq.tmp").write_bytes(b"half a graph")
    (graph / f".oxigraph-{dead}-x2.tmp").mkdir()
    (graph / f".oxigraph-{dead}-x2.tmp" / "000001.log").write_bytes(b"log")
    (graph / f".graph-{live}-x3.nq.tmp").write_bytes(b"being written")
    assert sorted(f.pid for f in temp_files(graph)) == sorted([dead, dead, live])
    assert [f.level for f in check(memory(graph))] == ["warning", "warning", "ok"]
    open_store(memory(graph)).close()  # a reader's open sweeps
    assert sorted(p.name for p in graph.iterdir()) == [f".graph-{live}-x3.nq.tmp", "graph.nq"]
    assert sweep(graph) == []


def test_an_oxigraph_ingest_leaves_no_write_ahead_log(tmp_path: Path) -> None:
    config = StoreConfig(kind="oxigraph", directory=tmp_path)
    assert main(["ingest", "--store", "oxigraph", "--graph", str(tmp_path), str(SOURCES_DIR)]) == 0
    assert stores.unapplied_log_bytes(tmp_path / "oxigraph") == 0
    for _ in range(3):
        assert (
            main(["ingest", "--store", "oxigraph", "--graph", str(tmp_path), str(SOURCES_DIR / "flashcards.txt")]) == 0
        )
    assert len(list((tmp_path / "oxigraph").glob("LOG.old.*"))) <= 2  # RocksDB's diagnostic logs do not pile up
    assert [f.level for f in check(config)] == ["ok"]


KILLED_WRITER = """
import os, sys, pyoxigraph as ox
store = ox.Store(sys.argv[1])
store.extend([ox.Quad(ox.NamedNode(f"https://x/{n}"), ox.NamedNode("https://x/p"), ox.Literal("x" * 40)) for n in range(20000)])
os.kill(os.getpid(), 9)
"""


def test_a_store_left_needing_recovery_says_which_command_repairs_it(tmp_path: Path, monkeypatch) -> None:
    config = StoreConfig(kind="oxigraph", directory=tmp_path)
    (tmp_path / "a.md").write_text(NOTE, encoding="utf-8")
    assert main(["ingest", "--store", "oxigraph", "--graph", str(tmp_path), str(tmp_path / "a.md")]) == 0
    killed = subprocess.run([sys.executable, "-c", KILLED_WRITER, str(tmp_path / "oxigraph")], timeout=120)
    assert killed.returncode == -signal.SIGKILL
    assert stores.unapplied_log_bytes(tmp_path / "oxigraph") > 100_000
    monkeypatch.setattr(stores, "UNAPPLIED_LOG_LIMIT", 100_000)
    with pytest.raises(GraphUnavailable, match=r"needs recovery.*kgqa doctor --repair"):
        open_store(config)
    assert check(config)[-1].level == "error"
    assert main(["doctor", "--repair", "--store", "oxigraph", "--graph", str(tmp_path)]) == 0
    assert stores.unapplied_log_bytes(tmp_path / "oxigraph") == 0
    assert str(tmp_path / "a.md") in open_store(config).source_hashes()


# ------------------------------------------------------------------ a way back


def truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2 + 7])


def garble(path: Path) -> None:
    path.write_bytes(b"<https://kgqa.example/x> this is not N-Quads \x00\x01 .\n" + path.read_bytes())


def directory(path: Path) -> None:
    path.unlink()
    (path / "inside").mkdir(parents=True)


def empty(path: Path) -> None:
    path.write_bytes(b"")


@pytest.mark.parametrize(
    ("damage", "plain_ingest_says"),
    [
        (truncate, "kgqa ingest --rebuild"),
        (garble, "kgqa ingest --rebuild"),
        (directory, "kgqa ingest --rebuild"),
        (empty, None),  # nothing to lose: a plain ingest writes a graph
    ],
)
def test_rebuild_over_a_damaged_memory_graph(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], damage, plain_ingest_says: str | None
) -> None:
    notes = folder(tmp_path, "n", {"batch.md": NOTE})
    graph = tmp_path / "g"
    assert main(["ingest", "--graph", str(graph), str(notes)]) == 0
    damage(graph / "graph.nq")
    assert [f.level for f in check(memory(graph))] == ["error"]
    capsys.readouterr()
    if plain_ingest_says:
        assert main(["ingest", "--graph", str(graph), str(notes)]) != 0
        assert plain_ingest_says in one_line(capsys.readouterr().err)
        assert main(["facts", "--graph", str(graph)]) != 0
        assert plain_ingest_says in one_line(capsys.readouterr().err)
    assert main(["ingest", "--rebuild", "--graph", str(graph), str(notes)]) == 0
    assert "rebuilt the graph from 1 documents" in capsys.readouterr().out
    assert open_store(memory(graph)).source_hashes().keys() == {"batch.md"}
    assert (graph / "graph.nq").is_file() and [f.level for f in check(memory(graph))] == ["ok"]


def garble_current(store: Path) -> None:
    (store / "CURRENT").write_bytes(b"garbage\n")


def file_for_store(store: Path) -> None:
    shutil.rmtree(store)
    store.write_bytes(b"not a store")


def emptied(store: Path) -> None:
    for f in store.iterdir():
        f.unlink()


@pytest.mark.parametrize("damage", [garble_current, file_for_store, emptied])
def test_rebuild_over_a_damaged_oxigraph_store(tmp_path: Path, damage) -> None:
    notes = folder(tmp_path, "n", {"batch.md": NOTE, "lightsail.md": OTHER})
    graph = tmp_path / "g"
    config = StoreConfig(kind="oxigraph", directory=graph)
    assert main(["ingest", "--store", "oxigraph", "--graph", str(graph), str(notes)]) == 0
    damage(graph / "oxigraph")
    with pytest.raises(GraphUnavailable, match=r"kgqa ingest --rebuild"):
        open_store(config)
    assert main(["ingest", "--rebuild", "--store", "oxigraph", "--graph", str(graph), str(notes / "batch.md")]) == 0
    assert set(open_store(config).source_hashes()) == {str(notes / "batch.md")}  # the rebuilt graph: these alone
    assert sorted(p.name for p in graph.iterdir()) == ["open-index.json", "oxigraph"]  # and its open index


def test_rebuild_keeps_only_the_sources_given(tmp_path: Path) -> None:
    notes = folder(tmp_path, "n", {"batch.md": NOTE, "lightsail.md": OTHER})
    graph = tmp_path / "g"
    assert main(["ingest", "--graph", str(graph), str(notes)]) == 0
    (notes / "lightsail.md").unlink()
    assert main(["ingest", "--rebuild", "--graph", str(graph), str(notes)]) == 0
    assert set(open_store(memory(graph)).source_hashes()) == {"batch.md"}


# ------------------------------------------------------------------ errors are one line


@pytest.fixture
def tiny_disk(tmp_path: Path):
    """A 1 MB tmpfs (needs root, as in CI); skipped where it cannot be mounted."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a small tmpfs needs root")
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False, timeout=60)


@pytest.mark.parametrize("kind", ["memory", "oxigraph"])
def test_a_full_disk_is_one_line_and_keeps_the_graph(tiny_disk: Path, tmp_path: Path, kind: str) -> None:
    graph = tiny_disk / "g"
    (tmp_path / "a.md").write_text(NOTE, encoding="utf-8")
    assert kgqa("ingest", "--store", kind, "--graph", str(graph), str(tmp_path / "a.md")).returncode == 0
    config = StoreConfig(kind=kind, directory=graph)
    before = open_store(config).source_hashes()
    big = folder(tmp_path, "big", {f"copy{n}.md": (SOURCES_DIR / "other-compute.md").read_text() for n in range(8)})
    out = kgqa("ingest", "--store", kind, "--graph", str(graph), str(big))
    assert out.returncode != 0
    line = one_line(out.stderr)
    assert "no space left" in line.lower() and str(graph) in line
    assert "ingested" not in out.stdout
    assert open_store(config).source_hashes() == before
    assert not temp_files(graph)


def test_the_graph_file_keeps_its_mode(tmp_path: Path) -> None:
    graph = tmp_path / "g"
    (tmp_path / "a.md").write_text(NOTE, encoding="utf-8")
    assert main(["ingest", "--graph", str(graph), str(tmp_path / "a.md")]) == 0
    assert stat.S_IMODE((graph / "graph.nq").stat().st_mode) == 0o644
    (graph / "graph.nq").chmod(0o640)
    (tmp_path / "a.md").write_text(OTHER, encoding="utf-8")
    assert main(["ingest", "--graph", str(graph), str(tmp_path / "a.md")]) == 0
    assert stat.S_IMODE((graph / "graph.nq").stat().st_mode) == 0o640


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_a_read_only_graph_directory_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    graph = tmp_path / "g"
    (tmp_path / "a.md").write_text(NOTE, encoding="utf-8")
    assert main(["ingest", "--graph", str(graph), str(tmp_path / "a.md")]) == 0
    capsys.readouterr()
    graph.chmod(0o555)
    try:
        assert main(["ingest", "--graph", str(graph), str(tmp_path / "a.md")]) != 0
    finally:
        graph.chmod(0o755)
    assert "permission denied" in one_line(capsys.readouterr().err)


@pytest.mark.parametrize(
    ("error", "says"),
    [
        (errno.ENOSPC, "no space left on the device — free some space"),
        (errno.EACCES, "permission denied — give the user running kgqa write permission"),
        (errno.EROFS, "read-only file system — use --graph DIR"),
        (errno.EISDIR, "a directory where the graph file should be — run `kgqa ingest --rebuild`"),
        (errno.EIO, "Input/output error — check the disk"),
    ],
)
def test_each_disk_error_is_one_line_and_keeps_the_graph(
    tmp_path: Path, monkeypatch, capsys: pytest.CaptureFixture[str], error: int, says: str
) -> None:
    graph = tmp_path / "g"
    (tmp_path / "a.md").write_text(NOTE, encoding="utf-8")
    assert main(["ingest", "--graph", str(graph), str(tmp_path / "a.md")]) == 0
    before = (graph / "graph.nq").read_bytes()
    capsys.readouterr()

    def fail(*args: object) -> None:
        raise OSError(error, os.strerror(error))

    monkeypatch.setattr(os, "replace", fail)
    (tmp_path / "a.md").write_text(OTHER, encoding="utf-8")
    assert main(["ingest", "--graph", str(graph), str(tmp_path / "a.md")]) == 2
    out = capsys.readouterr()
    line = one_line(out.err)
    assert line.startswith(f"error: {graph / 'graph.nq'}: cannot write the graph: {says}")
    assert line.endswith("(the previous graph is kept)") and not out.out
    assert (graph / "graph.nq").read_bytes() == before and not temp_files(graph)


def test_a_commit_is_success_even_if_compacting_fails(tmp_path: Path, monkeypatch, caplog) -> None:
    def no_room(self: LocalStore) -> None:
        raise OSError("IO error: No space left on device")

    monkeypatch.setattr(LocalStore, "compact", no_room)
    (tmp_path / "a.md").write_text(NOTE, encoding="utf-8")
    assert main(["ingest", "--store", "oxigraph", "--graph", str(tmp_path), str(tmp_path / "a.md")]) == 0
    assert "the graph is written, but compacting it failed" in caplog.text
    assert facts(open_store(StoreConfig(kind="oxigraph", directory=tmp_path)))


def test_a_fifo_named_on_the_command_line_is_one_line_and_does_not_hang(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    (tmp_path / "a.md").write_text(NOTE, encoding="utf-8")
    out = kgqa("ingest", "--graph", str(tmp_path / "g"), str(fifo), str(tmp_path / "a.md"), timeout=120)
    assert out.returncode == 1
    assert "a FIFO" in one_line(out.stderr) and str(fifo) in out.stderr
    assert "ingested 1 documents" in out.stdout


def test_an_oversized_note_is_one_line(tmp_path: Path, monkeypatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("KGQA_MAX_NOTE_BYTES", "200")
    notes = folder(tmp_path, "n", {"big.md": NOTE * 10, "small.md": NOTE})
    assert main(["ingest", "--graph", str(tmp_path / "g"), str(notes)]) == 1
    line = one_line(capsys.readouterr().err)
    assert "big.md" in line and "KGQA_MAX_NOTE_BYTES" in line
    assert set(open_store(memory(tmp_path / "g")).source_hashes()) == {"small.md"}


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda p: os.mkfifo(p), "a FIFO"),
        (lambda p: p.mkdir(), "a directory"),
        (lambda p: p.write_bytes(b"x" * 101), "over the 0.0001 MB limit"),
        (lambda p: None, "No such file"),
    ],
)
def test_read_note_refuses_what_is_not_a_note(tmp_path: Path, make, says: str) -> None:
    path = tmp_path / "note.md"
    make(path)
    with pytest.raises(SourceError, match=says):
        read_note(path, limit=100)


def test_a_bad_note_limit_is_one_line(tmp_path: Path, monkeypatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("KGQA_MAX_NOTE_BYTES", "lots")
    assert main(["ingest", "--graph", str(tmp_path / "g"), str(tmp_path)]) == 2
    assert "KGQA_MAX_NOTE_BYTES" in one_line(capsys.readouterr().err)


# ------------------------------------------------------------------ sources keyed by path


@pytest.mark.parametrize(
    ("given", "names"),
    [
        (["notes"], ["a/notes.md", "b/notes.md", "top.md"]),
        (["notes/a", "notes/b"], ["{tmp}/notes/a/notes.md", "{tmp}/notes/b/notes.md"]),  # one name twice: kept apart
        (["notes/top.md"], ["{tmp}/notes/top.md"]),
        (["notes/a", "notes/top.md", "notes/top.md"], ["notes.md", "{tmp}/notes/top.md"]),
    ],
)
def test_source_names(tmp_path: Path, given: list[str], names: list[str]) -> None:
    folder(tmp_path, "notes", {"a/notes.md": NOTE, "b/notes.md": OTHER, "top.md": NOTE})
    found = discover([tmp_path / g for g in given])
    assert [f.name for f in found] == [n.format(tmp=tmp_path) for n in names]


def test_two_same_named_files_in_two_folders_stay_apart(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    notes = folder(tmp_path, "notes", {"a/notes.md": NOTE, "b/notes.md": OTHER})
    graph = str(tmp_path / "g")
    assert main(["ingest", "--graph", graph, str(notes)]) == 0
    store = open_store(memory(Path(graph)))
    assert set(store.source_hashes()) == {"a/notes.md", "b/notes.md"}
    sources = {s for f in facts(store) for s in f.sources}
    assert sources == {"a/notes.md", "b/notes.md"}
    capsys.readouterr()
    assert main(["ingest", "--if-stale", "--graph", graph, str(notes)]) == 0
    assert "up to date" in capsys.readouterr().out
    (notes / "b" / "notes.md").write_text(OTHER + "- Lightsail has fixed monthly plans\n", encoding="utf-8")
    assert main(["ingest", "--if-stale", "--graph", graph, str(notes)]) == 0
    assert "ingested 2 documents" in capsys.readouterr().out


# ------------------------------------------------------------------ doctor


def test_doctor_reports_one_line_per_finding(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    graph = tmp_path / "g"
    assert main(["doctor", "--graph", str(graph)]) == 1
    assert "no graph directory" in one_line(capsys.readouterr().out)
    (tmp_path / "a.md").write_text(NOTE, encoding="utf-8")
    assert main(["ingest", "--graph", str(graph), str(tmp_path / "a.md")]) == 0
    capsys.readouterr()
    assert main(["doctor", "--graph", str(graph)]) == 0
    assert capsys.readouterr().out.startswith(f"ok: {graph / 'graph.nq'}: 1 sources")
    (graph / f".graph-{dead_pid()}-x.nq.tmp").write_bytes(b"x")
    assert main(["doctor", "--graph", str(graph)]) == 1
    assert [line.split(":")[0] for line in capsys.readouterr().out.splitlines()] == ["warning", "ok"]
    assert main(["doctor", "--graph", str(graph)]) == 0  # reading the graph swept it
    capsys.readouterr()
    (graph / f".graph-{dead_pid()}-x.nq.tmp").write_bytes(b"x")
    assert main(["doctor", "--repair", "--graph", str(graph)]) == 0
    assert [line.split(":")[0] for line in capsys.readouterr().out.splitlines()] == ["ok", "ok"]
