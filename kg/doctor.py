"""`kgqa doctor`: what state a graph is in, one finding per line, and the repairs that need no notes."""

import os
from collections.abc import Callable
from dataclasses import dataclass

from kg.errors import KGError
from kg.graphdir import WriterLock, alive, holder, sweep, temp_files
from kg.stores import (
    GRAPH_FILE,
    OXIGRAPH_DIR,
    REBUILD,
    UNAPPLIED_LOG_LIMIT,
    LocalStore,
    StoreConfig,
    open_store,
    unapplied_log_bytes,
)


@dataclass(frozen=True)
class Finding:
    level: str  # ok | warning | error
    where: str
    what: str

    def __str__(self) -> str:
        return f"{self.level}: {self.where}: {self.what}"


def check(config: StoreConfig) -> list[Finding]:
    """Findings about the store `config` names: its directory, its writer, leftovers and the graph itself."""
    if config.kind == "sparql":
        return [_read(config, config.query_url)]
    directory = config.directory
    if not directory.exists():
        return [Finding("error", str(directory), f"no graph directory — run `kgqa ingest --store {config.kind}`")]
    if not directory.is_dir():
        return [Finding("error", str(directory), "not a directory — move it away, or use --graph DIR")]
    found = []
    if not os.access(directory, os.W_OK | os.X_OK):
        found.append(Finding("error", str(directory), "not writable by this user — an ingest will fail here"))
    if pid := holder(directory):
        found.append(Finding("ok", str(directory), f"an ingest (pid {pid}) is writing this graph now"))
    for temp in temp_files(directory):
        if temp.pid == pid or alive(temp.pid):
            continue
        found.append(
            Finding(
                "warning",
                str(temp.path),
                f"{temp.size / 1e6:,.1f} MB left by an ingest that stopped (pid {temp.pid}) — removed when the "
                "graph is next opened, or by `kgqa doctor --repair`",
            )
        )
    path = directory / (GRAPH_FILE if config.kind == "memory" else OXIGRAPH_DIR)
    if not path.exists() and not path.is_symlink():
        return [*found, Finding("error", str(path), f"no graph — run `kgqa ingest --store {config.kind}`")]
    if config.kind == "memory" and path.is_file() and path.stat().st_size == 0:
        return [*found, Finding("error", str(path), f"empty — {REBUILD}")]
    if config.kind == "oxigraph" and path.is_dir() and (waiting := unapplied_log_bytes(path)) > UNAPPLIED_LOG_LIMIT:
        return [
            *found,
            Finding(
                "error",
                str(path),
                f"needs recovery: {waiting / 1e6:,.0f} MB of writes not yet applied — run `kgqa doctor --repair`",
            ),
        ]
    return [*found, _read(config, str(path))]


def _read(config: StoreConfig, where: str) -> Finding:
    try:
        store = open_store(config)
    except KGError as exc:
        return Finding("error", where, exc.message.removeprefix(f"{where}: "))
    try:
        sources = store.source_hashes()
        triples = sum(store.graph_sizes().values())
    except KGError as exc:
        return Finding("error", where, f"{exc.message} — {REBUILD}")
    finally:
        store.close()
    return Finding("ok", where, f"{len(sources)} sources, {triples:,} triples in named graphs, readable")


def repair(config: StoreConfig, on_wait: Callable[[int | None], None] | None = None) -> list[Finding]:
    """What can be put right without the notes: leftovers of stopped ingests removed, and an on-disk store's
    unapplied writes applied and compacted. Then the findings of `check`."""
    if config.kind == "sparql":
        return check(config)
    done = []
    lock = WriterLock(config.directory)
    lock.acquire(on_wait=on_wait)
    try:
        done += [Finding("ok", str(t.path), "removed (left by a stopped ingest)") for t in sweep(config.directory)]
        path = config.directory / OXIGRAPH_DIR
        if config.kind == "oxigraph" and path.is_dir() and unapplied_log_bytes(path) > 0:
            store = LocalStore(config, write=True)  # opening as the writer replays the log
            try:
                store.compact()
            finally:
                store.close()
            done.append(Finding("ok", str(path), "write-ahead log applied and compacted"))
    finally:
        lock.release()
    return [*done, *check(config)]


def failed(findings: list[Finding]) -> bool:
    """Is anything wrong?"""
    return any(f.level != "ok" for f in findings)
