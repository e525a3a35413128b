"""Reading a site's code-search index back, as the terminal's ``xrefdoc grep`` does: the table
first, then the directory shards of a query's trigrams, the posting shards of the groups that
hold them all, and the chunks of its candidates, each read alone from its pack."""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from xrefdoc.codesearch.encoding import (
    BrokenIndex,
    Shard,
    read_script,
    read_segment,
    segment_starts,
    segment_text,
)
from xrefdoc.codesearch.layout import (
    FORMAT,
    TABLE_NAME,
    TABLE_SCRIPT,
    directory_name,
    pack_name,
    shard_name,
)
from xrefdoc.codesearch.trigrams import shard_of


@dataclass(frozen=True)
class SearchedRegion:
    """A region of a searched file: its text starts at line ``line``."""

    path: str
    line: int


class CodeIndex:
    """A site's code-search index, read lazily from its folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        data = self._data(TABLE_NAME)
        try:
            table: dict[str, Any] = json.loads(data)
        except ValueError as error:
            raise BrokenIndex(f"{TABLE_SCRIPT}: {error}") from error
        if not isinstance(table, dict) or table.get("format") != FORMAT:
            raise BrokenIndex(f"{TABLE_SCRIPT} is of another version of xrefdoc")
        self.files: list[tuple[str, str, int]] = [tuple(file) for file in table["files"]]
        self.skipped: list[tuple[str, str]] = [tuple(entry) for entry in table["skipped"]]
        self._groups: list[dict[str, Any]] = table["groups"]
        # Per group, five numbers a region: file, first line, chunk, offset, length.
        self._regions: list[list[int]] = [group["regions"] for group in self._groups]
        self._directory = int(table["directory"])
        # How many groups holding all of a query's trigrams make it probe one of them first
        # (``layout.PROBE_GROUPS``).
        self.probe_groups = int(table["probe"])
        # How many chunks a pack holds (``layout.PACK_CHUNKS``).
        self._pack_chunks = int(table["pack"])
        self.directory_shard = cache(self._directory_shard)
        self.shard = cache(self._shard)
        self.chunk = cache(self._chunk)

    @classmethod
    def exists(cls, folder: Path) -> bool:
        return (folder / TABLE_SCRIPT).is_file()

    def _data(self, name: str) -> bytes:
        return read_script(self.folder, name)

    @property
    def groups(self) -> int:
        return len(self._groups)

    def _shard(self, group: int, shard: int) -> Shard:
        return Shard(self._data(shard_name(group, shard)))

    def _chunk(self, group: int, chunk: int) -> bytes:
        """The text of a chunk, from its segment alone of its pack."""
        pack = chunk // self._pack_chunks
        first = pack * self._pack_chunks
        lengths = self._groups[group]["segments"][first : first + self._pack_chunks]
        name = pack_name(group, pack)
        if not 0 <= chunk - first < len(lengths):
            raise BrokenIndex(f"the table names no chunk {chunk} of group {group}")
        start = segment_starts(name, lengths)[chunk - first]
        text = segment_text(self._segment(name, start, lengths[chunk - first]))
        if zlib.crc32(text) != self._groups[group]["sums"][chunk]:
            raise BrokenIndex(f"{name}.js does not hold the text the table describes")
        return text

    def _segment(self, name: str, start: int, length: int) -> str:
        return read_segment(self.folder, name, start, length)

    def _directory_shard(self, shard: int) -> Shard:
        return Shard(self._data(directory_name(shard)))

    def groups_with(self, trigram: int, follows: int = 0) -> list[int]:
        """The groups that hold ``trigram`` (folded) followed by each byte whose bit is in
        ``follows`` (``trigrams.follow_bit``), from the directory."""
        shard = self.directory_shard(shard_of(trigram, self._directory))
        return shard.regions_of(trigram, follows)

    def regions_with(self, group: int, trigram: int, follows: int = 0) -> list[int]:
        """The regions of ``group`` that hold ``trigram`` (folded) followed by each byte
        whose bit is in ``follows``."""
        shard = self.shard(group, shard_of(trigram, self._groups[group]["shards"]))
        return shard.regions_of(trigram, follows)

    def shard_count(self, group: int) -> int:
        return int(self._groups[group]["shards"])

    def region_count(self, group: int) -> int:
        return len(self._regions[group]) // 5

    def region(self, group: int, number: int) -> SearchedRegion:
        file, line = self._regions[group][5 * number : 5 * number + 2]
        return SearchedRegion(self.files[file][0], line)

    def chunks_of(self, group: int, numbers: Iterable[int]) -> set[int]:
        """The chunks that hold the regions ``numbers`` of ``group``."""
        regions = self._regions[group]
        return {regions[5 * number + 2] for number in numbers}

    def text(self, group: int, number: int) -> bytes:
        """The text of region ``number`` of ``group``."""
        chunk, offset, length = self._regions[group][5 * number + 2 : 5 * number + 5]
        return self.chunk(group, chunk)[offset : offset + length]

    def regions_of_files(self, group: int, files: set[int] | None) -> Iterator[int]:
        """Every region of ``group``, or those of the files numbered in ``files``."""
        owners = self._regions[group][0::5]
        for number, owner in enumerate(owners):
            if files is None or owner in files:
                yield number
