"""The signatures of a build and the record of the last complete one: what each signature
notices (an edit, a touch, a removed or added file, a setting) and what it does not."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from helpers import ENGINE_FILES, age, aged_tree, write_tree

from xrefdoc.analyze import rule_names
from xrefdoc.core.settings import Settings, make_settings
from xrefdoc.pipeline.build import walk_tree
from xrefdoc.pipeline.scan import scan
from xrefdoc.store import buildstate
from xrefdoc.store.buildstate import (
    LastBuild,
    Signatures,
    content_hashes,
    content_signature,
    settings_signature,
    tree_signature,
)
from xrefdoc.walk import stamps as stamps_module


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    return aged_tree(tmp_path / "tree", ENGINE_FILES)


def signatures(settings: Settings, digest: str = "settings") -> tuple[str, str | None]:
    """The tree's signatures by time and by content, as a build takes them."""
    walked = walk_tree(settings)
    hashes = content_hashes(settings, walked)
    by_content = None if hashes is None else content_signature(walked, hashes, digest)
    return tree_signature(settings, walked, digest), by_content


def test_nothing_changed_gives_the_same_signatures(tree: Path) -> None:
    settings = make_settings(tree)
    assert signatures(settings) == signatures(settings)


def test_an_edit_changes_both_signatures(tree: Path) -> None:
    settings = make_settings(tree)
    by_time, by_content = signatures(settings)
    (tree / "pkg/core.py").write_text("class Engine:\n    pass\n", "utf-8")
    after_time, after_content = signatures(settings)
    assert after_time != by_time
    assert after_content != by_content


def test_a_touch_changes_the_signature_by_time_only(tree: Path) -> None:
    settings = make_settings(tree)
    by_time, by_content = signatures(settings)
    age(tree, -60)
    after_time, after_content = signatures(settings)
    assert after_time != by_time
    assert after_content == by_content


@pytest.mark.parametrize("change", ["removed", "added", "renamed"])
def test_a_file_removed_added_or_renamed_changes_both(tree: Path, change: str) -> None:
    settings = make_settings(tree)
    by_time, by_content = signatures(settings)
    if change == "removed":
        (tree / "README.md").unlink()
    elif change == "added":
        write_tree(tree, {"pkg/pumps.py": "class Pump:\n    pass\n"})
        age(tree)
    else:
        (tree / "README.md").rename(tree / "NOTES.md")
    after_time, after_content = signatures(settings)
    assert after_time != by_time
    assert after_content != by_content


def test_the_settings_and_the_output_are_part_of_the_settings_signature(tree: Path) -> None:
    plain = make_settings(tree)
    digest = settings_signature(plain, ["html", "/site"])
    assert settings_signature(plain, ["html", "/site"]) == digest
    others = [
        settings_signature(make_settings(tree, exclude=["README.md"]), ["html", "/site"]),
        settings_signature(make_settings(tree, source_cap=1000), ["html", "/site"]),
        settings_signature(
            make_settings(tree, disable_rules=["pattern"], rule_names=rule_names), ["html", "/site"]
        ),
        settings_signature(plain, ["html", "/elsewhere"]),
        settings_signature(plain, ["dirhtml", "/site"]),
    ]
    assert digest not in others
    assert len(set(others)) == len(others)
    # The folders never documented (output and work folders) are no setting of the pages.
    assert settings_signature(make_settings(tree, never=[tree / "out"]), ["html", "/site"]) == (
        digest
    )


def test_a_settings_change_changes_both_signatures(tree: Path) -> None:
    settings = make_settings(tree)
    one_time, one_content = signatures(settings, "one")
    two_time, two_content = signatures(settings, "two")
    assert one_time != two_time
    assert one_content != two_content


def test_content_hashes_come_from_the_cache_where_the_stamp_vouches(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Files written by the test are "racy" (just modified) for two seconds: none here.
    monkeypatch.setattr(stamps_module, "_RACY_NS", 0)
    settings = make_settings(tree)
    scan(settings)  # stores every file's stamp and hash
    expected = [
        (path, hashlib.sha256((tree / path).read_bytes()).hexdigest())
        for path in sorted(ENGINE_FILES)
    ]

    def unreadable(root: Path, path: str) -> tuple[bytes, str]:
        raise AssertionError(f"{path} was read")

    monkeypatch.setattr(buildstate, "read_file", unreadable)
    assert content_hashes(settings, walk_tree(settings)) == expected


def test_a_file_that_cannot_be_read_leaves_no_content_signature(tree: Path) -> None:
    settings = make_settings(tree)
    walked = walk_tree(settings)
    (tree / "README.md").unlink()  # gone between the walk and the hashing
    assert content_hashes(settings, walked) is None


def test_the_last_build_is_known_only_once_recorded_and_until_forgotten(tmp_path: Path) -> None:
    last = LastBuild(tmp_path / "by-time", tmp_path / "by-content")
    assert not last.matches_time("t1")
    assert not last.matches_content("c1")

    last.record(Signatures("t1", "c1"))
    assert last.matches_time("t1") and last.matches_content("c1")
    assert not last.matches_time("t2") and not last.matches_content("c2")
    assert not last.matches_content(None), "an unreadable tree matches nothing"

    last.record_time("t2")
    assert last.matches_time("t2") and not last.matches_time("t1")
    assert last.matches_content("c1")

    last.forget()
    assert not last.matches_time("t2") and not last.matches_content("c1")
    assert not (tmp_path / "by-time").exists() and not (tmp_path / "by-content").exists()

    last.record(Signatures("t3", None))
    assert last.matches_time("t3")
    assert not (tmp_path / "by-content").exists()
