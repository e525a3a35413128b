"""A build's work on a Dask cluster (``--scheduler``): the ``Executor`` of ``core.executor``
over ``dask.distributed``, so the stages that fan out run as tasks on the cluster's workers
while everything else stays in this process (the client). No scheduler of our own: Dask
places the tasks, moves the data and runs again elsewhere the tasks of a worker that died.

``--scheduler tcp://HOST:8786`` joins a running cluster; ``local:N`` starts a
``LocalCluster`` of N worker processes on 127.0.0.1 over TCP, for trying it out and for the
tests. The workers must run the same xrefdoc as the client, the same code to the byte (a
worker with other extraction code would fill the cache with other records): a cluster that
does not is refused before any work is sent, with both versions named. Dask is an optional
extra (``pip install 'xrefdoc[cluster]'``): without it the option says how to install it.

The items of a batch go to the cluster in chunks (a task per chunk), so the scheduler's
cost per task is paid once per chunk, not once per file; and a few chunks per worker at a
time, so what the items carry (a file's bytes, a page's inputs) is made as the cluster
takes it, not held for the whole batch. A build opens its cluster once (``ClusterSession``),
when a stage first has work for it.
"""

from __future__ import annotations

import errno
import importlib.util
import logging
import pickle
import re
import threading
import uuid
import warnings
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import CancelledError
from contextlib import ExitStack, contextmanager
from functools import partial
from typing import Any, Generic, TypeVar

from xrefdoc.core.errors import BuildError, ConfigError, FileSystemError
from xrefdoc.core.executor import (
    CHUNKS_AHEAD_PER_WORKER,
    Closing,
    pickled_state,
    submitted_ahead,
)
from xrefdoc.core.gc_pause import collector_paused

Item = TypeVar("Item")
Result = TypeVar("Result")
Shared = TypeVar("Shared")

# What a scheduler needs when Dask is not installed, after the setting's name.
INSTALL_HINT = "needs Dask: pip install 'xrefdoc[cluster]'"
# ``local:N``, or a scheduler's address (``tcp://host:8786``, ``tls://``, ``ws://``...).
_LOCAL = re.compile(r"^local:([1-9][0-9]*)$")
_ADDRESS = re.compile(r"^[a-z+]+://[^\s/]+$")
# How long to wait for a scheduler, and for the first worker, before saying it is not there.
CONNECT_SECONDS = 30
# A task that ran on a worker that died runs again elsewhere, this many times.
RETRIES = 3
# Items a task carries: large enough that the scheduler's cost per task (about a
# millisecond) is small beside the task's, small enough to spread a batch over the workers.
CHUNK_ITEMS = 32
# The errors of a worker that does not see the build's files (the hint then names
# ``--no-shared-fs``); another (a full disk) is said as it is.
_UNSEEN = frozenset({errno.ENOENT, errno.EACCES, errno.EPERM, errno.ENOTDIR, errno.EROFS})
_UNSEEN_HINT = " (workers that do not share this file system need --no-shared-fs)"


def check_scheduler(setting: str, value: object) -> str | None:
    """A valid ``scheduler`` setting (None: not set), or ``ValueError`` naming ``setting``;
    also when Dask is not installed, which is said before anything is built."""
    if value is None:
        return None
    if not isinstance(value, str) or not (_LOCAL.match(value) or _ADDRESS.match(value)):
        raise ValueError(
            f"{setting} must be local:N (N worker processes on this machine) or a "
            f"scheduler's address such as tcp://host:8786, got {value!r}"
        )
    if importlib.util.find_spec("distributed") is None:
        raise ValueError(f"{setting} {INSTALL_HINT}")
    return value


def _distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise ConfigError(f"a Dask scheduler {INSTALL_HINT}") from None
    return distributed


# What xrefdoc a process runs: its version and the digest of its code (two checkouts of one
# version may differ); the store's ``versions.code_identity``, run here and on each worker.
CodeIdentity = Callable[[], tuple[str, str]]


class Cluster:
    """A client of a Dask cluster whose workers run this xrefdoc; made by ``open_cluster``."""

    def __init__(self, client: Any, address: str) -> None:
        self.client = client
        self.address = address
        # How many tasks it runs at once: its workers' threads, when it was joined.
        workers = client.scheduler_info().get("workers", {}).values()
        self.workers = max(1, sum(int(worker.get("nthreads", 1)) for worker in workers))

    def executor(self, shared: Shared, chunk: int = CHUNK_ITEMS) -> ClusterExecutor[Shared]:
        return ClusterExecutor(self, shared, chunk)

    def lost(self, error: BaseException) -> BuildError:
        """The one line for tasks the cluster could not finish: the scheduler went away (the
        client lost it), or it dropped them (all copies of their data lost)."""
        if self.client.status != "running":
            return BuildError(f"the Dask scheduler at {self.address} went away")
        return BuildError(f"the Dask cluster at {self.address} dropped the build's tasks: {error}")


@contextmanager
def open_cluster(scheduler: str, identity: CodeIdentity) -> Iterator[Cluster]:
    """The cluster ``scheduler`` names (see the module's docstring), its workers checked to
    run this xrefdoc (``identity`` says which, in each process); a ``LocalCluster`` it
    started is stopped at the end."""
    distributed = _distributed()
    local = _LOCAL.match(scheduler)
    with ExitStack() as stack:
        # Dask's own log (its reconnection attempts, tracebacks of a lost scheduler) is not
        # the build's: what goes wrong is said in one line, by the build.
        stack.callback(_silence("distributed"))
        try:
            if local:
                cluster = stack.enter_context(
                    distributed.LocalCluster(
                        n_workers=int(local.group(1)),
                        threads_per_worker=1,
                        processes=True,
                        host="127.0.0.1",
                        protocol="tcp",
                        # Any free port: None still takes 8787, and warns when another has it.
                        dashboard_address="127.0.0.1:0",
                    )
                )
                client = distributed.Client(cluster, timeout=CONNECT_SECONDS)
            else:
                client = distributed.Client(scheduler, timeout=CONNECT_SECONDS)
        except (OSError, TimeoutError) as error:
            raise BuildError(f"cannot reach the Dask scheduler at {scheduler}: {error}") from None
        stack.callback(client.close)
        try:
            client.wait_for_workers(1, timeout=CONNECT_SECONDS)
            _check_workers(client, scheduler, identity)
            yield Cluster(client, scheduler)
        except (OSError, TimeoutError) as error:
            raise BuildError(f"the Dask scheduler at {scheduler} went away: {error}") from None


class ClusterSession(Closing):
    """A build's cluster: opened when a stage first asks for it (a build with nothing to
    extract or write never starts one), the same for every stage after, closed once."""

    def __init__(self, scheduler: str, identity: CodeIdentity) -> None:
        self.scheduler = scheduler
        self._identity = identity
        self._stack = ExitStack()
        self._cluster: Cluster | None = None

    def cluster(self) -> Cluster:
        if self._cluster is None:
            self._cluster = self._stack.enter_context(open_cluster(self.scheduler, self._identity))
        return self._cluster

    def close(self) -> None:
        self._cluster = None
        self._stack.close()


def _silence(package: str) -> Callable[[], None]:
    """Turn off the loggers of ``package`` that are on (each logs to its own handlers too,
    whatever its parent's level); returns what turns them on again."""
    names = [
        package,
        *(name for name in logging.root.manager.loggerDict if name.startswith(f"{package}.")),
    ]
    silenced = [logger for logger in map(logging.getLogger, names) if not logger.disabled]
    for logger in silenced:
        logger.disabled = True

    def restore() -> None:
        for logger in silenced:
            logger.disabled = False

    return restore


def _check_workers(client: Any, scheduler: str, identity: CodeIdentity) -> None:
    """Refuse a cluster whose workers run another xrefdoc (or none)."""
    ours = identity()
    try:
        found = client.run(identity)
    except Exception as error:  # a worker whose xrefdoc lacks the function: another one
        raise ConfigError(
            f"the workers of {scheduler} cannot run this xrefdoc ({type(error).__name__}: "
            f"{error}); install the same xrefdoc on the workers"
        ) from None
    for worker, theirs in sorted(found.items()):
        if tuple(theirs) != ours:
            raise ConfigError(
                f"the worker {worker} of {scheduler} runs xrefdoc {theirs[0]} "
                f"(code {theirs[1][:12]}), this is xrefdoc {ours[0]} (code {ours[1][:12]}); "
                "install the same xrefdoc on the workers"
            )


# The shared states a worker has unpickled, by token, the latest last: each once per worker,
# however many chunks use it; a worker that serves build after build keeps the last few.
_LOADED: OrderedDict[str, Any] = OrderedDict()
_LOADED_KEPT = 2
_LOADING = threading.Lock()


def _run_chunk(
    task: Callable[[Any, Any], Any], token: str, shared: bytes, items: list[Any]
) -> list[Any]:
    state = _loaded(token, shared)
    return [task(state, item) for item in items]


def _loaded(token: str, pickled: bytes) -> Any:
    with _LOADING:  # a worker of several threads unpickles a state once, not once each
        if token in _LOADED:
            _LOADED.move_to_end(token)
        else:
            # Millions of objects without cycles, for the rest of the worker's tasks: made
            # without collections, then frozen, as the client's index is (``gc_pause``).
            with collector_paused(freeze_after=True):
                _LOADED[token] = pickle.loads(pickled)
            while len(_LOADED) > _LOADED_KEPT:
                _LOADED.popitem(last=False)
        return _LOADED[token]


class ClusterExecutor(Closing, Generic[Shared]):
    """``core.executor.Executor`` on a cluster: the shared state sent to every worker once,
    the items in chunks, one task each, the results in the items' order.

    The shared state (a whole site's index, at the page writing) is pickled here and sent
    as bytes, which Dask sends as they are (``executor.pickled_state``)."""

    def __init__(self, cluster: Cluster, shared: Shared, chunk: int) -> None:
        self._cluster = cluster
        self.workers = cluster.workers
        self._shared = shared
        self._chunk = chunk
        self._scattered: Any = None
        self._token = uuid.uuid4().hex
        # The chunks sent and not yet taken back, oldest first (a result stays on its worker
        # while its future lives).
        self._waiting: deque[Any] = deque()

    def map(
        self, task: Callable[[Shared, Item], Result], items: Iterable[Item]
    ) -> Iterator[Result]:
        client = self._cluster.client
        if self._scattered is None:
            pickled = pickled_state(self._shared)
            try:
                self._scattered = client.scatter(pickled, broadcast=True, hash=False)
            except (OSError, TimeoutError, CancelledError) as error:
                raise self._cluster.lost(error) from None
            del pickled
        ahead = CHUNKS_AHEAD_PER_WORKER * self._cluster.workers
        yield from submitted_ahead(
            items, self._chunk, ahead, partial(self._submit, task), self._result, self._waiting
        )

    def _result(self, future: Any) -> list[Any]:
        try:
            return list(future.result())
        except (OSError, TimeoutError, CancelledError) as error:
            if future.status == "error" and isinstance(error, OSError):  # the task's own
                hint = _UNSEEN_HINT if error.errno in _UNSEEN else ""
                raise BuildError(
                    f"a worker of the Dask cluster at {self._cluster.address} could not use "
                    f"a file of the build: {FileSystemError.of(error)}{hint}"
                ) from None
            raise self._cluster.lost(error) from None

    def _submit(self, task: Callable[[Shared, Item], Result], chunk: list[Item]) -> Any:
        # The items (a file's bytes) travel inside the tasks, through the scheduler: a task
        # whose worker died is then sent again with its data, where data scattered to that
        # worker would be lost with it. Dask advises against large graphs; here that is the
        # point, so its warning is not shown.
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", "Sending large graph", UserWarning)
            return self._cluster.client.submit(
                _run_chunk,
                task,
                self._token,
                self._scattered,
                chunk,
                pure=False,
                retries=RETRIES,
            )

    def close(self) -> None:
        """Cancel what still runs; the shared state leaves the workers with its future."""
        if self._waiting:
            self._cluster.client.cancel(list(self._waiting))
            self._waiting.clear()
        self._scattered = None
