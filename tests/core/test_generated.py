"""The generated files' writer: forked workers write the same files, with the same bytes, as
one process, each only when its text changed; a small batch is written here."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from xrefdoc.core import generated, memory
from xrefdoc.core.fsutil import write_generated


def _pages(made: list[int], count: int, changed: str = "") -> dict[str, Callable[[], str]]:
    """``count`` pages in two folders; each notes in ``made`` the process that makes it."""

    def page(name: str) -> Callable[[], str]:
        def make() -> str:
            made.append(os.getpid())
            return f"<p>{name}{changed if name.endswith('3.html') else ''}</p>\n"

        return make

    names = [f"{'ab'[number % 2]}/page-{number}.html" for number in range(count)]
    return {name: page(name) for name in names}


def _files(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(autouse=True)
def _room_for_every_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(memory, "available_bytes", lambda: 2**40)


def test_workers_write_what_one_process_writes(tmp_path: Path) -> None:
    made: list[int] = []
    pages = _pages(made, 20)
    assert write_generated(tmp_path / "one", pages, sorted(pages)) == 20
    made.clear()
    forked = tmp_path / "forked"
    written = generated.write_generated_in_workers(
        forked, pages, sorted(pages), workers=2, what="pages"
    )
    assert written == 20
    assert made == []  # every page was made in a worker, none here
    assert _files(forked) == _files(tmp_path / "one")
    # Again: nothing changed, nothing written; one page changed, that one alone.
    again = generated.write_generated_in_workers(
        forked, pages, sorted(pages), workers=2, what="pages"
    )
    assert again == 0
    changed = _pages(made, 20, changed=" (changed)")
    assert (
        generated.write_generated_in_workers(
            forked, changed, sorted(changed), workers=2, what="pages"
        )
        == 2  # page-3 and page-13
    )
    assert (forked / "b/page-13.html").read_text() == "<p>b/page-13.html (changed)</p>\n"


def test_a_small_batch_is_written_here(tmp_path: Path) -> None:
    made: list[int] = []
    count = generated.PARALLEL_MIN_FILES - 1
    pages = _pages(made, count)
    assert (
        generated.write_generated_in_workers(
            tmp_path, pages, sorted(pages), workers=2, what="pages"
        )
        == count
    )
    assert made == [os.getpid()] * count
