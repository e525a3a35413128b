"""Fault injection: a build stopped at any moment, by SIGKILL, SIGINT or SIGTERM, after an
edit, a removal or a rename, is completed by the next build: the site is byte for byte the
site a clean build of the same tree makes, and every link of it resolves."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from helpers import build_command, differing, start_build, tree_files, whole_site, write_tree

from xrefdoc.commands.check import broken_links

FILES = tree_files(360)


def edit(tree: Path) -> None:
    module = tree / "pkg/sub_3/mod_10.py"
    module.write_text(
        module.read_text(encoding="utf-8") + "\n\ndef added_later(value):\n    return value\n",
        encoding="utf-8",
    )
    (tree / "docs/note_25.md").write_text("# Note 25\n\nNow uses `added_later`.\n")


def remove(tree: Path) -> None:
    git(tree, "rm", "-q", "pkg/sub_5/mod_12.py", "docs/note_50.md")
    git(tree, "rm", "-q", "-r", "data")


def rename(tree: Path) -> None:
    (tree / "pkg/moved").mkdir()
    git(tree, "mv", "pkg/sub_1/mod_8.py", "pkg/moved/mod_8.py")
    git(tree, "mv", "docs", "guide")


CHANGES: dict[str, Callable[[Path], None]] = {"edit": edit, "remove": remove, "rename": rename}
SIGNALS = {"SIGKILL": signal.SIGKILL, "SIGINT": signal.SIGINT, "SIGTERM": signal.SIGTERM}
# When each build is stopped, as a fraction of how long the same build takes unstopped.
MOMENTS = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6)


# Every tree's commit made at one moment: the same files give the same commit hash, which
# the site names (_xref/build.js), so a site built from another copy can equal it.
COMMIT_DATE = "2026-01-01T00:00:00+00:00"


def git(tree: Path, *args: str) -> None:
    dated = {**os.environ, "GIT_AUTHOR_DATE": COMMIT_DATE, "GIT_COMMITTER_DATE": COMMIT_DATE}
    subprocess.run(["git", "-C", str(tree), *args], check=True, capture_output=True, env=dated)


def build(tree: Path, site: Path) -> None:
    completed = subprocess.run(build_command(tree, site), capture_output=True, text=True)
    assert completed.returncode == 0, completed.stderr


def committed_tree(folder: Path) -> Path:
    tree = write_tree(folder, FILES)
    git(tree, "init", "-q")
    git(tree, "add", "-A")
    git(tree, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "A")
    return tree


@pytest.fixture(scope="module")
def clean_sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, bytes]]:
    """The site of a clean build of each changed tree, built elsewhere."""
    sites = {}
    for name, change in CHANGES.items():
        base = tmp_path_factory.mktemp(f"clean-{name}")
        tree = committed_tree(base / "tree")
        change(tree)
        build(tree, base / "site")
        sites[name] = whole_site(base / "site")
    return sites


def restore(tree: Path, site: Path) -> None:
    """The first tree again, and its site."""
    git(tree, "reset", "-q", "--hard")
    git(tree, "clean", "-q", "-fdx")
    build(tree, site)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, float]]]:
    """One tree and its site, built once: every case starts from it and puts it back; and
    how long the build after each change takes when nothing stops it."""
    base = tmp_path_factory.mktemp("stopped")
    tree, site = committed_tree(base / "tree"), base / "site"
    build(tree, site)
    durations = {}
    for name, change in CHANGES.items():
        restore(tree, site)
        change(tree)
        started = time.monotonic()
        build(tree, site)
        durations[name] = time.monotonic() - started
    yield base, durations
    shutil.rmtree(base)


CASES = [
    (change, signal_name, MOMENTS[(index * 3 + offset) % len(MOMENTS)])
    for index, (change, signal_name) in enumerate(
        (change, signal_name) for change in CHANGES for signal_name in SIGNALS
    )
    for offset in (0, 2)
]


@pytest.mark.parametrize(("change", "signal_name", "moment"), CASES)
def test_a_stopped_build_is_completed_by_the_next(
    workspace: tuple[Path, dict[str, float]],
    clean_sites: dict[str, dict[str, bytes]],
    change: str,
    signal_name: str,
    moment: float,
) -> None:
    base, durations = workspace
    tree, site = base / "tree", base / "site"
    restore(tree, site)
    CHANGES[change](tree)

    process = start_build(tree, site)
    time.sleep(moment * durations[change])
    assert process.poll() is None, f"the build ended before {moment:.0%} of its time"
    stop(process, signal_name)
    _, stderr = process.communicate(timeout=60)

    if signal_name != "SIGKILL":
        # Stopped politely: one line, the shell's code for the signal, and no process left.
        assert "Traceback" not in stderr, stderr
        assert "leaked" not in stderr, stderr
        expected = 128 + SIGNALS[signal_name]
        assert process.returncode in (0, expected), stderr
        if process.returncode == expected:
            assert stderr.strip().splitlines() == ["xrefdoc: interrupted"], stderr
    assert not leftover_processes(process.pid), "processes of the stopped build still run"

    build(tree, site)
    assert differing(clean_sites[change], whole_site(site)) == []
    assert not [path for path in site.rglob("*") if path.name.endswith(".tmp")]
    assert broken_links(site) == []


def stop(process: subprocess.Popen[str], signal_name: str) -> None:
    """Ctrl-C, as a terminal sends it (to the whole process group); or the signal sent to
    the main process only, as ``kill``, ``timeout`` or a CI runner does."""
    if signal_name == "SIGINT":
        os.killpg(process.pid, signal.SIGINT)
    else:
        os.kill(process.pid, SIGNALS[signal_name])


def leftover_processes(session: int) -> list[str]:
    """The processes still in the stopped build's session (it started one of its own)."""
    time.sleep(0.5)  # a worker notices its parent is gone within this
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if int(fields[3]) == session and fields[0] != "Z":
            found.append(entry.name)
    return found


def worker_processes(session: int) -> list[int]:
    """The worker processes (of ``multiprocessing``) in the build's session."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            fields = (entry / "stat").read_text().rpartition(")")[2].split()
            command = (entry / "cmdline").read_bytes()
        except (OSError, ValueError):
            continue
        if int(fields[3]) == session and b"multiprocessing" in command:
            found.append(int(entry.name))
    return found


@pytest.mark.parametrize("signal_name", list(SIGNALS))
def test_workers_end_with_a_build_stopped_while_files_are_parsed(
    tmp_path: Path, signal_name: str
) -> None:
    tree = write_tree(tmp_path / "tree", FILES)
    site = tmp_path / "site"
    process = start_build(tree, site)
    deadline = time.monotonic() + 60
    while not worker_processes(process.pid) and time.monotonic() < deadline:
        assert process.poll() is None, "the build ended before its workers started"
        time.sleep(0.01)
    workers = worker_processes(process.pid)
    assert workers, "no extraction worker started"
    time.sleep(0.3)  # the workers are parsing
    stop(process, signal_name)
    _, stderr = process.communicate(timeout=60)

    assert not leftover_processes(process.pid), "workers outlived the build"
    if signal_name != "SIGKILL":
        assert process.returncode == 128 + SIGNALS[signal_name], stderr
        assert stderr.strip().splitlines() == ["xrefdoc: interrupted"], stderr
    build(tree, site)
    assert broken_links(site) == []
