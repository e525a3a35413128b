"""The trigrams of a text, as the code-search index keys them: three bytes of its UTF-8, with
ASCII letters folded to lower case, packed into one number ``b0 << 16 | b1 << 8 | b2``.

Folding makes one index serve case-sensitive and case-insensitive queries alike (a
case-sensitive query's trigrams are folded too: the index only prunes, and the match is
checked on the text). Bytes past ASCII are kept as they are, so a case-insensitive query
uses only the trigrams of its pure-ASCII parts (see ``query``).

Each posting of a trigram also carries a mask of the bytes that follow it in the region (or
group) it names: four bits, one per value of a byte's low two bits (``follow_bit``). A
literal's trigram with the byte after it is a four-byte gram, which prunes the regions that
hold every trigram of ``attestation_path`` but not the string.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    Trigrams = npt.NDArray[np.uint32]
    Follows = npt.NDArray[np.uint8]

# What follows a text's last trigram, in ``followed_trigrams``' keys: no byte.
_NOTHING_FOLLOWS = 8
# The byte bits a mask tells apart (``follow_bit``): a mask is one of 16 values.
_FOLLOW_VALUES = 3

# The byte → folded byte table: A-Z → a-z, every other byte itself.
_FOLD = bytes(range(256)).lower()

# The multiplier of the shard hash (Knuth's, 2^32 / φ): the browser computes the same with
# ``Math.imul``.
_HASH = 0x9E3779B1


def followed_trigrams(data: bytes) -> tuple[Trigrams, Follows]:
    """The distinct folded trigrams of ``data``, sorted, and for each the mask of the bytes
    that follow it somewhere in ``data`` (``follow_bit``; none after the last). (numpy is
    imported here, by the writer: reading the index needs none, see ``encoding``.)"""
    import numpy as np

    if len(data) < 3:
        return np.empty(0, dtype=np.uint32), np.empty(0, dtype=np.uint8)
    folded = np.frombuffer(data.translate(_FOLD), dtype=np.uint8).astype(np.uint32)
    packed = (folded[:-2] << 16) | (folded[1:-1] << 8) | folded[2:]
    # Each trigram with what follows it, as four bits: the next byte's low two, or 8 for
    # none. Sorting in place and keeping the first of each run is twice as fast as
    # ``np.unique``.
    keys = packed << 4
    keys[:-1] |= folded[3:] & _FOLLOW_VALUES
    keys[-1] |= _NOTHING_FOLLOWS
    keys.sort()
    keys = keys[_run_starts(keys)]
    trigrams = keys >> 4
    codes = keys & 15
    bits = np.where(codes == _NOTHING_FOLLOWS, 0, np.left_shift(1, codes & _FOLLOW_VALUES)).astype(
        np.uint8
    )
    starts = np.flatnonzero(_run_starts(trigrams))
    unique: Trigrams = trigrams[starts].astype(np.uint32, copy=False)
    follows: Follows = np.bitwise_or.reduceat(bits, starts)
    return unique, follows


def _run_starts(values: npt.NDArray[Any]) -> npt.NDArray[np.bool_]:
    """Where each run of equal values of a sorted array starts."""
    import numpy as np

    first = np.empty(values.size, dtype=bool)
    first[:1] = True
    np.not_equal(values[1:], values[:-1], out=first[1:])
    return first


def follow_bit(byte: int) -> int:
    """The bit of a trigram's mask that says ``byte`` (folded) follows it: one of four, by
    its low two bits, so that with the trigram it stands for a four-byte gram. A text that
    holds all of a literal's trigrams somewhere, but not in one place, rarely also has each
    followed by the literal's next byte. (Eight bits pruned some 30% more candidates on
    Sphinx's tree, and made the index 5% of its text larger.)"""
    return 1 << (byte & _FOLLOW_VALUES)


def fold(data: bytes) -> bytes:
    """``data`` with ASCII letters in lower case, as the index folds it."""
    return data.lower()


def pack(three: bytes) -> int:
    """The key of one trigram (three bytes, folded already)."""
    return three[0] << 16 | three[1] << 8 | three[2]


def shard_of(trigram: int, shards: int) -> int:
    """Which of a group's ``shards`` (a power of two) posting files holds ``trigram``."""
    return (((trigram * _HASH) & 0xFFFFFFFF) >> 16) & (shards - 1)


def shards_of(trigrams: Trigrams, shards: int) -> npt.NDArray[np.uint32]:
    """``shard_of`` for every trigram of an array."""
    import numpy as np

    hashed = (trigrams.astype(np.uint64) * _HASH) & 0xFFFFFFFF
    return ((hashed >> 16) & (shards - 1)).astype(np.uint32)
