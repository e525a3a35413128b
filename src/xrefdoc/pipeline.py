"""The stages before rendering, run in order: walk, extract, cross-reference."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from xrefdoc import timings
from xrefdoc.cache import RecordCache
from xrefdoc.config import Settings
from xrefdoc.extract import extract_bytes, read_file
from xrefdoc.model import FileRecord
from xrefdoc.walk import WalkResult, walk
from xrefdoc.xref import Index, build_index

Progress = Callable[[Iterable[str]], Iterable[str]]


@dataclass(frozen=True, slots=True)
class Scan:
    """The walk's outcome, every record, and the index built from them; how many records came
    from the cache and how many were extracted, and the cache's note for the log, if any."""

    walked: WalkResult
    records: tuple[FileRecord, ...]
    index: Index
    cache_hits: int = 0
    cache_misses: int = 0
    cache_note: str = ""


def _unchanged(paths: Iterable[str]) -> Iterable[str]:
    return paths


def scan(settings: Settings, progress: Progress = _unchanged, *, use_cache: bool = True) -> Scan:
    """Walk, extract every file (or take its record from the cache when its content is
    unchanged), and index; a file that cannot be read is skipped with why. ``use_cache=False``
    is for callers that must not write into the tree."""
    cache = RecordCache.open(settings.root) if use_cache else RecordCache.disabled()
    with cache:
        # Opened before the walk, so the cache folder already carries its markers when listed.
        walked = walk(settings)
        timings.lap("walk")
        records = []
        hits = 0
        for path in progress(list(walked.files)):
            try:
                data, digest = read_file(settings.root, path)
            except OSError as error:
                walked.skipped.append((path, f"unreadable: {error.strerror or error}"))
                continue
            record = cache.get(path, digest)
            if record is None:
                record = extract_bytes(path, data, digest)
                cache.put(record)
            else:
                hits += 1
            records.append(record)
        walked.files[:] = [record.path for record in records]
        cache.prune(settings.root, walked.files)
        cache.save_settings(settings)
    timings.lap("extract")
    index = build_index(records)
    timings.lap("xref")
    return Scan(
        walked,
        tuple(records),
        index,
        cache_hits=hits,
        cache_misses=len(records) - hits,
        cache_note=cache.reason,
    )
