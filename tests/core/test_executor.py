"""The executor: a batch of tasks gives its results in order, wherever it runs; a worker's
error or death fails the batch here; stopping early leaves no worker behind."""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from xrefdoc.core.executor import (
    BACKGROUND_NICENESS,
    StartMethod,
    WorkerFailed,
    in_background,
    local_executor,
)

# Enough for workers to be worth starting: ``min_size`` is set below it for the pools.
ITEMS = list(range(12))


def _scaled(factor: int, item: int) -> int:
    # The first items take longest: their results come last, and must still come first.
    time.sleep(0.02 * (len(ITEMS) - item) / len(ITEMS))
    return factor * item


def _process_of(shared: object, item: int) -> int:
    return os.getpid()


def _fails_at_three(shared: object, item: int) -> int:
    if item == 3:
        raise ValueError(f"item {item} is bad")
    return item


def _ctrl_c_ignored(shared: object, item: int) -> bool:
    return signal.getsignal(signal.SIGINT) == signal.SIG_IGN


def _waits(shared: object, item: int) -> int:
    if item:
        time.sleep(60)
    return item


KINDS: list[tuple[StartMethod, int]] = [("spawn", 1), ("fork", 1), ("spawn", 10**9)]
KIND_IDS = ["spawned", "forked", "in-process"]


@pytest.mark.parametrize(("start_method", "min_size"), KINDS, ids=KIND_IDS)
def test_results_come_in_the_order_of_the_items(start_method: StartMethod, min_size: int) -> None:
    with local_executor(
        3, size=len(ITEMS), min_size=min_size, start_method=start_method, workers=2
    ) as executor:
        assert list(executor.map(_scaled, ITEMS)) == [3 * item for item in ITEMS]


@pytest.mark.parametrize("start_method", ["spawn", "fork"])
def test_a_batch_below_the_threshold_runs_here_and_a_larger_one_in_workers(
    start_method: StartMethod,
) -> None:
    with local_executor(None, size=5, min_size=6, start_method=start_method) as executor:
        assert set(executor.map(_process_of, ITEMS)) == {os.getpid()}
    with local_executor(None, size=6, min_size=6, start_method=start_method, workers=2) as executor:
        assert os.getpid() not in set(executor.map(_process_of, ITEMS))


def test_forked_tasks_each_get_a_fresh_process_that_inherits_what_cannot_be_pickled() -> None:
    shared: Callable[[int], int] = lambda item: item + 100  # noqa: E731 (not picklable)

    def task(add: Callable[[int], int], item: int) -> tuple[int, int]:
        return add(item), os.getpid()

    with local_executor(shared, size=6, min_size=1, start_method="fork", workers=2) as executor:
        results = list(executor.map(task, ITEMS))
    assert [value for value, _ in results] == [item + 100 for item in ITEMS]
    assert len({process for _, process in results}) == len(ITEMS)


def test_forked_tasks_given_in_chunks_come_in_order_one_process_a_chunk() -> None:
    with local_executor(3, size=len(ITEMS), min_size=1, start_method="fork", chunksize=5) as pool:
        assert list(pool.map(_scaled, ITEMS)) == [3 * item for item in ITEMS]
    with local_executor(
        3, size=len(ITEMS), min_size=1, start_method="fork", workers=2, chunksize=5
    ) as pool:
        assert len(set(pool.map(_process_of, ITEMS))) == 3  # 5, 5 and 2 items


@pytest.mark.parametrize("start_method", ["spawn", "fork"])
def test_workers_leave_ctrl_c_to_this_process(start_method: StartMethod) -> None:
    with local_executor(None, size=6, min_size=1, start_method=start_method, workers=2) as executor:
        assert all(executor.map(_ctrl_c_ignored, ITEMS))


@pytest.mark.parametrize(("start_method", "min_size"), KINDS, ids=KIND_IDS)
def test_an_error_in_a_task_is_raised_here_with_its_type(
    start_method: StartMethod, min_size: int
) -> None:
    with (
        pytest.raises(ValueError, match="item 3 is bad"),
        local_executor(
            None, size=len(ITEMS), min_size=min_size, start_method=start_method, workers=2
        ) as executor,
    ):
        list(executor.map(_fails_at_three, ITEMS))
    assert multiprocessing.active_children() == []


def test_a_forked_worker_that_dies_fails_the_batch() -> None:
    def dies(shared: object, item: int) -> int:
        if item == 2:
            os._exit(7)
        return item

    with (
        pytest.raises(WorkerFailed, match="exit code 7"),
        local_executor(None, size=6, min_size=1, start_method="fork", workers=2) as executor,
    ):
        list(executor.map(dies, ITEMS))
    assert multiprocessing.active_children() == []


@pytest.mark.parametrize("start_method", ["spawn", "fork"])
def test_a_caller_that_stops_early_leaves_no_worker_running(start_method: StartMethod) -> None:
    started = time.monotonic()
    with local_executor(None, size=6, min_size=1, start_method=start_method, workers=2) as executor:
        for result in executor.map(_waits, ITEMS):
            assert result == 0
            break
    assert multiprocessing.active_children() == []
    assert time.monotonic() - started < 30, "the workers' queue was waited for"


def test_a_forked_worker_that_handles_sigterm_itself_is_still_stopped_at_once() -> None:
    # A worker forked from a process with a SIGTERM handler of its own (a command run in
    # this process installs one) inherits it: asking it to end is not enough.
    before = signal.signal(signal.SIGTERM, lambda number, frame: None)
    try:
        started = time.monotonic()
        with local_executor(None, size=6, min_size=1, start_method="fork", workers=2) as pool:
            for result in pool.map(_waits, ITEMS):
                assert result == 0
                break
    finally:
        signal.signal(signal.SIGTERM, before)
    assert multiprocessing.active_children() == []
    assert time.monotonic() - started < 30, "the workers' queue was waited for"


def test_a_spawned_worker_sent_ctrl_c_while_it_starts_leaves_it_to_this_process(
    monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    # Ctrl-C reaches the whole process group: a worker still starting Python and importing
    # its modules died printing a KeyboardInterrupt traceback, and the batch failed. Each is
    # sent one the moment it exists, before it can set itself up.
    import multiprocessing.util

    spawn = multiprocessing.util.spawnv_passfds

    def spawn_and_interrupt(path: bytes, args: list[str], passfds: list[int]) -> int:
        process: int = spawn(path, args, passfds)
        os.kill(process, signal.SIGINT)
        return process

    monkeypatch.setattr(multiprocessing.util, "spawnv_passfds", spawn_and_interrupt)
    with local_executor(3, size=len(ITEMS), min_size=1, start_method="spawn", workers=2) as pool:
        assert list(pool.map(_scaled, ITEMS)) == [3 * item for item in ITEMS]
    assert "KeyboardInterrupt" not in capfd.readouterr().err


def test_the_collector_leaves_inherited_objects_alone_while_forked_workers_run() -> None:
    before = gc.get_freeze_count()
    with local_executor(None, size=6, min_size=1, start_method="fork", workers=2):
        assert gc.get_freeze_count() > before
    assert gc.get_freeze_count() == before


def _where_and_how_nice(shared: list[int], item: int) -> tuple[int, int, int]:
    return os.getpid(), os.nice(0), shared[item]


def test_a_background_task_runs_beside_this_process_at_a_lower_priority() -> None:
    unpicklable = [lambda: None, 7]  # inherited, not sent: a lambda does not pickle
    pending = in_background(_where_and_how_nice, unpicklable, 1, fork=True)
    where, niceness, value = pending.result()
    assert value == 7
    assert where != os.getpid()
    assert niceness == min(19, os.nice(0) + BACKGROUND_NICENESS)  # 19: the lowest
    assert multiprocessing.active_children() == []


def test_a_task_not_forked_runs_here_when_its_result_is_asked_for() -> None:
    asked: list[int] = []
    pending = in_background(lambda shared, item: asked.append(item) or item, None, 3, fork=False)
    assert asked == []
    assert pending.result() == 3
    assert asked == [3]


def test_a_background_task_s_error_is_raised_here_with_its_type() -> None:
    pending = in_background(_fails_at_three, None, 3, fork=True)
    with pytest.raises(ValueError, match="item 3 is bad"):
        pending.result()
    assert multiprocessing.active_children() == []


def test_a_background_task_not_wanted_is_ended_at_once() -> None:
    started = time.monotonic()
    in_background(_waits, None, 1, fork=True).stop()
    assert multiprocessing.active_children() == []
    assert time.monotonic() - started < 30, "the task was waited for"


def test_processes_forked_by_anyone_after_the_set_up_are_workers(tmp_path: Path) -> None:
    """As Sphinx's parallel readers: forked with ``os.fork``, not by the executor."""
    script = """
import os, signal, sys, time
from xrefdoc.core.executor import treat_forked_processes_as_workers
treat_forked_processes_as_workers()
if os.fork() == 0:
    ignored = signal.getsignal(signal.SIGINT) == signal.SIG_IGN
    print(os.getpid(), ignored, flush=True)
    time.sleep(60)  # until its parent ends
    os._exit(0)
time.sleep(0.5)
os._exit(0)  # as a killed build: no clean-up, no waiting for the child
"""
    completed = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    child, ignored = completed.stdout.split()
    assert ignored == "True"
    deadline = time.monotonic() + 10
    while running(int(child)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not running(int(child)), "the forked process outlived its parent"


def running(process: int) -> bool:
    """Whether the process exists and has not ended (a zombie has)."""
    try:
        stat = Path(f"/proc/{process}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"
