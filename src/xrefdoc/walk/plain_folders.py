"""The folders a walk found plain, by their stamps, for the next walk of the same tree.

A folder is plain when it holds no entry named like a marker (an output's, a virtual
environment's, a cache's) and is no link. Its stamp (inode, modification and change times)
changes whenever an entry is added, removed or renamed in it, so a folder whose stamp is
unchanged still holds no marker, and the next walk spares its five checks: a third of
walking 20,000 files that git lists. A stamp is kept only once the record cache would trust
it (``stamps.file_stamp``), so a marker made in the same tick as the folder's last change
is still seen."""

from __future__ import annotations

import contextlib
import json
import os
import stat
from pathlib import Path

from xrefdoc.core.fsutil import write_if_changed
from xrefdoc.walk.stamps import file_stamp, stat_stamp


class PlainFolders:
    """The stamps of the plain folders of one tree: those the last walk kept (``path``),
    and those this walk keeps, saved when it ends. Without a ``path`` (no cache to keep
    them in) every folder is checked, and nothing is kept."""

    def __init__(self, path: Path | None, markers: tuple[str, ...], started_ns: int) -> None:
        self._path = path
        self._markers = list(markers)
        self._started_ns = started_ns
        self._kept = self._load() if path is not None else {}
        self._now: dict[str, str] = {}

    def _load(self) -> dict[str, str]:
        """The stamps kept, when they were kept for the same markers; a file that cannot be
        read, or of another layout, keeps none."""
        assert self._path is not None
        try:
            stored = json.loads(self._path.read_bytes())
        except (OSError, ValueError):
            return {}
        if not isinstance(stored, dict) or stored.get("markers") != self._markers:
            return {}
        folders = stored.get("folders")
        return folders if isinstance(folders, dict) else {}

    def still_plain(self, rel: str, folder: str) -> tuple[bool, os.stat_result | None]:
        """Whether the folder at ``folder`` (``rel`` in the tree) is plain by its kept
        stamp, and its status for ``found_plain`` (None when it cannot be read)."""
        if self._path is None:
            return False, None
        try:
            info = os.lstat(folder)
        except OSError:
            return False, None
        stamp = _stamp(info)
        if stamp and self._kept.get(rel) == stamp:
            self._now[rel] = stamp
            return True, info
        return False, info

    def found_plain(self, rel: str, folder: str, info: os.stat_result | None) -> None:
        """Keep the stamp of a folder the walk's checks found to be no output, virtual
        environment or cache: when it holds no entry of a marker's name at all (a link
        named like one could come to point at a file without the folder changing) and its
        stamp is settled."""
        stamp = "" if info is None else _stamp(info, self._started_ns)
        if not stamp:
            return
        if not any(os.path.lexists(os.path.join(folder, name)) for name in self._markers):
            self._now[rel] = stamp

    def save(self) -> None:
        """Write the stamps this walk kept, when they are not the ones it found; a failure
        only leaves the next walk to check every folder."""
        if self._path is None or self._now == self._kept:
            return
        text = json.dumps({"markers": self._markers, "folders": self._now}, sort_keys=True)
        with contextlib.suppress(OSError):
            write_if_changed(self._path, text)


def _stamp(info: os.stat_result, started_ns: int | None = None) -> str:
    """A folder's stamp (with ``started_ns``, the one a walk that began then may keep);
    empty for what is no folder (a link is never plain)."""
    if not stat.S_ISDIR(info.st_mode):
        return ""
    return stat_stamp(info) if started_ns is None else file_stamp(info, started_ns)
