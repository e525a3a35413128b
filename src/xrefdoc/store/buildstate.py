"""What the last complete build was made from, so a build after no change does nothing.

The signature covers the tree as the walk sees it (every file's path, size and modification
times), the settings, xrefdoc's own code and templates, and the output's configuration; a
second signature covers the files' contents instead of their times. Both are forgotten when a
build starts and written when one finishes without error, so a build that was stopped
half-way is never taken for a complete one. ``pipeline.build`` compares them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from xrefdoc import __version__
from xrefdoc.core.fsutil import write_if_changed
from xrefdoc.core.settings import Settings
from xrefdoc.extract.reading import read_file
from xrefdoc.store.cache import RecordCache, cache_location, vouched_digest
from xrefdoc.store.versions import pages_version
from xrefdoc.walk.stamps import file_stamp, stat_stamp
from xrefdoc.walk.tree import WalkResult


def templates_digest(folder: Path | None) -> str:
    """The user's templates (``Settings.templates``): every file's path and content, so
    editing one renders every page again; empty without a folder."""
    if folder is None:
        return ""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            name = path.relative_to(folder).as_posix()
            digest.update(
                name.encode("utf-8", "surrogateescape") + b"\0" + path.read_bytes() + b"\0"
            )
    return digest.hexdigest()


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
        str(settings.templates or ""),
        templates_digest(settings.templates),
        # What names the project and links its files; the commit is the caller's to add.
        [settings.project, settings.version, settings.repository, settings.forge],
        settings.source_link_template,
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


def content_hashes(settings: Settings, walked: WalkResult) -> list[tuple[str, str]] | None:
    """Each walked file's path and content hash, in the walk's order: from the cache where the
    file's stamp vouches for the stored hash, else from reading the file; None when a file
    cannot be read."""
    # Read-only: a cache to repair or replace is the scan's to repair, and to log.
    with RecordCache.reader(cache_location(settings.root, settings.cache_dir)) as cache:
        stored = cache.stamps()
    hashes = []
    for path in walked.files:
        stamp = file_stamp(walked.stats[path], walked.started_ns)
        sha256 = vouched_digest(stored, path, stamp)
        if sha256 is None:
            try:
                _, sha256 = read_file(settings.root, walked.on_disk(path))
            except OSError:
                return None
        hashes.append((path, sha256))
    return hashes


def content_signature(
    walked: WalkResult, hashes: list[tuple[str, str]], settings_digest: str
) -> str:
    """A digest of what the pages are made from, by the files' contents (``content_hashes``)
    instead of their times: a checkout or a ``touch`` changes ``tree_signature`` but not
    this, and then no page may be written again."""
    digest = hashlib.sha256(settings_digest.encode())
    digest.update(json.dumps(walked.skipped).encode())
    for path, sha256 in hashes:
        digest.update(f"{path}\0{sha256}\0".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


class Change(Enum):
    """What a build finds since the last complete build (see ``pipeline.build``)."""

    # Every file as the walk found it then, and the same settings: the pages stand.
    UNCHANGED = "unchanged"
    # Files' times changed but not their contents (a checkout, a touch): the pages stand.
    TOUCHED = "touched"
    # A file or a setting changed, or no complete build is known: there is work to do.
    CHANGED = "changed"


@dataclass(frozen=True, slots=True)
class Signatures:
    """A build's signatures: by the files' times (``tree_signature``) and by their contents
    (``content_signature``; None when a file could not be read)."""

    by_time: str
    by_content: str | None


class _SignatureFile:
    """One signature, kept in one file of a work folder."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def matches(self, signature: str | None) -> bool:
        if signature is None:
            return False
        try:
            return self.path.read_text(encoding="utf-8").strip() == signature
        except OSError:
            return False

    def forget(self) -> None:
        self.path.unlink(missing_ok=True)

    def record(self, signature: str | None) -> None:
        if signature is not None:
            write_if_changed(self.path, signature + "\n")


class LastBuild:
    """The signatures of the last complete build, each in a file of the work folder. They
    are forgotten before a build writes anything and recorded when it completes, so a build
    stopped half-way is never taken for a complete one."""

    def __init__(self, by_time: Path, by_content: Path) -> None:
        self._by_time = _SignatureFile(by_time)
        self._by_content = _SignatureFile(by_content)

    def matches_time(self, signature: str) -> bool:
        return self._by_time.matches(signature)

    def matches_content(self, signature: str | None) -> bool:
        return self._by_content.matches(signature)

    def record_time(self, signature: str) -> None:
        """The contents are those of the last complete build, found under other times: the
        next build compares with these."""
        self._by_time.record(signature)

    def forget(self) -> None:
        """Called before anything is written: until the build completes, none is recorded."""
        self._by_time.forget()
        self._by_content.forget()

    def record(self, signatures: Signatures) -> None:
        self._by_time.record(signatures.by_time)
        self._by_content.record(signatures.by_content)
