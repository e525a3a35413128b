"""Writing the code-search index of a tree into a site, and updating it: a group whose files
are unchanged since the last build is not read, and a changed group rewrites only the packs
whose chunks changed and the posting shards whose bytes changed.

What the last build wrote is kept in a state file the caller names (the extension keeps it
beside Sphinx's doctrees): per group its files and their digests, and a digest of each
chunk's and shard's bytes.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from xrefdoc.codesearch import layout
from xrefdoc.codesearch.encoding import (
    BrokenIndex,
    Shard,
    pack_script,
    pack_segments,
    read_script,
    script,
    shard_bytes,
)
from xrefdoc.codesearch.layout import (
    FORMAT,
    TABLE_NAME,
    TABLE_SCRIPT,
    chunk_starts,
    directory_count,
    directory_name,
    group_count,
    group_of,
    pack_count,
    pack_name,
    regions_of,
    shard_count,
    shard_name,
)
from xrefdoc.codesearch.trigrams import followed_trigrams, shards_of
from xrefdoc.core.executor import Executor
from xrefdoc.core.fsutil import write_bytes_atomically, write_if_changed
from xrefdoc.core.model import FileRecord
from xrefdoc.extract.reading import text_of

if TYPE_CHECKING:
    from xrefdoc.codesearch.trigrams import Follows, Trigrams

# The bits of a posting key: shard, then trigram, then region.
_REGION_BITS = 28
_TRIGRAM_BITS = 24


@dataclass(frozen=True)
class SearchedFile:
    """A file to search: ``source`` is its name on disk (``WalkResult.sources``)."""

    path: str
    language: str
    digest: str
    source: str


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


def searched_text(root: Path, source: str) -> bytes:
    """The text of the file named ``source`` on disk as the index holds it: decoded as the
    site shows it, ``\\n`` line ends, UTF-8."""
    return text_of((root / source).read_bytes()).encode("utf-8", "surrogatepass")


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
    """Write one group's packs of chunks and posting shards under ``folder``; returns its
    state."""
    previous = work.previous or {}
    texts = [searched_text(root, file.source) for file in work.files]
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
    chunk_digests = [_digest(chunk) for chunk in chunks]
    segments, rewritten = _write_packs(folder, work.group, chunks, chunk_digests, previous)
    postings, held = _group_postings(texts, regions, work.shards)
    shard_digests, written, change = _write_shards(folder, work, postings, held)
    rewritten += written
    return {
        "files": [(file.path, file.digest, file.language) for file in work.files],
        "shards": work.shards,
        "regions": table,
        "chunks": chunk_digests,
        "segments": segments,
        "sums": [zlib.crc32(chunk) for chunk in chunks],
        "postings": shard_digests,
        "rewritten": rewritten,
        # As arrays: a cold build's client held every group's trigrams until the directory
        # was written, as Python integers of 36 bytes each with their list's pointer.
        "change": change,
    }


def _write_packs(
    folder: Path,
    group: int,
    chunks: Sequence[bytes | bytearray],
    digests: Sequence[str],
    previous: Mapping[str, Any],
) -> tuple[list[int], int]:
    """Write a group's packs whose chunks changed. Returns the length of each chunk's
    segment, and how many packs were written."""
    old_digests = previous.get("chunks", [])
    old_lengths = previous.get("segments", [])
    lengths: list[int] = []
    written = 0
    for pack in range(pack_count(len(chunks))):
        members = slice(pack * layout.PACK_CHUNKS, (pack + 1) * layout.PACK_CHUNKS)
        if old_digests[members] == digests[members]:
            lengths += old_lengths[members]
            continue
        name = pack_name(group, pack)
        segments = pack_segments(bytes(chunk) for chunk in chunks[members])
        written += _write_text(folder, name, pack_script(name, segments))
        lengths += [len(segment) for segment in segments]
    return lengths, written


@dataclass(frozen=True)
class Held:
    """Trigrams, ascending, each with the mask of the bytes that follow it (``follow_bit``)."""

    trigrams: Trigrams
    follows: Follows


@dataclass(frozen=True)
class GroupChange:
    """What a group's rewrite changes in the directory: the trigrams it now holds with
    other masks than before (or newly), and those it no longer holds."""

    held: Held
    removed: Trigrams


def _write_shards(
    folder: Path, work: GroupWork, postings: list[bytes], held: Held
) -> tuple[list[str], int, GroupChange]:
    """Write a group's posting shards whose bytes changed. Returns their digests, how many
    were written, and what changes in the directory: the trigrams of the rewritten shards
    (all of them when their count changed) as the shards on disk held them before, against
    ``held``'s."""
    previous = work.previous or {}
    recount = bool(previous) and previous["shards"] != work.shards
    old_shards = [] if recount else previous.get("postings", [])
    digests = [_digest(data) for data in postings]
    rewritten = [
        at for at, digest in enumerate(digests) if at >= len(old_shards) or old_shards[at] != digest
    ]
    before = [Held(_NO_TRIGRAMS, _NO_MASKS)]
    if previous:  # read before the shards are rewritten: all of them when their count changed
        for at in range(previous["shards"]) if recount else rewritten:
            before.append(_follows_on_disk(folder, shard_name(work.group, at)))
    written = sum(
        _write_script(folder, shard_name(work.group, at), postings[at]) for at in rewritten
    )
    if not previous:
        return digests, written, GroupChange(held, _NO_TRIGRAMS)
    # The shards not rewritten hold what they held: only the rewritten ones can differ. A
    # trigram is in one shard alone, so the shards' trigrams are distinct.
    old_trigrams = np.concatenate([found.trigrams for found in before])
    old_follows = np.concatenate([found.follows for found in before])
    touched = np.isin(shards_of(held.trigrams, work.shards), rewritten)
    trigrams, follows = held.trigrams[touched], held.follows[touched]
    same = np.isin(_pairs(trigrams, follows), _pairs(old_trigrams, old_follows))
    removed = np.setdiff1d(old_trigrams, trigrams, assume_unique=True)
    return digests, written, GroupChange(Held(trigrams[~same], follows[~same]), removed)


_NO_TRIGRAMS: Trigrams = np.empty(0, dtype=np.uint32)


def _pairs(trigrams: Trigrams, others: npt.NDArray[np.integer]) -> npt.NDArray[np.uint64]:
    """Each trigram with its other number (a mask, a group) as one number, to compare pairs
    as a whole."""
    pairs = (trigrams.astype(np.uint64) << np.uint64(32)) | others.astype(np.uint64)
    return pairs.astype(np.uint64, copy=False)


def _follows_on_disk(folder: Path, name: str) -> Held:
    """The trigrams of the posting shard ``name`` as the index holds it now, with the bytes
    that follow each in the group."""
    trigrams, _, masks = Shard(read_script(folder, name)).entries()
    if not trigrams.size:
        return Held(_NO_TRIGRAMS, _NO_MASKS)
    firsts = np.flatnonzero(np.concatenate([[True], trigrams[1:] != trigrams[:-1]]))
    return Held(trigrams[firsts], np.bitwise_or.reduceat(masks, firsts))


def _write_script(folder: Path, name: str, data: bytes) -> int:
    return _write_text(folder, name, script(name, data))


def _write_text(folder: Path, name: str, text: str) -> int:
    path = folder / f"{name}.js"
    path.parent.mkdir(parents=True, exist_ok=True)
    return int(write_if_changed(path, text))


def _group_postings(
    texts: Sequence[bytes], regions: Sequence[tuple[int, Any]], shards: int
) -> tuple[list[bytes], Held]:
    """The bytes of each posting shard of a group whose regions are ``regions``, and the
    group's trigrams with what follows each anywhere in it."""
    found = [
        followed_trigrams(texts[number][region.start : region.end]) for number, region in regions
    ]
    lengths = np.array([len(trigrams) for trigrams, _ in found], dtype=np.int64)
    if found:
        trigrams = np.concatenate([trigrams for trigrams, _ in found])
        follows = np.concatenate([masks for _, masks in found])
    else:
        trigrams, follows = _NO_TRIGRAMS, _NO_MASKS
    owners = np.repeat(np.arange(len(found), dtype=np.uint64), lengths)
    made, held = posting_lists(trigrams, owners, follows, shards, range(shards))
    return [data for _, data in made], held


_NO_MASKS: Follows = np.empty(0, dtype=np.uint8)


def posting_lists(
    trigrams: npt.NDArray[np.uint32],
    owners: npt.NDArray[np.uint64],
    follows: Follows,
    shards: int,
    wanted: Iterable[int],
) -> tuple[list[tuple[int, bytes]], Held]:
    """The bytes of the ``wanted`` shards of postings that say ``owners[i]`` (a region, or in
    the directory a group) holds ``trigrams[i]`` followed by the bytes of ``follows[i]``
    (each pair of trigram and owner given once), and every trigram they hold, with the
    bytes that follow it in any owner."""
    keys = (
        (shards_of(trigrams, shards).astype(np.uint64) << (_TRIGRAM_BITS + _REGION_BITS))
        | (trigrams.astype(np.uint64) << _REGION_BITS)
        | owners.astype(np.uint64)
    )
    order = np.argsort(keys)
    keys = keys[order]
    masks = follows[order]
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
    made = []
    for shard in wanted:
        low, high = bounds[shard], bounds[shard + 1]
        lists = slice(list_bounds[shard], list_bounds[shard + 1])
        data = shard_bytes(
            trigram_at[firsts[lists]],
            counts[lists],
            gaps[low:high].astype(np.uint32),
            masks[low:high],
        )
        made.append((shard, data))
    held = trigram_at[firsts]
    held_follows = np.bitwise_or.reduceat(masks, firsts) if firsts.size else _NO_MASKS
    ascending = np.argsort(held)
    return made, Held(held[ascending], held_follows[ascending])


def write_directory(
    folder: Path, count: int, changes: Mapping[int, GroupChange], anew: bool
) -> int:
    """Write the directory's shards (which groups hold each trigram, with what follows it
    there) that ``changes`` touch. ``anew``: there is no directory yet (every group's
    trigrams are changes); else its touched shards are read and updated."""
    if anew:
        wanted: Sequence[int] = range(count)
    else:
        touched = [
            trigrams
            for change in changes.values()
            for trigrams in (change.held.trigrams, change.removed)
        ]
        wanted = np.unique(shards_of(np.concatenate([_NO_TRIGRAMS, *touched]), count)).tolist()
    # What the touched shards hold, less each changed group's pairs of a trigram it no
    # longer holds or holds with other bytes after it; then those groups' pairs as they are.
    trigrams: list[Trigrams] = []
    owners: list[npt.NDArray[np.uint64]] = []
    follows: list[Follows] = []
    if not anew:  # a cold write has nothing to drop (and its changes are every trigram)
        gone = [np.concatenate([c.removed, c.held.trigrams]) for c in changes.values()]
        dropped = np.concatenate(
            [
                np.empty(0, dtype=np.uint64),
                *(_pairs(t, np.full(t.size, g)) for t, g in zip(gone, changes, strict=True)),
            ]
        )
        for shard in wanted:
            held, groups, masks = Shard(read_script(folder, directory_name(shard))).entries()
            keep = ~np.isin(_pairs(held, groups), dropped)
            trigrams.append(held[keep])
            owners.append(groups[keep].astype(np.uint64))
            follows.append(masks[keep])
    for group, change in changes.items():
        trigrams.append(change.held.trigrams)
        owners.append(np.full(len(change.held.trigrams), group, dtype=np.uint64))
        follows.append(change.held.follows)
    made, _ = posting_lists(
        np.concatenate([_NO_TRIGRAMS, *trigrams]),
        np.concatenate([np.empty(0, dtype=np.uint64), *owners]),
        np.concatenate([_NO_MASKS, *follows]),
        count,
        wanted,
    )
    return sum(_write_script(folder, directory_name(shard), data) for shard, data in made)


def group_works(
    records: Iterable[FileRecord],
    cap: int,
    sources: Mapping[str, str],
    previous: dict[str, Any] | None,
) -> tuple[list[GroupWork | dict[str, Any]], list[tuple[str, str]], int, int]:
    """Per group of the tree's searched files, what the last build wrote of it when its
    files are the same (nothing to do), else the work of writing it; the files left out and
    why, and how many files and bytes are searched."""
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
    works: list[GroupWork | dict[str, Any]] = []
    for group, files in enumerate(members):
        shards = shard_count(sum(record.size for record in files))
        old = old_groups[group]
        listed = [(record.path, record.sha256, record.language) for record in files]
        if old is not None and old["shards"] == shards and old["files"] == listed:
            works.append(old)
            continue
        searched_files = tuple(
            SearchedFile(path, language, digest, sources.get(path, path))
            for path, digest, language in listed
        )
        works.append(GroupWork(group, searched_files, shards, old))
    return works, skipped, len(searched), text_bytes


def table(groups: Sequence[dict[str, Any]], skipped: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """What the browser and the terminal read first (``index.js``): every searched file
    ``[path, language, group]`` in path order; per group its shard count, the length of each
    chunk's segment in its pack's script (``encoding.segment_starts``), the CRC-32 of each
    chunk's text, and its regions ``[file, first line, chunk, offset, length]`` (``file`` a
    position in ``files``); the directory's shard count, from how many groups a query probes
    one (``layout.PROBE_GROUPS``), how many chunks a pack holds (``layout.PACK_CHUNKS``),
    and the files left out ``[path, why]``."""
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
            {
                "shards": group["shards"],
                "segments": group["segments"],
                "sums": group["sums"],
                "regions": regions,
            }
        )
    return {
        "format": FORMAT,
        "files": [list(entry) for entry in paths],
        "directory": directory_count(len(groups)),
        "probe": layout.PROBE_GROUPS,
        "pack": layout.PACK_CHUNKS,
        "groups": shown,
        "skipped": [list(entry) for entry in skipped],
    }


def current_files(groups: Sequence[dict[str, Any]]) -> list[str]:
    """The index's files, relative to its folder."""
    names = [TABLE_SCRIPT]
    names += [f"{directory_name(at)}.js" for at in range(directory_count(len(groups)))]
    for number, group in enumerate(groups):
        names += [f"{pack_name(number, at)}.js" for at in range(pack_count(len(group["chunks"])))]
        names += [f"{shard_name(number, at)}.js" for at in range(group["shards"])]
    return names


def read_state(path: Path) -> dict[str, Any] | None:
    """What the last build wrote, if this version of xrefdoc wrote it."""
    try:
        with path.open("rb") as stream:
            state = pickle.load(stream)
    except Exception:  # a state that cannot be read is no state: write anew
        return None
    return state if isinstance(state, dict) and state.get("format") == FORMAT else None


def write_index(
    folder: Path,
    root: Path,
    records: Iterable[FileRecord],
    cap: int,
    state_file: Path,
    executor: Callable[[tuple[Path, Path], int], Executor[Any]],
    sources: Mapping[str, str] | None = None,
) -> Written:
    """Write or update the index of ``records`` (files of ``root``) in ``folder``: the groups
    that changed run on ``executor((folder, root), count)``; files of the folder the index no
    longer holds are deleted. ``sources``: the names on disk of files whose shown name
    differs (``WalkResult.sources``)."""
    records = list(records)
    previous = read_state(state_file)
    if previous is not None:
        try:
            return _write(folder, root, records, cap, state_file, executor, sources, previous)
        except BrokenIndex:  # the index on disk is not what the state says: write it anew
            pass
    return _write(folder, root, records, cap, state_file, executor, sources, None)


def _write(
    folder: Path,
    root: Path,
    records: Iterable[FileRecord],
    cap: int,
    state_file: Path,
    executor: Callable[[tuple[Path, Path], int], Executor[Any]],
    sources: Mapping[str, str] | None,
    previous: dict[str, Any] | None,
) -> Written:
    works, skipped, searched, text_bytes = group_works(records, cap, sources or {}, previous)
    pending = [work for work in works if isinstance(work, GroupWork)]
    states = [work for work in works if not isinstance(work, GroupWork)]
    if (
        previous is not None
        and not pending
        and previous["skipped"] == skipped
        and (folder / TABLE_SCRIPT).is_file()
    ):
        return Written(tuple(current_files(states)), 0, searched, tuple(skipped), text_bytes)
    # A write stopped part-way leaves no state, so the next one writes the index anew: its
    # groups' shards may already hold what this write gave them, and what they held before
    # (which the directory's update reads from them) would be lost.
    state_file.unlink(missing_ok=True)
    rewritten = 0
    done: list[dict[str, Any]] = [{} if isinstance(work, GroupWork) else work for work in works]
    folder.mkdir(parents=True, exist_ok=True)
    changes: dict[int, GroupChange] = {}
    if pending:
        with executor((folder, root), len(pending)) as pool:
            for work, state in zip(pending, pool.map(_write_group_task, pending), strict=True):
                rewritten += state.pop("rewritten")
                changes[work.group] = state.pop("change")
                done[work.group] = state
    anew = previous is None or len(previous["groups"]) != len(done)
    rewritten += write_directory(folder, directory_count(len(done)), changes, anew)
    text = json.dumps(table(done, skipped), ensure_ascii=False, separators=(",", ":"))
    rewritten += _write_script(folder, TABLE_NAME, text.encode("utf-8"))
    current = current_files(done)
    _remove_others(folder, current, None if previous is None else current_files(previous["groups"]))
    state = {"format": FORMAT, "groups": done, "skipped": skipped}
    write_bytes_atomically(state_file, pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL))
    return Written(tuple(current), rewritten, searched, tuple(skipped), text_bytes)


def _write_group_task(shared: tuple[Path, Path], work: GroupWork) -> dict[str, Any]:
    folder, root = shared
    return write_group(folder, root, work)


def _remove_others(folder: Path, current: Sequence[str], listed: Sequence[str] | None) -> None:
    """Delete the files of the index's folder that it no longer holds: those the last build
    ``listed``, or when that is unknown, any file of the folder (it is the index's alone)."""
    kept = set(current)
    if listed is None:
        top = str(folder)
        listed = [
            os.path.relpath(os.path.join(directory, name), top).replace(os.sep, "/")
            for directory, _, names in os.walk(folder)
            for name in names
        ]
    for name in listed:
        if name not in kept:
            (folder / name).unlink(missing_ok=True)
