"""``xrefdoc check SITE``: every internal link and anchor of a built site, exit 1 if broken."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers import assert_usage_error, run_xrefdoc, write_tree

TREE: dict[str, str | bytes] = {
    "pkg/__init__.py": "from .core import Engine\n",
    "pkg/core.py": "class Engine:\n    def run(self):\n        return 1\n",
    # One line; a digit in its name is not a line of its use of Engine.
    "pkg/v2.py": "from pkg.core import Engine\n",
    "README.md": "# Engines\n\nSee `Engine`.\n",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("check")
    tree = write_tree(root / "tree", TREE)
    built = run_xrefdoc("build", str(tree), "-o", str(root / "site"), "-q")
    assert built.returncode == 0, built.stderr
    return root / "site"


def copy_of(site: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(site, tmp_path / "site"))


def test_a_good_site_passes(site: Path) -> None:
    checked = run_xrefdoc("check", str(site))
    assert checked.returncode == 0, checked.stdout
    assert checked.stderr == ""
    assert checked.stdout.startswith("xrefdoc: ")
    assert checked.stdout.rstrip().endswith("pages, none broken")
    assert run_xrefdoc("check", str(site), "-q").stdout == ""


def test_a_missing_page_and_a_missing_anchor_are_reported_and_fail(
    site: Path, tmp_path: Path
) -> None:
    broken = copy_of(site, tmp_path)
    (broken / "pkg/core.py_kw.html").unlink()
    docs = broken / "pkg/core.py_docs.html"
    docs.write_text(docs.read_text("utf-8").replace("id=sym-Engine>", "id=moved>"), "utf-8")
    checked = run_xrefdoc("check", str(broken))
    assert checked.returncode == 1
    problems = checked.stdout.splitlines()
    assert "pkg/core.py_docs.html: core.py_kw.html (no such file)" in problems
    assert "pkg/index.html: core.py_kw.html (no such file)" in problems
    assert any(p.endswith("core.py_docs.html#sym-Engine (no such anchor)") for p in problems)
    assert all(p.endswith(("(no such file)", "(no such anchor)")) for p in problems)
    summary = checked.stderr.strip().splitlines()
    assert len(summary) == 1
    assert summary[0].startswith(f"xrefdoc: {len(problems)} broken of ")


def test_a_line_of_use_the_script_would_link_to_a_missing_line_is_reported(
    site: Path, tmp_path: Path
) -> None:
    """The A-Z page writes ``pkg/__init__.py``'s use of ``Engine`` as its line's number,
    which its script links to the line: the checker checks that link."""
    broken = copy_of(site, tmp_path)
    letter = (broken / "keywords-e.html").read_text("utf-8")
    assert "<a href=pkg/__init__.py_docs.html>pkg/__init__.py</a>: 1" in letter
    docs = broken / "pkg/__init__.py_docs.html"
    docs.write_text(docs.read_text("utf-8").replace("<li id=L1>", "<li>"), "utf-8")
    checked = run_xrefdoc("check", str(broken))
    assert checked.returncode == 1
    assert "keywords-e.html: pkg/__init__.py_docs.html#L1 (no such anchor)" in (
        checked.stdout.splitlines()
    )


def test_a_folder_that_is_no_site_is_a_usage_error(tmp_path: Path) -> None:
    assert_usage_error(run_xrefdoc("check", str(tmp_path / "nowhere")), "not a folder")
    assert_usage_error(run_xrefdoc("check", str(tmp_path)), "no HTML page")
