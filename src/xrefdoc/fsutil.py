"""Writes that are atomic and skipped when nothing changed, and the record of what we wrote."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

MANIFEST = ".xrefdoc-manifest"


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
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, _FILE_MODE)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return True


def replace_generated(folder: Path, pages: dict[str, str]) -> tuple[int, int]:
    """Write ``pages`` (relative path → text) under ``folder`` and delete the files an earlier
    run wrote that this one did not; returns (written, deleted)."""
    manifest = folder / MANIFEST
    previous: set[str] = set()
    if manifest.is_file():
        previous = set(manifest.read_text(encoding="utf-8").splitlines())
    written = sum(
        write_if_changed(folder / relative, text) for relative, text in sorted(pages.items())
    )
    stale = sorted(previous - set(pages))
    for relative in stale:
        (folder / relative).unlink(missing_ok=True)
    _remove_empty_folders(folder, [(folder / relative).parent for relative in stale])
    write_if_changed(manifest, "".join(f"{relative}\n" for relative in sorted(pages)))
    return written, len(stale)


def _remove_empty_folders(top: Path, folders: Iterable[Path]) -> None:
    for folder in sorted(set(folders), key=lambda item: len(item.parts), reverse=True):
        while folder != top and folder.is_relative_to(top):
            try:
                folder.rmdir()
            except OSError:
                break
            folder = folder.parent
