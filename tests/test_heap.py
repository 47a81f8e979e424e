"""service.heap: collection paused while a graph is built, and what is kept set aside from later passes."""

import gc
import weakref

import pytest

from service.heap import building, keep


@pytest.mark.parametrize(
    ("enabled", "nested", "inside", "after"),
    [
        (True, False, False, True),  # paused inside, running again after
        (False, False, False, False),  # a caller's pause is left as it was
        (True, True, False, True),  # an inner building leaves the outer one's pause on
    ],
)
def test_building_pauses_collection(enabled: bool, nested: bool, inside: bool, after: bool) -> None:
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        with building():
            if nested:
                with building():
                    pass
            seen_inside = gc.isenabled()
        assert (seen_inside, gc.isenabled()) == (inside, after)
    finally:
        (gc.enable if was else gc.disable)()


class Node:
    def __init__(self) -> None:
        self.me = self  # a cycle: only the cyclic collector frees it


def test_keep_sets_aside_then_frees_what_it_kept_once_dropped() -> None:
    try:
        node = Node()
        alive = weakref.ref(node)
        keep()
        assert gc.get_freeze_count() > 0
        del node
        gc.collect()
        assert alive() is not None  # set aside: no collection frees it
        keep()  # a graph replaced: what was set aside is collected anew
        assert alive() is None
    finally:
        gc.unfreeze()
