"""Writes that are atomic and skipped when nothing changed, the record of what we wrote, and
one build at a time."""

from __future__ import annotations

import contextlib
import fcntl
import io
import json
import os
import pickle
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO

MANIFEST = ".xrefdoc-manifest"
# The end of the name of a file being written: one left by a stopped run is deleted.
TEMPORARY_SUFFIX = ".tmp"


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


# Files we write get the permissions any new file gets (mkstemp would make them private).
_FILE_MODE = 0o666 & ~_umask()


def write_if_changed(path: Path, text: str) -> bool:
    """Write ``text`` to ``path`` atomically unless it already holds exactly that."""
    data = text.encode("utf-8")
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    write_bytes_atomically(path, data)
    return True


class _PlainUnpickler(pickle.Unpickler):
    """Loads builtins only (strings, bytes, numbers, tuples, lists, sets, dicts): a file of
    ours that was damaged or planted must not run code when it is read."""

    def find_class(self, module: str, name: str) -> type:
        raise pickle.UnpicklingError(f"{module}.{name}: only builtins are read here")


def read_plain_pickle(path: Path) -> Any:
    """The value pickled in ``path``, which holds builtins only (else an error); read from
    the file as it is unpickled, not whole first."""
    with path.open("rb") as stream:
        return _PlainUnpickler(stream).load()


def plain_unpickled(data: bytes) -> Any:
    """The value pickled in ``data``, which holds builtins only (else an error)."""
    return _PlainUnpickler(io.BytesIO(data)).load()


def write_bytes_atomically(path: Path, data: bytes) -> None:
    """Replace ``path`` by a file holding ``data``: a reader sees the old file or the new one,
    never part of one, even when the writer is killed."""
    write_atomically(path, lambda stream: stream.write(data))


def pickle_atomically(path: Path, value: object) -> None:
    """``write_bytes_atomically`` of ``value`` pickled, written as it is pickled: a large
    bytes object in it goes to the file as it is, not copied into the pickle's bytes first
    (the kept resolutions of NumPy x3 are 140 MB)."""
    write_atomically(path, lambda stream: pickle.dump(value, stream, pickle.HIGHEST_PROTOCOL))


def write_atomically(path: Path, write: Callable[[BinaryIO], object]) -> None:
    """Replace ``path`` by a file that ``write`` fills, as ``write_bytes_atomically`` does."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # Named so that no reader takes it for a page (Sphinx reads every ``.md`` of its source).
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=TEMPORARY_SUFFIX)
    try:
        with naming(path), os.fdopen(handle, "wb") as stream:
            write(stream)
        os.chmod(temporary, _FILE_MODE)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@contextmanager
def naming(path: Path) -> Iterator[None]:
    """An OSError of the block names ``path`` when it names no file: a write that fails for
    want of space names none, and the user must learn where."""
    try:
        yield
    except OSError as error:
        if error.filename is None:
            raise OSError(error.errno, error.strerror, str(path)) from error
        raise


# Writes the named pages of ``pages`` under ``folder``; how many it wrote (``write_generated``).
PageWriter = Callable[[Path, Mapping[str, Callable[[], str]], list[str]], int]


def write_generated(folder: Path, pages: Mapping[str, Callable[[], str]], names: list[str]) -> int:
    """Write the pages ``names`` of ``pages`` (relative path → what makes its text, called
    as it is written, so one page's text is held at a time) under ``folder``, each only if
    its text changed; how many were written."""
    return sum(write_if_changed(folder / relative, pages[relative]()) for relative in names)


def replace_generated(
    folder: Path,
    pages: Mapping[str, Callable[[], str]],
    kept: Iterable[str] = (),
    write: PageWriter = write_generated,
) -> tuple[int, int]:
    """Write ``pages`` under ``folder`` with ``write`` and delete the files an earlier run
    wrote that are neither in ``pages`` nor in ``kept`` (pages left as they are); returns
    (written, deleted)."""
    manifest = folder / MANIFEST
    declare_coming(manifest, pages)
    written = write(folder, pages, sorted(pages))
    return written, remove_stale(folder, manifest, [*pages, *kept])


# A listing holds any file name: each path ends with a NUL, the one character no name holds
# (a name may hold a newline). Listings without this first line hold a path a line.
LISTING_HEADER = "xrefdoc listing, NUL-separated\n"


def read_listing(manifest: Path) -> set[str]:
    """The relative paths a manifest lists (none when it is missing or unreadable)."""
    try:
        text = manifest.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return set()
    if not text.startswith(LISTING_HEADER):
        return set(text.splitlines())  # written by an earlier version
    return set(text[len(LISTING_HEADER) :].split("\0")[:-1])


def write_listing(manifest: Path, relatives: Iterable[str]) -> None:
    names = "".join(f"{relative}\0" for relative in sorted(set(relatives)))
    write_if_changed(manifest, LISTING_HEADER + names)


def relist(manifest: Path, gone: Iterable[str], come: Iterable[str]) -> None:
    """List ``come`` in ``manifest`` in place of ``gone`` (files written and deleted outside
    the run that keeps it), when that changes it: not read when both are empty, as they are
    on every rebuild that finds nothing changed."""
    gone, come = set(gone), set(come)
    if not gone and not come:
        return
    listed = read_listing(manifest)
    now = (listed - gone) | come
    if now != listed:
        write_listing(manifest, now)


def declare_coming(manifest: Path, coming: Iterable[str]) -> None:
    """Before anything is written: list the files about to be written beside those listed
    already. A run stopped part-way then leaves every file it may have written listed, and
    the next run deletes those that are no longer current (``remove_stale``)."""
    listed = read_listing(manifest)
    coming = set(coming)
    if not coming <= listed:
        write_listing(manifest, listed | coming)


def remove_stale(folder: Path, manifest: Path, current: Iterable[str]) -> int:
    """Delete the files under ``folder`` that ``manifest`` lists and ``current`` (relative
    paths) does not, then list ``current`` in it; returns how many were deleted. Only files
    inside ``folder`` are ever deleted, whatever the manifest says."""
    previous = read_listing(manifest)
    kept = set(current)
    top = folder.resolve()
    stale = [
        path
        for relative in sorted(previous - kept)
        if (path := (folder / relative).resolve()).is_relative_to(top) and path != top
    ]
    for path in stale:
        path.unlink(missing_ok=True)
    remove_empty_folders(top, [path.parent for path in stale])
    write_listing(manifest, kept)
    return len(stale)


def remove_unfinished(folder: Path) -> None:
    """Delete the files a stopped run was writing under ``folder`` (``.NAME.tmp``)."""
    for unfinished in folder.rglob(f".*{TEMPORARY_SUFFIX}"):
        unfinished.unlink(missing_ok=True)


@contextmanager
def one_at_a_time(lock: Path, waiting: Callable[[str], None]) -> Iterator[None]:
    """Hold an exclusive lock on the file ``lock`` for the block. When another process holds
    it, ``waiting`` is told which (its process id), then the block waits its turn. The
    kernel lets go of the lock when its holder ends, killed or not, so none goes stale."""
    with open(lock, "a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            waiting(f"process {handle.read().strip() or 'unknown'}")
            fcntl.flock(handle, fcntl.LOCK_EX)
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def hard_linked(source: str | Path, target: str | Path) -> bool:
    """Whether ``target`` (not there) is now a hard link to ``source``; not when the two are
    on different file systems or the file system has none, or ``target`` came meanwhile."""
    try:
        os.link(source, target)
    except OSError:
        return False
    return True


def with_ancestors(folders: Iterable[str]) -> set[str]:
    """The folders (relative, ``/``-separated) and every folder above each, the top ("")
    included."""
    found: set[str] = set()
    for folder in folders:
        while folder not in found:
            found.add(folder)
            if not folder:
                break
            folder = folder.rpartition("/")[0]
    return found


def remove_empty_folders(top: Path, folders: Iterable[Path]) -> None:
    """Remove each of ``folders`` (under ``top``, resolved) that is empty, and each of its
    parents below ``top`` that this leaves empty."""
    for folder in sorted(set(folders), key=lambda item: len(item.parts), reverse=True):
        while folder != top and folder.is_relative_to(top):
            try:
                folder.rmdir()
            except OSError:
                break
            folder = folder.parent


def pages_intact(folder: Path, manifest: Path) -> bool:
    """Whether every file ``manifest`` lists (relative to ``folder``) is still there: a
    site someone deleted pages from, or a work folder kept without its site, is not one a
    build can leave as it is.

    Removing, adding or renaming a file changes its folder's modification time. So once a
    folder's listed files were all seen, its inode and time are kept beside the manifest
    (``<manifest>.folders``), and the next check stats the folder instead of each of its
    files: 58,000 pages at 20,000 files took 0.3 s, a third of a no-change rebuild. A
    folder whose inode or time moved has its files looked at again, and is stamped only if
    its time is before the check began by its file system's own clock (``_touched``): a
    change in the same tick of that clock would leave its time as it was (git's "racy"
    files)."""
    listed = read_listing(manifest)
    if not listed:
        return False
    by_folder: dict[str, list[str]] = {}
    for name in listed:  # ``/``-separated: the folder is what the last ``/`` ends
        by_folder.setdefault(name.rpartition("/")[0], []).append(name)
    stamps_file = _beside(manifest, "folders")
    listing = _stamp(manifest)
    stamps = _read_folder_stamps(stamps_file, listing)
    now = time.time_ns()
    clock: os.stat_result | None = None  # when the check began, once a folder needs it
    kept: dict[str, list[int]] = {}
    for relative, names in sorted(by_folder.items()):
        path = os.path.join(folder, relative)
        try:
            info = os.stat(path)
            if clock is None and stamps.get(relative) != _folder_stamp(info):
                # Only now, so a check whose stamps all hold writes nothing; the folder is
                # looked at again after it, so a change since has a later time.
                clock = _touched(_beside(manifest, "clock"))
                info = os.stat(path)
        except OSError:
            return False
        stamp = _folder_stamp(info)
        if stamps.get(relative) != stamp:
            if not _all_files(path, names):
                return False
            if not _settled(info, clock, now):
                continue
        kept[relative] = stamp
    if kept != stamps and listing is not None:
        # Unwritten, the next check looks at every file again.
        with contextlib.suppress(OSError):
            text = json.dumps({"manifest": listing, "folders": kept})
            write_bytes_atomically(stamps_file, text.encode())
    return True


def _touched(path: Path) -> os.stat_result | None:
    """The status of ``path`` made or touched now: its time is the file system's clock at
    this instant (on NFS, the server's), the clock that times the site's folders when they
    are on the same file system."""
    try:
        path.touch()
        return os.stat(path)
    except OSError:
        return None


def _settled(info: os.stat_result, clock: os.stat_result | None, now_ns: int) -> bool:
    """Whether a folder's time is older than any change from now on can have: earlier than
    ``clock`` (``_touched`` before the folder was looked at) on the same file system,
    whatever that clock's tick or its drift from ours; on another, ``_RACY_NS`` before
    ``now_ns`` by our clock."""
    if clock is not None and clock.st_dev == info.st_dev:
        return info.st_mtime_ns < clock.st_mtime_ns
    return now_ns - info.st_mtime_ns >= _RACY_NS


def stamp_folders(folder: Path, manifest: Path) -> None:
    """Once a build published the pages ``manifest`` lists under ``folder``: stamp their
    folders (``pages_intact``) when no stamp of this manifest is kept, as after a build that
    wrote a new list, so that the next check stats them instead of listing each (0.2 s of
    the first no-change rebuild after a cold build at 20,000 files). Stamps that are kept
    are left to that check: doing its work here cost a one-file rebuild 0.1 s."""
    if not _read_folder_stamps(_beside(manifest, "folders"), _stamp(manifest)):
        pages_intact(folder, manifest)


def _folder_stamp(info: os.stat_result) -> list[int]:
    return [info.st_ino, info.st_mtime_ns]


def _beside(manifest: Path, suffix: str) -> Path:
    """A file the check keeps beside ``manifest``: its folders' stamps, its clock."""
    return manifest.with_name(f"{manifest.name}.{suffix}")


# See ``_settled``: longer than any file system's tick (FAT's is 2 s) and than the drift of
# a file server's clock from ours that we allow.
_RACY_NS = 3_000_000_000


def _all_files(folder: str, names: list[str]) -> bool:
    """Whether each of ``names`` (paths whose folder is ``folder``) is a file there, from
    one listing of the folder: a stat of each took 0.3 s for the 58,000 pages of 20,000
    files, a check right after the build that wrote them (no folder stamped yet). Only the
    entries asked for are looked at: another one (a looping link) says nothing."""
    wanted = {os.path.basename(name) for name in names}
    try:
        with os.scandir(folder) as entries:
            found = {entry.name for entry in entries if entry.name in wanted and _is_file(entry)}
    except OSError:
        return False
    return found == wanted


def _is_file(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_file()
    except OSError:
        return False


def _stamp(path: Path) -> list[int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return [info.st_ino, info.st_size, info.st_mtime_ns]


def read_json_object(path: Path) -> dict[str, Any]:
    """The JSON object a file a build keeps holds; empty when it is missing, unreadable or
    not an object (the caller then does the work the file would have spared)."""
    try:
        value = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def _read_folder_stamps(path: Path, listing: list[int] | None) -> dict[str, list[int]]:
    """The folders' stamps kept with this very manifest; none for another one."""
    kept = read_json_object(path)
    if listing is None or kept.get("manifest") != listing:
        return {}
    folders = kept.get("folders")
    return folders if isinstance(folders, dict) else {}
