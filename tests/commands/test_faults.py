"""Builds that are killed, and builds that are repeated: a killed build leaves a cache and a
site the next build completes; the same tree gives the same pages, byte for byte."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import build_command, differing, site_files, start_build, tree_files, write_tree

from xrefdoc.commands.check import broken_links
from xrefdoc.store.cache import cache_location


def build(tree: Path, site: Path, seed: str = "0") -> None:
    env = dict(os.environ, PYTHONHASHSEED=seed)
    completed = subprocess.run(
        build_command(tree, site), capture_output=True, text=True, check=False, env=env
    )
    assert completed.returncode == 0, completed.stderr


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, str | bytes], Path]:
    """The tree's files and the site of a clean build of them."""
    files = tree_files(240)
    base = tmp_path_factory.mktemp("clean")
    tree = write_tree(base / "tree", files)
    build(tree, base / "site")
    return files, base / "site"


def test_two_builds_give_the_same_bytes(
    clean: tuple[dict[str, str | bytes], Path], tmp_path: Path
) -> None:
    files, site = clean
    # Another place, another hash seed: no absolute path, no set order reaches a page.
    tree = write_tree(tmp_path / "elsewhere" / "tree", files)
    build(tree, tmp_path / "site", seed="12345")
    first, second = site_files(site), site_files(tmp_path / "site")
    assert len(first) > 500
    assert differing(first, second) == []


def when_exists(pattern: str) -> Callable[[Path, Path], bool]:
    def ready(tree: Path, site: Path) -> bool:
        return any(site.parent.glob(pattern)) or any(tree.glob(pattern))

    return ready


def cache_opened(tree: Path, site: Path) -> bool:
    """The build opened the tree's record cache: extraction starts."""
    folder = cache_location(tree.resolve()).folder
    return folder is not None and any(folder.glob("records.sqlite*"))


@pytest.mark.parametrize(
    ("moment", "ready"),
    [
        ("while extracting", cache_opened),
        # In the stage, where pages are written: the site gets them when the build is done,
        # and a folder of pages moves there by one rename, too quick to be killed in.
        ("while writing pages", when_exists(".xrefdoc/site/html/pkg/sub_3/*_kw.html")),
    ],
)
def test_a_killed_build_is_completed_by_the_next(
    clean: tuple[dict[str, str | bytes], Path],
    tmp_path: Path,
    moment: str,
    ready: Callable[[Path, Path], bool],
) -> None:
    files, clean_site = clean
    tree = write_tree(tmp_path / "tree", files)
    site = tmp_path / "site"
    process = subprocess.Popen(
        build_command(tree, site),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while not ready(tree, site) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert process.poll() is None, f"the build ended before it could be killed {moment}"
    os.killpg(process.pid, signal.SIGKILL)  # the build and its worker processes
    process.wait()

    build(tree, site)
    assert differing(site_files(clean_site), site_files(site)) == []
    assert not [path for path in site.rglob("*") if path.name.endswith(".tmp")]
    assert broken_links(site) == []
    shutil.rmtree(tmp_path)


def test_a_second_build_into_the_same_site_waits_for_the_first(
    clean: tuple[dict[str, str | bytes], Path], tmp_path: Path
) -> None:
    files, clean_site = clean
    tree = write_tree(tmp_path / "tree", files)
    site = tmp_path / "site"
    first = start_build(tree, site)
    started = when_exists(".xrefdoc/site/xrefdoc-build-unfinished")
    deadline = time.monotonic() + 120
    while not started(tree, site) and first.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert first.poll() is None, "the first build ended before the second started"

    second = subprocess.run(build_command(tree, site), capture_output=True, text=True)
    _, first_errors = first.communicate(timeout=120)
    assert first.returncode == 0, first_errors
    assert second.returncode == 0, second.stderr
    assert "another build into" in second.stderr
    assert "waiting for it to finish" in second.stderr
    assert differing(site_files(clean_site), site_files(site)) == []
    assert broken_links(site) == []


def test_a_stop_that_lands_where_python_ignores_errors_still_stops_the_command() -> None:
    # SIGTERM inside a finaliser (or a weak reference's callback while a module is
    # imported) is an error Python ignores and prints; the command must stop all the same.
    code = """
import os, signal, sys, time
from xrefdoc.core import stopping
stopping.install()
stopping.begin()
class Finalised:
    def __del__(self):
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(0.2)
try:
    Finalised()
    for _ in range(100):
        time.sleep(0.01)
    print("went on")
except KeyboardInterrupt:
    print("stopped by", stopping.signal_of(stopping.requested()).name)
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout == "stopped by SIGTERM\n"
    assert "Exception ignored" not in done.stderr
    assert "Traceback" not in done.stderr


def test_a_ctrl_c_that_a_library_swallows_still_stops_the_build(tmp_path: Path) -> None:
    # Ctrl-C while Sphinx is imported, as xml.etree imports pyexpat: CPython turns the
    # KeyboardInterrupt into an ImportError there (PyCapsule_Import), which ElementTree
    # catches. The build went on and exited 0, printing nothing (as a CI run did when a build
    # was sent Ctrl-C with its extraction workers starting).
    tree = write_tree(tmp_path / "tree", {"pkg/core.py": "class Engine:\n    pass\n"})
    site, landed = tmp_path / "site", tmp_path / "landed"
    code = """
import os, signal, sys
from pathlib import Path

_, tree, site, landed = sys.argv

class CtrlCOnPyexpat:
    def find_spec(self, name, path=None, target=None):
        if name == "pyexpat":
            sys.meta_path.remove(self)
            Path(landed).touch()
            os.kill(os.getpid(), signal.SIGINT)
        return None

sys.meta_path.insert(0, CtrlCOnPyexpat())
from xrefdoc.commands.cli import run
sys.argv = ["xrefdoc", "build", tree, "-o", site, "-q"]
run()
"""
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", code, str(tree), str(site), str(landed)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert landed.exists(), "the build no longer imports pyexpat: move the Ctrl-C elsewhere"
    assert done.returncode == 128 + signal.SIGINT, done.stderr
    assert done.stderr.strip().splitlines() == ["xrefdoc: interrupted"], done.stderr
    assert not (site / "index.html").exists(), "the build went on after Ctrl-C"
    assert time.monotonic() - started < 60


def test_a_stopped_command_ends_the_workers_a_library_left_running() -> None:
    # Sphinx's parallel readers are left running when its clean-up fails as a Ctrl-C
    # unwinds it (its ParallelTasks.terminate raises KeyError); one blocked handing back its
    # result (nobody reads it now) was waited for by the exit functions, for ever.
    code = """
import multiprocessing
from xrefdoc.commands import cli

def reader(receiver, sender):
    receiver.close()  # so that it ends if this test fails, and its parent is killed
    sender.send(b"doctree" * 1_000_000)

def stopped_build():
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    context.Process(target=reader, args=(receiver, sender)).start()
    return 130

cli.main = stopped_build
cli.run()
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 128 + signal.SIGINT, done.stderr


def test_a_fault_in_a_stage_of_the_build_is_told_in_one_short_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Sphinx names a handler that failed by its repr: the build's whole state, every page
    name of the tree, was hundreds of megabytes in the one line the error is."""
    from xrefdoc.commands.cli import main
    from xrefdoc.sphinx import extension

    def broken(*arguments: object) -> None:
        raise RuntimeError("the index data broke")

    monkeypatch.setattr(extension, "write_index_data", broken)
    tree = write_tree(tmp_path / "tree", tree_files(60))
    assert main(["build", str(tree), "-o", str(tmp_path / "out"), "-q"]) != 0
    errors = [line for line in capsys.readouterr().err.splitlines() if "error" in line]
    assert errors, "the failure is told"
    assert "the index data broke" in errors[-1]
    assert len(errors[-1]) < 500, errors[-1][:500]


@pytest.mark.parametrize(
    ("stage", "other"),
    # The git data is waited for first: the code search, slow, is then stopped.
    [("write_code_index", None), ("update_git_data", "write_code_index")],
)
def test_a_fault_in_work_done_beside_the_build_fails_it_and_ends_the_rest(
    stage: str,
    other: str | None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The code-search index and the git data are written by processes forked while the
    build renders its pages (two jobs): an error in one is the build's, told in one line,
    and what is still running beside it is ended, not waited for."""
    import multiprocessing

    from xrefdoc.commands.cli import main
    from xrefdoc.sphinx import extension

    def broken(*arguments: object, **options: object) -> None:
        raise RuntimeError(f"{stage} broke in process {os.getpid()}")

    def slow(*arguments: object, **options: object) -> None:
        time.sleep(60)

    monkeypatch.setattr(extension, stage, broken)
    if other is not None:
        monkeypatch.setattr(extension, other, slow)
    tree = write_tree(tmp_path / "tree", tree_files(60))
    started = time.monotonic()
    assert main(["build", str(tree), "-o", str(tmp_path / "out"), "-q", "-j", "2"]) != 0
    assert time.monotonic() - started < 45, "the other work was waited for"
    errors = [line for line in capsys.readouterr().err.splitlines() if "error" in line]
    assert errors, "the failure is told"
    assert f"{stage} broke in process" in errors[-1]
    assert f"process {os.getpid()}" not in errors[-1], "it ran beside the build"
    assert len(errors[-1]) < 500, errors[-1][:500]
    assert multiprocessing.active_children() == []
    assert not (tmp_path / "out" / "index.html").exists(), "a failed build publishes nothing"


def test_the_code_search_starts_beside_the_index_and_ends_when_the_index_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The code-search index needs only the records: its writer is forked as soon as the
    files are extracted, while the index is made in this process. A fault in the index
    fails the build in one line, and the writer, started already, is ended."""
    import multiprocessing

    from xrefdoc.commands.cli import main
    from xrefdoc.pipeline import scan
    from xrefdoc.sphinx import extension

    started = tmp_path / "code search started"

    def slow(*arguments: object, **options: object) -> None:
        started.write_text(str(os.getpid()), encoding="utf-8")
        time.sleep(60)

    def broken(*arguments: object) -> None:
        for _ in range(100):  # until the writer beside it has started, or 10 s
            if started.exists():
                break
            time.sleep(0.1)
        raise RuntimeError("the index broke")

    monkeypatch.setattr(extension, "write_code_index", slow)
    monkeypatch.setattr(scan, "resolve_index", broken)
    tree = write_tree(tmp_path / "tree", tree_files(60))
    began = time.monotonic()
    assert main(["build", str(tree), "-o", str(tmp_path / "out"), "-q", "-j", "2"]) != 0
    assert time.monotonic() - began < 45, "the code search was waited for"
    assert started.exists(), "the code search started before the index was made"
    assert started.read_text(encoding="utf-8") != str(os.getpid()), "beside the build"
    errors = [line for line in capsys.readouterr().err.splitlines() if "error" in line]
    assert errors and "the index broke" in errors[-1]
    assert multiprocessing.active_children() == []
    assert not (tmp_path / "out" / "index.html").exists(), "a failed build publishes nothing"
