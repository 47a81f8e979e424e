"""ByRow: a list by statement row whose rows are worked out on first use, once each."""

import pytest

from service.qa.memo import ByRow

CASES = [  # (rows asked for, in order) -> (values, rows worked out)
    ([], ([], [])),
    ([2], ([4], [2])),
    ([0, 0, 0], ([0, 0, 0], [0])),
    ([3, 1, 3, 1], ([9, 1, 9, 1], [3, 1])),
]


@pytest.mark.parametrize(("asked", "expected"), CASES)
def test_rows_are_worked_out_once_on_first_use(asked: list[int], expected: tuple[list[int], list[int]]) -> None:
    worked: list[int] = []

    def square(i: int) -> int:
        worked.append(i)
        return i * i

    rows = ByRow(4, square)
    assert ([rows[i] for i in asked], worked) == expected
    assert len(rows) == 4


def test_a_falsy_value_is_kept_too() -> None:
    calls: list[int] = []
    rows: ByRow[frozenset[str]] = ByRow(1, lambda i: calls.append(i) or frozenset())
    assert (rows[0], rows[0], calls) == (frozenset(), frozenset(), [0])
