"""Extraction fanned out: a real Dask scheduler and two workers on loopback give the same graph as local
processes; a scheduler that is not there is one line."""

import operator
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest.fanout import fan_out
from ingest.pipeline import run_ingest
from ingest.settings import SCHEDULER, text
from kg.facts import facts
from kg.locations import SOURCES_DIR
from kg.stores import StoreConfig, open_store
from kgqa.cli import main

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from cluster import free_port, local_cluster

pytest.importorskip("distributed")


def graph_facts(directory: Path) -> list[tuple[str, str, str, tuple[str, ...]]]:
    store = open_store(StoreConfig(directory=directory))
    try:
        return sorted((f.subject, f.predicate, f.object, tuple(f.sources)) for f in facts(store))
    finally:
        store.close()


def square(n: int, offset: int) -> int:
    return n * n + offset


@pytest.mark.parametrize("processes", [1, 2])
def test_local_fan_out_keeps_the_order(processes: int) -> None:
    assert list(fan_out(square, range(10), 1, processes=processes)) == [n * n + 1 for n in range(10)]


@pytest.mark.parametrize(("read", "most_pulled"), [(0, 10), (5, 15)])  # read, 8 in flight, 1 waiting for a slot
def test_local_processes_hold_a_few_items_in_flight(read: int, most_pulled: int) -> None:
    """Two processes, four items each ahead of the results read back: a slow reader does not pile results up.
    Stopping early leaves no process waiting."""
    pulled = []

    def items() -> Iterator[int]:
        for n in range(100):
            pulled.append(n)
            yield n

    results = fan_out(square, items(), 0, processes=2)
    for _ in range(read + 1):
        next(results)
    time.sleep(0.5)  # time for a feeder that would run ahead to do so
    assert len(pulled) <= most_pulled
    results.close()


def test_a_cluster_of_two_workers_gives_the_local_graph(tmp_path: Path) -> None:
    local = run_ingest([SOURCES_DIR], StoreConfig(directory=tmp_path / "local"), processes=1)
    with local_cluster(workers=2, logs=tmp_path, seconds=240) as address:
        in_order = fan_out(operator.mul, range(6), 3, scheduler=address)  # a function the workers can import
        assert list(in_order) == [n * 3 for n in range(6)]
        remote = run_ingest([SOURCES_DIR], StoreConfig(directory=tmp_path / "cluster"), scheduler=address)
    assert not remote.errors and remote.facts == local.facts and remote.documents == local.documents == 5
    assert (remote.statements, remote.entities, remote.evidence_only) == (
        local.statements,
        local.entities,
        local.evidence_only,
    )
    assert graph_facts(tmp_path / "cluster") == graph_facts(tmp_path / "local")


def test_an_absent_scheduler_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch) -> None:
    monkeypatch.setattr("ingest.fanout.CONNECT_TIMEOUT_S", 2)
    address = f"tcp://127.0.0.1:{free_port()}"
    assert main(["ingest", "--graph", str(tmp_path), "--scheduler", address, str(SOURCES_DIR)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith(f"error: cannot reach the Dask scheduler at {address}")
    assert not (tmp_path / "graph.nq").exists()


@pytest.mark.parametrize(("environ", "expected"), [({}, ""), ({"KGQA_SCHEDULER": " tcp://h:8786 "}, "tcp://h:8786")])
def test_the_scheduler_setting(environ: dict[str, str], expected: str) -> None:
    assert text(SCHEDULER, environ) == expected
