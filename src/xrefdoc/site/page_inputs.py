"""What the page renderers read besides the site: a content's highlighted source, as the scan
stored it in the cache, and a file's text (a source the cache lacks, a README). Here from
the disk; on a cluster whose workers do not see it (``--no-shared-fs``), gathered by the
client for each page job and sent with it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from xrefdoc.core.model import FileRecord
from xrefdoc.extract.reading import read_text
from xrefdoc.site.readme import find_readme
from xrefdoc.site.views import SiteContext
from xrefdoc.store.cache import CacheLocation, RecordCache, SourceKey, StoredSource


class PageInputs(Protocol):
    def stored_source(self, key: SourceKey) -> StoredSource | None:
        """The highlighted source stored under ``key``, or None."""
        ...

    def text(self, record: FileRecord) -> str:
        """The file's text as extraction saw it."""
        ...


@dataclass(frozen=True, slots=True)
class DiskInputs:
    """The tree on disk at ``root`` and the record cache; ``sources`` names the files whose
    name on disk is not the name shown (``WalkResult.sources``)."""

    root: Path
    cache: RecordCache
    sources: Mapping[str, str]

    def stored_source(self, key: SourceKey) -> StoredSource | None:
        return self.cache.get_source(key)

    def text(self, record: FileRecord) -> str:
        return read_text(self.root, record, self.sources.get(record.path))


@dataclass(frozen=True, slots=True)
class ShippedInputs:
    """What some pages read, read beforehand (``PageInputs`` for a worker that sees neither
    the tree nor the cache); asking for anything else is a bug, and raises ``KeyError``."""

    sources: dict[SourceKey, StoredSource] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)

    def stored_source(self, key: SourceKey) -> StoredSource | None:
        return self.sources.get(key)

    def text(self, record: FileRecord) -> str:
        return self.texts[record.path]

    def add_file(self, site: SiteContext, inputs: PageInputs, record: FileRecord) -> None:
        """What a file's pages read: its highlighted source, else its text; and its text
        too when the source was stored by an earlier run, which the worker checks and may
        refuse (``render.source_of``)."""
        if record.is_binary:
            return
        key = (record.sha256, record.lexer, site.source_cap)
        stored = inputs.stored_source(key)
        if stored is not None:
            self.sources[key] = stored
        if stored is None or not stored.this_run:
            self.texts[record.path] = inputs.text(record)

    def add_folder(self, site: SiteContext, inputs: PageInputs, folder: str) -> None:
        """What a folder's pages read: its README's text."""
        record = readme_of(site, folder)
        if record is not None and not record.is_binary:
            self.texts[record.path] = inputs.text(record)


def cache_reader(location: CacheLocation | None) -> RecordCache:
    """The cache at ``location`` opened for reading (None: a disabled one)."""
    return RecordCache.disabled() if location is None else RecordCache.reader(location)


def readme_of(site: SiteContext, folder: str) -> FileRecord | None:
    """The record of the folder's README, if it has one."""
    path = find_readme(site.index.folders[folder].files)
    return None if path is None else site.index.records[path]
