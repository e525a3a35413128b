"""The stages before rendering, run in order: walk, extract, cross-reference."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
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


# Below this many files to extract, starting worker processes costs more than it saves.
POOL_MIN_FILES = 64


def _extract_one(item: tuple[str, bytes, str]) -> FileRecord:
    return extract_bytes(*item)


def _extracted(
    pending: list[tuple[str, bytes, str]], progress: Progress, pool_min_files: int
) -> Iterator[FileRecord]:
    """The records of ``pending`` (path, bytes, digest), in order, as they are extracted:
    in one worker process per core for many files, here for a few."""
    workers = os.cpu_count() or 1
    paths = progress([path for path, _, _ in pending])
    if workers < 2 or len(pending) < pool_min_files:
        for _, item in zip(paths, pending, strict=False):
            yield _extract_one(item)
        return
    # forkserver: workers that do not inherit the state (threads, open files) of a Sphinx
    # process; each imports the extractors once.
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        results = pool.map(_extract_one, pending, chunksize=8)
        for _, record in zip(paths, results, strict=False):
            yield record


def scan(
    settings: Settings,
    progress: Progress = _unchanged,
    *,
    use_cache: bool = True,
    cache: RecordCache | None = None,
    pool_min_files: int = POOL_MIN_FILES,
) -> Scan:
    """Walk, extract every file (or take its record from the cache when its content is
    unchanged), and index; a file that cannot be read is skipped with why. ``use_cache=False``
    is for callers that must not write into the tree; ``cache`` one the caller has open
    already (the scan closes it)."""
    if cache is None:
        cache = RecordCache.open(settings.root) if use_cache else RecordCache.disabled()
    with cache:
        # Opened before the walk, so the cache folder already carries its markers when listed.
        walked = walk(settings)
        timings.lap("walk")
        by_path: dict[str, FileRecord] = {}
        pending: list[tuple[str, bytes, str]] = []
        for path in walked.files:
            try:
                data, digest = read_file(settings.root, path)
            except OSError as error:
                walked.skipped.append((path, f"unreadable: {error.strerror or error}"))
                continue
            record = cache.get(path, digest)
            if record is None:
                pending.append((path, data, digest))
            else:
                by_path[path] = record
        hits = len(by_path)
        for record in _extracted(pending, progress, pool_min_files):
            cache.put(record)
            by_path[record.path] = record
        records = [by_path[path] for path in walked.files if path in by_path]
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
