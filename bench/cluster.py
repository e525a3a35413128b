"""What running on a Dask cluster costs: cold builds of a tree with ``--scheduler local:N``
against ``-j N`` on the same machine, in turn, so the ratio is the cost of shipping the tasks.

    python bench/cluster.py --source DIR [--copies 1] [--workers 2] [--runs 3] [--work DIR]

The tree is ``--copies`` copies of the files of ``--source`` (a repository cloned outside
this one, its ``.git`` left out), as ``bench/scale.py`` makes them. Each run is a cold build
(no cache, no output) in a process of its own; the two kinds alternate, A B A B ..., so a
drift of the machine's speed touches both. Prints a markdown table: the median seconds of
each, the ratio of the medians and the median of the run-by-run ratios, and each build's
stages (``XREFDOC_TIMINGS``) of its last run. Figures, not verdicts. Needs the cluster extra
(``pip install 'xrefdoc[cluster]'``).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path


def make_tree(source: Path, tree: Path, copies: int) -> int:
    """``tree`` as ``copies`` copies of ``source`` (without ``.git``); how many files."""
    if tree.exists():
        shutil.rmtree(tree)
    for copy in range(copies):
        shutil.copytree(source, tree / f"copy{copy:02d}", ignore=shutil.ignore_patterns(".git"))
    return sum(1 for path in tree.rglob("*") if path.is_file())


def cold_build(tree: Path, work: Path, name: str, options: list[str]) -> tuple[float, list[dict]]:
    """Seconds of a cold build with ``options``, and its stages."""
    out, cache, stages = work / f"out-{name}", work / f"cache-{name}", work / f"stages-{name}"
    for path in (out, cache, work / ".xrefdoc"):
        shutil.rmtree(path, ignore_errors=True)
    stages.unlink(missing_ok=True)
    environment = {
        **os.environ,
        "XREFDOC_CACHE_DIR": str(cache),
        "XREFDOC_TIMINGS": str(stages),
    }
    command = [sys.executable, "-m", "xrefdoc", "build", str(tree), "-o", str(out), "-q"]
    started = time.perf_counter()
    done = subprocess.run([*command, *options], env=environment, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"cluster bench: the build with {options} failed:\n{done.stderr[-2000:]}")
    lines = stages.read_text(encoding="utf-8").splitlines() if stages.exists() else []
    return seconds, [json.loads(line) for line in lines]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, required=True)
    parser.add_argument("--copies", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path("/tmp/xrefdoc-cluster-bench"))
    args = parser.parse_args(argv)
    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    tree = work / "tree"
    files = make_tree(args.source.resolve(), tree, args.copies)
    kinds = {
        "local": ["-j", str(args.workers)],
        "cluster": ["-j", str(args.workers), "--scheduler", f"local:{args.workers}"],
    }
    seconds: dict[str, list[float]] = {kind: [] for kind in kinds}
    stages: dict[str, list[dict]] = {}
    for _ in range(args.runs):
        for kind, options in kinds.items():
            taken, stages[kind] = cold_build(tree, work, kind, options)
            seconds[kind].append(taken)
    local, cluster = (statistics.median(seconds[kind]) for kind in kinds)
    pairs = statistics.median(
        c / m for c, m in zip(seconds["cluster"], seconds["local"], strict=True)
    )
    print(
        f"cluster bench: {files:,} files ({args.copies} x {args.source.name}), "
        f"{args.runs} cold builds of each, in turn\n"
    )
    print("| build | median s | runs |")
    print("| --- | --: | --- |")
    for kind, options in kinds.items():
        runs = ", ".join(f"{value:.1f}" for value in seconds[kind])
        print(f"| `{' '.join(options)}` | {statistics.median(seconds[kind]):.1f} | {runs} |")
    print(f"\ncluster / local: {cluster / local:.2f} (medians), {pairs:.2f} (run by run)\n")
    print("| stage | local s | cluster s |")
    print("| --- | --: | --: |")
    names = list(dict.fromkeys(stage["stage"] for kind in kinds for stage in stages[kind]))
    for name in names:
        found = [
            sum(stage["seconds"] for stage in stages[kind] if stage["stage"] == name)
            for kind in kinds
        ]
        print(f"| {name} | {found[0]:.2f} | {found[1]:.2f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
