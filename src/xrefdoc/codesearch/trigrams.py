"""The trigrams of a text, as the code-search index keys them: three bytes of its UTF-8, with
ASCII letters folded to lower case, packed into one number ``b0 << 16 | b1 << 8 | b2``.

Folding makes one index serve case-sensitive and case-insensitive queries alike (a
case-sensitive query's trigrams are folded too: the index only prunes, and the match is
checked on the text). Bytes past ASCII are kept as they are, so a case-insensitive query
uses only the trigrams of its pure-ASCII parts (see ``query``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    Trigrams = npt.NDArray[np.uint32]

# The byte → folded byte table: A-Z → a-z, every other byte itself.
_FOLD = bytes(range(256)).lower()

# The multiplier of the shard hash (Knuth's, 2^32 / φ): the browser computes the same with
# ``Math.imul``.
_HASH = 0x9E3779B1


def trigrams_of(data: bytes) -> Trigrams:
    """The distinct folded trigrams of ``data``, sorted. (numpy is imported here, by the
    writer: reading the index needs none, see ``encoding``.)"""
    import numpy as np

    if len(data) < 3:
        return np.empty(0, dtype=np.uint32)
    folded = np.frombuffer(data.translate(_FOLD), dtype=np.uint8).astype(np.uint32)
    packed = ((folded[:-2] << 16) | (folded[1:-1] << 8) | folded[2:]).astype(np.uint32, copy=False)
    # Sorting in place and keeping the first of each run is twice as fast as ``np.unique``.
    packed.sort()
    first = np.empty(packed.size, dtype=bool)
    first[0] = True
    np.not_equal(packed[1:], packed[:-1], out=first[1:])
    unique: Trigrams = packed[first]
    return unique


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
