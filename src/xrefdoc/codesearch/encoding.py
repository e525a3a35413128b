"""The bytes of the code-search index's files: variable-length numbers, posting shards, and
the scripts that carry them (see the package's docstring for the layout).

Every file of the index is a script, ``xrefdocCode("<name>","<base64>");``, so that a page
read from disk may load it (a ``file://`` page may run a script but not fetch a file); the
base64 holds zlib-compressed bytes, which the browser inflates with
``DecompressionStream("deflate")`` and the terminal with ``zlib``.
"""

from __future__ import annotations

import base64
import re
import zlib
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

# zlib's level for every file of the index: on Sphinx's tree, 6 writes the texts 11% smaller
# than 3 in twice the time, 9 2% smaller again in twice the time again.
LEVEL = 3

_SCRIPT = re.compile(r'xrefdocCode\("([^"]*)","([A-Za-z0-9+/=]*)"\);\n?\Z')

Numbers = npt.NDArray[np.uint32]


class BrokenIndex(ValueError):
    """A file of the index that is not what the writer writes."""


def script(name: str, data: bytes) -> str:
    """The script that hands ``data``, compressed, to the page as ``name``."""
    packed = base64.b64encode(zlib.compress(data, LEVEL)).decode("ascii")
    return f'xrefdocCode("{name}","{packed}");\n'


def script_data(text: str, name: str) -> bytes:
    """The bytes a script of ``script`` carries; ``BrokenIndex`` unless it is one, of ``name``."""
    found = _SCRIPT.match(text)
    if found is None or found.group(1) != name:
        raise BrokenIndex(f"not a code-search script of {name}")
    try:
        return zlib.decompress(base64.b64decode(found.group(2)))
    except (ValueError, zlib.error) as error:
        raise BrokenIndex(f"{name}: {error}") from error


def varints(values: npt.NDArray[np.integer]) -> bytes:
    """LEB128: seven bits a byte, low bits first, the top bit set on all but a number's last
    byte. Values below 2^35."""
    numbers = values.astype(np.uint64, copy=False)
    lengths = np.ones(numbers.size, dtype=np.int64)
    for k in range(1, 5):
        lengths += numbers >= (1 << (7 * k))
    columns = np.arange(5)
    septets = ((numbers[:, None] >> (7 * columns).astype(np.uint64)) & 0x7F).astype(np.uint8)
    septets[columns[None, :] < (lengths[:, None] - 1)] |= 0x80
    return bytes(septets[columns[None, :] < lengths[:, None]].tobytes())


def read_varints(data: bytes, start: int = 0) -> npt.NDArray[np.int64]:
    """Every LEB128 number of ``data[start:]`` (which must end at a number's end)."""
    raw = np.frombuffer(data, dtype=np.uint8, offset=start)
    if raw.size == 0:
        return np.empty(0, dtype=np.int64)
    ends = raw < 0x80
    if not ends[-1]:
        raise BrokenIndex("a number cut short")
    number_of: npt.NDArray[np.int64] = np.cumsum(ends) - ends  # the number each byte is of
    firsts = np.concatenate(([0], np.flatnonzero(ends)[:-1] + 1))
    shifts = 7 * (np.arange(raw.size) - firsts[number_of])
    parts = (raw & 0x7F).astype(np.int64) << shifts
    return np.bincount(number_of, weights=parts).astype(np.int64)


def shard_bytes(trigrams: Numbers, counts: npt.NDArray[np.int64], gaps: Numbers) -> bytes:
    """A posting shard: its trigrams (sorted), how many regions hold each, and the regions
    of each in turn as gaps (the first region's number, then each one's distance from the
    one before)."""
    keys = np.empty((trigrams.size, 3), dtype=np.uint8)
    keys[:, 0] = trigrams >> 16
    keys[:, 1] = (trigrams >> 8) & 0xFF
    keys[:, 2] = trigrams & 0xFF
    head = varints(np.array([trigrams.size]))
    return head + keys.tobytes() + varints(counts) + varints(gaps)


@dataclass(frozen=True)
class Shard:
    """A posting shard read back: which regions of its group hold each of its trigrams."""

    trigrams: Numbers
    starts: npt.NDArray[np.int64]
    regions: npt.NDArray[np.int64]

    @classmethod
    def read(cls, data: bytes) -> Shard:
        head = _first_end(data)
        count = int(read_varints(data[:head])[0])
        keys_end = head + 3 * count
        if keys_end > len(data):
            raise BrokenIndex("a posting shard cut short")
        keys = np.frombuffer(data, dtype=np.uint8, offset=head, count=3 * count)
        keys = keys.reshape(-1, 3).astype(np.uint32)
        trigrams: Numbers = ((keys[:, 0] << 16) | (keys[:, 1] << 8) | keys[:, 2]).astype(np.uint32)
        numbers = read_varints(data, keys_end)
        counts = numbers[: trigrams.size]
        gaps = numbers[trigrams.size :]
        if counts.sum() != gaps.size:
            raise BrokenIndex("a posting shard whose lists do not add up")
        starts = np.concatenate(([0], np.cumsum(counts)))
        if trigrams.size == 0:
            return cls(trigrams, starts, gaps)
        regions = np.cumsum(gaps)
        # Each list restarts from its own first number: take back what the lists before it added.
        before = np.repeat(np.concatenate(([0], regions[starts[1:-1] - 1])), counts)
        return cls(trigrams, starts, regions - before)

    def regions_of(self, trigram: int) -> npt.NDArray[np.int64]:
        """The regions (numbers within the group) holding ``trigram``, ascending."""
        at = int(np.searchsorted(self.trigrams, trigram))
        if at == self.trigrams.size or self.trigrams[at] != trigram:
            return np.empty(0, dtype=np.int64)
        return self.regions[self.starts[at] : self.starts[at + 1]]


def _first_end(data: bytes) -> int:
    """Where the first LEB128 number of ``data`` ends."""
    for at, byte in enumerate(data):
        if byte < 0x80:
            return at + 1
    raise BrokenIndex("a number cut short")
