"""Python's garbage collector around the long-lived objects of a build: the records and
the index are millions of objects without cycles that live to the end, and every full
collection walks them all again."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused(freeze_after: bool) -> Iterator[None]:
    """The collector off while the block makes them (a third of the index's time on 20,000
    files went to collections). With ``freeze_after``, a block that succeeds has what it
    made frozen before the collector is back on: the first collection after the pause would
    walk it all."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
        if freeze_after:
            gc.freeze()
    finally:
        if enabled:
            gc.enable()
