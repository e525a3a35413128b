"""The versions bench (``bench/versions.py``) on a real repository and a real build: the
contents each version brings are counted once, by their bytes, and the seconds of a
versions build are split into its versions' builds."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from helpers import commit_as, git, load_bench, write_tree

OLD = "def run(task):\n    return task()\n"
NEW = "def run(task, retries=3):\n    return task()\n"
NOTES = "# Notes\n\nThe same in both versions.\n"


@pytest.fixture(scope="module")
def bench() -> Iterator[ModuleType]:
    bench_folder = Path(__file__).resolve().parents[2] / "bench"
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(bench_folder))  # it imports ``scale`` beside it
        yield load_bench("versions")


def test_each_version_counts_the_contents_no_earlier_one_had(
    tmp_path: Path, bench: ModuleType
) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    write_tree(repo, {"core.py": OLD, "NOTES.md": NOTES})
    commit_as(repo, "v1", 86400)
    git(repo, "tag", "v1")
    # v2: core.py changed; a copy of NOTES.md is the same content, not a new one.
    write_tree(repo, {"core.py": NEW, "docs/NOTES.md": NOTES})
    commit_as(repo, "v2", 2 * 86400)
    git(repo, "tag", "v2")

    first, second = bench.fresh_contents(repo, ["v1", "v2"])
    assert (first.tag, first.contents, first.size) == ("v1", 2, len(OLD) + len(NOTES))
    assert (second.tag, second.contents, second.size) == ("v2", 1, len(NEW))
    assert second.total == len(NEW) + len(NOTES)

    timings = tmp_path / "timings"
    seconds, _ = bench.build(repo, tmp_path / "site", tmp_path / "cache", ["v*"], timings)
    assert (tmp_path / "site" / "v2" / "core.py_docs.html").is_file()
    built = bench.seconds_per_build(timings)
    assert len(built) == 2
    assert all(part > 0 for part in built)
    assert sum(built) < seconds
