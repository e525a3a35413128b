"""A site on a disk that is full or read-only: the build says so in one line that names the
path and the cause, exits 1, and the last complete site stays as it was."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import build_command, tree_files, whole_site, write_tree

from xrefdoc.commands.check import broken_links


def mount(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["mount", *arguments], capture_output=True, text=True, check=False)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A file system of its own (tmpfs, 64 MiB) for the site: it can be filled or made
    read-only without touching anything else. Needs root, as in CI."""
    disk = tmp_path / "disk"
    disk.mkdir()
    if os.geteuid() != 0 or mount("-t", "tmpfs", "-o", "size=64m", "tmpfs", str(disk)).returncode:
        pytest.skip("mounting a small file system needs root (CI runs as root)")
    try:
        yield disk
    finally:
        mount("-o", "remount,rw", str(disk))
        subprocess.run(["umount", str(disk)], check=False)


def build(tree: Path, site: Path, *options: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        build_command(tree, site, *options),
        capture_output=True,
        text=True,
        check=False,
    )


def assert_one_error_line(completed: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert completed.returncode == 1, completed.stderr
    assert "Traceback" not in completed.stderr, completed.stderr
    errors = [line for line in completed.stderr.splitlines() if "error" in line.lower()]
    assert len(errors) == 1, completed.stderr
    assert errors[0].startswith("xrefdoc: error: "), completed.stderr
    for fragment in fragments:
        assert fragment in errors[0], completed.stderr


def change_the_tree(tree: Path) -> None:
    """Edits that rewrite every page and make it longer: a class renamed everywhere, a
    function more in each module, a new module."""
    for number, path in enumerate(sorted(tree.rglob("*.py"))):
        text = path.read_text(encoding="utf-8").replace("Engine", "Motor")
        added = "".join(
            f"\n\ndef helper_{number}_{n}(value):\n    return value\n" for n in range(20)
        )
        path.write_text(text + added, encoding="utf-8")
    (tree / "pkg/extra.py").write_text("from pkg.sub_0.mod_0 import Motor_0\n")


def test_a_read_only_site_fails_in_one_line_and_is_left_as_it_was(
    tmp_path: Path, small_disk: Path
) -> None:
    tree = write_tree(tmp_path / "tree", tree_files(60))
    site = small_disk / "site"
    assert build(tree, site).returncode == 0
    before = whole_site(site)
    change_the_tree(tree)
    assert mount("-o", "remount,ro", str(small_disk)).returncode == 0

    assert_one_error_line(build(tree, site), str(small_disk), "Read-only file system")
    assert whole_site(site) == before

    mount("-o", "remount,rw", str(small_disk))
    assert build(tree, site).returncode == 0
    assert "Motor_0" in (site / "pkg/sub_0/mod_0.py_docs.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("work_folder", ["beside the site", "on another disk"])
def test_a_full_disk_fails_in_one_line_and_leaves_the_last_site_as_it_was(
    tmp_path: Path, small_disk: Path, work_folder: str
) -> None:
    tree = write_tree(tmp_path / "tree", tree_files(60))
    site = small_disk / "site"
    # On another disk, the work folder has room and the site's own pages fill the disk.
    options = ["--work-dir", str(tmp_path / "work")] if work_folder == "on another disk" else []
    assert build(tree, site, *options).returncode == 0
    before = whole_site(site)
    change_the_tree(tree)
    # Leave less room than the rebuild's pages take.
    free = os.statvfs(small_disk).f_bavail * os.statvfs(small_disk).f_frsize
    ballast = small_disk / "ballast"
    with ballast.open("wb") as stream:
        stream.write(b"\0" * (free - 64 * 1024))

    assert_one_error_line(build(tree, site, *options), str(small_disk), "No space left on device")
    assert whole_site(site) == before, "the last complete site, as it was"
    assert broken_links(site) == []

    ballast.unlink()
    assert build(tree, site, *options).returncode == 0
    assert "Motor_0" in (site / "pkg/sub_0/mod_0.py_docs.html").read_text(encoding="utf-8")
    assert broken_links(site) == []
