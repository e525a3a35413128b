"""Worker processes that never outlive the build: they leave Ctrl-C to the main process,
die when it dies, and are stopped at once when it is interrupted."""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import select
import signal
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

# prctl(2): the signal the kernel sends this process when its parent ends.
_PR_SET_PDEATHSIG = 1


def end_with(parent: int) -> None:
    """End this process when process ``parent`` ends, whoever forked it (a forkserver's
    children outlive the process that asked for them). Where the kernel can tell (Linux),
    it sends SIGKILL; elsewhere a thread waits for the parent and ends the process."""
    if sys.platform.startswith("linux") and os.getppid() == parent:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL) == 0:
            if os.getppid() != parent:  # ended before the request was made
                os._exit(1)
            return
    threading.Thread(target=_exit_after, args=(parent,), daemon=True).start()


def _exit_after(parent: int) -> None:
    try:
        handle = os.pidfd_open(parent)
    except ProcessLookupError:
        os._exit(1)
    except (AttributeError, OSError):  # no pidfd: ask once a second
        while os.getppid() == parent:
            threading.Event().wait(1.0)
        os._exit(1)
    select.select([handle], [], [])
    os._exit(1)


def start_worker(parent: int) -> None:
    """A worker's set-up: Ctrl-C reaches the whole process group, and only the main process
    decides what it means (else every worker prints its own traceback)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    end_with(parent)


def ordered_map(
    function: Callable[[Item], Result], items: Iterable[Item], workers: int, chunksize: int
) -> Iterator[Result]:
    """``function`` of each item in ``workers`` spawned processes, results in order. Spawned,
    not forked: a worker inherits none of the state (threads, open files) of a Sphinx
    process, and no helper process or socket folder is left behind. When the caller stops
    early (an error, Ctrl-C), the workers are stopped at once, not after their queue."""
    context = multiprocessing.get_context("spawn")
    before = set(multiprocessing.active_children())
    pool = ProcessPoolExecutor(workers, context, start_worker, (os.getpid(),))
    try:
        yield from pool.map(function, items, chunksize=chunksize)
    except BaseException:
        for child in set(multiprocessing.active_children()) - before:
            child.terminate()
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
