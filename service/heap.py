"""The process heap while a graph is opened: opening makes millions of objects that all live as long as the graph,
and each of the cyclic garbage collector's passes over them finds nothing to free, so that a pass grows with the
graph and their number with it. Collection waits while a graph is built (`building`), and what a process keeps for
its whole life is set aside from later passes (`keep`), so that neither opening nor a question pays for the heap."""

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def building() -> Iterator[None]:
    """No cyclic collection inside; as it was after (an inner `building` leaves an outer one's pause alone)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def keep() -> None:
    """Set every object alive now aside from later collections (gc.freeze), for a graph served until the process
    ends or replaces it; what an earlier `keep` set aside is collected first, so that a replaced graph is freed."""
    if gc.get_freeze_count():
        gc.unfreeze()
        gc.collect()
    gc.freeze()
