"""How many forked workers this machine's memory holds. A forked worker shares its parent's
memory until it writes to a page of it, and reading an object writes its reference count:
a worker that walks the index may come to copy much of it (both workers' own memory came to
half the parent's, writing the symbol data of 2,059 files). So a stage forks no more
workers than the available memory holds copies of this process."""

from __future__ import annotations

import os

from sphinx.util import logging

logger = logging.getLogger(__name__)


def available_bytes() -> int | None:
    """The memory the system can give without swapping (``MemAvailable``, Linux's estimate,
    page cache included); None where it cannot be read."""
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def resident_bytes() -> int | None:
    """This process's resident memory now; None where it cannot be read."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def forks_that_fit(workers: int, what: str) -> int:
    """``workers``, or fewer (one: no fork) when the available memory does not hold as many
    copies of this process, as the log says (``what`` the workers make); ``workers`` where
    the memory cannot be read."""
    available, resident = available_bytes(), resident_bytes()
    if workers < 2 or available is None or not resident:
        return workers
    fit = max(1, min(workers, available // resident))
    if fit < workers:
        logger.info(
            "xrefdoc: %s written by %d worker(s), not %d: the available memory holds no more "
            "copies of this process",
            what,
            fit,
            workers,
        )
    return fit
