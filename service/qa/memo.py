"""A memo of values worked out once per key. Keyed by one item of the graph (an entity, a statement row, a fact), it
holds at most one value per item and is kept whole (`limit=None`); keyed by texts or pairs, it is forgotten all at
once when it grows past its limit, so a long-running service's memory stays bounded."""

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

MEMO_LIMIT = 65536  # keys kept before a memo starts afresh


class Memo(Generic[K, V]):
    """`get(key, work)`: the value `work()` gave for `key` the first time it was asked."""

    def __init__(self, limit: int | None = MEMO_LIMIT) -> None:
        self.limit = limit
        self._kept: dict[K, V] = {}

    def get(self, key: K, work: Callable[[], V]) -> V:
        try:
            return self._kept[key]  # one look-up when kept, as most are
        except KeyError:
            pass
        if self.limit is not None and len(self._kept) > self.limit:
            self._kept.clear()
        value = self._kept[key] = work()
        return value


class ByRow(Generic[V]):
    """`rows[i]`: `work(i)`, worked out the first time row i is asked for (a list by statement row that only the
    rows a question reaches pay for)."""

    def __init__(self, size: int, work: Callable[[int], V]) -> None:
        self.work = work
        self._kept: list[V | None] = [None] * size
        self._done = bytearray(size)

    def __len__(self) -> int:
        return len(self._kept)

    def __getitem__(self, i: int) -> V:
        if not self._done[i]:
            self._kept[i] = self.work(i)
            self._done[i] = 1
        return self._kept[i]  # type: ignore[return-value]
