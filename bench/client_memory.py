"""The peak memory of a build's client on a Dask cluster (``--scheduler local:N``), at a
size where it counts: the cold build of a tree of about ``--size`` files, made of copies of
a real repository as ``bench/scale.py`` makes them (no two files share a content), for the
8 GB budget of ``docs/scale.md``.

    python bench/client_memory.py --source DIR [--size 200000] [--workers 2] [--work DIR]
                                  [--warm-cache]

``--warm-cache`` keeps the tree and the record cache of an earlier run in the same ``--work``
(same ``--source`` and ``--size``): the site is still built from nothing, but the records
come from the cache, so the stages after extraction are measured without the hour of
extracting again. Its extract stage is then not a cold one.

The client is the build's own process: its peak is its own (``XREFDOC_TIMINGS``'s
``own_mib``), not its workers'. Prints a markdown table of each stage's seconds and the
client's peak at its end, and the site's size. Figures, not verdicts. Needs the cluster
extra (``pip install 'xrefdoc[cluster]'``).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from scale import Trash, folder_mib, make_tree, source_files

from xrefdoc.sphinx.standalone import default_work_dir


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, required=True)
    parser.add_argument("--size", type=int, default=200_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--work", type=Path, default=Path("/tmp/xrefdoc-client-memory"))
    parser.add_argument("--warm-cache", action="store_true")
    args = parser.parse_args(argv)
    work = args.work.resolve()
    trash = Trash(work / "trash")
    tree, out, cache, stages = work / "tree", work / "out", work / "cache", work / "stages"
    warm = args.warm_cache and tree.is_dir() and cache.is_dir()
    if warm:
        files = sum(1 for path in tree.rglob("*") if path.is_file())
    else:
        files = make_tree(args.source.resolve(), source_files(args.source), args.size, tree, trash)
        trash.discard(cache)
    trash.discard(out)
    trash.discard(default_work_dir(out))  # the staged site and its state: from nothing too
    stages.unlink(missing_ok=True)
    environment = {**os.environ, "XREFDOC_CACHE_DIR": str(cache), "XREFDOC_TIMINGS": str(stages)}
    workers = str(args.workers)
    command = [sys.executable, "-m", "xrefdoc", "build", str(tree), "-o", str(out), "-q"]
    command += ["-j", workers, "--scheduler", f"local:{workers}"]
    started = time.perf_counter()
    done = subprocess.run(command, env=environment, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    trash.empty()
    if done.returncode != 0:
        sys.exit(f"client memory: the build failed:\n{done.stderr[-2000:]}")
    kind = "site built from nothing, records from an earlier run's cache" if warm else "cold"
    print(f"client memory: {files:,} files, one build ({kind}) with `{' '.join(command[8:])}`")
    print(f"in {seconds:.0f} s; site {folder_mib(out):,.0f} MiB\n")
    print("| stage | s | client peak MiB | client and workers MiB |")
    print("| --- | --: | --: | --: |")
    for line in stages.read_text(encoding="utf-8").splitlines():
        stage = json.loads(line)
        print(
            f"| {stage['stage']} | {stage['seconds']:.1f} | {stage['own_mib']:,.0f} "
            f"| {stage['peak_mib']:,.0f} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
