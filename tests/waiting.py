"""Waiting, boundedly, for something another process or thread does."""

import time
from collections.abc import Callable


def eventually(check: Callable[[], bool], seconds: float = 3.0) -> bool:
    """Whether `check()` comes true within `seconds`, asked every 20 ms."""
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True
