"""``xrefdoc build --scheduler``: extraction, highlighting and page writing as tasks on a real
Dask cluster (a ``LocalCluster`` of two worker processes over TCP on 127.0.0.1), with the
same site as a build on this machine, also by workers that cannot see its files
(``--no-shared-fs``); a worker killed mid-build survived, a cluster whose workers run
another xrefdoc refused, and the message when Dask is not installed."""

from __future__ import annotations

import errno
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import differing, run_xrefdoc, tree_files, whole_site, write_tree

from xrefdoc.core.cluster import Cluster
from xrefdoc.core.errors import BuildError

distributed = pytest.importorskip("distributed")

SOURCE = Path(__file__).resolve().parents[2] / "src"


@pytest.fixture(scope="module")
def cluster() -> Iterator[tuple[str, object]]:
    """A scheduler and two worker processes (each with a nanny that restarts it) on TCP."""
    local = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        protocol="tcp",
        dashboard_address="127.0.0.1:0",
    )
    client = distributed.Client(local)
    try:
        yield local.scheduler_address, client
    finally:
        client.close()
        local.close()


def build(tree: Path, site: Path, cache: Path, *options: str) -> subprocess.CompletedProcess[str]:
    """``xrefdoc build`` with a cache of its own; ``-q`` unless ``options`` say ``-v``."""
    command = [sys.executable, "-m", "xrefdoc", "build", str(tree), "-o", str(site)]
    if "-v" not in options:
        command.append("-q")
    environment = {**os.environ, "XREFDOC_CACHE_DIR": str(cache), "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [*command, *options], capture_output=True, text=True, env=environment, timeout=300
    )


def test_a_cluster_builds_the_site_a_machine_builds(
    cluster: tuple[str, object], tmp_path: Path
) -> None:
    address, _ = cluster
    # With a file of 11 MB, past what Dask warns about sending inside a graph: a build
    # says nothing of it (the bytes travel with the tasks on purpose, see ``cluster``).
    big = "".join(f"line {n} of a large log\n" for n in range(500_000))
    tree = write_tree(tmp_path / "tree", {**tree_files(150), "data/large.log": big})
    sites = {}
    for name, options in (
        ("one", ("-j", "1")),
        ("auto", ("-j", "auto")),
        ("cluster", ("--scheduler", address)),
    ):
        done = build(tree, tmp_path / name, tmp_path / f"cache-{name}", *options)
        assert done.returncode == 0, done.stderr
        assert "Warning" not in done.stderr and "large graph" not in done.stderr
        sites[name] = whole_site(tmp_path / name)
    assert len(sites["one"]) > 150
    assert differing(sites["one"], sites["cluster"]) == []
    assert differing(sites["auto"], sites["cluster"]) == []
    # What the workers extracted reached this machine's cache: a local rebuild after an
    # edit of one file parses that file alone.
    (tree / "pkg/sub_0/mod_0.py").write_text("class Engine_0:\n    pass\n")
    again = build(tree, tmp_path / "cluster", tmp_path / "cache-cluster", "-v", "-j", "1")
    assert again.returncode == 0, again.stderr
    assert "1 files parsed" in again.stdout
    # A page or two are written here: sending the whole site would cost more.
    (tree / "pkg/sub_1/mod_1.py").write_text("class Engine_1:\n    pass\n")
    few = build(
        tree, tmp_path / "cluster", tmp_path / "cache-cluster", "-v", "--scheduler", address
    )
    assert few.returncode == 0, few.stderr
    assert "pages written here, not on the cluster: " in few.stdout
    assert "too few to pay for sending the site" in few.stdout


def _forbid(folder: str) -> None:
    """On a worker: from now on, any file or folder under ``folder`` cannot be opened, made,
    renamed or listed there, as on a machine that does not share this file system."""

    def hook(event: str, args: tuple[object, ...]) -> None:
        touching = ("open", "sqlite3.connect", "os.mkdir", "os.rename", "os.listdir", "os.scandir")
        if event in touching and args and str(args[0]).startswith(folder):
            raise PermissionError(errno.EACCES, "Permission denied", str(args[0]))

    sys.addaudithook(hook)


def _readable(path: str) -> bool:
    try:
        with open(path, "rb"):
            return True
    except PermissionError:
        return False


def test_workers_that_cannot_see_the_files_build_the_same_site(
    cluster: tuple[str, object], tmp_path: Path
) -> None:
    address, client = cluster
    files = {
        **tree_files(120),
        "pkg/README.md": "# Engines\n\nSee [the first](sub_0/mod_0.py).\n",
        # A name no frame fits: its pages come back to be laid out by Sphinx here.
        "odd/a&b.py": "VALUE = 1\n",
    }
    tree = write_tree(tmp_path / "tree", files)
    local = build(tree, tmp_path / "local", tmp_path / "cache-local")
    assert local.returncode == 0, local.stderr
    # The workers lose sight of everything here: the tree, the cache and the site.
    client.run(_forbid, str(tmp_path))  # type: ignore[attr-defined]
    assert not any(client.run(_readable, str(tree / "pkg/README.md")).values())  # type: ignore[attr-defined]
    done = build(
        tree,
        tmp_path / "cluster",
        tmp_path / "cache-cluster",
        "-v",
        "--scheduler",
        address,
        "--no-shared-fs",
    )
    assert done.returncode == 0, done.stderr
    assert "writing pages on the cluster" in done.stdout
    assert differing(whole_site(tmp_path / "local"), whole_site(tmp_path / "cluster")) == []
    assert "Engines" in (tmp_path / "cluster" / "pkg" / "doc.html").read_text(encoding="utf-8")
    # Without the option the workers cannot write the pages (enough of them to be sent to
    # the cluster): one line says what to do.
    for n in range(60):
        (tree / f"pkg/sub_{n % 7}/mod_{n}.py").write_text(f"class Engine_{n}:\n    pass\n")
    shared = build(tree, tmp_path / "cluster", tmp_path / "cache-cluster", "--scheduler", address)
    assert shared.returncode == 1
    line = shared.stderr.strip()
    assert line.count("\n") == 0 and "Permission denied" in line
    assert line.endswith("(workers that do not share this file system need --no-shared-fs)")
    assert differing(whole_site(tmp_path / "local"), whole_site(tmp_path / "cluster")) == []


def test_workers_killed_mid_build_are_survived(cluster: tuple[str, object], tmp_path: Path) -> None:
    address, client = cluster
    tree = write_tree(tmp_path / "tree", tree_files(600))
    expected = build(tree, tmp_path / "local", tmp_path / "cache-local")
    assert expected.returncode == 0, expected.stderr
    stage = tmp_path / ".xrefdoc" / "cluster" / "html"
    # A busy worker is killed as soon as there is one, then another once pages are written.
    phases = [lambda: True, lambda: any(stage.rglob("*_docs.html"))]
    killed: list[int] = []

    def kill_busy_workers() -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and len(killed) < len(phases):
            busy = [worker for worker, tasks in client.processing().items() if tasks]
            if busy and phases[len(killed)]():
                pids = client.run(os.getpid, workers=busy[:1])
                for pid in pids.values():
                    os.kill(pid, signal.SIGKILL)
                    killed.append(pid)
            time.sleep(0.005)

    killer = threading.Thread(target=kill_busy_workers)
    killer.start()
    done = build(tree, tmp_path / "cluster", tmp_path / "cache-cluster", "--scheduler", address)
    killer.join()
    assert len(killed) == 2, "no worker was seen at work in each phase"
    assert done.returncode == 0, done.stderr
    assert differing(whole_site(tmp_path / "local"), whole_site(tmp_path / "cluster")) == []
    assert not list(stage.rglob("*.tmp")), "a page a killed worker was writing is left"
    client.wait_for_workers(2, timeout=60)


def test_a_file_a_worker_cannot_use_is_one_line_hinting_only_where_it_fits(
    cluster: tuple[str, object], tmp_path: Path
) -> None:
    """A file not there (as for workers that do not share this file system) names
    ``--no-shared-fs``; another error (here a folder opened for writing) is said as it is."""
    address, client = cluster
    running = Cluster(client, address)
    with pytest.raises(BuildError) as missing:
        list(running.executor(str(tmp_path / "gone")).map(os.open, [os.O_RDONLY]))
    assert str(missing.value).count("\n") == 0 and "gone" in str(missing.value)
    assert str(missing.value).endswith(
        "(workers that do not share this file system need --no-shared-fs)"
    )
    with pytest.raises(BuildError) as folder:
        list(running.executor(str(tmp_path)).map(os.open, [os.O_WRONLY]))
    assert "a file of the build" in str(folder.value) and "--no-shared-fs" not in str(folder.value)


def test_workers_of_another_xrefdoc_are_refused(tmp_path: Path) -> None:
    # A worker that imports a copy of xrefdoc whose version says otherwise.
    other = tmp_path / "other"
    shutil.copytree(SOURCE / "xrefdoc", other / "src" / "xrefdoc")
    for resources in ("templates", "conf"):
        shutil.copytree(SOURCE.parent / resources, other / resources)
    init = other / "src" / "xrefdoc" / "__init__.py"
    init.write_text(init.read_text().replace('__version__ = "', '__version__ = "9.9-'))
    scheduler = distributed.LocalCluster(
        n_workers=0, host="127.0.0.1", protocol="tcp", dashboard_address="127.0.0.1:0"
    )
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "distributed.cli.dask_worker",
            scheduler.scheduler_address,
            "--nthreads",
            "1",
            "--no-nanny",
            "--no-dashboard",
        ],
        env={**os.environ, "PYTHONPATH": str(other / "src")},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        tree = write_tree(tmp_path / "tree", {"a.py": "A = 1\n"})
        done = build(
            tree, tmp_path / "site", tmp_path / "cache", "--scheduler", scheduler.scheduler_address
        )
        assert done.returncode == 2
        line = done.stderr.strip()
        assert line.count("\n") == 0
        assert "runs xrefdoc 9.9-" in line and "this is xrefdoc 0." in line
        assert not (tmp_path / "site" / "index.html").exists()
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        scheduler.close()


def test_without_dask_the_option_says_how_to_install_it(tmp_path: Path) -> None:
    # Dask hidden from the build: a module that is None in sys.modules cannot be imported.
    blocker = write_tree(
        tmp_path / "block", {"sitecustomize.py": "import sys\nsys.modules['distributed'] = None\n"}
    )
    tree = write_tree(tmp_path / "tree", {"a.py": "A = 1\n"})
    environment = {**os.environ, "PYTHONPATH": f"{blocker}{os.pathsep}{SOURCE}"}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "xrefdoc",
            "build",
            str(tree),
            "-o",
            str(tmp_path / "site"),
            "--scheduler",
            "local:2",
        ],
        capture_output=True,
        text=True,
        env=environment,
    )
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "xrefdoc: error: --scheduler needs Dask: pip install 'xrefdoc[cluster]'"
    )
    bad = run_xrefdoc("build", str(tree), "-o", str(tmp_path / "site"), "--scheduler", "local")
    assert bad.returncode == 2 and "must be local:N" in bad.stderr


def test_a_scheduler_that_goes_away_stops_the_build_in_one_line(tmp_path: Path) -> None:
    tree = write_tree(tmp_path / "tree", tree_files(60))
    site = tmp_path / "site"
    first = build(tree, site, tmp_path / "cache-first")
    assert first.returncode == 0, first.stderr
    before = whole_site(site)
    # Then many files change, and the cluster's scheduler dies while they are made.
    write_tree(tree, tree_files(900))
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "distributed.cli.dask_scheduler",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--dashboard-address",
                "127.0.0.1:0",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    ]
    processes += [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "distributed.cli.dask_worker",
                address,
                "--nthreads",
                "1",
                "--no-dashboard",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(2)
    ]
    command = [sys.executable, "-m", "xrefdoc", "build", str(tree), "-o", str(site), "-q"]
    environment = {**os.environ, "XREFDOC_CACHE_DIR": str(tmp_path / "cache-first")}
    try:
        client = distributed.Client(address, timeout=60)
        client.wait_for_workers(2, timeout=60)
        running = subprocess.Popen(
            [*command, "--scheduler", address], env=environment, stderr=subprocess.PIPE, text=True
        )
        # Once the build's tasks are on the scheduler (beside the data it scattered); a
        # lambda, sent by value (the scheduler cannot import this module).
        count = lambda dask_scheduler: len(dask_scheduler.tasks)  # noqa: E731
        while running.poll() is None and client.run_on_scheduler(count) < 2:
            time.sleep(0.005)
        processes[0].kill()
        _, errors = running.communicate(timeout=120)
        client.close()
    finally:
        for process in processes:
            process.kill()
            process.wait(timeout=30)
    assert running.returncode == 1
    assert errors.strip() == f"xrefdoc: error: the Dask scheduler at {address} went away"
    assert whole_site(site) == before


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
