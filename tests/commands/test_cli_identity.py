"""``xrefdoc build`` of a tree in a git repository: the site is named after the project, the
footer names the commit, and each file page links the file on the forge at that commit (as a
browser shows them: the pages' script reads the commit from ``_xref/build.js``, the pages do
not name it); the settings that override them, and a bad one as one line."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from browser import ConsoleProblems
from helpers import assert_usage_error, git, git_repository, run_xrefdoc, write_tree

FILES: dict[str, str | bytes] = {
    "pyproject.toml": '[project]\nname = "proj"\nversion = "1.4.0"\n',
    "src/proj/core.py": "def run():\n    return 1\n\n\ndef twice():\n    return run() + run()\n",
}


def committed(base: Path, remote: str | None) -> tuple[Path, str]:
    tree = write_tree(base / "proj", FILES)
    return tree, git_repository(tree, remote)


def build(tree: Path, site: Path, *options: str) -> None:
    completed = run_xrefdoc("build", str(tree), "-o", str(site), "-q", *options)
    assert completed.returncode == 0, completed.stderr


def text(page: Path) -> str:
    return page.read_text(encoding="utf-8")


def footer(page: Path) -> str:
    found = re.search(r"<footer[^>]*>(.*?)</footer>", text(page), re.DOTALL)
    assert found
    return re.sub(r"<[^>]+>", "", found.group(1)).strip()


@dataclass(frozen=True)
class Shown:
    """What a browser shows of a file page opened at lines 1-2: the footer's text, the file's
    "View on" link, the permalink bar's link to the lines on the forge and the link of the
    History's newest commit ("" when absent)."""

    footer: str
    file_link: str
    file_link_text: str
    lines_link: str
    history_link: str


def shown(chromium: Any, page: Path) -> Shown:
    context = chromium.new_context()
    opened = context.new_page()
    problems = ConsoleProblems(opened)
    opened.goto(page.as_uri() + "#L1-L2")
    opened.wait_for_load_state("load")
    forge = opened.locator("a.xref-forge")
    lines = opened.locator(".xref-permalink a.xref-forge-lines")
    history = opened.locator(".xref-history li a")
    result = Shown(
        " ".join(opened.locator("footer").inner_text().split()),
        forge.get_attribute("href") if forge.count() else "",
        forge.inner_text() if forge.count() else "",
        lines.get_attribute("href") if lines.count() else "",
        history.first.get_attribute("href") if history.count() else "",
    )
    context.close()
    assert problems.found == [], "console errors"
    return result


def test_a_github_tree_is_named_and_linked_at_its_commit(tmp_path: Path, chromium: Any) -> None:
    tree, commit = committed(tmp_path, "git@github.com:org/proj.git")
    site = tmp_path / "site"
    build(tree, site)
    page = site / "src/proj/core.py_docs.html"
    assert "<title>src/proj/core.py &#8212; proj 1.4.0</title>" in text(page)
    assert re.search(r"class=xt-home[^>]*>proj 1\.4\.0<", text(page))
    crumbs = re.search(r'<nav class="xref-crumbs".*?</nav>', text(page), re.DOTALL)
    assert (
        crumbs and re.sub(r"<[^>]+>", "", crumbs.group(0)).strip() == "proj / src / proj / core.py"
    )
    seen = shown(chromium, page)
    assert seen.footer == f"proj 1.4.0 · built from commit {commit[:12]} · Made with xrefdoc"
    assert f'"commit_url":"https://github.com/org/proj/commit/{commit}"' in text(
        site / "_xref/build.js"
    )
    blob = f"https://github.com/org/proj/blob/{commit}/src/proj/core.py"
    assert (seen.file_link, seen.lines_link) == (blob, blob + "#L1-L2")
    assert seen.file_link_text == "View on GitHub"
    # The file's History links its commit to the forge.
    assert seen.history_link == f"https://github.com/org/proj/commit/{commit}"
    # Every page says the same in its footer, the keyword index too.
    assert shown(chromium, site / "keywords.html").footer == seen.footer
    # The pages do not name the commit: a new one rewrites _xref/build.js alone.
    assert commit[:12] not in text(page)
    checked = run_xrefdoc("check", str(site))
    assert checked.returncode == 0, checked.stdout


def test_a_new_commit_and_a_changed_file_show_in_the_footer(tmp_path: Path, chromium: Any) -> None:
    tree, _ = committed(tmp_path, "https://gitlab.com/group/proj.git")
    site = tmp_path / "site"
    build(tree, site)
    (tree / "notes.txt").write_text("notes\n")
    git(tree, "add", "notes.txt")
    git(tree, "commit", "-qm", "second")
    second = git(tree, "rev-parse", "HEAD")
    (tree / "src/proj/core.py").write_text("def run():\n    return 2\n")
    build(tree, site)
    page = site / "src/proj/core.py_docs.html"
    seen = shown(chromium, page)
    assert seen.footer == (
        f"proj 1.4.0 · built from commit {second[:12]} with uncommitted changes · Made with xrefdoc"
    )
    assert shown(chromium, site / "keywords.html").footer == seen.footer
    assert seen.lines_link == (
        f"https://gitlab.com/group/proj/-/blob/{second}/src/proj/core.py#L1-2"
    )


def test_settings_name_the_project_and_choose_the_links(tmp_path: Path, chromium: Any) -> None:
    tree, commit = committed(tmp_path, None)
    with (tree / "pyproject.toml").open("a", encoding="utf-8") as file:
        file.write(
            '\n[tool.xrefdoc]\nproject = "Project"\nrepository = "https://git.example.org/o/p"\n'
        )
    git(tree, "commit", "-qam", "settings")
    commit = git(tree, "rev-parse", "HEAD")
    site = tmp_path / "site"
    build(tree, site, "--project-version", "", "--forge", "gitea")
    page = site / "src/proj/core.py_docs.html"
    assert "<title>src/proj/core.py &#8212; Project</title>" in text(page)
    seen = shown(chromium, page)
    assert seen.footer.startswith(f"Project · built from commit {commit[:12]} · ")
    assert seen.lines_link == (
        f"https://git.example.org/o/p/src/commit/{commit}/src/proj/core.py#L1-L2"
    )
    build(tree, site, "--source-link-template", "https://code.example.org/{commit}/{path}?l={line}")
    assert shown(chromium, site / "src/proj/core.py_docs.html").lines_link == (
        f"https://code.example.org/{commit}/src/proj/core.py?l=1"
    )
    # The repository setting written as a remote is its web address.
    with (tree / "pyproject.toml").open("a", encoding="utf-8") as file:
        file.write('forge = "github"\n')
    build(tree, site, "--repository", "git@github.com:o/p.git")
    assert shown(chromium, site / "src/proj/core.py_docs.html").file_link == (
        f"https://github.com/o/p/blob/{commit}/src/proj/core.py"
    )


def test_without_git_the_site_has_no_commit_and_no_forge_link(
    tmp_path: Path, chromium: Any
) -> None:
    tree = write_tree(tmp_path / "plain", FILES)
    site = tmp_path / "site"
    build(tree, site, "--repository", "https://github.com/org/plain")
    page = site / "src/proj/core.py_docs.html"
    assert shown(chromium, page) == Shown("proj 1.4.0 · Made with xrefdoc", "", "", "", "")


def test_without_javascript_the_footer_names_the_project_alone(tmp_path: Path) -> None:
    """A page read without its script names no commit and links no forge: the pages never
    name the commit, which would rewrite them all at each one."""
    tree, _ = committed(tmp_path, "git@github.com:org/proj.git")
    site = tmp_path / "site"
    build(tree, site)
    page = site / "src/proj/core.py_docs.html"
    assert footer(page) == "proj 1.4.0 · Made with xrefdoc"
    assert 'class="xref-forge"' not in text(page)


@pytest.mark.parametrize(
    ("options", "pyproject", "fragments"),
    [
        (
            ("--forge", "bitbucket"),
            "",
            ("--forge must be one of github, gitlab, gitea", "bitbucket"),
        ),
        ((), '[tool.xrefdoc]\nforge = "sourcehut"\n', ("[tool.xrefdoc] forge", "sourcehut")),
        (("--source-link-template", "{repository}/{branch}/{path}"), "", ("no field {branch}",)),
        (("--project", ""), "", ("--project must be a non-empty text",)),
    ],
)
def test_a_bad_identity_setting_is_one_line(
    tmp_path: Path, options: tuple[str, ...], pyproject: str, fragments: tuple[str, ...]
) -> None:
    tree = write_tree(tmp_path / "tree", {"m.py": "x = 1\n", "pyproject.toml": pyproject})
    completed = run_xrefdoc("build", str(tree), "-o", str(tmp_path / "site"), "-q", *options)
    assert_usage_error(completed, *fragments)


def snapshot(site: Path) -> dict[str, tuple[int, bytes]]:
    return {
        path.relative_to(site).as_posix(): (path.stat().st_mtime_ns, path.read_bytes())
        for path in site.rglob("*")
        if path.is_file()
    }


def rewritten(before: dict[str, tuple[int, bytes]], site: Path) -> set[str]:
    after = snapshot(site)
    assert after.keys() == before.keys()
    return {name for name, seen in after.items() if seen != before[name]}


def test_a_commit_of_one_file_rewrites_its_pages_and_the_build_script_alone(
    tmp_path: Path,
) -> None:
    """Pages do not name the commit: a commit (or the first edit after one, which makes the
    tree dirty) rewrites the changed file's pages and ``_xref/build.js``, no other page."""
    tree, first = committed(tmp_path, "git@github.com:org/proj.git")
    write_tree(tree, {"src/proj/other.py": "def helper():\n    return 3\n"})
    git(tree, "add", "-A")
    git(tree, "commit", "-qm", "other")
    site = tmp_path / "site"
    build(tree, site)
    before = snapshot(site)
    assert len([name for name in before if name.endswith(".html")]) > 10

    (tree / "src/proj/core.py").write_text(
        "def run():\n    return 2\n\n\ndef twice():\n    return run() + run()\n"
    )
    git(tree, "commit", "-qam", "second")
    second = git(tree, "rev-parse", "HEAD")
    build(tree, site)
    changed = rewritten(before, site)
    assert "src/proj/core.py_docs.html" in changed
    assert {name for name in changed if name.endswith(".html")} <= {
        "src/proj/core.py_docs.html",
        "src/proj/core.py_kw.html",
    }
    assert {name for name in changed if not name.endswith(".html")} <= {
        name for name in before if name.startswith("_xref/") and name.endswith(".js")
    }
    assert "_xref/build.js" in changed
    script = text(site / "_xref/build.js")
    assert f'"commit":"{second}"' in script and first not in script
    assert '"dirty":false' in script

    # An edit not committed: the tree is dirty, the edited file's pages and the script alone.
    before = snapshot(site)
    (tree / "src/proj/other.py").write_text("def helper():\n    return 4\n")
    build(tree, site)
    changed = rewritten(before, site)
    assert {name for name in changed if name.endswith(".html")} <= {
        "src/proj/other.py_docs.html",
        "src/proj/other.py_kw.html",
    }
    assert "src/proj/other.py_docs.html" in changed
    assert '"dirty":true' in text(site / "_xref/build.js")

    # A commit of what was built: no page; the script, and the history of the file the
    # commit touched.
    before = snapshot(site)
    git(tree, "commit", "-qam", "third")
    build(tree, site)
    assert rewritten(before, site) == {"_xref/build.js", "_xref/git/src/proj/other.py.js"}
    assert f'"commit":"{git(tree, "rev-parse", "HEAD")}"' in text(site / "_xref/build.js")
