"""How many forked workers a stage starts: no more than the available memory holds copies
of the process, and what was asked where the memory cannot be read."""

from __future__ import annotations

import pytest

from xrefdoc.core import memory


def test_this_machines_memory_is_read() -> None:
    available, resident = memory.available_bytes(), memory.resident_bytes()
    assert available is not None and resident is not None
    assert 0 < resident < available + resident


@pytest.mark.parametrize(
    ("available", "asked", "started"),
    [(10_000, 2, 2), (10_000, 8, 5), (2_500, 4, 1), (1_000, 4, 1), (None, 4, 4), (10_000, 1, 1)],
)
def test_forks_are_as_many_as_the_memory_holds(
    monkeypatch: pytest.MonkeyPatch, available: int | None, asked: int, started: int
) -> None:
    monkeypatch.setattr(memory, "available_bytes", lambda: available)
    monkeypatch.setattr(memory, "resident_bytes", lambda: 2_000)
    assert memory.forks_that_fit(asked, "pages") == started
