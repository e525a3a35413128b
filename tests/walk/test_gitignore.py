"""A tree without git is documented as git would list it: the same tree is made twice, once
as a git repository (the oracle: ``git ls-files --others --exclude-standard``) and once as a
plain folder, and walk must pick the same files from the plain one."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from helpers import run_xrefdoc, write_tree
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xrefdoc.core.settings import make_settings
from xrefdoc.walk.tree import walk

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

GIT_ENV = {
    **os.environ,
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}
for _name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
    GIT_ENV.pop(_name, None)


def git_selection(base: Path, files: dict[str, str | bytes]) -> list[str]:
    """What git lists of ``files`` written into a fresh repository under ``base``."""
    repo = base / "repo"
    write_tree(repo, files)
    subprocess.run(["git", "init", "-q", str(repo)], check=True, env=GIT_ENV)
    listed = subprocess.run(
        ["git", "-C", str(repo), "ls-files", "-z", "--others", "--exclude-standard"],
        capture_output=True,
        check=True,
        env={**GIT_ENV, "GIT_CEILING_DIRECTORIES": str(base)},
    ).stdout
    return sorted(name for name in listed.decode("utf-8", "surrogateescape").split("\0") if name)


def plain_selection(base: Path, files: dict[str, str | bytes]) -> list[str]:
    """What walk documents of ``files`` written into a plain folder under ``base``."""
    plain = write_tree(base / "plain", files)
    return walk(make_settings(plain)).files


TREE = ["rich/a.py", "rich/b.txt", "rich/sub/c.py", "top.py", "build/keep.py", "build/x.py"]

PATTERN_SETS = [
    # The case: everything ignored, folders re-included, then some files.
    "*\n!*/\n!rich/*.py\n",
    # A file of an ignored folder cannot be re-included.
    "build/\n!build/keep.py\n",
    # A folder re-included after its name was ignored: its files are judged themselves.
    "rich\n!rich/\n",
    "*\n!*.py\n",
    "**/\n!top.py\n",
    "/*\n!/rich\n",
    "rich/**\n!rich/sub/\n",
    "*.py\n!/rich/\n",
    "rich/*\n!rich/b.txt\n",
    # Lines git ignores: a lone backslash, blank, comments, an unclosed bracket.
    "\\\n\n# a comment\n[abc\n*.txt\n",
    "  \ntop.py   \n",
    "top.py\\ \n",
    "\\#x\n\\!x\n",
    "[a-b].py\n[!t]*.py\n",
    "[[:alpha:]].py\n[[:nope:]]\n",
]


@pytest.mark.parametrize("patterns", PATTERN_SETS)
def test_plain_folder_selects_what_git_selects(tmp_path: Path, patterns: str) -> None:
    files: dict[str, str | bytes] = {name: "" for name in TREE}
    files[".gitignore"] = patterns
    assert plain_selection(tmp_path, files) == git_selection(tmp_path, files)


def test_nested_gitignore_files_like_git(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {name: "" for name in TREE}
    files[".gitignore"] = "*.py\n!rich/\n"
    files["rich/.gitignore"] = "!a.py\nsub/\n"
    files["build/.gitignore"] = "!*.py\n"
    files["rich/sub/.gitignore"] = "!c.py\n"  # inside an ignored folder: never read
    assert plain_selection(tmp_path, files) == git_selection(tmp_path, files)


def test_a_lone_backslash_line_does_not_stop_the_build(tmp_path: Path) -> None:
    tree = write_tree(tmp_path / "tree", {".gitignore": "\\\n*.log\n", "a.py": "A = 1\n"})
    write_tree(tree, {"x.log": "ignored\n"})

    completed = run_xrefdoc("generate", str(tree), "-o", str(tmp_path / "md"))

    assert completed.returncode == 0, completed.stderr
    assert "Traceback" not in completed.stderr
    assert (tmp_path / "md" / "a.py_docs.md").is_file()
    assert not (tmp_path / "md" / "x.log_docs.md").exists()


# --- the property: any patterns, any nesting, the same files as git -----------------------

NAMES = ["a", "b", "a.py", "b.txt", "c.py", "d"]
FOLDERS = ["", "a", "d", "a/b", "d/a"]
PATTERN_PIECES = ["a", "b", "*", "?", "**", "*.py", "[ab]", "[!a]*", "a.py", "b.txt", "d", "c*"]


@st.composite
def patterns(draw: st.DrawFn) -> str:
    pieces = draw(st.lists(st.sampled_from(PATTERN_PIECES), min_size=1, max_size=3))
    body = "/".join(pieces)
    if draw(st.booleans()):
        body = "/" + body
    if draw(st.booleans()):
        body += "/"
    if draw(st.booleans()):
        body = "!" + body
    return body


# Whole lines that ignore much and re-include some: where git's folder-by-folder judging
# differs from judging whole paths.
WHOLE_LINES = st.sampled_from(["*", "!*/", "*/", "!a/", "!*.py", "a", "!a", "**/b", "!d/**", "\\"])


@st.composite
def trees(draw: st.DrawFn) -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {}
    for folder in draw(st.lists(st.sampled_from(FOLDERS), min_size=1, max_size=4, unique=True)):
        for name in draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=3, unique=True)):
            path = f"{folder}/{name}" if folder else name
            if not any(
                other.startswith(path + "/") or path.startswith(other + "/") for other in files
            ):
                files[path] = ""
    folders = sorted({path.rpartition("/")[0] for path in files})
    for folder in draw(st.lists(st.sampled_from(folders), max_size=3, unique=True)):
        lines = draw(st.lists(st.one_of(patterns(), WHOLE_LINES), min_size=1, max_size=5))
        ignore = f"{folder}/.gitignore" if folder else ".gitignore"
        files[ignore] = "".join(f"{line}\n" for line in lines)
    return files


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(trees())
def test_property_plain_folder_selects_what_git_selects(files: dict[str, str | bytes]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        assert plain_selection(base, files) == git_selection(base, files), files
