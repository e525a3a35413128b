"""The site folder changes only when a build succeeded, and then all at once.

``xrefdoc build`` has Sphinx write into a stage in its work folder; publishing then puts
into the site what differs from it. Everything that needs room is written first, beside its
place; only when all of it is written are the files renamed into place (a rename needs no
room). A full or read-only disk therefore stops the build with the last complete site as it
was. Pages of files and folders leave the stage when published (they are the bulk of the
site, and nothing reads them back); what Sphinx reads back to know what to rewrite (its own
pages, the search index, ``.buildinfo``) and the code-search index, which its next update
reads, stay there and are copied.

A file that stays is compared with the site's byte for byte, unless both are as they were
when the last publishing found them equal: the same inode, size and times, kept beside the
listing (``<listing>.stamps``; each file's ``walk.stamps.file_stamp``, so a file changed a
moment ago is always compared). At 100,793 files the stage holds 37,505 files, most of them
the code-search index's: publishing a one-file rebuild there went from 3.3 to 2.2 s (the
rest is the walk of the stage and the lists of what was published). The folders the pages
leave are removed from the stage with them: at 20,590 files they were 11,700 of its 16,800
folders, and the walk of each rebuild went through them all. A folder of pages the site
does not have yet (every one, on a first build) moves by one rename (``_WholeFolders``).
"""

from __future__ import annotations

import filecmp
import json
import os
import shutil
import time
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from xrefdoc.core.fsutil import (
    TEMPORARY_SUFFIX,
    declare_coming,
    hard_linked,
    naming,
    read_json_object,
    read_listing,
    remove_empty_folders,
    remove_stale,
    with_ancestors,
    write_bytes_atomically,
)
from xrefdoc.walk.stamps import file_stamp


def staged_files(stage: Path, leftovers: set[str] | None = None) -> Iterator[str]:
    """Every file of the stage, relative and ``/``-separated; ``leftovers`` gets the folders
    (relative) that hold something else: a temporary file a stopped write left, or nothing."""
    top = len(os.path.join(stage, ""))  # the walk's folders all start with the stage's path
    for folder, folders, names in os.walk(stage):
        relative = folder[top:].replace(os.sep, "/")
        if leftovers is not None and not (folders or names):
            leftovers.add(relative)
        for name in names:
            if not name.endswith(TEMPORARY_SUFFIX):
                yield f"{relative}/{name}" if relative else name
            elif leftovers is not None:
                leftovers.add(relative)


@dataclass(slots=True)
class _Publication:
    """What one publishing does: files to rename into the site (from where), and the
    temporary copies made so far (deleted if it stops)."""

    renames: list[tuple[Path, Path]] = field(default_factory=list)
    temporaries: list[Path] = field(default_factory=list)

    def copy(self, source: Path, target: Path, link: bool = False) -> None:
        """Copy ``source`` beside ``target``, to be renamed into place; or with ``link``, a
        hard link to it where the file system allows one."""
        temporary = target.with_name(f".{target.name}.publish{TEMPORARY_SUFFIX}")
        self.temporaries.append(temporary)
        if link:  # a link is not made over a file a stopped run left; a copy writes over it
            temporary.unlink(missing_ok=True)
        try:
            if not (link and hard_linked(source, temporary)):
                shutil.copyfile(source, temporary)
        except OSError as error:  # named after the source it read; the target lacks room
            raise OSError(error.errno, error.strerror, str(target)) from error
        self.renames.append((temporary, target))

    def abandon(self) -> None:
        for temporary in self.temporaries:
            temporary.unlink(missing_ok=True)


def publish(
    stage: Path,
    site: Path,
    moved: Collection[str],
    listing: Path,
    replaced_whole: tuple[str, ...] = (),
) -> int:
    """Make ``site`` hold what ``stage`` holds. ``moved`` names every page of files and
    folders the site has now (the stage holds those written by this build): they leave the
    stage, the other files are copied; a file the site holds already, byte for byte, is not
    written again. ``listing`` names every file of the site that was published, so the
    ones neither staged nor moved are deleted. The staged files under the folders
    ``replaced_whole`` (relative, each with its ``/``) are only ever replaced by a rename,
    never written in place: the site shares them (a hard link) instead of a copy, and a
    later build that replaces one in the stage leaves the site's as it was. Returns how
    many files were written."""
    leftovers: set[str] = set()
    current = sorted(staged_files(stage, leftovers))
    stamps_file = listing.with_name(f"{listing.name}.stamps")
    vouched = read_json_object(stamps_file)
    started = time.time_ns()
    previous = read_listing(listing)
    now = {*previous, *current}
    declare_coming(listing, now)
    publication = _Publication()
    with naming(site):
        site.mkdir(parents=True, exist_ok=True)
    # A rename needs the stage and the site on one file system; else the pages are copied.
    renamed = os.stat(stage).st_dev == os.stat(site).st_dev
    whole = _WholeFolders(site, _mixed_folders(current, moved, leftovers) if renamed else None)
    folders: set[Path] = set()
    # The files that stay staged and are as the last publishing found them, with their stamps.
    kept: dict[str, str] = {}
    in_whole = 0  # the files that move with a whole folder
    try:
        for relative in current:
            if whole.holds(relative):
                in_whole += 1
                continue
            stamp = "" if relative in moved else vouched.get(relative, "")
            if stamp and stamp == _pair_stamp(stage, site, relative, started):
                kept[relative] = stamp
                continue  # both as they were when found equal
            source, target = stage / relative, site / relative
            if _same_bytes(source, target):
                if relative in moved:
                    source.unlink()
                continue
            if target.parent not in folders:
                with naming(target.parent):
                    target.parent.mkdir(parents=True, exist_ok=True)
                folders.add(target.parent)
            if renamed and relative in moved:
                publication.renames.append((source, target))
            else:
                publication.copy(source, target, link=relative.startswith(replaced_whole))
        for folder in whole.chosen:
            target = site / folder
            with naming(target.parent):
                target.parent.mkdir(parents=True, exist_ok=True)
            publication.renames.append((stage / folder, target))
    except BaseException:
        publication.abandon()
        raise
    # Everything that needed room is written: from here on, only renames.
    for source, target in publication.renames:
        os.replace(source, target)
    if not renamed:  # pages copied to a site on another file system leave the stage too
        for relative in current:
            if relative in moved:
                (stage / relative).unlink(missing_ok=True)
    # The folders the pages left go too: the next walk of the stage need not list them.
    # A folder moved whole is gone already; its parent may be left empty.
    gone = [relative for relative in current if relative in moved and not whole.holds(relative)]
    remove_empty_folders(stage, {(stage / relative).parent for relative in [*gone, *whole.chosen]})
    remove_stale(site, listing, [*current, *moved])
    published = time.time_ns()
    for relative in current:
        if relative not in moved and relative not in kept:
            stamp = _pair_stamp(stage, site, relative, published)
            if stamp:
                kept[relative] = stamp
    write_bytes_atomically(stamps_file, json.dumps(kept, separators=(",", ":")).encode())
    return len(publication.renames) - len(whole.chosen) + in_whole


def _mixed_folders(
    current: Collection[str], moved: Collection[str], leftovers: set[str]
) -> set[str]:
    """The folders of the stage (relative) that hold more than pages that move: a file that
    stays staged, or a ``leftovers`` folder, at any depth; the stage itself ("") always."""
    staying = (path.rpartition("/")[0] for path in current if path not in moved)
    return with_ancestors(["", *staying, *leftovers])


class _WholeFolders:
    """The folders of the stage that move into the site by one rename each: every file
    under one is a page that moves, and the site has nothing of its name; none when
    ``mixed`` is None (the stage and the site on two file systems, where pages are copied).
    On a first build that is every folder of pages: publishing 20,570 files took 5.2-5.5 s
    page by page, 0.9-1.0 s so."""

    def __init__(self, site: Path, mixed: set[str] | None) -> None:
        self._site = site
        self._mixed = mixed
        self._whole: dict[str, bool] = {}
        self.chosen: list[str] = []  # the outermost of them, in the order first met

    def holds(self, relative: str) -> bool:
        """Whether the staged file or folder ``relative`` moves with a whole folder."""
        folder = relative.rpartition("/")[0]
        if not folder or self._mixed is None:
            return False
        if folder not in self._whole:
            above = self.holds(folder)
            outermost = (
                not above and folder not in self._mixed and not os.path.lexists(self._site / folder)
            )
            if outermost:
                self.chosen.append(folder)
            self._whole[folder] = above or outermost
        return self._whole[folder]


def _pair_stamp(stage: Path, site: Path, relative: str, now_ns: int) -> str:
    """The ``file_stamp`` of a staged file and of its copy in the site, as of ``now_ns``;
    empty when either is missing or was changed a moment before."""
    stamps = []
    for folder in (stage, site):
        try:
            stamp = file_stamp(os.stat(os.path.join(folder, relative)), now_ns)
        except OSError:
            return ""
        if not stamp:
            return ""
        stamps.append(stamp)
    return " ".join(stamps)


def _same_bytes(source: Path, target: Path) -> bool:
    try:
        return filecmp.cmp(source, target, shallow=False)
    except OSError:
        return False
