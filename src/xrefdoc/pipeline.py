"""The stages before rendering, run in order: walk, extract, cross-reference."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from xrefdoc.config import Settings
from xrefdoc.extract import extract_file
from xrefdoc.model import FileRecord
from xrefdoc.walk import WalkResult, walk
from xrefdoc.xref import Index, build_index

Progress = Callable[[Iterable[str]], Iterable[str]]


@dataclass(frozen=True, slots=True)
class Scan:
    """The walk's outcome, every record, and the index built from them."""

    walked: WalkResult
    records: tuple[FileRecord, ...]
    index: Index


def _unchanged(paths: Iterable[str]) -> Iterable[str]:
    return paths


def scan(settings: Settings, progress: Progress = _unchanged) -> Scan:
    """Walk, extract every file, and index; a file that cannot be read is skipped with why."""
    walked = walk(settings)
    records = []
    for path in progress(list(walked.files)):
        try:
            records.append(extract_file(settings.root, path))
        except OSError as error:
            walked.skipped.append((path, f"unreadable: {error.strerror or error}"))
    walked.files[:] = [record.path for record in records]
    return Scan(walked, tuple(records), build_index(records))
