"""Fanning independent work out: in this process, to forked local processes (the default), or to a running Dask
cluster (`kgqa ingest --scheduler ADDRESS`, KGQA_SCHEDULER).

The work is a module-level function of (item, shared): `shared` (the name table) is sent once — inherited by forked
processes, scattered to every Dask worker — and the items stream through with a bounded number in flight, so
memory holds a few results, not the corpus.
"""

import multiprocessing
import threading
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Any, TypeVar

from kg.errors import KGError

Item = TypeVar("Item")
Shared = TypeVar("Shared")
Result = TypeVar("Result")

CONNECT_TIMEOUT_S = 20  # the longest to wait for a Dask scheduler to answer
IN_FLIGHT_PER_THREAD = 4  # items handed out ahead of the results read back, per worker thread or process

_INHERITED: list[Any] = []  # what forked processes inherit: the work and what it shares


def fan_out(
    work: Callable[[Item, Shared], Result],
    items: Iterable[Item],
    shared: Shared,
    *,
    processes: int = 1,
    scheduler: str = "",
) -> Iterator[Result]:
    """work(item, shared) for each item: on the Dask cluster at `scheduler`, else in `processes` forked
    processes (in this one when 1), in the items' order."""
    if scheduler:
        yield from on_cluster(work, items, shared, scheduler)
    elif processes > 1:
        yield from in_processes(work, items, shared, processes)
    else:
        for item in items:
            yield work(item, shared)


def in_processes(
    work: Callable[[Item, Shared], Result], items: Iterable[Item], shared: Shared, processes: int
) -> Iterator[Result]:
    """In forked processes, with a few items per process in flight: a pool's feeder hands out the next item only
    when a result has been read back, so results a slow reader has not taken do not pile up in memory."""
    _INHERITED[:] = [work, shared]
    slots = threading.Semaphore(processes * IN_FLIGHT_PER_THREAD)
    stopped = threading.Event()

    def fed() -> Iterator[Item]:
        for item in items:
            slots.acquire()
            if stopped.is_set():
                return
            yield item

    try:
        with multiprocessing.get_context("fork").Pool(processes) as pool:
            try:
                for result in pool.imap(_inherited_work, fed(), chunksize=1):
                    slots.release()
                    yield result
            finally:  # before the pool ends: its feeder, waiting for a slot, sees it stopped and lets go
                stopped.set()
                slots.release(processes * IN_FLIGHT_PER_THREAD)
    finally:
        _INHERITED.clear()


def _inherited_work(item: Any) -> Any:
    work, shared = _INHERITED
    return work(item, shared)


def on_cluster(
    work: Callable[[Item, Shared], Result], items: Iterable[Item], shared: Shared, address: str
) -> Iterator[Result]:
    """Through the Dask scheduler at `address`: `shared` scattered to every worker once, then items submitted as
    results come back (a few per worker thread in flight), results in the items' order."""
    try:
        from distributed import Client
    except ImportError:
        raise KGError("a Dask scheduler needs Dask distributed: pip install 'kgqa[scale]'") from None
    try:
        client = Client(address, timeout=CONNECT_TIMEOUT_S, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise KGError(f"cannot reach the Dask scheduler at {address} ({exc}) — is it running?") from None
    try:
        threads = max(1, sum(client.nthreads().values()))
        remote = client.scatter(shared, broadcast=True, hash=False)
        pending = iter(items)
        ahead = threads * IN_FLIGHT_PER_THREAD
        window = [client.submit(work, item, remote, pure=False) for item in islice(pending, ahead)]
        while window:
            future = window.pop(0)
            result = future.result()
            future.release()
            window.extend(client.submit(work, item, remote, pure=False) for item in islice(pending, 1))
            yield result
    finally:
        client.close()
