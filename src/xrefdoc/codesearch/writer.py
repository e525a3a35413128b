"""Writing the code-search index of a tree into a site, and updating it: a group whose files
are unchanged since the last build is not read, and a changed group rewrites only the chunks
and posting shards whose bytes changed.

What the last build wrote is kept beside the site's private state (``STATE_FILE``): per group
its files and their digests, and a digest of each chunk's and shard's bytes.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from xrefdoc.codesearch.encoding import script, shard_bytes
from xrefdoc.codesearch.layout import (
    FORMAT,
    TABLE_NAME,
    TABLE_SCRIPT,
    chunk_name,
    chunk_starts,
    group_count,
    group_of,
    regions_of,
    shard_count,
    shard_name,
)
from xrefdoc.codesearch.trigrams import shards_of, trigrams_of
from xrefdoc.core.executor import Executor
from xrefdoc.core.fsutil import write_if_changed
from xrefdoc.core.model import FileRecord
from xrefdoc.extract import text_of

FOLDER = "code"

# The bits of a posting key: shard, then trigram, then region.
_REGION_BITS = 28
_TRIGRAM_BITS = 24


@dataclass(frozen=True)
class SearchedFile:
    path: str
    language: str
    digest: str


@dataclass(frozen=True)
class GroupWork:
    """One group to write: its files in path order, its shard count, and what the last build
    wrote of it (``None``: nothing to keep)."""

    group: int
    files: tuple[SearchedFile, ...]
    shards: int
    previous: dict[str, Any] | None


@dataclass(frozen=True)
class Written:
    """What writing the index did: the files it holds (relative to its folder), how many it
    wrote, and what it searched and left out."""

    current: tuple[str, ...]
    rewritten: int
    searched: int
    skipped: tuple[tuple[str, str], ...]
    text_bytes: int


def searched_text(root: Path, path: str) -> bytes:
    """A file's text as the index holds it: decoded as the site shows it, ``\\n`` line ends,
    UTF-8."""
    return text_of((root / path).read_bytes()).encode("utf-8", "surrogatepass")


def skip_reason(record: FileRecord, cap: int) -> str | None:
    """Why a documented file is not searched, if it is not."""
    if record.is_binary:
        return "binary"
    if record.size > cap:
        return f"larger than the source cap ({cap} bytes)"
    return None


def _digest(data: bytes | bytearray) -> str:
    return hashlib.blake2b(data, digest_size=8).hexdigest()


def write_group(folder: Path, root: Path, work: GroupWork) -> dict[str, Any]:
    """Write one group's chunks and posting shards under ``folder``; returns its state."""
    previous = work.previous or {}
    texts = [searched_text(root, file.path) for file in work.files]
    regions = [(number, region) for number, text in enumerate(texts) for region in regions_of(text)]
    starts = chunk_starts(
        [work.files[number].path for number, _ in regions],
        [region.end - region.start for _, region in regions],
    )
    table: list[int] = []
    chunks: list[bytearray] = []
    for (number, region), new in zip(regions, starts, strict=True):
        if new:
            chunks.append(bytearray())
        chunk = chunks[-1]
        table += [number, region.line, len(chunks) - 1, len(chunk), region.end - region.start]
        chunk += texts[number][region.start : region.end]
    rewritten = 0
    chunk_digests = [_digest(chunk) for chunk in chunks]
    old_chunks = previous.get("chunks", [])
    for at, chunk in enumerate(chunks):
        if at >= len(old_chunks) or old_chunks[at] != chunk_digests[at]:
            rewritten += _write_script(folder, chunk_name(work.group, at), bytes(chunk))
    shard_digests = []
    old_shards = previous.get("postings", []) if previous.get("shards") == work.shards else []
    for at, data in enumerate(_shards(texts, regions, work.shards)):
        shard_digests.append(_digest(data))
        if at >= len(old_shards) or old_shards[at] != shard_digests[-1]:
            rewritten += _write_script(folder, shard_name(work.group, at), data)
    return {
        "files": [[file.path, file.digest, file.language] for file in work.files],
        "shards": work.shards,
        "regions": table,
        "chunks": chunk_digests,
        "postings": shard_digests,
        "rewritten": rewritten,
    }


def _write_script(folder: Path, name: str, data: bytes) -> int:
    path = folder / f"{name}.js"
    path.parent.mkdir(parents=True, exist_ok=True)
    return int(write_if_changed(path, script(name, data)))


def _shards(
    texts: Sequence[bytes], regions: Sequence[tuple[int, Any]], shards: int
) -> Iterator[bytes]:
    """The bytes of each posting shard of a group whose regions are ``regions``."""
    found = [trigrams_of(texts[number][region.start : region.end]) for number, region in regions]
    lengths = np.array([len(trigrams) for trigrams in found], dtype=np.int64)
    trigrams = np.concatenate(found) if found else np.empty(0, dtype=np.uint32)
    owners = np.repeat(np.arange(len(found), dtype=np.uint64), lengths)
    keys = (
        (shards_of(trigrams, shards).astype(np.uint64) << (_TRIGRAM_BITS + _REGION_BITS))
        | (trigrams.astype(np.uint64) << _REGION_BITS)
        | owners
    )
    keys.sort()
    shard_at = (keys >> (_TRIGRAM_BITS + _REGION_BITS)).astype(np.int64)
    trigram_at = ((keys >> _REGION_BITS) & ((1 << _TRIGRAM_BITS) - 1)).astype(np.uint32)
    region_at = (keys & ((1 << _REGION_BITS) - 1)).astype(np.int64)
    first = np.ones(keys.size, dtype=bool)
    first[1:] = trigram_at[1:] != trigram_at[:-1]
    gaps = region_at.copy()
    gaps[1:] -= np.where(first[1:], 0, region_at[:-1])
    firsts = np.flatnonzero(first)
    counts = np.diff(np.append(firsts, keys.size))
    bounds = np.searchsorted(shard_at, np.arange(shards + 1))
    list_bounds = np.searchsorted(firsts, bounds)
    for shard in range(shards):
        low, high = bounds[shard], bounds[shard + 1]
        lists = slice(list_bounds[shard], list_bounds[shard + 1])
        yield shard_bytes(
            trigram_at[firsts[lists]], counts[lists], gaps[low:high].astype(np.uint32)
        )


def group_works(
    records: Iterable[FileRecord], cap: int, previous: dict[str, Any] | None
) -> tuple[list[GroupWork], list[tuple[str, str]], int]:
    """The groups of the tree's searched files (each with what the last build wrote of it
    when that is still of use), the files left out and why, and the searched bytes."""
    searched: list[FileRecord] = []
    skipped: list[tuple[str, str]] = []
    for record in sorted(records, key=lambda record: record.path):
        reason = skip_reason(record, cap)
        if reason is None:
            searched.append(record)
        else:
            skipped.append((record.path, reason))
    text_bytes = sum(record.size for record in searched)
    groups = group_count(text_bytes)
    members: list[list[FileRecord]] = [[] for _ in range(groups)]
    for record in searched:
        members[group_of(record.path, groups)].append(record)
    old_groups = (previous or {}).get("groups", [])
    if len(old_groups) != groups:
        old_groups = [None] * groups
    works = [
        GroupWork(
            group,
            tuple(SearchedFile(r.path, r.language, r.sha256) for r in files),
            shard_count(sum(r.size for r in files)),
            old_groups[group],
        )
        for group, files in enumerate(members)
    ]
    return works, skipped, text_bytes


def is_unchanged(work: GroupWork) -> bool:
    """Whether the last build wrote this group from the same files, as it would now."""
    previous = work.previous
    return (
        previous is not None
        and previous.get("shards") == work.shards
        and previous.get("files") == [[f.path, f.digest, f.language] for f in work.files]
    )


def table(groups: Sequence[dict[str, Any]], skipped: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """What the browser and the terminal read first (``index.js``): every searched file
    ``[path, language, group]`` in path order, per group its shard and chunk counts and
    its regions ``[file, first line, chunk, offset, length]`` (``file`` a position in
    ``files``), and the files left out ``[path, why]``."""
    paths = sorted(
        (file[0], file[2], number) for number, group in enumerate(groups) for file in group["files"]
    )
    position = {path: at for at, (path, _, _) in enumerate(paths)}
    shown = []
    for group in groups:
        regions = list(group["regions"])
        local = [file[0] for file in group["files"]]
        for at in range(0, len(regions), 5):
            regions[at] = position[local[regions[at]]]
        shown.append(
            {"shards": group["shards"], "chunks": len(group["chunks"]), "regions": regions}
        )
    return {
        "format": FORMAT,
        "files": [list(entry) for entry in paths],
        "groups": shown,
        "skipped": [list(entry) for entry in skipped],
    }


def current_files(groups: Sequence[dict[str, Any]]) -> list[str]:
    """The index's files, relative to its folder."""
    names = [TABLE_SCRIPT]
    for number, group in enumerate(groups):
        names += [f"{chunk_name(number, at)}.js" for at in range(len(group["chunks"]))]
        names += [f"{shard_name(number, at)}.js" for at in range(group["shards"])]
    return names


def read_state(path: Path) -> dict[str, Any] | None:
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return state if isinstance(state, dict) and state.get("format") == FORMAT else None


def write_index(
    folder: Path,
    root: Path,
    records: Iterable[FileRecord],
    cap: int,
    state_file: Path,
    executor: Callable[[tuple[Path, Path], int], Executor[Any]],
) -> Written:
    """Write or update the index of ``records`` (files of ``root``) in ``folder``: the groups
    that changed run on ``executor((folder, root), count)``; files of the folder the index no
    longer holds are deleted."""
    previous = read_state(state_file)
    works, skipped, text_bytes = group_works(records, cap, previous)
    states: list[dict[str, Any] | None] = [
        work.previous if is_unchanged(work) else None for work in works
    ]
    pending = [work for work in works if states[work.group] is None]
    rewritten = 0
    if pending:
        folder.mkdir(parents=True, exist_ok=True)
        with executor((folder, root), len(pending)) as pool:
            for work, state in zip(pending, pool.map(_write_group_task, pending), strict=True):
                rewritten += state.pop("rewritten")
                states[work.group] = state
    done = [state for state in states if state is not None]
    assert len(done) == len(works)
    folder.mkdir(parents=True, exist_ok=True)
    text = json.dumps(table(done, skipped), ensure_ascii=False, separators=(",", ":"))
    rewritten += _write_script(folder, TABLE_NAME, text.encode("utf-8"))
    current = current_files(done)
    _remove_others(folder, current)
    state = {"format": FORMAT, "groups": done}
    write_if_changed(state_file, json.dumps(state, separators=(",", ":")))
    return Written(
        tuple(current), rewritten, sum(len(w.files) for w in works), tuple(skipped), text_bytes
    )


def _write_group_task(shared: tuple[Path, Path], work: GroupWork) -> dict[str, Any]:
    folder, root = shared
    return write_group(folder, root, work)


def _remove_others(folder: Path, current: Sequence[str]) -> None:
    """Delete what the index's folder holds beyond ``current`` (the folder is the index's
    alone)."""
    kept = set(current)
    for directory, _, names in os.walk(folder):
        for name in names:
            path = Path(directory, name)
            if path.relative_to(folder).as_posix() not in kept:
                path.unlink()
