"""What the last complete build was made from, so a build after no change does nothing.

The signature covers the tree as the walk sees it (every file's path, size and modification
times), the settings, xrefdoc's own code and templates, and the output's configuration. It is
forgotten when a build starts and written when one finishes without error, so a build that
was stopped half-way is never taken for a complete one.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path

from xrefdoc import __version__
from xrefdoc.cache import extractor_version
from xrefdoc.config import Settings
from xrefdoc.fsutil import write_if_changed
from xrefdoc.resources import resource_dir
from xrefdoc.walk import WalkResult


def _template_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted(resource_dir("templates").iterdir()):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def settings_signature(settings: Settings, extra: Iterable[str] = ()) -> str:
    """A digest of what decides the pages besides the tree: xrefdoc's code and templates, the
    settings, and what the caller adds (where pages go, the output's configuration)."""
    head = [
        __version__,
        extractor_version(),
        _template_digest(),
        str(settings.root),
        settings.include,
        settings.exclude,
        settings.source_cap,
        list(extra),
    ]
    return hashlib.sha256(json.dumps(head, default=list).encode()).hexdigest()


def tree_signature(settings: Settings, walked: WalkResult, settings_digest: str) -> str:
    """A digest of everything a build's pages are made from: ``settings_signature`` and the
    tree as the walk sees it."""
    digest = hashlib.sha256(settings_digest.encode())
    digest.update(json.dumps(walked.skipped).encode())
    root = settings.root
    for path in walked.files:
        try:
            info = os.stat(root / path, follow_symlinks=False)
        except OSError:
            stamp = "missing"
        else:
            stamp = f"{info.st_size}:{info.st_mtime_ns}:{info.st_ctime_ns}:{info.st_ino}"
        digest.update(f"{path}\0{stamp}\0".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


class BuildState:
    """The signature of the last complete build, kept in one file of the work folder."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def matches(self, signature: str) -> bool:
        try:
            return self.path.read_text(encoding="utf-8").strip() == signature
        except OSError:
            return False

    def forget(self) -> None:
        """Called before anything is written: until the build completes, none is recorded."""
        self.path.unlink(missing_ok=True)

    def record(self, signature: str) -> None:
        write_if_changed(self.path, signature + "\n")
