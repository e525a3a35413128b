"""``xrefdoc build`` of a tree in a git repository: the site is named after the project, the
footer names the commit, and each file page links the file on the forge at that commit; the
settings that override them, and a bad one as one line."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from helpers import assert_usage_error, run_xrefdoc, write_tree

FILES: dict[str, str | bytes] = {
    "pyproject.toml": '[project]\nname = "proj"\nversion = "1.4.0"\n',
    "src/proj/core.py": "def run():\n    return 1\n\n\ndef twice():\n    return run() + run()\n",
}


def git(root: Path, *arguments: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(root), "-c", "user.email=t@example.org", "-c", "user.name=T", *arguments],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def committed(base: Path, remote: str | None) -> tuple[Path, str]:
    tree = write_tree(base / "proj", FILES)
    git(tree, "init", "-q")
    git(tree, "add", "-A")
    git(tree, "commit", "-qm", "first")
    if remote:
        git(tree, "remote", "add", "origin", remote)
    return tree, git(tree, "rev-parse", "HEAD")


def build(tree: Path, site: Path, *options: str) -> None:
    completed = run_xrefdoc("build", str(tree), "-o", str(site), "-q", *options)
    assert completed.returncode == 0, completed.stderr


def text(page: Path) -> str:
    return page.read_text(encoding="utf-8")


def footer(page: Path) -> str:
    found = re.search(r"<footer[^>]*>(.*?)</footer>", text(page), re.DOTALL)
    assert found
    return re.sub(r"<[^>]+>", "", found.group(1)).strip()


def forge_link(page: Path) -> tuple[str, str]:
    found = re.search(r'<a class="xref-forge" href="([^"]+)" data-lines="([^"]+)">', text(page))
    assert found, "no link to the forge"
    return found.group(1), found.group(2)


def test_a_github_tree_is_named_and_linked_at_its_commit(tmp_path: Path) -> None:
    tree, commit = committed(tmp_path, "git@github.com:org/proj.git")
    site = tmp_path / "site"
    build(tree, site)
    page = site / "src/proj/core.py_docs.html"
    assert "<title>src/proj/core.py &#8212; proj 1.4.0</title>" in text(page)
    assert re.search(r'class="xt-home"[^>]*>proj 1\.4\.0<', text(page))
    crumbs = re.search(r'<nav class="xref-crumbs".*?</nav>', text(page), re.DOTALL)
    assert (
        crumbs and re.sub(r"<[^>]+>", "", crumbs.group(0)).strip() == "proj / src / proj / core.py"
    )
    assert footer(page) == f"proj 1.4.0 · built from commit {commit[:12]} · Made with xrefdoc"
    assert f'href="https://github.com/org/proj/commit/{commit}"' in text(page)
    blob = f"https://github.com/org/proj/blob/{commit}/src/proj/core.py"
    assert forge_link(page) == (blob, blob + "#L{line}-L{end_line}")
    assert ">View on GitHub</a>" in text(page)
    # Every page says the same in its footer, the keyword index too.
    assert footer(site / "keywords.html") == footer(page)
    checked = run_xrefdoc("check", str(site))
    assert checked.returncode == 0, checked.stdout


def test_a_new_commit_and_a_changed_file_show_in_the_footer(tmp_path: Path) -> None:
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
    assert footer(page) == (
        f"proj 1.4.0 · built from commit {second[:12]} with uncommitted changes · Made with xrefdoc"
    )
    assert footer(site / "keywords.html") == footer(page), "Sphinx's own pages are written again"
    assert forge_link(page)[1] == (
        f"https://gitlab.com/group/proj/-/blob/{second}/src/proj/core.py#L{{line}}-{{end_line}}"
    )


def test_settings_name_the_project_and_choose_the_links(tmp_path: Path) -> None:
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
    assert footer(page).startswith(f"Project · built from commit {commit[:12]} · ")
    assert forge_link(page)[1] == (
        f"https://git.example.org/o/p/src/commit/{commit}/src/proj/core.py#L{{line}}-L{{end_line}}"
    )
    build(tree, site, "--source-link-template", "https://code.example.org/{commit}/{path}?l={line}")
    assert forge_link(site / "src/proj/core.py_docs.html")[1] == (
        f"https://code.example.org/{commit}/src/proj/core.py?l={{line}}"
    )


def test_without_git_the_site_has_no_commit_and_no_forge_link(tmp_path: Path) -> None:
    tree = write_tree(tmp_path / "plain", FILES)
    site = tmp_path / "site"
    build(tree, site, "--repository", "https://github.com/org/plain")
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
