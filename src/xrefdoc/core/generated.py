"""Generated files (the A-Z pages and their parts of the index data) made and written by
forked workers when there are many: made one after another, the A-Z pages held the render
stage on one core (half of NumPy x1's 14 s stage, profiled; 50% of two cores on Sphinx
x10, sampled), and their index parts were a seventh of the index data stage.

Each worker inherits what makes the files (the site, the compiled templates) and writes
every ``count``-th one itself, so no text comes back. Forking a process that runs other
threads may leave a child waiting on a lock one of them held, so a build with a cluster
client open passes ``workers=1``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from xrefdoc.core.executor import local_executor
from xrefdoc.core.fsutil import write_generated
from xrefdoc.core.memory import forks_that_fit

# Below this many files, forking costs more than it saves.
PARALLEL_MIN_FILES = 8
# Parts per worker: the A-Z pages are cut to about one size, so a few parts balance.
PARTS_PER_WORKER = 2


def write_generated_in_workers(
    folder: Path,
    pages: Mapping[str, Callable[[], str]],
    names: list[str],
    *,
    workers: int,
    what: str,
) -> int:
    """``fsutil.write_generated`` by up to ``workers`` forked workers (fewer, as the log
    says, when the available memory holds fewer copies of this process; ``what`` the files
    are); how many files were written."""
    if len(names) >= PARALLEL_MIN_FILES:
        workers = forks_that_fit(workers, what)
    count = max(1, workers * PARTS_PER_WORKER)
    parts = [names[start::count] for start in range(min(count, len(names)))]
    with local_executor(
        (folder, pages),
        size=len(names),
        min_size=PARALLEL_MIN_FILES,
        start_method="fork",
        workers=workers,
    ) as executor:
        return sum(executor.map(_write_part, parts))


def _write_part(shared: tuple[Path, Mapping[str, Callable[[], str]]], names: list[str]) -> int:
    folder, pages = shared
    return write_generated(folder, pages, names)
