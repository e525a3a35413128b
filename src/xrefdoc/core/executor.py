"""Running a batch of tasks in worker processes, results in order: the one place that starts
workers (how, with what set-up, under which garbage-collector setting), and the seam where
a distributed executor plugs in.

Every stage that fans out (extraction, the HTML page writers, the Markdown export) hands a
batch to an ``Executor``: a task is a function of the batch's shared state and one item.
``local_executor`` picks how the batch runs on this machine:

- ``"spawn"``: long-lived workers that inherit nothing from this process (no threads, no
  open files of a Sphinx process); the shared state is pickled to each worker once.
- ``"fork"``: a fresh process forked for each task, which inherits this process's memory
  (the index, the templates, a Sphinx builder: things that cannot be pickled or cost too
  much to) and hands back what it copied of it when the task ends.
- in this process, when the batch is too small for workers to pay for their start.

Workers leave Ctrl-C to the main process, die when it dies, and are stopped at once when
it stops early (an error, Ctrl-C, SIGTERM).
"""

from __future__ import annotations

import gc
import math
import os
import pickle
import select
import signal
import sys
import tempfile
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from functools import partial
from itertools import islice
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, Literal, Protocol, Self, TypeVar, cast

from xrefdoc.core import stopping
from xrefdoc.core.gc_pause import collector_paused

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.process import BaseProcess

# ``multiprocessing``, ``concurrent.futures`` and ``ctypes`` are imported where a batch runs
# or a worker starts: every command imports this module to set itself up (a third of its
# start-up time went to them), and most start no worker.

Item = TypeVar("Item")
Result = TypeVar("Result")
Result_co = TypeVar("Result_co", covariant=True)
Shared = TypeVar("Shared")
Shared_co = TypeVar("Shared_co", covariant=True)

StartMethod = Literal["spawn", "fork"]

# Where Linux shows the control groups, and which this process is in: their CPU quotas (a
# container's ``--cpus``, a systemd ``CPUQuota=``) bound how many cores it can keep busy.
CGROUP_ROOT = Path("/sys/fs/cgroup")
CGROUP_MEMBERSHIP = Path("/proc/self/cgroup")
# Where cgroup v1's cpu controller is mounted, when this process's groups cannot be read.
_CGROUP_V1_FOLDERS = ("cpu", "cpu,cpuacct", "cpuacct,cpu")


def _quota_folders(root: Path, membership: str) -> list[tuple[Path, bool]]:
    """The folders of the control groups whose CPU quota bounds this process, each with
    whether it is of cgroup v2: its own group of each hierarchy ``membership`` (the text of
    ``/proc/self/cgroup``) names, and every group above it. A container sees its own group
    as the root, whatever path it is named by: the folders that are not there are skipped
    when read."""
    found: list[tuple[Path, bool]] = []
    for line in membership.splitlines():
        number, _, rest = line.partition(":")
        controllers, _, path = rest.partition(":")
        if number == "0" and not controllers:
            base, v2 = root, True
        elif "cpu" in controllers.split(","):
            base, v2 = root / controllers, False
        else:
            continue
        parts = [part for part in path.split("/") if part]
        if ".." in parts:  # a group outside this namespace's view
            parts = []
        found.extend((base.joinpath(*parts[:depth]), v2) for depth in range(len(parts), -1, -1))
    if not found:
        found = [(root, True), *((root / name, False) for name in _CGROUP_V1_FOLDERS)]
    return found


def _quota(folder: Path, v2: bool) -> float | None:
    """The CPUs' worth of time a period the group may use (1.5: one and a half), None when
    it sets no quota or none can be read."""
    try:
        if v2:
            quota, period = (folder / "cpu.max").read_text().split()
            return None if quota == "max" else int(quota) / int(period)
        quota_us = int((folder / "cpu.cfs_quota_us").read_text())
        period_us = int((folder / "cpu.cfs_period_us").read_text())
    except (OSError, ValueError):
        return None
    return quota_us / period_us if quota_us > 0 and period_us > 0 else None


def usable_cores(cgroup_root: Path = CGROUP_ROOT, membership_file: Path = CGROUP_MEMBERSHIP) -> int:
    """How many cores this process can keep busy: those it may run on (its CPU affinity, as
    ``taskset`` or a batch scheduler sets it), fewer when a control group it is in has a
    smaller CPU quota, and at least one. ``os.cpu_count()`` is the host's: in a CI container
    of 2 CPUs on a host of 64 it would start 64 workers."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        cores = os.cpu_count() or 1
    try:
        membership = membership_file.read_text()
    except OSError:
        membership = ""
    quotas = [_quota(folder, v2) for folder, v2 in _quota_folders(cgroup_root, membership)]
    limits = [quota for quota in quotas if quota is not None]
    if limits:
        cores = min(cores, math.ceil(min(limits)))
    return max(1, cores)


# prctl(2): the signal the kernel sends this process when its parent ends.
_PR_SET_PDEATHSIG = 1


class Executor(Protocol[Shared_co]):
    """Runs tasks over a batch of items, each as ``task(shared, item)`` where ``shared`` is
    the state the executor was made with, and gives the results in the items' order. Tasks
    and items are picklable (a distributed executor sends them over the network); only the
    local ``"fork"`` executor takes tasks that are not. ``close`` stops what still runs;
    ``workers`` is how many tasks run at once."""

    @property
    def workers(self) -> int: ...

    def map(
        self, task: Callable[[Shared_co, Item], Result], items: Iterable[Item]
    ) -> Iterator[Result]: ...

    def close(self) -> None: ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None: ...


class WorkerFailed(Exception):
    """A forked worker ended without handing back its task's result (killed, out of memory),
    or with an error that could not be sent back as it was."""


def end_with(parent: int) -> None:
    """End this process when process ``parent`` ends, whoever forked it (a forkserver's
    children outlive the process that asked for them). Where the kernel can tell (Linux),
    it sends SIGKILL; elsewhere a thread waits for the parent and ends the process."""
    if sys.platform.startswith("linux") and os.getppid() == parent:
        import ctypes

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
    while True:
        try:
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            break
        except KeyboardInterrupt:  # one that landed as the process started: not ours
            continue
    # A spawned worker starts with the stops held back (``_stops_held``): a Ctrl-C that
    # came meanwhile is dropped now that it is ignored; a SIGTERM ends the worker now.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, stopping.SIGNALS)
    end_with(parent)


@contextmanager
def _stops_held() -> Iterator[None]:
    """The signals that stop a command (``stopping.SIGNALS``) held back from this thread
    for the block, and delivered when it ends, so the workers it spawns are all known to
    the pool (one whose start a stop interrupted was left waiting for its task, and printed
    a traceback when the command ended). A process spawned meanwhile inherits the hold: a
    Ctrl-C that comes while it starts Python and imports its modules waits until it ignores
    Ctrl-C (``start_worker``); without it, such a worker died printing a
    ``KeyboardInterrupt`` traceback."""
    before = signal.pthread_sigmask(signal.SIG_BLOCK, stopping.SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


# The process that is forking, noted just before (``treat_forked_processes_as_workers``).
_forking: list[int] = []


def treat_forked_processes_as_workers() -> None:
    """Every process forked from this one from now on is set up as a worker (``start_worker``)
    from its first instruction, ours and those Sphinx forks to read and write in parallel:
    else a Sphinx reader that was starting when Ctrl-C came printed a traceback, and one
    whose build was killed (SIGKILL) waited for ever to hand back its result, holding the
    build's lock. For the main process of a command; registered once a process."""
    if not _forking:
        _forking.append(os.getpid())
        os.register_at_fork(
            before=lambda: _forking.__setitem__(0, os.getpid()),
            after_in_child=lambda: start_worker(_forking[0]),
        )


class Closing:
    """``with executor:`` closes it; when the block raised, it stops what still runs."""

    def close(self) -> None:
        raise NotImplementedError

    def stop(self) -> None:
        """End every worker at once, whatever it was doing."""
        self.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if kind is None:
            self.close()
        else:
            self.stop()


class InProcess(Closing, Generic[Shared]):
    """Each task run here, one after the other: for a batch too small for workers."""

    workers = 1

    def __init__(self, shared: Shared) -> None:
        self._shared = shared

    def map(
        self, task: Callable[[Shared, Item], Result], items: Iterable[Item]
    ) -> Iterator[Result]:
        shared = self._shared
        return (task(shared, item) for item in items)

    def close(self) -> None:
        pass


# A spawned worker's copy of its batch's shared state, set once as the worker starts: the
# only state a worker keeps between tasks.
_worker_shared: Any = None


def _start_spawned(parent: int, shared: bytes) -> None:
    """Set up first, then load the shared state: loading imports its modules, which takes
    long enough for a Ctrl-C to land in it (and print a traceback) if it came first."""
    global _worker_shared
    start_worker(parent)
    with collector_paused(freeze_after=True):  # as a cluster's worker does (``cluster``)
        _worker_shared = pickle.loads(shared)


def pickled_state(shared: object) -> bytes:
    """A pool's shared state pickled, never with the pickler's memo (an entry for each of
    its objects: millions) and the growing bytes in memory at once: it is written to a
    file, then read back. Given the site, Dask pickled it in memory in one piece; at
    200,000 files the client's peak rose from 5.1 to 9.6 GB while the site was sent that
    way, and to 8.4 GB with ``pickle.dumps``."""
    with tempfile.TemporaryFile() as spool:
        pickle.Pickler(spool, protocol=pickle.HIGHEST_PROTOCOL).dump(shared)
        spool.seek(0)
        return spool.read()


def _spawned_chunk(task: Callable[[Any, Item], Result], items: list[Item]) -> list[Result]:
    return _chunk_done(task, _worker_shared, items)


def _chunk_done(
    task: Callable[[Shared, Item], Result], shared: Shared, items: list[Item]
) -> list[Result]:
    return [task(shared, item) for item in items]


def _next_chunk(items: Iterator[Item], size: int) -> list[Item]:
    return list(islice(items, size))


# Chunks handed to a pool ahead of the one whose results are awaited, per worker: enough
# that no worker waits, few enough that what the items carry (a file's bytes) is made as
# the workers take it, not for the whole batch at once.
CHUNKS_AHEAD_PER_WORKER = 4

Sent = TypeVar("Sent")


def submitted_ahead(
    items: Iterable[Item],
    size: int,
    ahead: int,
    submit: Callable[[list[Item]], Sent],
    results: Callable[[Sent], Iterable[Result]],
    waiting: deque[Sent],
) -> Iterator[Result]:
    """The results of ``items`` in order, sent in chunks of ``size`` (``submit``), at most
    ``ahead`` chunks beyond the one awaited (``results``); ``waiting`` holds those sent and
    not yet taken back, for the caller to cancel."""
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        waiting.append(submit(chunk))
        if len(waiting) > ahead:
            yield from results(waiting.popleft())
    while waiting:
        yield from results(waiting.popleft())


class SpawnedPool(Closing, Generic[Shared]):
    """``workers`` spawned processes, each given the shared state once and then items in
    chunks of ``chunksize``, a few chunks per worker ahead (``CHUNKS_AHEAD_PER_WORKER``).
    Spawned, not forked: a worker inherits none of the state (threads, open files) of a
    Sphinx process, and no helper process or socket folder is left behind. When the caller
    stops early, the workers are stopped at once, not after their queue."""

    def __init__(self, shared: Shared, workers: int, chunksize: int) -> None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        context = multiprocessing.get_context("spawn")
        self._before = set(multiprocessing.active_children())
        state = pickled_state(shared)
        self._pool = ProcessPoolExecutor(workers, context, _start_spawned, (os.getpid(), state))
        self.workers = workers
        self._chunksize = chunksize
        self._ahead = CHUNKS_AHEAD_PER_WORKER * workers
        self._unfinished = 0

    def map(
        self, task: Callable[[Shared, Item], Result], items: Iterable[Item]
    ) -> Iterator[Result]:
        self._unfinished += 1
        run = partial(_spawned_chunk, task)

        def submit(chunk: list[Item]) -> Future[list[Result]]:
            with _stops_held():  # the pool spawns its workers as the tasks are submitted
                return self._pool.submit(run, chunk)

        waiting: deque[Future[list[Result]]] = deque()
        try:
            yield from submitted_ahead(
                items, self._chunksize, self._ahead, submit, Future.result, waiting
            )
        except BaseException:
            self.stop()
            raise
        self._unfinished -= 1

    def stop(self) -> None:
        import multiprocessing

        # Spawned workers inherit no SIGTERM handler: asked to end, they end.
        for child in set(multiprocessing.active_children()) - self._before:
            child.terminate()
        self._pool.shutdown(wait=True, cancel_futures=True)

    def close(self) -> None:
        if self._unfinished:  # a batch left half-read: its remaining work is not wanted
            self.stop()
        self._pool.shutdown(wait=True)


def _run_forked(
    sender: Connection,
    parent: int,
    task: Callable[[Any, Any], object],
    shared: object,
    item: object,
) -> None:
    """A forked worker's life: one task, and its result or its error sent back."""
    start_worker(parent)
    try:
        result = task(shared, item)
    except BaseException as error:  # whatever it was, the main process decides what it means
        trace = traceback.format_exc()
        try:
            sender.send((False, (error, trace)))
        except Exception:  # an error that does not pickle: its traceback says what it was
            sender.send((False, (None, trace)))
        return
    sender.send((True, result))


class ForkedTasks(Closing, Generic[Shared]):
    """A process forked for each task, at most ``workers`` at once. Each inherits this
    process's memory (the shared state is never pickled) and gives it back when its task
    ends: a long-lived forked worker would, by touching inherited objects, copy more of
    them with every task. While the executor is open, the objects that existed when it
    opened are never collected in the workers (``gc.freeze``), so the collector does not
    write to (and copy) the memory they share with this process."""

    def __init__(self, shared: Shared, workers: int, chunksize: int = 1) -> None:
        self._shared = shared
        self.workers = workers
        self._chunksize = chunksize
        self._running: dict[int, tuple[BaseProcess, Connection]] = {}
        # Thawed on close unless something was frozen before, whose owner thaws it.
        self._thaw = gc.get_freeze_count() == 0
        gc.freeze()

    def map(
        self, task: Callable[[Shared, Item], Result], items: Iterable[Item]
    ) -> Iterator[Result]:
        if self._chunksize > 1:
            chunks = iter(partial(_next_chunk, iter(items), self._chunksize), [])
            for results in self._map(partial(_chunk_done, task), chunks):
                yield from results
        else:
            yield from self._map(task, items)

    def _map(
        self, task: Callable[[Shared, Item], Result], items: Iterable[Item]
    ) -> Iterator[Result]:
        waiting = enumerate(items)
        finished: dict[int, Result] = {}
        position = 0
        exhausted = False
        try:
            while True:
                while not exhausted and len(self._running) < self.workers:
                    found = next(waiting, None)
                    if found is None:
                        exhausted = True
                    else:
                        self._start(task, *found)
                if position in finished:
                    yield finished.pop(position)
                    position += 1
                elif not self._running:
                    return
                else:
                    ready = _wait([receiver for _, receiver in self._running.values()])
                    for number, (_, receiver) in list(self._running.items()):
                        if receiver in ready:
                            finished[number] = self._receive(number)
        except BaseException:
            self.stop()
            raise

    def _start(self, task: Callable[[Shared, Any], object], number: int, item: object) -> None:
        process, receiver, sender = _fork_process(task, self._shared, item)
        self._running[number] = (process, receiver)
        process.start()
        sender.close()

    def _receive(self, number: int) -> Any:
        return _received(*self._running.pop(number))

    def stop(self) -> None:
        running, self._running = self._running, {}
        _end_at_once(process for process, _ in running.values())
        for _, receiver in running.values():
            receiver.close()
        self.close()

    def close(self) -> None:
        if self._running:
            self.stop()
        if self._thaw:
            gc.unfreeze()
            self._thaw = False


def _fork_process(
    task: Callable[[Shared, Item], object], shared: Shared, item: Item
) -> tuple[BaseProcess, Connection, Connection]:
    """A process, not started yet, that will fork from this one to run ``task(shared, item)``
    (``_run_forked``), with the ends of the pipe its result comes back by: the caller keeps
    the receiver, and closes the sender once the process has started."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(
        target=_run_forked, args=(sender, os.getpid(), task, shared, item), daemon=True
    )
    return process, receiver, sender


def _received(process: BaseProcess, receiver: Connection) -> Any:
    """What a forked worker sent back (``_run_forked``), once it has ended; its error raised
    here."""
    try:
        succeeded, value = receiver.recv()
    except EOFError:
        process.join()
        raise WorkerFailed(
            f"a worker process ended (exit code {process.exitcode}) without its result"
        ) from None
    finally:
        receiver.close()
    process.join()
    if succeeded:
        return value
    error, trace = value
    if isinstance(error, BaseException):
        raise error from WorkerFailed(f"in the worker process:\n{trace}")
    raise WorkerFailed(f"in the worker process:\n{trace}")


class Pending(Protocol[Result_co]):
    """A task's result to come (``in_background``): ``result`` waits for it (asked once),
    ``stop`` says it is not wanted."""

    def result(self) -> Result_co: ...

    def stop(self) -> None: ...


class _Background(Generic[Result]):
    """A task run in a process forked when this is made, while this one goes on."""

    def __init__(self, task: Callable[[Shared, Item], Result], shared: Shared, item: Item) -> None:
        self._process, self._receiver, sender = _fork_process(
            partial(_in_background, task), shared, item
        )
        self._process.start()
        sender.close()

    def result(self) -> Result:
        try:
            return cast("Result", _received(self._process, self._receiver))
        except BaseException:
            self.stop()  # a stop while waiting (or its own error): the process goes too
            raise

    def stop(self) -> None:
        if self._process.exitcode is None:
            _end_at_once([self._process])
        self._receiver.close()


class _Later(Generic[Result]):
    """A task run here when its result is asked for."""

    def __init__(self, task: Callable[[Shared, Item], Result], shared: Shared, item: Item) -> None:
        self._call = partial(task, shared, item)

    def result(self) -> Result:
        return self._call()

    def stop(self) -> None:
        pass


# How much lower than its parent's a background task's priority is (``nice``): it takes
# the cores the build leaves idle, not those its stages on the way to it are using.
BACKGROUND_NICENESS = 10


def _in_background(task: Callable[[Shared, Item], Result], shared: Shared, item: Item) -> Result:
    """``task`` in a forked process, at a lower priority (``BACKGROUND_NICENESS``), whose
    collector runs (it was forked while its parent may have paused it) but leaves what it
    inherited alone (else a collection there writes to, and copies, the memory it shares
    with its parent)."""
    os.nice(BACKGROUND_NICENESS)
    gc.freeze()
    gc.enable()
    return task(shared, item)


def in_background(
    task: Callable[[Shared, Item], Result], shared: Shared, item: Item, *, fork: bool
) -> Pending[Result]:
    """``task(shared, item)`` run in a process forked now, beside this one, when ``fork``
    (it inherits this process's memory, as ``ForkedTasks``' workers do, and may start no
    process of its own); else here, when its result is asked for."""
    if fork:
        return _Background(task, shared, item)
    return _Later(task, shared, item)


# How long a worker asked to end (SIGTERM) has before it is killed.
_GRACE_SECONDS = 1.0


def _end_at_once(processes: Iterable[BaseProcess]) -> None:
    """Ask each process to end, then kill the ones still there after a moment: a worker
    forked from a process that handles SIGTERM itself (a command run in-process, as the
    tests do) inherits the handler, and must not be waited for to the end of its task."""
    asked = list(processes)
    for process in asked:
        process.terminate()
    deadline = time.monotonic() + _GRACE_SECONDS
    for process in asked:
        process.join(max(0.0, deadline - time.monotonic()))
        if process.exitcode is None:
            process.kill()
            process.join()


def end_workers() -> None:
    """End at once every worker process this one started that still runs, whoever started
    it: for a command that was stopped, before its exit functions, which wait for them.
    Sphinx's parallel readers are left running when its clean-up fails as a Ctrl-C unwinds
    it (``ParallelTasks.terminate`` raises KeyError), and one blocked handing back its
    result was waited for ever."""
    import multiprocessing

    _end_at_once(multiprocessing.active_children())


def _wait(receivers: list[Connection]) -> list[Any]:
    """The receivers that have something to read (or whose sender is gone)."""
    from multiprocessing.connection import wait

    return wait(receivers)


def local_executor(
    shared: Shared,
    *,
    size: int,
    min_size: int,
    start_method: StartMethod = "spawn",
    workers: int | None = None,
    chunksize: int = 1,
) -> Executor[Shared]:
    """The executor of this machine for a batch that holds ``size`` units of work (files,
    pages): ``workers`` processes (``usable_cores`` unless given) started by ``start_method``
    (see the module's docstring); in this process when the batch is smaller than
    ``min_size`` (starting workers would cost more than they save), there is one worker,
    or the start method is not available here. ``chunksize``: how many items a spawned
    worker is sent at a time, or a forked one is given."""
    import multiprocessing

    count = usable_cores() if workers is None else workers
    if count < 2 or size < min_size or start_method not in multiprocessing.get_all_start_methods():
        return InProcess(shared)
    if start_method == "fork":
        return ForkedTasks(shared, count, chunksize)
    return SpawnedPool(shared, count, chunksize)
