"""What a reader reads from the whole graph to open it — its entities, its facts without their evidence and the
statements of the notes — kept in one file beside a local store, so that opening a large store reads one file
instead of scanning the graph three times.

The file holds the stamp of the store's files it was read from (kg.stores.Stamp) and a digest of its own body; it
is trusted only while both match. A missing, stale, damaged or older-format file is read anew from the store and
written again (atomically; a directory this process cannot write is left as it is). A server's store (sparql) has
no file: it is read from the server on every open."""

import hashlib
import logging
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import orjson

from kg.facts import EntityRecord, FactKey, StatementRecord, entities, fact_keys, statements
from kg.graphdir import make_temp
from kg.stores import Stamp, Store, StoreConfig, stamp_of

FORMAT = 1  # raise it when what the file holds, or how kg.facts reads it from the store, changes
INDEX_FILE = "open-index.json"
LOG = logging.getLogger(__name__)


@dataclass(frozen=True)
class Opened:
    """What opening a graph reads from all of it."""

    entities: dict[str, EntityRecord]
    keys: list[FactKey]
    statements: list[StatementRecord]
    digest: str | None = field(default=None, compare=False)  # the sha256 of the body of the file it is in, if any


def read_opened(store: Store) -> Opened:
    """The graph's entities, fact keys and statements: from the file beside the store while it matches the store
    as it was opened, else from the store (and the file written anew)."""
    stamp = store.stamp
    path = index_path(store.config)
    if stamp is None or path is None:
        return from_store(store)
    try:
        kept = decode(path.read_bytes(), stamp)
    except OSError:
        kept = None
    if kept is not None:
        return kept
    opened = from_store(store)
    if stamp_of(store.config) == stamp:  # the store's files are still those it was opened from
        data = encode(opened, stamp)
        if write_file(path, data):
            return replace(opened, digest=orjson.loads(data.partition(b"\n")[0])["sha256"])  # the header's
    return opened


def refresh(config: StoreConfig) -> None:
    """Write the file for the store as it is now (after an ingest), so that the first reader opens it at once."""
    from kg.stores import open_store

    store = open_store(config)
    try:
        read_opened(store)
    finally:
        store.close()


def from_store(store: Store) -> Opened:
    return Opened(entities(store), fact_keys(store), statements(store))


def index_path(config: StoreConfig) -> Path | None:
    return None if config.kind == "sparql" else config.directory / INDEX_FILE


def encode(opened: Opened, stamp: Stamp) -> bytes:
    """The file: a header line (format, stamp, body digest), then the body, one JSON document."""
    body = orjson.dumps(
        {
            "entities": [[e.iri, e.key, e.label, e.type, e.aliases] for e in opened.entities.values()],
            "keys": [[k.subject, k.predicate, k.object, k.object_is_entity] for k in opened.keys],
            "statements": [
                [s.source, s.line, s.text, s.section, s.kind, s.about, s.parent_line] for s in opened.statements
            ],
        }
    )
    head = orjson.dumps({"format": FORMAT, "stamp": stamp, "sha256": hashlib.sha256(body).hexdigest()})
    return head + b"\n" + body


def decode(data: bytes, stamp: Stamp) -> Opened | None:
    """What `encode` wrote, if it was written in this format for a store with this stamp and is whole; else None."""
    head, _, body = data.partition(b"\n")
    try:
        header = orjson.loads(head)
        if not isinstance(header, dict) or header.get("format") != FORMAT or header.get("stamp") != stamp:
            return None
        if header.get("sha256") != hashlib.sha256(body).hexdigest():
            return None
        return _records(orjson.loads(body), header["sha256"])
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        return None


def _records(doc: dict[str, Any], digest: str) -> Opened:
    return Opened(
        {
            iri: EntityRecord(iri, key, label, type_, tuple(aliases))
            for iri, key, label, type_, aliases in doc["entities"]
        },
        [FactKey(s, p, o, bool(entity)) for s, p, o, entity in doc["keys"]],
        [
            StatementRecord(source, int(line), text, section, kind, tuple(about), int(parent))
            for source, line, text, section, kind, about, parent in doc["statements"]
        ],
        digest,
    )


def write_file(path: Path, data: bytes) -> bool:
    """`data` into `path` atomically (a temporary file renamed over it), and whether it was; a disk that refuses
    is a warning."""
    tmp = None
    try:
        fd, tmp = make_temp(path.parent, "open-index", ".json.tmp")
        os.fchmod(fd, 0o644)  # readable by a service that runs as another user, as graph.nq is
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
        return True
    except OSError as exc:
        LOG.warning("%s: not written (%s); the graph is read whole on the next open too", path, exc.strerror or exc)
        if tmp is not None:
            tmp.unlink(missing_ok=True)
        return False
