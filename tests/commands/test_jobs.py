"""``-j``: how many processes a build runs, extraction included, and what ``auto`` counts
(the cores this process may use, not the host's)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from helpers import run_xrefdoc, write_tree

from xrefdoc.core.executor import usable_cores
from xrefdoc.core.settings import make_settings
from xrefdoc.pipeline import scan as scan_module
from xrefdoc.pipeline.scan import POOL_MIN_FILES, scan

# Past the size from which extraction starts spawned workers.
MANY_FILES = {f"pkg/m{n}.py": f"def f{n}(x):\n    return x + {n}\n" for n in range(70)}
assert len(MANY_FILES) > POOL_MIN_FILES

pytestmark = pytest.mark.skipif(
    not hasattr(os, "sched_getaffinity"), reason="CPU affinity is Linux's"
)
CORES = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else [0]
two_cores = pytest.mark.skipif(len(CORES) < 2, reason="needs a machine of two cores or more")


def parsed_line(stdout: str) -> str:
    found = re.search(r"^xrefdoc: \d+ files parsed.*$", stdout, re.MULTILINE)
    assert found, stdout
    return found.group(0)


def build(tree: Path, out: Path, *args: str, cores: set[int] | None = None) -> str:
    completed = run_xrefdoc("build", str(tree), "-o", str(out / "site"), *args, cores=cores)
    assert completed.returncode == 0, completed.stderr
    return parsed_line(completed.stdout)


@two_cores
def test_jobs_sets_how_many_processes_read_the_files_and_the_site_is_the_same(
    tmp_path: Path,
) -> None:
    sites = {}
    for jobs in ("1", "2"):
        tree = write_tree(tmp_path / jobs / "tree", MANY_FILES)
        line = build(tree, tmp_path / f"out-{jobs}", "-j", jobs)
        said = f"xrefdoc: {len(MANY_FILES)} files parsed, 0 taken from the cache"
        assert line == f"{said} (parsed {jobs} at once)"
        page = tmp_path / f"out-{jobs}" / "site" / "pkg" / "m7.py_docs.html"
        sites[jobs] = page.read_text(encoding="utf-8")
    assert sites["1"] == sites["2"]
    assert "f7" in sites["1"]


@two_cores
def test_jobs_auto_counts_the_cores_the_build_may_run_on(tmp_path: Path) -> None:
    tree = write_tree(tmp_path / "tree", MANY_FILES)
    line = build(tree, tmp_path / "out", "-j", "auto", cores={CORES[0]})
    assert line.endswith("(parsed 1 at once)"), line


def test_a_build_that_parses_nothing_says_nothing_of_processes(tmp_path: Path) -> None:
    """Even when the files are highlighted again (a new ``--source-cap``), none is parsed."""
    tree = write_tree(tmp_path / "tree", {"a.py": "x = 1\n"})
    build(tree, tmp_path / "out")
    again = build(tree, tmp_path / "out", "--source-cap", "100000")
    assert again == "xrefdoc: 0 files parsed, 1 taken from the cache"


@pytest.mark.parametrize(("workers", "others"), [(1, 0), pytest.param(2, 2, marks=two_cores)])
def test_the_scan_extracts_in_as_many_processes_as_it_is_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: int, others: int
) -> None:
    """Each file's extraction notes the process it ran in; forked workers inherit the note."""
    tree = write_tree(tmp_path / "tree", {f"m{n}.py": f"y{n} = {n}\n" for n in range(8)})
    notes = tmp_path / "pids"
    extract = scan_module.extract_bytes

    def noted(*args: object) -> object:
        with notes.open("a") as file:
            file.write(f"{os.getpid()}\n")
        return extract(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(scan_module, "extract_bytes", noted)
    settings = make_settings(tree, cache_dir=tmp_path / "cache")
    result = scan(settings, workers=workers)

    pids = set(notes.read_text().split())
    assert len(result.records) == 8
    assert result.processes == workers  # what the log says
    assert len(pids - {str(os.getpid())}) == others
    assert (str(os.getpid()) in pids) == (others == 0)


def write_cgroup(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


V2_ROOT = "0::/\n"
V1_ROOT = "4:cpu,cpuacct:/\n3:memory:/\n"


@pytest.mark.parametrize(
    ("membership", "files", "cap"),
    [
        (V2_ROOT, {}, None),
        (V2_ROOT, {"cpu.max": "max 100000\n"}, None),
        (V2_ROOT, {"cpu.max": "100000 100000\n"}, 1),
        (V2_ROOT, {"cpu.max": "150000 100000\n"}, 2),  # one and a half cores keep two busy
        (V2_ROOT, {"cpu.max": "50000 100000\n"}, 1),  # never none
        (V2_ROOT, {"cpu.max": "lots\n"}, None),  # unreadable: the affinity alone
        # A group's quota binds the groups below it (a systemd slice, a CI job in it).
        (
            "0::/ci.slice/job.scope\n",
            {"ci.slice/cpu.max": "100000 100000\n", "ci.slice/job.scope/cpu.max": "max 100000"},
            1,
        ),
        (
            V1_ROOT,
            {"cpu,cpuacct/cpu.cfs_quota_us": "-1\n", "cpu,cpuacct/cpu.cfs_period_us": "100000"},
            None,
        ),
        # A v1 container sees its own group mounted at the root, under a host's path.
        (
            "4:cpu,cpuacct:/docker/4f2a\n",
            {"cpu,cpuacct/cpu.cfs_quota_us": "100000", "cpu,cpuacct/cpu.cfs_period_us": "100000"},
            1,
        ),
        # No /proc/self/cgroup to read: the usual places.
        (None, {"cpu/cpu.cfs_quota_us": "100000", "cpu/cpu.cfs_period_us": "100000"}, 1),
    ],
)
def test_usable_cores_are_the_affinity_capped_by_the_cgroup_quotas(
    tmp_path: Path, membership: str | None, files: dict[str, str], cap: int | None
) -> None:
    root = write_cgroup(tmp_path / "cgroup", files)
    membership_file = tmp_path / "proc-self-cgroup"
    if membership is not None:
        membership_file.write_text(membership)
    expected = len(CORES) if cap is None else min(len(CORES), cap)
    assert usable_cores(root, membership_file) == expected
