"""The bytes of the code-search index's files: variable-length numbers, posting shards, the
packs of chunks, and the scripts that carry them (see the package's docstring for the layout).

Every file of the index is a script, so that a page read from disk may load it (a
``file://`` page may run a script but not fetch a file). A pack of chunks is
``xrefdocCode("<name>",["<segment>",…]);``, each segment raw deflate in base64
(``pack_segments``), which the browser inflates with ``DecompressionStream("deflate-raw")``;
every other file is ``xrefdocCode("<name>","<base64>");`` of zlib-compressed bytes, inflated
with ``DecompressionStream("deflate")``. The terminal inflates both with ``zlib``.

Reading needs no numpy (the writer's encoders import it when called): ``xrefdoc grep`` reads
a few posting lists, and importing numpy took longer (some 140 ms) than the whole query.
"""

from __future__ import annotations

import base64
import re
import zlib
from collections.abc import Iterable, Sequence
from itertools import accumulate
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    Numbers = npt.NDArray[np.uint32]
    Masks = npt.NDArray[np.uint8]

# zlib's level for every file of the index: on Sphinx's tree (20,570 files), 6 writes the
# texts 10% smaller than 3 in twice the time (3.7 s against 1.7 s of one core), 9 1% smaller
# again in twice the time again; the posting shards 2% smaller (0.8 s more).
LEVEL = 6

_SCRIPT = re.compile(r'xrefdocCode\("([^"]*)","([A-Za-z0-9+/=]*)"\);\n?\Z')
_BASE64 = re.compile(rb"[A-Za-z0-9+/=]*")
# What ends a raw deflate stream: an empty final block (fixed codes). A pack's segments end
# at a full flush, so that each inflates alone, and the pack's run together, once this is
# put after the last.
FINAL_BLOCK = b"\x03\x00"
# The bytes that do not end a LEB128 number (its top bit set).
_NOT_LAST = bytes(range(0x80, 0x100))


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


def read_script(folder: Path, name: str) -> bytes:
    """The bytes the script ``name`` of the index in ``folder`` carries; ``BrokenIndex`` when
    it cannot be read or is not one."""
    path = folder / f"{name}.js"
    try:
        text = path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as error:
        raise BrokenIndex(f"cannot read {path}: {error}") from error
    return script_data(text, name)


def pack_segments(chunks: Iterable[bytes]) -> list[str]:
    """The segments of a pack of ``chunks``: each chunk's text as raw deflate (no zlib header)
    ended by a full flush, which forgets what came before, in base64. One segment inflates
    alone, with ``FINAL_BLOCK`` after it; the whole pack, its segments' bytes run together."""
    compressor = zlib.compressobj(LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
    return [
        base64.b64encode(compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)).decode(
            "ascii"
        )
        for chunk in chunks
    ]


def pack_script(name: str, segments: Sequence[str]) -> str:
    """The script that hands the page the pack ``name`` of ``segments``."""
    listed = '","'.join(segments)
    return f'xrefdocCode("{name}",["{listed}"]);\n'


def segment_starts(name: str, lengths: Sequence[int]) -> list[int]:
    """Where each segment of the pack ``name`` starts in its script, given their lengths: a
    range request reads one from there."""
    start = len(f'xrefdocCode("{name}",["')
    starts = []
    for length in lengths:
        starts.append(start)
        start += length + len('","')
    return starts


def read_segment(folder: Path, name: str, start: int, length: int) -> str:
    """The segment of the pack ``name`` of the index in ``folder`` that starts at ``start``
    of its script and is ``length`` long (``segment_starts``), read alone; ``BrokenIndex``
    when it cannot be read or is not one."""
    path = folder / f"{name}.js"
    try:
        with path.open("rb") as stream:
            stream.seek(start - 2)
            framed = stream.read(length + 4)
    except OSError as error:
        raise BrokenIndex(f"cannot read {path}: {error}") from error
    segment = framed[2:-2]
    if (
        len(framed) != length + 4
        or framed[:2] not in (b'["', b',"')
        or framed[-2:] not in (b'",', b'"]')
        or not _BASE64.fullmatch(segment)
    ):
        raise BrokenIndex(f"{path} is not the pack the table describes")
    return segment.decode("ascii")


def segment_text(segment: str) -> bytes:
    """The text of a chunk from its segment of a pack; ``BrokenIndex`` when the segment does
    not inflate to whole blocks (raw deflate carries no checksum: the table holds each
    chunk's CRC-32 for that)."""
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    try:
        text = inflater.decompress(base64.b64decode(segment, validate=True) + FINAL_BLOCK)
    except (ValueError, zlib.error) as error:
        raise BrokenIndex(f"a broken segment of a pack: {error}") from error
    if not inflater.eof or inflater.unused_data:
        raise BrokenIndex("a broken segment of a pack: it does not end where it should")
    return text


def varints(values: npt.NDArray[np.integer]) -> bytes:
    """LEB128: seven bits a byte, low bits first, the top bit set on all but a number's last
    byte. Values below 2^35. Written a byte position at a time, each pass over the numbers
    that have a byte there: most gaps and counts are one byte (a million gaps of Sphinx's
    shards: 0.11 s as a table of five bytes a number cut down, 0.04 s so)."""
    import numpy as np

    numbers = values.astype(np.uint64)  # a copy: shifted in place below
    lengths = np.ones(numbers.size, dtype=np.int64)
    for k in range(1, 5):
        lengths += numbers >= (1 << (7 * k))
    ends = np.cumsum(lengths)
    out = np.empty(int(ends[-1]) if numbers.size else 0, dtype=np.uint8)
    at = ends - lengths  # where each number's next byte goes
    live = np.arange(numbers.size)  # the numbers with a byte still to write
    while live.size:
        left = numbers[live]
        more = lengths[live] > 1
        out[at] = (left & 0x7F).astype(np.uint8) | (more.astype(np.uint8) << 7)
        numbers[live] = left >> np.uint64(7)
        lengths[live] -= 1
        live, at = live[more], at[more] + 1
    return out.tobytes()


def varint_values(data: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint64]:
    """The numbers of the LEB128 bytes ``data`` (``varints``'s), which end with a number's
    last byte."""
    import numpy as np

    ends = np.flatnonzero(data < 0x80)
    starts = np.concatenate([[0], ends[:-1] + 1])
    within = np.arange(data.size) - np.repeat(starts, ends - starts + 1)
    septets = (data & 0x7F).astype(np.uint64) << (7 * within).astype(np.uint64)
    return np.add.reduceat(septets, starts)


def shard_bytes(
    trigrams: Numbers, counts: npt.NDArray[np.int64], gaps: Numbers, follows: Masks
) -> bytes:
    """A posting shard: its trigrams (sorted), how many regions hold each, the regions of
    each in turn as gaps (the first region's number, then each one's distance from the one
    before), then for each region listed, in turn, the mask of the bytes that follow the
    trigram there (``trigrams.follow_bit``): four bits each, the first of a byte low."""
    import numpy as np

    keys = np.empty((trigrams.size, 3), dtype=np.uint8)
    keys[:, 0] = trigrams >> 16
    keys[:, 1] = (trigrams >> 8) & 0xFF
    keys[:, 2] = trigrams & 0xFF
    head = varints(np.array([trigrams.size]))
    nibbles = np.zeros(follows.size + follows.size % 2, dtype=np.uint8)
    nibbles[: follows.size] = follows
    masks = (nibbles[0::2] | nibbles[1::2] << 4).tobytes()
    return head + keys.tobytes() + varints(counts) + varints(gaps) + masks


def read_numbers(data: bytes, start: int, count: int) -> tuple[list[int], int]:
    """The ``count`` LEB128 numbers from ``data[start:]``, and where they end."""
    block = data[start : start + count]
    if len(block) == count and len(block.translate(None, _NOT_LAST)) == count:
        return list(block), start + count  # numbers below 128, a byte each: most counts
    numbers: list[int] = []
    value = shift = 0
    at = start
    try:
        while len(numbers) < count:
            byte = data[at]
            at += 1
            value |= (byte & 0x7F) << shift
            if byte < 0x80:
                numbers.append(value)
                value = shift = 0
            else:
                shift += 7
    except IndexError:
        raise BrokenIndex("a number cut short") from None
    return numbers, at


def skip_numbers(data: bytes, start: int, count: int) -> int:
    """Where the ``count``-th LEB128 number from ``data[start:]`` ends: the numbers' last
    bytes are counted a block at a time by ``bytes.translate``, so that finding one list
    among a shard's thousands takes no Python loop over the ones before it."""
    at = start
    block = 4096
    while count > 0:
        piece = data[at : at + block]
        if not piece:
            raise BrokenIndex("a number cut short")
        ends = len(piece.translate(None, _NOT_LAST))
        if ends < count:
            at += len(piece)
            count -= ends
            continue
        # The shortest start of ``piece`` that holds ``count`` last bytes, found by halving.
        low, high = 1, len(piece)
        while low < high:
            middle = (low + high) // 2
            if len(piece[:middle].translate(None, _NOT_LAST)) >= count:
                high = middle
            else:
                low = middle + 1
        return at + low
    return at


class Shard:
    """A posting shard read back: which regions of its group hold each of its trigrams (or,
    a directory shard, which groups), with the mask of the bytes that follow the trigram in
    each. Its lists are decoded only when asked for."""

    def __init__(self, data: bytes) -> None:
        (count,), head = read_numbers(data, 0, 1)
        keys_end = head + 3 * count
        if keys_end > len(data):
            raise BrokenIndex("a posting shard cut short")
        self._keys = data[head:keys_end]
        counts, self._lists = read_numbers(data, keys_end, count)
        self._counts = counts
        self._starts = list(accumulate(counts, initial=0))
        # Every list's numbers and nothing more, then a mask per number, two a byte.
        self._masks = len(data) - (self._starts[-1] + 1) // 2
        lists = data[self._lists : self._masks]
        if (
            self._masks < self._lists
            or len(lists.translate(None, _NOT_LAST)) != self._starts[-1]
            or lists[-1:] >= b"\x80"
        ):
            raise BrokenIndex("a posting shard whose lists do not add up")
        self._data = data

    def trigrams(self) -> list[int]:
        """The shard's trigrams, ascending."""
        keys = self._keys
        return [int.from_bytes(keys[at : at + 3], "big") for at in range(0, len(keys), 3)]

    def entries(self) -> tuple[Numbers, npt.NDArray[np.int64], Masks]:
        """Every posting of the shard, as arrays (for the writer, which updates shards): the
        trigram, the number holding it and the mask of the bytes that follow it there; by
        trigram, then number. Decoded at once: a Python loop over a 2,000-file tree's
        directory took 0.3 s of a rebuild."""
        import numpy as np

        keys = np.frombuffer(self._keys, dtype=np.uint8).reshape(-1, 3).astype(np.uint32)
        trigrams = ((keys[:, 0] << 16) | (keys[:, 1] << 8) | keys[:, 2]).astype(np.uint32)
        counts = np.array(self._counts, dtype=np.int64)
        total = self._starts[-1]
        if total == 0:
            return trigrams[:0], np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.uint8)
        lists = np.frombuffer(self._data, dtype=np.uint8, offset=self._lists)
        positions = np.cumsum(varint_values(lists[: self._masks - self._lists]), dtype=np.int64)
        # Each list's gaps add up from its first number: the sum of the lists before it goes.
        firsts = np.array(self._starts[:-1], dtype=np.int64)
        before = np.where(firsts > 0, positions[np.maximum(firsts - 1, 0)], 0)
        numbers = positions - np.repeat(before, counts)
        packed = np.frombuffer(self._data, dtype=np.uint8, offset=self._masks)
        masks = np.empty(2 * packed.size, dtype=np.uint8)
        masks[0::2], masks[1::2] = packed & 15, packed >> 4
        return np.repeat(trigrams, counts), numbers, masks[:total]

    def _masks_from(self, first: int, count: int) -> list[int]:
        """The masks of the ``count`` numbers from the ``first`` of the shard's lists on."""
        data = self._data[self._masks + first // 2 : self._masks + (first + count + 1) // 2]
        masks = [value for byte in data for value in (byte & 15, byte >> 4)]
        return masks[first % 2 : first % 2 + count]

    def regions_of(self, trigram: int, follows: int = 0) -> list[int]:
        """The regions (numbers within the group) holding ``trigram`` followed somewhere by
        each byte whose bit is in ``follows``, ascending."""
        key = trigram.to_bytes(3, "big")
        keys = self._keys
        low, high = 0, len(self._counts)
        while low < high:
            middle = (low + high) // 2
            if keys[3 * middle : 3 * middle + 3] < key:
                low = middle + 1
            else:
                high = middle
        if low == len(self._counts) or keys[3 * low : 3 * low + 3] != key:
            return []
        start = skip_numbers(self._data, self._lists, self._starts[low])
        gaps, _ = read_numbers(self._data, start, self._counts[low])
        regions = accumulate(gaps)
        if not follows:
            return list(regions)
        masks = self._masks_from(self._starts[low], self._counts[low])
        return [
            region for region, mask in zip(regions, masks, strict=True) if mask & follows == follows
        ]
