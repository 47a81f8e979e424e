"""The file beside a local store that holds what opening its graph reads from all of it: trusted only while it
matches the store and is whole; otherwise read anew from the store and written again."""

from pathlib import Path

import pytest

from kg.facts import entities, fact_keys, statements
from kg.open_index import FORMAT, INDEX_FILE, decode, encode, from_store, read_opened
from kg.snapshot import snapshot_of
from kg.stores import StoreConfig, open_store, stamp_of
from kgqa.cli import main

NOTE = "## AWS Batch\n- Batch jobs are defined as Docker images and run on ECS\n"
OTHER = "## Amazon Lightsail\n- Low & predictable pricing\n"
STAMP = [["graph.nq", 100, 1]]


def ingested(tmp_path: Path, text: str = NOTE, kind: str = "memory") -> StoreConfig:
    note = tmp_path / "batch.md"
    note.write_text(text, encoding="utf-8")
    graph = tmp_path / "g"
    assert main(["ingest", "--store", kind, "--graph", str(graph), str(note)]) == 0
    return StoreConfig(kind=kind, directory=graph)


@pytest.fixture
def written(tmp_path: Path) -> bytes:
    store = open_store(ingested(tmp_path))
    return encode(from_store(store), STAMP)


def same(data: bytes) -> bytes:
    return data


def other_store(data: bytes) -> bytes:
    return data.replace(b'"graph.nq",100,1', b'"graph.nq",100,2', 1)


def older_format(data: bytes) -> bytes:
    return data.replace(f'"format":{FORMAT}'.encode(), f'"format":{FORMAT - 1}'.encode(), 1)


def truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


def one_byte_changed(data: bytes) -> bytes:
    return data.replace(b"Batch jobs", b"Batch jobz", 1)


def no_header(data: bytes) -> bytes:
    return data.partition(b"\n")[2]


def body_forged_with_its_digest(data: bytes) -> bytes:
    """A well-formed file whose digest matches a body of another shape."""
    import hashlib

    import orjson

    body = b'{"entities": 1}'
    head = orjson.dumps({"format": FORMAT, "stamp": STAMP, "sha256": hashlib.sha256(body).hexdigest()})
    return head + b"\n" + body


DECODED = [  # how the file is changed -> whether it is trusted
    (same, True),
    (other_store, False),
    (older_format, False),
    (truncated, False),
    (one_byte_changed, False),
    (no_header, False),
    (body_forged_with_its_digest, False),
    (lambda data: b"", False),
    (lambda data: b"\xff\xfe garbage\n{}", False),
]


@pytest.mark.parametrize(("change", "trusted"), DECODED)
def test_decode_trusts_only_a_whole_file_of_this_store(written: bytes, change, trusted: bool) -> None:
    assert (decode(change(written), STAMP) is not None) is trusted


def test_the_file_holds_what_the_store_gives(tmp_path: Path) -> None:
    store = open_store(ingested(tmp_path))
    opened = decode(encode(from_store(store), STAMP), STAMP)
    assert opened is not None
    assert opened.entities == entities(store)
    assert list(opened.entities) == list(entities(store))
    assert opened.keys == fact_keys(store)
    assert opened.statements == statements(store)


def test_a_graph_without_the_file_opens_and_gets_it(tmp_path: Path) -> None:
    config = ingested(tmp_path)
    path = config.directory / INDEX_FILE
    assert not path.exists()  # a memory store's file is written by its first reader
    snapshot = snapshot_of(open_store(config))
    assert path.exists() and decode(path.read_bytes(), stamp_of(config) or []) is not None
    again = snapshot_of(open_store(config))
    assert (again.entities, again.keys, again.statements) == (snapshot.entities, snapshot.keys, snapshot.statements)


@pytest.mark.parametrize("damage", [truncated, one_byte_changed, no_header, older_format])
def test_a_damaged_file_is_read_anew_and_rewritten(tmp_path: Path, damage) -> None:
    config = ingested(tmp_path)
    path = config.directory / INDEX_FILE
    store = open_store(config)
    expected = from_store(store)
    read_opened(store)
    path.write_bytes(damage(path.read_bytes()))
    assert read_opened(open_store(config)) == expected
    assert decode(path.read_bytes(), stamp_of(config) or []) == expected


@pytest.mark.parametrize("kind", ["memory", "oxigraph"])
def test_a_stale_file_is_not_trusted(tmp_path: Path, kind: str) -> None:
    """The notes re-ingested: the file of the old graph says nothing of the new one."""
    config = ingested(tmp_path, NOTE, kind)
    read_opened(open_store(config))
    old = (config.directory / INDEX_FILE).read_bytes()
    ingested(tmp_path, OTHER, kind)
    (config.directory / INDEX_FILE).write_bytes(old)  # as if the ingest had not touched it
    store = open_store(config)
    opened = read_opened(store)
    assert opened == from_store(store)
    assert "Amazon Lightsail" in {e.label for e in opened.entities.values()}
    assert "AWS Batch" not in {e.label for e in opened.entities.values()}


def test_an_oxigraph_ingest_writes_the_file(tmp_path: Path) -> None:
    config = ingested(tmp_path, kind="oxigraph")
    store = open_store(config)
    kept = decode((config.directory / INDEX_FILE).read_bytes(), store.stamp or [])
    assert kept == from_store(store)


def test_a_directory_it_cannot_write_still_opens(tmp_path: Path) -> None:
    config = ingested(tmp_path)
    config.directory.chmod(0o555)
    try:
        store = open_store(config)
        assert read_opened(store) == from_store(store)
    finally:
        config.directory.chmod(0o755)
