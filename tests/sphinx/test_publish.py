"""Publishing a staged site: a file that stays staged is compared with the site's copy only
when either changed since the last publishing found them equal."""

from __future__ import annotations

import filecmp
import time
from pathlib import Path

import pytest

from xrefdoc.core.fsutil import TEMPORARY_SUFFIX
from xrefdoc.sphinx import publish as publishing

HOUR_NS = 3600 * 10**9


def stage_with(folder: Path, files: dict[str, str]) -> Path:
    for relative, text in files.items():
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        (folder / relative).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def an_hour_later(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every file is older than the racy window (a file written a moment ago is never vouched
    for, and a test cannot age a file's ctime)."""
    real = time.time_ns
    monkeypatch.setattr(publishing.time, "time_ns", lambda: real() + HOUR_NS)


def compared(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The staged files that publishing reads to compare, from now on."""
    seen: list[str] = []
    real = filecmp.cmp

    def counting(source: Path, target: Path, shallow: bool = True) -> bool:
        seen.append(Path(source).name)
        return real(source, target, shallow=shallow)

    monkeypatch.setattr(publishing.filecmp, "cmp", counting)
    return seen


def test_unchanged_staged_files_are_not_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, an_hour_later: None
) -> None:
    stage = stage_with(tmp_path / "stage", {"search.html": "<p>search</p>", "code/a.js": "a()"})
    site, listing = tmp_path / "site", tmp_path / "published"
    publishing.publish(stage, site, set(), listing)
    assert (site / "code/a.js").read_text(encoding="utf-8") == "a()"
    seen = compared(monkeypatch)
    (stage / "search.html").write_text("<p>found</p>", encoding="utf-8")
    assert publishing.publish(stage, site, set(), listing) == 1
    assert seen == ["search.html"], "the unchanged pair is vouched for by its stamps"
    assert (site / "search.html").read_text(encoding="utf-8") == "<p>found</p>"


def test_a_site_file_edited_by_hand_is_written_again(tmp_path: Path, an_hour_later: None) -> None:
    stage = stage_with(tmp_path / "stage", {"search.html": "<p>search</p>", "code/a.js": "a()"})
    site, listing = tmp_path / "site", tmp_path / "published"
    publishing.publish(stage, site, set(), listing)
    (site / "code/a.js").write_text("b()", encoding="utf-8")  # same size, staged copy as it was
    publishing.publish(stage, site, set(), listing)
    assert (site / "code/a.js").read_text(encoding="utf-8") == "a()"


def test_files_written_a_moment_ago_are_compared(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stage = stage_with(tmp_path / "stage", {"code/a.js": "a()"})
    site, listing = tmp_path / "site", tmp_path / "published"
    publishing.publish(stage, site, set(), listing)
    seen = compared(monkeypatch)
    publishing.publish(stage, site, set(), listing)
    assert seen == ["a.js"], "a change within the same tick of the clock would not show"


def test_the_folders_pages_leave_are_removed_from_the_stage(tmp_path: Path) -> None:
    """The next publishing walks the stage: folders of pages gone from it are not kept."""
    staged = {
        "pkg/sub/a.py.html": "a",
        "pkg/b.py.html": "b",
        "search.html": "s",
        "code/a.js": "a()",
    }
    stage = stage_with(tmp_path / "stage", staged)
    site, listing = tmp_path / "site", tmp_path / "published"
    publishing.publish(stage, site, {"pkg/sub/a.py.html", "pkg/b.py.html"}, listing)
    assert {path.relative_to(site).as_posix() for path in site.rglob("*.*")} == set(staged)
    assert sorted(path.relative_to(stage).as_posix() for path in stage.rglob("*")) == [
        "code",
        "code/a.js",
        "search.html",
    ]


def test_files_replaced_whole_are_shared_and_change_in_the_site_only_when_published(
    tmp_path: Path,
) -> None:
    stage = stage_with(tmp_path / "stage", {"code/a.js": "a()", "search.html": "s"})
    site, listing = tmp_path / "site", tmp_path / "published"
    publishing.publish(stage, site, set(), listing, replaced_whole=("code/",))
    assert (site / "code/a.js").samefile(stage / "code/a.js"), "shared, not copied"
    assert not (site / "search.html").samefile(stage / "search.html")
    # The next build replaces the staged file by a rename, as ``write_if_changed`` does.
    replacement = stage / "code/.a.js.tmp"
    replacement.write_text("b()", encoding="utf-8")
    replacement.replace(stage / "code/a.js")
    assert (site / "code/a.js").read_text(encoding="utf-8") == "a()"
    publishing.publish(stage, site, set(), listing, replaced_whole=("code/",))
    assert (site / "code/a.js").read_text(encoding="utf-8") == "b()"


def test_a_folder_of_pages_the_site_lacks_moves_whole(tmp_path: Path) -> None:
    """A first build's folders of pages move by one rename each; a folder that also holds
    a file that stays staged, or a temporary file a stopped write left, moves file by file,
    and the leftover stays out of the site."""
    pages = {"pkg/sub/a.py.html": "a", "pkg/b.py.html": "b", "mixed/c.py.html": "c"}
    staged = {**pages, "mixed/data.js": "d()", "left/e.py.html": "e", "search.html": "s"}
    stage = stage_with(tmp_path / "stage", staged)
    (stage / f"left/.e.py.html.publish{TEMPORARY_SUFFIX}").write_text("part", encoding="utf-8")
    folders = {name: (stage / name).stat().st_ino for name in ("pkg", "mixed", "left")}
    site, listing = tmp_path / "site", tmp_path / "published"
    moved = {*pages, "left/e.py.html"}

    assert publishing.publish(stage, site, moved, listing) == len(staged), "files written"

    published = {path.relative_to(site).as_posix() for path in site.rglob("*") if path.is_file()}
    assert published == set(staged)
    assert all((site / name).read_text(encoding="utf-8") == text for name, text in staged.items())
    assert (site / "pkg").stat().st_ino == folders["pkg"], "pkg/ moved by one rename"
    assert (site / "mixed").stat().st_ino != folders["mixed"]
    assert (site / "left").stat().st_ino != folders["left"]
    assert not (stage / "pkg").exists()
    assert (stage / "mixed/data.js").exists()
    # A second build's pages go into the folders the site has, file by file.
    stage_with(stage, {"pkg/b.py.html": "b2", "pkg/new/f.py.html": "f"})
    publishing.publish(stage, site, {*moved, "pkg/new/f.py.html"}, listing)
    assert (site / "pkg/b.py.html").read_text(encoding="utf-8") == "b2"
    assert (site / "pkg/sub/a.py.html").read_text(encoding="utf-8") == "a"
    assert (site / "pkg/new/f.py.html").read_text(encoding="utf-8") == "f"
    assert not (stage / "pkg").exists()
