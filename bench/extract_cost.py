"""Extraction cost per file, by language, against the Python (``ast``) path on files of the
same size, measured in one process.

    python bench/extract_cost.py [SRC ...]
    python bench/extract_cost.py --total FAMILY [SRC ...]

Every file of the trees (as ``xrefdoc`` selects them) is read once, then extracted
``REPEATS`` times by the same function a build runs (``extract_bytes``: decoding, language
detection, the family's extractor); the fastest run counts. Files are grouped by size into
buckets a factor of four wide, and each language's median cost per KiB in a bucket is set
against the median of its Python files in that bucket. Prints a markdown table and exits 1
when a language costs more than twice as much as Python on files of the same size.

``--total FAMILY`` prints instead the whole cost of extracting every file of that family
(the sum of each file's fastest run): run it with two checkouts on ``PYTHONPATH`` (paired,
e.g. with ``farm-bench --vs``) to set an extractor's cost against its previous version's.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

from xrefdoc.analyze.plugin import register_rules
from xrefdoc.core.languages import detect_language
from xrefdoc.core.settings import make_settings
from xrefdoc.extract.file_record import extract_bytes
from xrefdoc.extract.hooks import Hooks
from xrefdoc.walk.tree import walk

REPEATS = 3
BUCKETS = ((1 << 10, 4 << 10), (4 << 10, 16 << 10), (16 << 10, 64 << 10), (64 << 10, 256 << 10))
MIN_FILES = 5
LIMIT = 2.0
# Families with an extractor of their own (the others are read as lexer tokens).
MEASURED = {"python", "javascript", "typescript", "tsx", "c", "cpp", "go", "rust", "java"}
MEASURED |= {"ruby", "bash"}
# The rules a build runs on each parsed tree: their cost is part of extraction's.
HOOKS = register_rules(Hooks())


def bucket_of(size: int) -> tuple[int, int] | None:
    for low, high in BUCKETS:
        if low <= size < high:
            return (low, high)
    return None


def label(bucket: tuple[int, int]) -> str:
    low, high = bucket
    return f"{low >> 10}-{high >> 10} KiB"


def cost(path: str, data: bytes) -> float:
    """The fastest of ``REPEATS`` extractions of one file, in seconds."""
    best = float("inf")
    for _ in range(REPEATS):
        start = time.perf_counter()
        extract_bytes(path, data, "", HOOKS)
        best = min(best, time.perf_counter() - start)
    return best


def files_of(sources: list[Path]) -> list[tuple[str, str, bytes]]:
    """(family, path, content) of every file the trees select."""
    found = []
    for src in sources:
        root = src.resolve()
        for path in walk(make_settings(root)).files:
            data = (root / path).read_bytes()
            found.append((detect_language(path.rpartition("/")[2], data[:256]).family, path, data))
    return found


def total(family: str, sources: list[Path]) -> int:
    files = [(path, data) for kind, path, data in files_of(sources) if kind == family]
    seconds = sum(cost(path, data) for path, data in files)
    print(f"{family}: {len(files)} files, {seconds:.3f} s (each file's fastest of {REPEATS})")
    return 0


def main(argv: list[str]) -> int:
    if argv[:1] == ["--total"]:
        return total(argv[1], [Path(arg) for arg in argv[2:]])
    sources = [Path(arg) for arg in argv] or [Path(__file__).resolve().parent.parent]
    # (language family, bucket) → seconds per KiB of each file
    per_kib: dict[tuple[str, tuple[int, int]], list[float]] = defaultdict(list)
    for family, path, data in files_of(sources):
        bucket = bucket_of(len(data))
        if bucket is None or family not in MEASURED:
            continue
        per_kib[(family, bucket)].append(cost(path, data) / (len(data) / 1024))
    print("| language | size | files | ms/KiB | Python ms/KiB | ratio |")
    print("| --- | --- | --: | --: | --: | --: |")
    over = []
    for (family, bucket), costs in sorted(per_kib.items(), key=lambda item: item[0][1]):
        python = per_kib.get(("python", bucket), [])
        if family == "python" or len(costs) < MIN_FILES or len(python) < MIN_FILES:
            continue
        ours, theirs = statistics.median(costs) * 1000, statistics.median(python) * 1000
        ratio = ours / theirs
        print(
            f"| {family} | {label(bucket)} | {len(costs)} | {ours:.3f} | {theirs:.3f} "
            f"| {ratio:.2f} |"
        )
        if ratio > LIMIT:
            over.append(f"{family} {label(bucket)}")
    if over:
        print(f"over {LIMIT}x Python: {', '.join(over)}")
    return 1 if over else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
