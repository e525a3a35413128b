"""The site-size bench (``bench/site_size.py``) on a real build: every file of the site is
counted once, in the kind its name says, and a file page's parts add up to the page."""

from __future__ import annotations

from pathlib import Path

from helpers import load_bench, run_xrefdoc, write_tree

bench = load_bench("site_size")


def test_every_file_is_weighed_once_by_its_kind(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    write_tree(
        tree,
        {
            "pkg/__init__.py": "",
            "pkg/core.py": "def run(task):\n    return task()\n",
            "README.md": "# Demo\n",
        },
    )
    site = tmp_path / "site"
    done = run_xrefdoc("build", str(tree), "-o", str(site), "-q")
    assert done.returncode == 0, done.stderr
    kinds, parts = bench.measure(site)
    files = [path for path in site.rglob("*") if path.is_file()]
    assert sum(tally.files for tally in kinds.values()) == len(files)
    assert sum(tally.size for tally in kinds.values()) == sum(p.stat().st_size for p in files)
    assert kinds["file pages"].files == 3 and kinds["keyword pages of files"].files == 3
    assert kinds["code-search index"].files > 0 and kinds["folder pages"].files >= 2
    assert sum(parts) == kinds["file pages"].size
    page = (site / "pkg" / "core.py_docs.html").read_bytes()
    frame, source, rest = bench.page_parts(page)
    start = page.index(b'<section id="original-source"')
    assert b"<ol><li id=L1>" in page[start : start + source]
    assert b"<li id=L" not in page[:start] + page[start + source :]
    assert page[frame:].startswith(b"<section") and rest > 0
    assert all(tally.compressed < tally.size for tally in kinds.values() if tally.size > 4096)
