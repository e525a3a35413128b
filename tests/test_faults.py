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
from helpers import write_tree

from xrefdoc.cache import cache_location
from xrefdoc.check import broken_links


def tree_files(count: int) -> dict[str, str | bytes]:
    """Modules that import each other, some prose and data: enough for a build to take a
    few seconds, so it can be stopped in the middle."""
    files: dict[str, str | bytes] = {"README.md": "# Fleet\n\nSee `pkg.mod_0.Engine_0`.\n"}
    for n in range(count):
        after = (n + 1) % count
        files[f"pkg/sub_{n % 7}/mod_{n}.py"] = (
            f"from pkg.sub_{after % 7}.mod_{after} import Engine_{after}\n\n\n"
            f"class Engine_{n}:\n"
            f'    """Engine number {n}."""\n\n'
            f"    def run_{n}(self, value):\n"
            f"        return Engine_{after}().run_{after}(value) if value else {n}\n"
        )
        if n % 25 == 0:
            files[f"docs/note_{n}.md"] = f"# Note {n}\n\nUses `Engine_{n}.run_{n}`.\n"
            files[f"data/table_{n}.json"] = f'{{"engine": {n}, "name": "Engine_{n}"}}\n'
    return files


def build_command(tree: Path, site: Path) -> list[str]:
    return [sys.executable, "-m", "xrefdoc", "build", str(tree), "-o", str(site), "-q"]


def build(tree: Path, site: Path, seed: str = "0") -> None:
    env = dict(os.environ, PYTHONHASHSEED=seed)
    completed = subprocess.run(
        build_command(tree, site), capture_output=True, text=True, check=False, env=env
    )
    assert completed.returncode == 0, completed.stderr


def pages(site: Path) -> dict[str, bytes]:
    """What a reader gets: every page, the search index and the inventory."""
    return {
        path.relative_to(site).as_posix(): path.read_bytes()
        for path in sorted(site.rglob("*"))
        if path.suffix in (".html", ".js", ".inv") and "_static" not in path.parts
    }


def differing(left: dict[str, bytes], right: dict[str, bytes]) -> list[str]:
    return sorted(name for name in left.keys() | right.keys() if left.get(name) != right.get(name))


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
    first, second = pages(site), pages(tmp_path / "site")
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
        ("while writing pages", when_exists("site/pkg/sub_3/*_kw.html")),
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
    assert differing(pages(clean_site), pages(site)) == []
    assert not [path for path in site.rglob("*") if path.name.endswith(".tmp")]
    assert broken_links(site) == []
    shutil.rmtree(tmp_path)
