"""What the last complete build was made from, so a build after no change does nothing.

The signature covers the tree as the walk sees it (every file's path, size and modification
times), the settings, xrefdoc's own code and templates, and the output's configuration. It is
forgotten when a build starts and written when one finishes without error, so a build that
was stopped half-way is never taken for a complete one.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

from xrefdoc import __version__
from xrefdoc.core.fsutil import write_if_changed
from xrefdoc.core.settings import Settings
from xrefdoc.extract import read_file
from xrefdoc.store.cache import RecordCache, cache_location, file_stamp
from xrefdoc.store.versions import pages_version
from xrefdoc.walk.tree import WalkResult, stat_stamp


def settings_signature(settings: Settings, extra: Iterable[str] = ()) -> str:
    """A digest of what decides the pages besides the tree: xrefdoc's code and the libraries
    it renders with (``pages_version``), the settings, and what the caller adds (where pages
    go, the output's configuration)."""
    head = [
        __version__,
        pages_version(),
        str(settings.root),
        settings.include,
        settings.exclude,
        settings.source_cap,
        settings.disable_rules,
        list(extra),
    ]
    return hashlib.sha256(json.dumps(head, default=list).encode()).hexdigest()


def tree_signature(settings: Settings, walked: WalkResult, settings_digest: str) -> str:
    """A digest of everything a build's pages are made from: ``settings_signature`` and the
    tree as the walk sees it."""
    digest = hashlib.sha256(settings_digest.encode())
    digest.update(json.dumps(walked.skipped).encode())
    for path in walked.files:
        # As the walk found it: a link's target (inside the tree, the walk made sure).
        stamp = stat_stamp(walked.stats[path])
        digest.update(f"{path}\0{stamp}\0".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def content_signature(settings: Settings, walked: WalkResult, settings_digest: str) -> str | None:
    """A digest of what the pages are made from, by the files' contents instead of their
    times: a checkout or a ``touch`` changes ``tree_signature`` but not this, and then no
    page may be written again. A file's hash comes from the cache where its stamp vouches
    for the stored one, else from reading it; None when a file cannot be read."""
    # Read-only: a cache to repair or replace is the scan's to repair, and to log.
    with RecordCache.reader(cache_location(settings.root, settings.cache_dir)) as cache:
        stored = cache.stamps()
    digest = hashlib.sha256(settings_digest.encode())
    digest.update(json.dumps(walked.skipped).encode())
    for path in walked.files:
        stamp = file_stamp(walked.stats[path], walked.started_ns)
        stored_stamp, sha256 = stored.get(path, ("", ""))
        if not stamp or stamp != stored_stamp:
            try:
                _, sha256 = read_file(settings.root, walked.on_disk(path))
            except OSError:
                return None
        digest.update(f"{path}\0{sha256}\0".encode("utf-8", "surrogateescape"))
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

    def record(self, signature: str | None) -> None:
        if signature is not None:
            write_if_changed(self.path, signature + "\n")
