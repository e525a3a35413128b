"""Progress of the long stages: counts on a terminal, one line per stage elsewhere.

On a terminal, Sphinx's ``status_iterator`` redraws one line with the percentage and the
item. Elsewhere (a CI log, a pipe) it would print one line per item, tens of thousands of
them, so a stage says once how many items it handles, unless Sphinx runs verbose (``-v``).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TypeVar

from sphinx.util import logging
from sphinx.util.display import status_iterator

logger = logging.getLogger(__name__)

T = TypeVar("T")


def on_terminal() -> bool:
    return sys.stdout.isatty() and os.environ.get("TERM") != "dumb"


def progress(
    items: Sequence[T],
    summary: str,
    verbosity: int,
    stringify: Callable[[T], str] = str,
    unit: str = "files",
) -> Iterator[T]:
    """``items``, reporting progress as described above."""
    if verbosity > 0 or on_terminal():
        yield from status_iterator(
            items, summary, "darkgreen", len(items), verbosity, stringify_func=stringify
        )
        return
    if items:
        logger.info("%s%d %s", summary, len(items), unit)
    yield from items


def progress_of(verbosity: int, summary: str) -> Callable[[Sequence[str]], Iterable[str]]:
    """A ``progress`` over paths, in the form ``pipeline.scan`` takes."""

    def report(paths: Sequence[str]) -> Iterable[str]:
        return progress(paths, summary, verbosity)

    return report
