"""The keyword-page bench (``bench/keyword_page_browser.py``) on a real build: it finds the
keyword's own page and counts its lines of use, then loads it in Chromium."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from browser import chromium_path
from helpers import load_bench, run_xrefdoc, write_tree

bench = load_bench("keyword_page_browser")
BENCH = Path(__file__).resolve().parents[2] / "bench" / "keyword_page_browser.py"


def test_the_busiest_keyword_page_is_found_then_loaded(tmp_path: Path) -> None:
    # ``run`` is used in more files than its letter's entry shows: it gets a page of its own.
    files: dict[str, str | bytes] = {"core.py": "def run():\n    return 1\n"}
    files |= {f"use{n}.py": "from core import run\n\n\nrun()\nrun()\n" for n in range(10)}
    site = tmp_path / "site"
    done = run_xrefdoc("build", str(write_tree(tmp_path / "tree", files)), "-o", str(site), "-q")
    assert done.returncode == 0, done.stderr
    ((lines, page),) = bench.busiest_pages(site, 3)
    assert page.startswith("run-") and lines == 10 * 3  # the import and two calls a file
    if chromium_path() is None:
        pytest.skip("the bench's run needs Chromium")
    run = subprocess.run(
        [sys.executable, str(BENCH), "--site", str(site), "--runs", "1"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert f"| {site} | {page} | 30 |" in run.stdout
    # Scrolled through, every one of its 30 lines of use is a link.
    assert run.stdout.rstrip().splitlines()[-1].endswith("| 30 |")
