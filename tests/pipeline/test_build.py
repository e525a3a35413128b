"""The one test of what changed since the last complete build (``TreeBuild.changes``), which
the standalone build and the extension both ask: what counts as a change and what does not."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from helpers import ENGINE_FILES, age, aged_tree, write_tree

from xrefdoc.core.settings import make_settings
from xrefdoc.pipeline import build as build_module
from xrefdoc.pipeline.build import TreeBuild
from xrefdoc.store.buildstate import Change, LastBuild, Signatures


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    return aged_tree(tmp_path / "tree", ENGINE_FILES)


@pytest.fixture
def last(tmp_path: Path) -> LastBuild:
    return LastBuild(tmp_path / "state-by-time", tmp_path / "state-by-content")


def check(tree: Path, last: LastBuild, digest: str = "settings", *, intact: bool = True) -> Change:
    """What a new build of ``tree`` finds; a build that finds a change completes (its
    signatures are recorded, as a build does when it finishes)."""
    change, signatures = TreeBuild(make_settings(tree)).changes(last, digest, intact=intact)
    if change is Change.CHANGED:
        last.record(signatures)
    return change


def test_a_first_build_has_everything_to_do_and_the_next_nothing(
    tree: Path, last: LastBuild
) -> None:
    assert check(tree, last) is Change.CHANGED
    assert check(tree, last) is Change.UNCHANGED
    assert check(tree, last) is Change.UNCHANGED


def test_an_edit_is_a_change(tree: Path, last: LastBuild) -> None:
    check(tree, last)
    (tree / "pkg/core.py").write_text("class Engine:\n    pass\n", "utf-8")
    assert check(tree, last) is Change.CHANGED
    assert check(tree, last) is Change.UNCHANGED


def test_an_edit_that_keeps_size_and_time_is_seen_by_the_inode_or_change_time(
    tree: Path, last: LastBuild
) -> None:
    check(tree, last)
    path = tree / "README.md"
    info = path.stat()
    path.write_text("# Engined\n", "utf-8")  # as long, and its times put back
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert check(tree, last) is Change.CHANGED


def test_a_touch_is_no_change_and_its_times_are_known_after(tree: Path, last: LastBuild) -> None:
    check(tree, last)
    age(tree, -60)  # a checkout, or a touch of every file
    assert check(tree, last) is Change.TOUCHED
    assert check(tree, last) is Change.UNCHANGED, "the new times were recorded"


@pytest.mark.parametrize("change", ["removed", "added"])
def test_a_file_removed_or_added_is_a_change(tree: Path, last: LastBuild, change: str) -> None:
    check(tree, last)
    if change == "removed":
        (tree / "README.md").unlink()
    else:
        write_tree(tree, {"pkg/pumps.py": "class Pump:\n    pass\n"})
    assert check(tree, last) is Change.CHANGED


def test_a_settings_change_is_a_change(tree: Path, last: LastBuild) -> None:
    check(tree, last, "settings")
    assert check(tree, last, "other settings") is Change.CHANGED
    assert check(tree, last, "settings") is Change.CHANGED, "recorded with the other ones"


def test_a_removed_page_makes_nothing_of_the_last_build_trusted(
    tree: Path, last: LastBuild
) -> None:
    check(tree, last)
    assert check(tree, last, intact=False) is Change.CHANGED
    age(tree, -60)
    assert check(tree, last, intact=False) is Change.CHANGED, "not even after a touch"


def test_a_change_forgets_the_last_build_until_one_completes(tree: Path, last: LastBuild) -> None:
    check(tree, last)
    original = (tree / "README.md").read_bytes()
    (tree / "README.md").write_text("# Changed\n", "utf-8")
    change, _ = TreeBuild(make_settings(tree)).changes(last, "settings", intact=True)
    assert change is Change.CHANGED
    # The build stopped before it completed; the file is put back as it was.
    (tree / "README.md").write_bytes(original)
    age(tree)
    assert check(tree, last) is Change.CHANGED


def test_the_tree_is_walked_and_hashed_once_for_both_records(
    tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The standalone build decides against its record, then the extension against its own,
    with the same walk and the same content hashes."""
    site = LastBuild(tmp_path / "site-by-time", tmp_path / "site-by-content")
    sphinx = LastBuild(tmp_path / "sphinx-by-time", tmp_path / "sphinx-by-content")
    build = TreeBuild(make_settings(tree))
    walks: list[object] = []
    hashings: list[object] = []
    real_walk, real_hashes = build_module.walk_tree, build_module.content_hashes
    monkeypatch.setattr(build_module, "walk_tree", lambda s: walks.append(s) or real_walk(s))
    monkeypatch.setattr(
        build_module,
        "content_hashes",
        lambda s, w: hashings.append(s) or real_hashes(s, w),
    )
    assert build.changes(site, "site", intact=True)[0] is Change.CHANGED
    assert build.changes(sphinx, "sphinx", intact=True)[0] is Change.CHANGED
    assert build.walked() is build.walked()
    assert (len(walks), len(hashings)) == (1, 1)


def test_a_build_whose_times_match_reads_no_file(tree: Path, last: LastBuild) -> None:
    check(tree, last)
    build = TreeBuild(make_settings(tree))
    change, signatures = build.changes(last, "settings", intact=True)
    assert change is Change.UNCHANGED
    assert signatures.by_content is None, "the contents were not hashed"


def test_another_selection_of_files_is_walked_again(tree: Path) -> None:
    build = TreeBuild(make_settings(tree))
    assert build.walks_like(make_settings(tree, never=[tree / "site"]))
    assert not build.walks_like(make_settings(tree, exclude=["README.md"]))
    assert not build.walks_like(make_settings(tree, include=["pkg/*"]))
    assert not build.walks_like(make_settings(tree, cache_dir=tree.parent / "cache"))


def test_the_signatures_recorded_are_those_taken_before_the_build(
    tree: Path, last: LastBuild
) -> None:
    """A file changed while the build runs is seen as changed by the next build."""
    change, signatures = TreeBuild(make_settings(tree)).changes(last, "settings", intact=True)
    assert change is Change.CHANGED
    assert isinstance(signatures, Signatures) and signatures.by_content is not None
    (tree / "README.md").write_text("# Changed while building\n", "utf-8")
    last.record(signatures)
    assert check(tree, last) is Change.CHANGED
