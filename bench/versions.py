"""What a multi-version site costs: ten versions against one, the share of blobs the versions
share, adding an eleventh version, and peak memory, on a real repository with release tags.

    python bench/versions.py --repo DIR [--count 10] [--work DIR] [--repeat 3]

``--repo`` is a git clone (not committed here) with at least ``count + 1`` tags. The tags
are taken newest first as the site orders them (by commit time): the newest is the one
added last, the ``count`` before it are the ten. Each build runs ``xrefdoc build
--versions`` in a process of its own with a fresh record cache (``XREFDOC_CACHE_DIR``), so
the figures are cold ones; the one-version build is of the newest tag:

1. one version, cold; the same again with no change (the no-change rebuild);
2. ``count`` versions, cold, in one command; its ratio to (1);
3. the newest tag added to the site of (2), the same command with the tag's pattern added;
   against the target, 1.5x the no-change rebuild of (1) plus the work for the tag's
   changed blobs: the rebuild of a one-version site of the tag before after its files
   became the newest tag's, less that site's no-change rebuild.

Also the blobs: how many files the ``count`` versions hold in all, how many distinct
contents (git's blob ids) they are, so what share of files a version reuses; and how many
of the newest tag's blobs no earlier version had. Files are not all of a size: per version,
the contents (and their bytes) no earlier version had, with the seconds of that version's
build in (2) (the sum of its stages, ``XREFDOC_TIMINGS``; what (2) spent outside them is
given too: starting, and per version its tree exported, its folder linked, its definitions
kept, the collector run; the versions' own pages at the end), and the bytes of all distinct
contents against one version's: a build that did each content's work once, and nothing
else, would cost that ratio, the content floor of (2)'s ratio.

The rebuilds (the no-change one, the tag added, the step) run ``--repeat`` times, and
their medians are given: each adding starts from a copy of (2) as it was. Peak memory is
the builds' maximum resident size of its processes (``ru_maxrss``). Prints markdown
tables; figures, not verdicts.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from statistics import median

from scale import FRESH_PEAK, compile_xrefdoc

# The stage every build laps first (``core.timings``).
FIRST_STAGE = "check for changes"


def git(repo: Path, *arguments: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *arguments], capture_output=True, text=True, check=True
    ).stdout


def build(
    repo: Path, out: Path, cache: Path, tags: list[str], timings: Path | None = None
) -> tuple[float, float]:
    """Seconds and peak MiB of one ``xrefdoc build --versions`` of ``tags``; with
    ``timings``, its builds' stages are written there (``XREFDOC_TIMINGS``)."""
    command = [sys.executable, "-m", "xrefdoc", "build", str(repo), "-o", str(out), "-q"]
    for tag in tags:
        command += ["--versions", tag]
    environment = {**os.environ, "XREFDOC_CACHE_DIR": str(cache)}
    if timings is not None:
        timings.unlink(missing_ok=True)
        environment["XREFDOC_TIMINGS"] = str(timings)
    # A process of its own between us and the build, so its peak is this build's alone.
    measured = [*FRESH_PEAK, *command]
    started = time.perf_counter()
    done = subprocess.run(measured, env=environment, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"versions bench: build failed:\n{done.stderr[-2000:]}")
    return seconds, int(done.stdout.split()[-1]) / 1024


def step(repo: Path, work: Path, before: str, after: str) -> tuple[float, float]:
    """Seconds of the rebuild of a one-version site of ``before`` after its files became
    ``after``'s (what a rebuild after a checkout does: the work for the changed blobs), and
    of a no-change rebuild of the same site."""
    from xrefdoc.history.git import export

    tree, site, cache = work / "step-tree", work / "step-site", work / "cache-step"
    command = [sys.executable, "-m", "xrefdoc", "build", str(tree), "-o", str(site), "-q"]
    environment = {**os.environ, "XREFDOC_CACHE_DIR": str(cache)}
    export(repo, git(repo, "rev-parse", before).strip(), tree)
    subprocess.run(command, env=environment, check=True, capture_output=True)
    export(repo, git(repo, "rev-parse", after).strip(), tree)
    started = time.perf_counter()
    subprocess.run(command, env=environment, check=True, capture_output=True)
    changed = time.perf_counter() - started
    started = time.perf_counter()
    subprocess.run(command, env=environment, check=True, capture_output=True)
    return changed, time.perf_counter() - started


def added_again(repo: Path, work: Path, tags: list[str], repeat: int) -> list[tuple[float, float]]:
    """``repeat`` times, the newest tag added to the site of the others, each time from a
    copy of that site, its work folder and its cache as they were before the first."""
    from xrefdoc.sphinx.standalone import default_work_dir

    many, cache = work / "many", work / "cache-many"
    # The site, its work folder (``default_work_dir``: beside it) and its record cache.
    folders = [many, default_work_dir(many), cache]
    kept = work / "kept"
    for number, folder in enumerate(folders):
        shutil.copytree(folder, kept / str(number), symlinks=True)
    runs = []
    for _ in range(repeat):
        for number, folder in enumerate(folders):
            shutil.rmtree(folder)
            shutil.copytree(kept / str(number), folder, symlinks=True)
        runs.append(build(repo, many, cache, tags))
    shutil.rmtree(kept)
    return runs


@functools.cache
def blobs(repo: Path, tag: str) -> tuple[tuple[str, int], ...]:
    """The blob id and size of each file of ``tag``, listed by git once per tag."""
    found = []
    for line in git(repo, "ls-tree", "-r", "-l", tag).splitlines():
        meta, _ = line.split("\t", 1)
        _, kind, blob, size = meta.split()
        if kind == "blob":
            found.append((blob, int(size)))
    return tuple(found)


@dataclass(frozen=True)
class Fresh:
    """What a version brings that no version before it had."""

    tag: str
    contents: int
    size: int  # their bytes
    total: int  # the bytes of all the version's distinct contents


def fresh_contents(repo: Path, oldest_first: list[str]) -> list[Fresh]:
    """Per version, oldest first, the contents no earlier version had."""
    seen: set[str] = set()
    found = []
    for tag in oldest_first:
        contents = dict(blobs(repo, tag))  # a content two files share counts once
        new = {blob: size for blob, size in contents.items() if blob not in seen}
        seen.update(new)
        found.append(Fresh(tag, len(new), sum(new.values()), sum(contents.values())))
    return found


def seconds_per_build(timings: Path) -> list[float]:
    """The sum of each build's stages in a ``XREFDOC_TIMINGS`` file, in order: every build
    laps ``FIRST_STAGE`` first."""
    builds: list[float] = []
    for line in timings.read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        if entry["stage"] == FIRST_STAGE or not builds:
            builds.append(0.0)
        builds[-1] += entry["seconds"]
    return builds


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", type=Path, required=True)
    parser.add_argument("--count", type=int, default=10)
    parser.add_argument("--work", type=Path, default=Path("/tmp/xrefdoc-versions-bench"))
    parser.add_argument("--repeat", type=int, default=3, help="runs of each rebuild (median)")
    args = parser.parse_args(argv)
    repo = args.repo.resolve()
    compile_xrefdoc()
    # Newest first as the site lists them (``history.git.versions``: by commit time). Git's
    # version order puts ``v9.1.0rc2`` after ``v9.1.0``: the tag "added" was then an older
    # one, built between two built ones.
    from xrefdoc.history.git import versions

    # Tags of commits only: a tag may name a blob or a tree (git.git's ``junio-gpg-pub``).
    listed = [
        name
        for name, kind, target in (
            line.split(" ")
            for line in git(
                repo,
                "for-each-ref",
                "refs/tags",
                "--format=%(refname:short) %(objecttype) %(*objecttype)",
            ).splitlines()
        )
        if "commit" in (kind, target)
    ]
    tags = [version.ref for version in versions(repo, listed)][: args.count + 1]
    if len(tags) < args.count + 1:
        sys.exit(f"versions bench: {repo} has fewer than {args.count + 1} tags")
    newest, older = tags[0], tags[1:]
    shutil.rmtree(args.work, ignore_errors=True)
    work = args.work
    one_cold = build(repo, work / "one", work / "cache-one", [newest])
    agains = [build(repo, work / "one", work / "cache-one", [newest]) for _ in range(args.repeat)]
    one_again = (median([s for s, _ in agains]), max(peak for _, peak in agains))
    many_cold = build(repo, work / "many", work / "cache-many", older, work / "many.timings")
    adds = added_again(repo, work, [*older, newest], args.repeat)
    added = (median([s for s, _ in adds]), max(peak for _, peak in adds))
    steps = [step(repo, work, older[0], newest) for _ in range(args.repeat)]
    changed, unchanged = (
        median([c for c, _ in steps]),
        median([u for _, u in steps]),
    )
    # The target: 1.5x the no-change rebuild, plus the work of the newest tag's changed blobs
    # (a one-version site's rebuild from the tag before to it, less a no-change rebuild).
    allowed = 1.5 * one_again[0] + max(0.0, changed - unchanged)

    held = [blob for tag in older for blob, _ in blobs(repo, tag)]
    seen = set(held)
    fresh = [blob for blob, _ in blobs(repo, newest) if blob not in seen]
    brought = fresh_contents(repo, older[::-1])
    built = seconds_per_build(work / "many.timings")
    one_size = sum(dict(blobs(repo, newest)).values())
    distinct = sum(version.size for version in brought)
    print(f"versions bench: {repo}, tags {older[-1]} .. {older[0]}, then {newest}\n")
    print("| build | seconds | peak MiB | ratio |")
    print("| --- | --: | --: | --: |")
    print(f"| one version ({newest}), cold | {one_cold[0]:.1f} | {one_cold[1]:.0f} | 1.00 |")
    print(f"| the same, no change | {one_again[0]:.1f} | {one_again[1]:.0f} | |")
    print(
        f"| {len(older)} versions, cold | {many_cold[0]:.1f} | {many_cold[1]:.0f} "
        f"| {many_cold[0] / one_cold[0]:.2f} (target <= 2.5); memory "
        f"{many_cold[1] / one_cold[1]:.2f} (target <= 1.5) |"
    )
    print(
        f"| {newest} added to them | {added[0]:.1f} | {added[1]:.0f} "
        f"| {added[0] / one_again[0]:.2f} of the no-change rebuild; "
        f"{added[0] / allowed:.2f} of the target ({allowed:.1f} s) |"
    )
    print(
        f"| one-version site of {older[0]} rebuilt as {newest} | {changed:.1f} | | "
        f"no-change rebuild of it {unchanged:.1f} s |"
    )
    print(
        f"\nBlobs: the {len(older)} versions hold {len(held)} files, {len(seen)} distinct "
        f"contents: {1 - len(seen) / len(held):.1%} of files reuse a content another version "
        f"has. {newest} has {len(fresh)} contents none of them had."
    )
    print(
        f"\nBytes: the {len(older)} versions' distinct contents are {distinct / 1e6:.1f} MB, "
        f"{distinct / one_size:.2f} times {newest}'s {one_size / 1e6:.1f} MB: the content "
        f"floor of the {len(older)} versions' ratio.\n"
    )
    print("| version | new contents | new MB | of its MB | its build's stages, s |")
    print("| --- | --: | --: | --: | --: |")
    for version, seconds in zip(brought, built, strict=True):
        print(
            f"| {version.tag} | {version.contents} | {version.size / 1e6:.2f} "
            f"| {version.total / 1e6:.2f} | {seconds:.1f} |"
        )
    print(f"| outside the builds' stages | | | | {many_cold[0] - sum(built):.1f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
