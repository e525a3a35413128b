"""The stages before rendering, run in order: walk, extract, cross-reference, analyze."""

from __future__ import annotations

import hashlib
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, replace
from pathlib import Path

from xrefdoc.analyze.plugin import register_rules
from xrefdoc.analyze.project import read_project
from xrefdoc.analyze.rules import enabled
from xrefdoc.analyze.stage import analyze, with_findings
from xrefdoc.core import timings
from xrefdoc.core.cluster import ClusterSession
from xrefdoc.core.executor import Executor, local_executor, usable_cores
from xrefdoc.core.model import FileRecord
from xrefdoc.core.settings import Settings
from xrefdoc.extract.file_record import extract_bytes, lexer_of
from xrefdoc.extract.hooks import Hooks
from xrefdoc.extract.reading import read_file, text_of
from xrefdoc.store.cache import (
    CacheLocation,
    RecordCache,
    SourceKey,
    cache_location,
)
from xrefdoc.store.versions import code_identity, resolver_version
from xrefdoc.walk.stamps import file_stamp
from xrefdoc.walk.tree import WalkResult, walk
from xrefdoc.xref.index import Index, resolve_index
from xrefdoc.xref.reuse import EVERY_FILE, RESOLVED_FILE, Resolved, Rework

Progress = Callable[[Sequence[str]], Iterable[str]]
# Made from a text content for its lexer and the source cap, in the same pass as the
# content's extraction, and kept in the cache under (content hash, lexer, cap), so it is made
# once per content: the site passes its highlighter. Picklable (it runs in the workers).
DeriveSource = Callable[[str, str, int], bytes]


@dataclass(frozen=True, slots=True)
class Scan:
    """The walk's outcome, every record, and the index built from them; how many records came
    from the cache and how many were extracted, and the cache's note for the log, if any."""

    walked: WalkResult
    records: tuple[FileRecord, ...]
    index: Index
    cache_hits: int = 0
    cache_misses: int = 0
    # How many files were extracted at once (0: none was): 1 here, else how many workers.
    processes: int = 0
    cache_note: str = ""
    # Where the cache that holds what ``derive`` made is (None: none).
    cache_location: CacheLocation | None = None
    # The files whose names were resolved again, not kept from the last build; the others'
    # uses are the last build's (``xref.reuse``).
    rework: Rework = EVERY_FILE


def _unchanged(paths: Iterable[str]) -> Iterable[str]:
    return paths


# Below this many files to work on, starting spawned workers (each imports the parsers and
# the highlighters) costs more than it saves; from ``FORK_MIN_FILES`` they are shared
# between processes forked for them, which inherit all that: the 24 files changed between
# two versions of Sphinx's tree took 0.7 s here.
POOL_MIN_FILES = 64
FORK_MIN_FILES = 4
# How many files a spawned worker is sent at a time.
SPAWNED_CHUNK_FILES = 8
# The bytes of the files waiting for a worker that the scan keeps from when it hashed them;
# past this, a file is read again when its turn comes (a cold build of 200,000 files would
# otherwise hold all of their 3 GB at once). Kept small: at 20,570 files, 256 MiB held all
# 200 MB of the tree through the extraction, and the build's peak never came back down
# (1,169 MiB); a file read again comes from the page cache while the workers parse.
PENDING_BYTES_KEPT = 32 * 2**20


@dataclass(frozen=True, slots=True)
class _Work:
    """One file for a worker: its record when the cache had it (else extract it), and the
    key of its derived source when that must be made too; its bytes, or None when they are
    read again at its turn (``_loaded``), from its name on disk."""

    path: str
    on_disk: str
    data: bytes | None
    digest: str
    record: FileRecord | None
    source_key: SourceKey | None


def _loaded(root: Path, work: _Work) -> _Work:
    """``work`` with its bytes. A file that changed since it was hashed is taken as it is
    now, under its new hash, and its derived source is left for the site to make (it was
    listed under the old hash); one that is gone since is taken as empty, and the next
    build leaves it out."""
    if work.data is not None:
        return work
    try:
        data, digest = read_file(root, work.on_disk)
    except OSError:
        data, digest = b"", hashlib.sha256(b"").hexdigest()
    if digest == work.digest:
        return replace(work, data=data)
    return replace(work, data=data, digest=digest, source_key=None)


# The per-file rules, run by extraction through its hooks. Registered as this module is
# imported, so a worker process, which imports it to run ``_do``, registers them too.
_RULE_HOOKS = register_rules(Hooks())


def _do(derive: DeriveSource | None, work: _Work) -> tuple[FileRecord, bytes | None]:
    data = work.data or b""
    record = work.record or extract_bytes(work.path, data, work.digest, _RULE_HOOKS)
    if work.source_key is None or derive is None:
        return record, None
    _, lexer, cap = work.source_key
    return record, derive(text_of(data), lexer, cap)


def _executor(
    count: int,
    workers: int | None,
    pool_min_files: int,
    fork_min_files: int,
    derive: DeriveSource | None,
    cluster: ClusterSession | None,
) -> tuple[Executor[DeriveSource | None], int]:
    """Where ``count`` files are extracted, and how many at once: on the ``cluster``; else
    in ``workers`` processes (``usable_cores`` when None), spawned from ``pool_min_files``
    files, forked from ``fork_min_files``; here for fewer. A worker is started for a chunk
    of files, so never more of them than chunks."""
    pool: Executor[DeriveSource | None]
    if cluster is not None and count:
        pool = cluster.cluster().executor(derive)
        return pool, min(pool.workers, count)
    workers = usable_cores() if workers is None else max(1, workers)
    if count >= pool_min_files:
        chunk = SPAWNED_CHUNK_FILES
        pool = local_executor(
            derive, size=count, min_size=pool_min_files, workers=workers, chunksize=chunk
        )
    else:  # a part of them for each worker
        chunk = max(1, -(-count // workers))
        pool = local_executor(
            derive,
            size=count,
            min_size=fork_min_files,
            start_method="fork",
            workers=workers,
            chunksize=chunk,
        )
    return pool, min(pool.workers, -(-count // chunk))


def _done(
    root: Path, pending: list[_Work], progress: Progress, pool: Executor[DeriveSource | None]
) -> Iterator[tuple[_Work, FileRecord, bytes | None]]:
    """Each pending work item with its record and derived source, in order, as ``pool``
    makes them. The items carry the bytes this process read and hashed, so a record is
    always of the content its hash names (a worker reading the file itself might see a later
    one), and the results come back here, to this cache. Bytes not kept are read as each
    item is handed over."""
    paths = progress([work.path for work in pending])
    handed: deque[_Work] = deque()

    # Taken out of ``pending`` as each is handed over, so that its bytes are freed with its
    # result, not held until the whole scan ends.
    waiting = deque(pending)
    pending.clear()

    def items() -> Iterator[_Work]:
        while waiting:
            handed.append(_loaded(root, waiting.popleft()))
            yield handed[-1]

    for _, result in zip(paths, pool.map(_do, items()), strict=False):
        yield handed.popleft(), *result


def _cached(
    cache: RecordCache,
    root: Path,
    path: str,
    on_disk: str,
    stamp: str,
    vouched: FileRecord | None,
) -> tuple[FileRecord | None, bytes | None, str]:
    """The stored record of a file (or None), its bytes when they had to be read (None when
    its stamp vouched for ``vouched``, its stored record) and its content hash; the file is
    read by its name ``on_disk`` (``path`` is the name shown, see ``walk.shown_name``)."""
    if vouched is not None:
        # Unchanged since the scan that stored it: the file is not even read.
        return vouched, None, vouched.sha256
    data, digest = read_file(root, on_disk)
    record = cache.get(path, digest)
    if record is not None and stamp:
        cache.set_stamp(path, stamp)
    return record, data, digest


def _content(root: Path, path: str, digest: str) -> bytes | None:
    """The file's bytes if they still hash to ``digest``, else None."""
    try:
        data, now = read_file(root, path)
    except OSError:
        return None
    return data if now == digest else None


def _without_disabled(record: FileRecord, disabled: tuple[str, ...]) -> FileRecord:
    """The record without the findings of rules the user turned off (the cache keeps them
    all, so turning a rule on again needs no parsing)."""
    if not record.findings:
        return record
    return replace(record, findings=tuple(enabled(record.findings, disabled)))


def _resolved_file(cache: RecordCache) -> Path | None:
    """Where the cache keeps the last build's resolutions (``xref.reuse``), if it is used."""
    location = cache.location
    if not cache.enabled or location is None or location.database is None:
        return None
    return location.database.parent / RESOLVED_FILE


def scan(
    settings: Settings,
    progress: Progress = _unchanged,
    *,
    use_cache: bool = True,
    cache: RecordCache | None = None,
    pool_min_files: int = POOL_MIN_FILES,
    fork_min_files: int = FORK_MIN_FILES,
    workers: int | None = None,
    derive: DeriveSource | None = None,
    walked: WalkResult | None = None,
    cluster: ClusterSession | None = None,
    extracted: Callable[[Sequence[FileRecord]], None] | None = None,
) -> Scan:
    """Walk, extract every file (or take its record from the cache when its content is
    unchanged), and index; a file that cannot be read is skipped with why. ``use_cache=False``
    is for callers that must not write a cache; ``cache`` one the caller has open
    already (the scan closes it). ``derive`` (see ``DeriveSource``) is also run on every text
    content the cache has no output of it for, in the same workers as the extraction, and
    its output stored in the cache. ``workers``: how many processes extract (None: one per
    usable core, ``usable_cores``). ``walked`` is the walk's result when the caller has
    walked already; ``cluster`` the build's cluster when it has one (else, with a
    ``scheduler`` setting, the scan opens one of its own). ``extracted`` is called with the
    records once every file is extracted, before the index is made in this process alone:
    work that needs only the records (the code-search index) may start beside it there."""
    if cache is None:
        if use_cache:
            cache = RecordCache.open(cache_location(settings.root, settings.cache_dir))
        else:
            cache = RecordCache.disabled()
    with ExitStack() as stack:
        stack.enter_context(cache)
        if cluster is None and settings.scheduler is not None:
            cluster = stack.enter_context(ClusterSession(settings.scheduler, code_identity))
        # Opened before the walk, so the cache folder already carries its markers when listed.
        if walked is None:
            walked = walk(settings)
            timings.lap("walk")
        by_path: dict[str, FileRecord] = {}
        pending: list[_Work] = []
        held = 0
        # Deriving is only worth doing where the caller can find the output again.
        derived = cache.source_keys() if derive is not None and cache.enabled else None
        stamps = {path: file_stamp(walked.stats[path], walked.started_ns) for path in walked.files}
        vouched = cache.vouched_records(stamps)
        for path in walked.files:
            stamp = stamps[path]
            try:
                on_disk = walked.on_disk(path)
                record, data, digest = _cached(
                    cache, settings.root, path, on_disk, stamp, vouched.pop(path, None)
                )
            except OSError as error:
                walked.skipped.append((path, f"unreadable: {error.strerror or error}"))
                continue
            source_key = None
            if derived is not None:
                if record is None:
                    lexer = lexer_of(path, data or b"")
                else:
                    lexer = None if record.is_binary else record.lexer
                if lexer is not None and (digest, lexer, settings.source_cap) not in derived:
                    source_key = (digest, lexer, settings.source_cap)
                    derived.add(source_key)
            if source_key is not None and data is None:
                data = _content(settings.root, walked.on_disk(path), digest)
                if data is None:
                    source_key = None  # changed since: the caller derives it itself
            if record is None or source_key is not None:
                data = data or b""
                held += len(data)
                keep = held <= PENDING_BYTES_KEPT
                pending.append(
                    _Work(path, on_disk, data if keep else None, digest, record, source_key)
                )
            if record is not None:
                by_path[path] = record
        hits = len(by_path)
        pool, processes = _executor(
            len(pending), workers, pool_min_files, fork_min_files, derive, cluster
        )
        with pool:
            for work, record, blob in _done(settings.root, pending, progress, pool):
                if work.record is None:
                    cache.put(record, stamps[work.path])
                    by_path[record.path] = record
                if work.source_key is not None and blob is not None:
                    cache.put_source(work.source_key, blob)
        records = [by_path[path] for path in walked.files if path in by_path]
        if settings.disable_rules:
            records = [_without_disabled(record, settings.disable_rules) for record in records]
        walked.files[:] = [record.path for record in records]
        cache.prune(settings.root, walked.files)
        cache.save_settings(settings)
        kept_at = _resolved_file(cache)
    timings.lap("extract")
    if extracted is not None:
        extracted(records)
    kept = Resolved.load(kept_at, resolver_version()) if kept_at is not None else None
    index, resolved = resolve_index(records, kept)
    rework = EVERY_FILE
    if kept is not None:
        again = frozenset(
            path for path, found in resolved.files.items() if kept.files.get(path) is not found
        )
        before = {
            path: found.mentioned()
            for path, found in kept.files.items()
            if path in again or path not in resolved.files
        }
        rework = Rework(again, kept.token, kept.token, before)
    note = cache.reason
    if kept_at is not None and (kept is None or kept.files != resolved.files):
        token = ""  # not kept, unless saved now
        try:
            token = resolved.save(kept_at, resolver_version(), kept)
        except OSError as error:
            # The next build uses what an earlier one kept, if anything: each file's
            # resolution there says what it was made from, so it is only less of use.
            note = f"{note}; " if note else ""
            note += f"resolutions not kept for the next build: {error.strerror or error}"
        rework = replace(rework, token=token)
    del kept, resolved  # what is kept is on disk: not held through the build
    timings.lap("xref")
    project = read_project(settings.root, walked.files)
    found_in = analyze(records, index, project, settings.disable_rules)
    records = list(with_findings(records, found_in))
    index = index.with_records(records)
    timings.lap("analyze")
    return Scan(
        walked,
        tuple(records),
        index,
        cache_hits=hits,
        cache_misses=len(records) - hits,
        processes=processes,
        cache_note=note,
        cache_location=cache.location,
        rework=rework,
    )
