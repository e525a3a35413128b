"""Findings on the pages and in ``scan``: each linked to its line, and turned off by the
settings the user has."""

from __future__ import annotations

import json
import re
from pathlib import Path

from helpers import assert_usage_error, run_xrefdoc, write_tree
from sites import h2_titles, main_body, page_text

from xrefdoc.commands.check import broken_links

CORE = """\
    import functools
    import pickle
    import subprocess


    @functools.cache
    def settings(path):
        with open(path, "rb") as stream:
            return pickle.load(stream)


    def deploy(host):
        return subprocess.run(f"ssh {host} restart", shell=True, check=True)
"""


def build(tmp_path: Path, *options: str, pyproject: str = "") -> Path:
    files = {"pkg/__init__.py": "", "pkg/core.py": CORE}
    if pyproject:
        files["pyproject.toml"] = pyproject
    tree = write_tree(tmp_path / "tree", files)
    built = run_xrefdoc("build", str(tree), "-o", str(tmp_path / "site"), "-q", *options)
    assert built.returncode == 0, built.stderr
    return tmp_path / "site"


def section(html: str, section_id: str) -> list[str]:
    """The items of a findings section, tags taken out."""
    found = re.search(rf'<section id="{section_id}">(.*?)</section>', html, re.S)
    assert found, section_id
    # An item ends at the next or at its list's end (HTML leaves its end tag out).
    items = re.findall(r"<li>(.*?)(?=<li>|</li>|</ul>)", found.group(1), re.S)
    return [re.sub(r"<[^>]+>", "", item).strip() for item in items]


def test_findings_are_in_their_sections_linked_to_their_lines(tmp_path: Path) -> None:
    site = build(tmp_path)
    html = main_body(page_text(site / "pkg/core.py_docs.html"))
    titles = h2_titles(html)
    assert titles.index("Dependencies") < titles.index("Performance Considerations")
    assert titles.index("Security & Safety") < titles.index("Related Files")
    assert section(html, "security") == [
        "line 9: pickle.load() in settings can run code hidden in the data it loads "
        "security.unsafe-load",
        "line 13: subprocess.run(..., shell=True) in deploy runs its command through a shell "
        "security.shell",
    ]
    assert "<a href=#L9>line 9</a>" in html
    assert section(html, "performance")[0].startswith("line 7: settings keeps its results")
    empty = main_body(page_text(site / "pkg/__init__.py_docs.html"))
    assert "Security &amp; Safety" not in empty, "a section with nothing to say is left out"
    folder = main_body(page_text(site / "pkg/doc.html"))
    assert (
        "<tr><td>Security &amp; Safety</td><td class=xref-number>2</td>"
        "<td><a href=core.py_docs.html#security>core.py</a> (2)</td></tr>"
    ) in folder
    root = main_body(page_text(site / "doc.html"))
    assert 'id="findings"' not in root, "the root folder's own files have no findings"
    assert broken_links(site) == []


def test_the_trees_pyproject_and_the_command_line_turn_rules_off(tmp_path: Path) -> None:
    site = build(tmp_path / "a", pyproject='[tool.xrefdoc]\ndisable_rules = ["security"]\n')
    titles = h2_titles(main_body(page_text(site / "pkg/core.py_docs.html")))
    assert "Security & Safety" not in titles
    assert "Performance Considerations" in titles

    site = build(tmp_path / "b", "--disable-rule", "security.shell")
    html = main_body(page_text(site / "pkg/core.py_docs.html"))
    assert [item.split(":")[0] for item in section(html, "security")] == ["line 9"]


def test_scan_lists_findings_and_an_unknown_rule_is_a_usage_error(tmp_path: Path) -> None:
    tree = write_tree(tmp_path / "tree", {"pkg/core.py": CORE})
    scanned = run_xrefdoc("scan", str(tree), "--disable-rule", "pattern")
    assert scanned.returncode == 0, scanned.stderr
    (entry,) = json.loads(scanned.stdout)["files"]
    assert [(f["rule"], f["line"]) for f in entry["findings"]] == [
        ("performance.cache", 7),
        ("security.unsafe-load", 9),
        ("performance.subprocess", 13),
        ("security.shell", 13),
    ]
    assert set(entry["findings"][0]) == {"rule", "category", "line", "message"}
    assert_usage_error(
        run_xrefdoc("scan", str(tree), "--disable-rule", "security.evil"),
        "--disable-rule: no rule or category 'security.evil'",
    )


def test_a_file_tested_by_many_shows_twenty_and_says_where_the_rest_are(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {"pkg/__init__.py": "", "pkg/core.py": "def run():\n    pass\n"}
    for n in range(23):
        files[f"tests/test_core_{n:02}.py"] = (
            "from pkg.core import run\n\n\ndef test_run():\n    run()\n"
        )
    tree = write_tree(tmp_path / "tree", files)
    built = run_xrefdoc("build", str(tree), "-o", str(tmp_path / "site"), "-q")
    assert built.returncode == 0, built.stderr
    body = main_body(page_text(tmp_path / "site" / "pkg/core.py_docs.html"))
    testing = body.split('id="testing-usage"')[1].split("</section>")[0]
    assert testing.count("testing.tested-by") == 20
    assert '<a href="#related-files">3 more test files under Related Files</a>' in testing
    tests = body.split('id="related-files"')[1].split("<h3>Tests</h3>")[1].split("<h3>")[0]
    assert len(re.findall(r"<a href=[^ >]*test_core_\d+\.py_docs\.html>", tests)) == 23
