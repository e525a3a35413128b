"""The symbol data's scripts (``symbol_data``) written into the site, in forked workers when
there are many: made one file after another, they were as long a stage as writing the file
pages (6.9 s of a 2,059-file build's index data), on one core.

A worker inherits the index and what ``SymbolData`` made before the fork (the uses by what
they may mean, the type hierarchy; the call graph is made per name as asked, by each
worker for its files), writes the scripts of a part of the files, and sends back only the
shared lists those files' definitions name. Each shared list is then written once, by a
part of its own.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

from xrefdoc.core.executor import local_executor
from xrefdoc.core.fsutil import write_if_changed
from xrefdoc.core.memory import forks_that_fit
from xrefdoc.site.symbol_data import Drawn, SymbolData
from xrefdoc.xref.index import CandidateKey

# Below this many files, forking workers costs more than it saves.
PARALLEL_MIN_FILES = 64
# Parts per worker: a few, so that one slow part (a file whose names everything uses)
# does not leave the other workers idle at the end; but no more than a part per
# ``PART_MIN_FILES`` files (and at least two), as each worker makes again what its files'
# scripts share (their names' callers and callees). The 147 files of a step between two
# versions of Sphinx's tree took 1.3 s in one process, 1.3 s in 8 parts on 2 cores and
# 1.0 s in 2.
PARTS_PER_WORKER = 4
PART_MIN_FILES = 64


@dataclass(frozen=True, slots=True)
class _Writer:
    """What a forked worker inherits: the data, and the folder its scripts go to."""

    symbols: SymbolData
    folder: Path


def _write_files(writer: _Writer, paths: list[str]) -> tuple[list[CandidateKey], dict[str, Drawn]]:
    """Writes the scripts of ``paths``; the shared lists they draw on, and what each drew
    (``SymbolData.drawn``)."""
    symbols = writer.symbols
    for name, text in symbols.file_scripts(paths):
        write_if_changed(writer.folder / name, text)
    return symbols.lists_drawn_on(paths), {path: symbols.made.get(path, {}) for path in paths}


def _write_lists(writer: _Writer, keys: list[CandidateKey]) -> None:
    for name, text in writer.symbols.list_scripts(keys):
        write_if_changed(writer.folder / name, text)


def _parts(sizes: list[int], count: int) -> list[slice]:
    """Runs of consecutive items, none empty, of about the same total size each: ``count``
    of them, or fewer when one item is larger than a run should be."""
    total = sum(sizes)
    parts: list[slice] = []
    start, held = 0, 0
    for at, size in enumerate(sizes):
        held += size
        if held * count >= total * (len(parts) + 1) or at + 1 == len(sizes):
            parts.append(slice(start, at + 1))
            start = at + 1
    return parts


def write_symbol_scripts(
    symbols: SymbolData,
    folder: Path,
    paths: list[str],
    asked: int,
    lists: Sequence[CandidateKey] = (),
    written: Collection[CandidateKey] = frozenset(),
) -> dict[str, Drawn]:
    """The scripts of ``paths`` (see ``SymbolData.scripts``) written under ``folder`` (the
    site's ``_xref/``), with ``lists`` and the shared lists they draw on but ``written``
    (there, and as their matches were), each only if its text changed, by up to ``asked``
    forked workers: fewer, as the log says, when the available memory holds fewer copies
    of this process (``memory.forks_that_fit``). Returns what the scripts of each file drew
    (``SymbolData.drawn``)."""
    drawn: dict[str, Drawn] = {}
    if not paths and not lists:
        return drawn  # nothing to make: not even what every file's scripts draw on
    many = len(paths) >= PARALLEL_MIN_FILES
    workers = forks_that_fit(asked, "symbol data") if many else asked
    parallel = workers > 1 and many
    most = max(2, len(paths) // PART_MIN_FILES)
    count = min(workers * PARTS_PER_WORKER, most) if parallel else 1
    if parallel:
        symbols.make_shared_parts(len(paths))
    writer = _Writer(symbols, folder)
    weights = [symbols.file_weight(path) for path in paths] if parallel else [1] * len(paths)
    file_parts = [paths[part] for part in _parts(weights, count)]
    with local_executor(
        writer, size=len(paths), min_size=PARALLEL_MIN_FILES, start_method="fork", workers=workers
    ) as executor:
        found = set(lists)
        for keys_drawn, digests in executor.map(_write_files, file_parts):
            found.update(key for key in keys_drawn if key not in written)
            drawn.update(digests)
        keys = sorted(found)
        sizes = [len(symbols.uses.shared(key)) for key in keys]
        list_parts = [keys[part] for part in _parts(sizes, count)]
        for _ in executor.map(_write_lists, list_parts):
            pass
    return drawn
