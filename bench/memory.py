"""How much memory the client of a build holds per file: the records, the index and the page
plan (the site's views and the facts the plan compares), measured with ``tracemalloc`` on
trees of copies of a real repository, for ``docs/scale.md``.

    python bench/memory.py --source DIR [--copies 1,10] [--work DIR]

For each count of copies the tree is ``copies`` copies of ``--source`` (without ``.git``).
It is scanned once to fill a record cache of its own (not measured), then, in a process of
its own, measured: the scan from the cache (records, index and walk), the index built again
from the same records (so the records' share is the scan's less the index's), and the site
and its plan made from that index; then, in another process and untraced, the peak resident
memory of the scan, the site and the plan. Prints a markdown table of bytes per file and
that peak; the last column extrapolates each to 1,000,000 files at the
per-file figure of the largest tree. Figures, not verdicts.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tracemalloc
from pathlib import Path

from xrefdoc.analyze import rule_names
from xrefdoc.core.settings import make_settings
from xrefdoc.pipeline.scan import scan
from xrefdoc.site.names import PageNames
from xrefdoc.site.plan import plan_build
from xrefdoc.site.views import make_site
from xrefdoc.xref.index import build_index

MILLION = 1_000_000


def make_tree(source: Path, tree: Path, copies: int) -> None:
    if tree.exists():
        shutil.rmtree(tree)
    for copy in range(copies):
        shutil.copytree(source, tree / f"copy{copy:02d}", ignore=shutil.ignore_patterns(".git"))


def peak(tree: Path, cache: Path) -> float:
    """In this process, not traced (tracing costs memory of its own): the peak resident MiB
    of the scan from the cache, and the site and its plan."""
    settings = make_settings(tree, cache_dir=cache, rule_names=rule_names)
    result = scan(settings)
    site = make_site(
        result.index, PageNames(""), settings.source_cap, "bench", result.walked.sources
    )
    plan_build(site, "bench", None)
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(tree: Path, cache: Path) -> dict[str, float]:
    """In this process: the bytes traced for each structure."""
    settings = make_settings(tree, cache_dir=cache, rule_names=rule_names)
    tracemalloc.start()
    start = tracemalloc.get_traced_memory()[0]
    result = scan(settings)
    scanned = tracemalloc.get_traced_memory()[0] - start
    before = tracemalloc.get_traced_memory()[0]
    index = build_index(result.records)
    index_bytes = tracemalloc.get_traced_memory()[0] - before
    before = tracemalloc.get_traced_memory()[0]
    site = make_site(index, PageNames(""), settings.source_cap, "bench", result.walked.sources)
    plan_build(site, "bench", None)
    plan_bytes = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    return {
        "files": len(result.records),
        "records": scanned - index_bytes,
        "index": index_bytes,
        "plan": plan_bytes,
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path)
    parser.add_argument("--copies", default="1,10")
    parser.add_argument("--work", type=Path, default=Path("/tmp/xrefdoc-memory-bench"))
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--peak", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:  # the process of one measurement
        print(json.dumps(measure(args.measure, args.work)))
        return 0
    if args.peak:
        print(json.dumps(peak(args.peak, args.work)))
        return 0
    if args.source is None:
        parser.error("--source is required")
    rows = []
    for copies in (int(count) for count in args.copies.split(",")):
        work = args.work.resolve() / f"x{copies}"
        tree, cache = work / "tree", work / "cache"
        make_tree(args.source.resolve(), tree, copies)
        shutil.rmtree(cache, ignore_errors=True)
        # The cache filled first, so the measurement reads records as a rebuild does.
        warm = [sys.executable, __file__, "--measure", str(tree), "--work", str(cache)]
        subprocess.run(warm, check=True, capture_output=True, env=os.environ)
        done = subprocess.run(warm, check=True, capture_output=True, text=True, env=os.environ)
        row = json.loads(done.stdout.splitlines()[-1])
        untraced = [sys.executable, __file__, "--peak", str(tree), "--work", str(cache)]
        done = subprocess.run(untraced, check=True, capture_output=True, text=True, env=os.environ)
        row["peak_mib"] = json.loads(done.stdout.splitlines()[-1])
        rows.append((copies, row))
    largest = rows[-1][1]
    print("| structure | " + " | ".join(f"{row['files']:,} files" for _, row in rows), end="")
    print(" | 1,000,000 files (at the largest's per file) |")
    print("|---|" + "---:|" * (len(rows) + 1))
    for key in ("records", "index", "plan"):
        cells = [f"{row[key] / row['files'] / 1024:.1f} KiB/file" for _, row in rows]
        extrapolated = largest[key] / largest["files"] * MILLION / 2**30
        print(f"| {key} | " + " | ".join(cells) + f" | {extrapolated:.1f} GiB |")
    peaks = [f"{row['peak_mib']:,.0f} MiB" for _, row in rows]
    extrapolated = largest["peak_mib"] / largest["files"] * MILLION / 1024
    print("| peak resident | " + " | ".join(peaks) + f" | {extrapolated:.1f} GiB |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
