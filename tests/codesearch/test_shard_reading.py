"""A posting shard as the writer encodes it reads back the same lists (and masks) without numpy, for
lists far past the first block of bytes the reader counts at a time, and a cut or padded
shard is a ``BrokenIndex``."""

from __future__ import annotations

import random

import numpy as np
import pytest

from xrefdoc.codesearch.encoding import (
    BrokenIndex,
    Shard,
    read_numbers,
    shard_bytes,
    varint_values,
    varints,
)


def mask_of(trigram: int, region: int) -> int:
    """The mask of bytes following ``trigram`` in ``region`` in these shards: any byte."""
    return (trigram ^ region * 37) & 0x0F


def encoded(lists: dict[int, list[int]]) -> bytes:
    """The shard of ``lists`` (trigram: its ascending regions), as ``writer`` encodes it, each
    posting with its ``mask_of``."""
    trigrams = sorted(lists)
    gaps = [
        gap for trigram in trigrams for gap in np.diff(np.array(lists[trigram]), prepend=0).tolist()
    ]
    return shard_bytes(
        np.array(trigrams, dtype=np.uint32),
        np.array([len(lists[t]) for t in trigrams], dtype=np.int64),
        np.array(gaps, dtype=np.uint32),
        np.array([mask_of(t, region) for t in trigrams for region in lists[t]], dtype=np.uint8),
    )


def test_every_list_reads_back_and_an_absent_trigram_has_none() -> None:
    chance = random.Random(24)
    lists = {
        chance.randrange(1 << 24): sorted(chance.sample(range(1 << 20), chance.randint(1, 300)))
        for _ in range(400)
    }
    data = encoded(lists)
    assert len(data) > 10 * 4096  # the lists run over many of the reader's blocks
    shard = Shard(data)
    for trigram, regions in lists.items():
        assert shard.regions_of(trigram) == regions
        follows = 0b1001
        followed = [region for region in regions if mask_of(trigram, region) & follows == follows]
        assert shard.regions_of(trigram, follows) == followed
    absent = next(t for t in range(1 << 24) if t not in lists)
    assert shard.regions_of(absent) == []


def test_the_writer_reads_every_posting_back_at_once() -> None:
    chance = random.Random(7)
    lists = {
        chance.randrange(1 << 24): sorted(chance.sample(range(1 << 27), chance.randint(1, 40)))
        for _ in range(200)
    }
    trigrams, numbers, masks = Shard(encoded(lists)).entries()
    expected = [(t, region, mask_of(t, region)) for t in sorted(lists) for region in lists[t]]
    found = list(zip(trigrams.tolist(), numbers.tolist(), masks.tolist(), strict=True))
    assert found == expected


def test_numbers_read_back_across_their_byte_lengths() -> None:
    values = [0, 1, 127, 128, 16383, 16384, 2**21, 2**28, 2**35 - 1]
    encoded_values = np.frombuffer(varints(np.array(values, dtype=np.uint64)), dtype=np.uint8)
    assert varint_values(encoded_values).tolist() == values
    assert read_numbers(varints(np.array(values, dtype=np.uint64)), 0, len(values)) == (
        values,
        len(varints(np.array(values, dtype=np.uint64))),
    )


@pytest.mark.parametrize("damage", ["cut", "padded", "cut in the keys"])
def test_a_damaged_shard_is_a_broken_index(damage: str) -> None:
    data = encoded({0x616263: [1, 5, 9], 0x646566: [2, 300]})
    broken = {
        "cut": data[:-1],
        "padded": data + b"\x05",
        "cut in the keys": data[:4],
    }[damage]
    with pytest.raises(BrokenIndex):
        Shard(broken).regions_of(0x646566)
