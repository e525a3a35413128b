"""How the code-search index cuts a tree: files into groups, a file's text into regions, a
group's regions into chunks, a group's trigrams into posting shards.

Every cut is a function of the files' paths and sizes alone, with counts rounded to powers
of two, so that a one-file change moves nothing else: the file stays in its group, the
other chunks of its group keep their members, and the group keeps its shard count.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

# The index's folder in the site's data folder (``site.names.code_search_folder``).
FOLDER = "code"
# The table's script (see the package's docstring), read first by every query.
TABLE_SCRIPT = "index.js"
TABLE_NAME = "index"
# Bumped whenever the files' layout or bytes change: an older index or state is then not
# trusted.
FORMAT = 5

# A group's text (a query fetches one posting shard per group and trigram; a change
# re-reads its group): some 4 MiB.
GROUP_BYTES = 4 << 20
# A posting shard covers the trigrams of some 48 KiB of text: about 4 KiB compressed.
SHARD_TEXT_BYTES = 48 << 10
MAX_SHARDS = 4096
# A file's text is cut at line ends into regions of at most 32 KiB (or one longer line):
# the posting lists name regions, so a match in a large file fetches one chunk.
REGION_BYTES = 32 << 10
# A chunk ends before a file whose path hashes to a multiple of ``CHUNK_EVERY`` once it holds
# ``CHUNK_MIN`` bytes, and before a region that would take it past ``CHUNK_MAX``. A
# candidate fetches its whole chunk, and a scan fetches them all: in headless Chromium here a
# fetch costs some 3 ms whatever its size, so at 8-32 KiB a regex whose literal is common
# took 20 s at 20,000 files and at 32-128 KiB 7-10 s, while a selective literal fetches
# 2-7% of the index instead of 2-4%.
CHUNK_EVERY = 4
CHUNK_MIN = 32 << 10
CHUNK_MAX = 128 << 10


# The directory says which groups hold each trigram, in shards by trigram: a query reads the
# posting shards of only the groups that hold all of its trigrams. Four shards a group (some
# 3 KiB each): a query reads one per trigram, and a one-file edit rewrites the few whose
# trigrams its group gained or lost.
DIRECTORY_SHARDS_PER_GROUP = 4


# When this many groups hold all of an alternative's trigrams, the directory has not told its
# rare ones from its common ones (every group holds each): a query probes the first of those
# groups for every trigram, and narrows all the groups rarest trigram first as there. At
# 20,570 files, "attestation_path" (every trigram in every one of 64 groups) then reads 108
# posting shards, not 426, and 32 chunks, not 74; a probe costs a posting shard per trigram
# looked up (at most ``query.MAX_TRIGRAMS``). The table carries it, so the browser and the
# terminal probe from the same count of groups.
PROBE_GROUPS = 16


def directory_count(groups: int) -> int:
    return DIRECTORY_SHARDS_PER_GROUP * groups


def directory_name(shard: int) -> str:
    return f"d{shard}"


# A group's chunks are stored eight to a file, a pack ``g<group>/k<pack>.js``: a scan fetches a
# pack at once, and a query that wants one chunk of it reads that chunk's bytes alone, with
# an HTTP range request. In headless Chromium here a worker took 5.2-5.5 s to fetch the
# 2,060 chunk files of 20,570 files one by one, whatever their size; 280 packs took 1.0 s.
PACK_CHUNKS = 8


def pack_name(group: int, pack: int) -> str:
    return f"g{group}/k{pack}"


def pack_count(chunks: int) -> int:
    return -(-chunks // PACK_CHUNKS)


def shard_name(group: int, shard: int) -> str:
    return f"g{group}/p{shard}"


def power_of_two_at_least(value: float) -> int:
    count = 1
    while count < value:
        count *= 2
    return count


def group_count(text_bytes: int) -> int:
    """How many groups a tree of ``text_bytes`` searchable bytes is cut into."""
    return power_of_two_at_least(text_bytes / GROUP_BYTES)


def path_hash(path: str) -> int:
    return zlib.crc32(path.encode("utf-8", "surrogateescape"))


def group_of(path: str, groups: int) -> int:
    return path_hash(path) & (groups - 1)


def _chunk_hash(path: str) -> int:
    """Bits of the path's hash that ``group_of`` does not use (all files of a group share those)."""
    return path_hash(path) >> 16


def shard_count(group_bytes: int) -> int:
    """How many posting shards a group of ``group_bytes`` bytes of text has."""
    return min(MAX_SHARDS, power_of_two_at_least(group_bytes / SHARD_TEXT_BYTES))


@dataclass(frozen=True)
class Region:
    """A run of whole lines of a file: bytes ``start:end`` of its text, from line ``line``."""

    start: int
    end: int
    line: int


def regions_of(text: bytes) -> Iterator[Region]:
    """``text`` cut at line ends into regions of at most ``REGION_BYTES`` (a longer line is a
    region of its own); an empty text is one empty region."""
    start = 0
    line = 1
    size = len(text)
    while True:
        end = size
        if size - start > REGION_BYTES:
            cut = text.rfind(b"\n", start, start + REGION_BYTES)
            if cut < 0:
                cut = text.find(b"\n", start + REGION_BYTES)
            end = size if cut < 0 else cut + 1
        yield Region(start, end, line)
        if end >= size:
            return
        line += text.count(b"\n", start, end)
        start = end


def chunk_starts(paths: Sequence[str], sizes: Sequence[int]) -> list[bool]:
    """For each region of a group in order (``paths[i]`` its file, ``sizes[i]`` its bytes),
    whether a new chunk starts with it."""
    starts = []
    held = 0
    for index, (path, size) in enumerate(zip(paths, sizes, strict=True)):
        first_of_file = index == 0 or paths[index - 1] != path
        new = index == 0 or (
            held > 0
            and (
                held + size > CHUNK_MAX
                or (first_of_file and held >= CHUNK_MIN and _chunk_hash(path) % CHUNK_EVERY == 0)
            )
        )
        if new:
            held = 0
        held += size
        starts.append(new)
    return starts
