"""The check that a site's pages are all there (``pages_intact``) and the folder stamps that
spare it listing each folder: a folder is stamped only once its time is before the check
began by its file system's own clock, and a page deleted afterwards is always seen."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from xrefdoc.core.fsutil import pages_intact, stamp_folders, write_listing

PAGES = ["index.html", "pkg/a.py_docs.html", "pkg/sub/b.py_docs.html"]


def site_with_pages(tmp_path: Path, age: float = 3600) -> tuple[Path, Path]:
    """A site holding ``PAGES``, its folders last changed ``age`` seconds ago, and the
    manifest listing them in a work folder beside it."""
    site, manifest = tmp_path / "site", tmp_path / "work" / "pages"
    for page in PAGES:
        (site / page).parent.mkdir(parents=True, exist_ok=True)
        (site / page).write_text("page\n", encoding="utf-8")
    write_listing(manifest, PAGES)
    then = time.time() - age
    for folder in (site, site / "pkg", site / "pkg" / "sub"):
        os.utime(folder, (then, then))
    return site, manifest


def stamped(manifest: Path) -> set[str]:
    path = manifest.with_name(f"{manifest.name}.folders")
    return set(json.loads(path.read_text(encoding="utf-8"))["folders"]) if path.exists() else set()


def test_a_build_stamps_the_folders_it_published(tmp_path: Path) -> None:
    site, manifest = site_with_pages(tmp_path)
    stamp_folders(site, manifest)
    assert stamped(manifest) == {"", "pkg", "pkg/sub"}
    assert pages_intact(site, manifest)


def test_a_page_deleted_after_its_folder_was_stamped_is_seen(tmp_path: Path) -> None:
    site, manifest = site_with_pages(tmp_path)
    stamp_folders(site, manifest)
    (site / "pkg" / "sub" / "b.py_docs.html").unlink()
    assert not pages_intact(site, manifest)


def test_a_folder_changed_after_the_check_began_is_not_stamped(tmp_path: Path) -> None:
    """Its time is not before the clock file's: a change in the same tick as the check
    could leave it as it is, so the next check lists the folder again."""
    site, manifest = site_with_pages(tmp_path)
    later = time.time() + 3600  # by any clock, after the check began
    os.utime(site / "pkg", (later, later))
    assert pages_intact(site, manifest)
    assert stamped(manifest) == {"", "pkg/sub"}


def work_files(manifest: Path) -> list[tuple[str, int]]:
    return sorted((path.name, path.stat().st_mtime_ns) for path in manifest.parent.iterdir())


def test_a_check_whose_stamps_all_hold_writes_nothing(tmp_path: Path) -> None:
    """Not even the clock file: it is touched only when a folder may be stamped."""
    site, manifest = site_with_pages(tmp_path)
    stamp_folders(site, manifest)
    before = work_files(manifest)
    assert pages_intact(site, manifest)
    stamp_folders(site, manifest)
    assert work_files(manifest) == before
