"""walk(): which files of a tree get documented, and which are left out with a reason."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from helpers import write_tree

from xrefdoc.commands.cli import main
from xrefdoc.core.settings import make_settings
from xrefdoc.walk import stamps as stamps_module
from xrefdoc.walk import tree
from xrefdoc.walk.tree import is_site_top_file, walk

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


@pytest.fixture(autouse=True)
def isolated_git(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Keep the user's and the system's git configuration (global excludes, hooks) out,
    and stop git from finding a repository above tmp_path."""
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        monkeypatch.delenv(name, raising=False)


def git(root: Path, *args: str) -> str:
    completed = subprocess.run(
        [
            "git",
            "-c",
            "user.email=tests@example.com",
            "-c",
            "user.name=Tests",
            "-c",
            "commit.gpgsign=false",
            "-C",
            str(root),
            *args,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return completed.stdout


def make_repo(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q")
    return root


def reasons(result) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return dict(result.skipped)


# --- a git work tree -----------------------------------------------------------------------


def test_git_lists_tracked_and_untracked_files_but_not_ignored_ones(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo")
    write_tree(
        root,
        {
            ".gitignore": "*.log\nbuild/\n",
            "README.md": "# Project\n",
            "pkg/__init__.py": "",
            "pkg/mod.py": "X = 1\n",
            "sub/.gitignore": "secret.txt\n",
        },
    )
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "initial")
    # Written after the commit: untracked; some of them ignored.
    write_tree(
        root,
        {
            "notes.txt": "untracked, not ignored\n",
            "pkg/new.py": "Y = 2\n",
            "debug.log": "ignored by *.log\n",
            "pkg/trace.log": "ignored by *.log below the root too\n",
            "build/out.txt": "ignored folder\n",
            "sub/secret.txt": "ignored by the nested .gitignore\n",
            "sub/public.txt": "kept\n",
        },
    )

    result = walk(make_settings(root))

    assert result.files == [
        ".gitignore",
        "README.md",
        "notes.txt",
        "pkg/__init__.py",
        "pkg/mod.py",
        "pkg/new.py",
        "sub/.gitignore",
        "sub/public.txt",
    ]
    assert result.skipped == []


def test_git_ignored_file_already_tracked_is_still_listed(tmp_path: Path) -> None:
    # git keeps tracking a committed file even when a later .gitignore matches it.
    root = make_repo(tmp_path / "repo")
    write_tree(root, {"kept.log": "tracked before the rule\n"})
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "initial")
    write_tree(root, {".gitignore": "*.log\n", "fresh.log": "untracked and ignored\n"})

    result = walk(make_settings(root))

    assert result.files == [".gitignore", "kept.log"]


def test_git_root_in_a_subfolder_lists_paths_relative_to_it(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    write_tree(repo, {"top.py": "", "lib/a.py": "", "lib/inner/b.py": ""})
    git(repo, "add", "-A")

    result = walk(make_settings(repo / "lib"))

    assert result.files == ["a.py", "inner/b.py"]


def test_git_virtualenv_and_sphinx_output_are_skipped_with_reasons(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo")
    write_tree(
        root,
        {
            "app.py": "print('hi')\n",
            # Neither folder is ignored, so git lists them and walk has to recognise them.
            ".venv/pyvenv.cfg": "home = /usr/bin\n",
            ".venv/lib/python3.11/site-packages/dep.py": "",
            "docs/_build/html/.buildinfo": "# Sphinx build info version 1\n",
            "docs/_build/html/index.html": "<html></html>\n",
            "docs/index.rst": "Title\n=====\n",
        },
    )

    result = walk(make_settings(root))

    assert result.files == ["app.py", "docs/index.rst"]
    why = reasons(result)
    assert set(why) == {
        ".venv/pyvenv.cfg",
        ".venv/lib/python3.11/site-packages/dep.py",
        "docs/_build/html/.buildinfo",
        "docs/_build/html/index.html",
    }
    assert "virtual environment" in why[".venv/lib/python3.11/site-packages/dep.py"]
    assert ".venv" in why[".venv/lib/python3.11/site-packages/dep.py"]
    assert "generated output" in why["docs/_build/html/index.html"]
    assert "docs/_build/html" in why["docs/_build/html/index.html"]


def test_a_folder_named_like_a_venv_without_pyvenv_cfg_is_documented(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo")
    write_tree(root, {"venv/notes.py": "", "build/tool.py": ""})

    result = walk(make_settings(root))

    assert result.files == ["build/tool.py", "venv/notes.py"]
    assert result.skipped == []


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links here")
def test_git_symlinks_dangling_or_leaving_the_tree_are_skipped_with_reasons(tmp_path: Path) -> None:
    outside = write_tree(tmp_path / "outside", {"secret.txt": "not part of the tree\n"})
    root = make_repo(tmp_path / "repo")
    write_tree(root, {"real.py": "A = 1\n"})
    (root / "broken.py").symlink_to("missing.py")
    (root / "leak.txt").symlink_to(outside / "secret.txt")
    (root / "leak_dir").symlink_to(outside, target_is_directory=True)
    git(root, "add", "real.py", "broken.py")  # one tracked link, the others untracked

    result = walk(make_settings(root))

    assert result.files == ["real.py"]
    why = reasons(result)
    assert set(why) == {"broken.py", "leak.txt", "leak_dir"}
    assert "dangling" in why["broken.py"]
    assert "outside" in why["leak.txt"]
    assert "outside" in why["leak_dir"]


# --- a plain folder (no git) ---------------------------------------------------------------


NESTED_IGNORES = {
    ".gitignore": "*.log\n/build/\n",
    "a.py": "",
    "x.log": "",
    "build/o.txt": "",  # /build/ is anchored to the root
    "other/build/keep.txt": "",  # ... so this one is kept
    "sub/.gitignore": "generated/\n*.tmp\n",
    "sub/b.py": "",
    "sub/c.tmp": "",
    "sub/deeper/d.tmp": "",  # a folder's rules apply at any depth below it
    "sub/deeper/e.log": "",  # and the root's rules too
    "sub/generated/g.py": "",
    "other/c.tmp": "",  # sub/.gitignore does not reach its sibling
}


def test_plain_folder_honours_nested_gitignore_files(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "tree", NESTED_IGNORES)

    result = walk(make_settings(root))

    assert result.files == [
        ".gitignore",
        "a.py",
        "other/build/keep.txt",
        "other/c.tmp",
        "sub/.gitignore",
        "sub/b.py",
    ]
    assert result.skipped == []


def test_plain_folder_listing_agrees_with_git(tmp_path: Path) -> None:
    """The same tree, walked as a plain folder and as a git work tree, gives the same files."""
    plain = write_tree(tmp_path / "plain", NESTED_IGNORES)
    repo = write_tree(make_repo(tmp_path / "repo"), NESTED_IGNORES)

    assert walk(make_settings(plain)).files == walk(make_settings(repo)).files
    expected = sorted(
        filter(None, git(repo, "ls-files", "--others", "--exclude-standard").split("\n"))
    )
    assert walk(make_settings(plain)).files == expected


def test_plain_folder_nested_negation_reincludes_a_file(tmp_path: Path) -> None:
    tree = {
        ".gitignore": "*.log\n",
        "drop.log": "",
        "sub/.gitignore": "!keep.log\n",
        "sub/keep.log": "",
        "sub/other.log": "",
    }
    repo = write_tree(make_repo(tmp_path / "repo"), tree)
    # git's own answer for this tree: the nested rule re-includes sub/keep.log.
    assert "sub/keep.log" in git(repo, "ls-files", "--others", "--exclude-standard").split("\n")
    plain = write_tree(tmp_path / "plain", tree)

    result = walk(make_settings(plain))

    assert result.files == [".gitignore", "sub/.gitignore", "sub/keep.log"]


def test_plain_folder_skips_git_folder_virtualenv_and_sphinx_output(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path / "tree",
        {
            "main.py": "",
            "env/pyvenv.cfg": "home = /usr/bin\n",
            "env/bin/activate": "",
            "site/.buildinfo": "",
            "site/index.html": "",
        },
    )
    # A stray '.git' folder that is not a repository is never listed either.
    write_tree(root, {".git/config": "not really\n"})

    result = walk(make_settings(root))

    assert result.files == ["main.py"]
    why = reasons(result)
    assert "virtual environment" in why["env/bin/activate"]
    assert "virtual environment" in why["env/pyvenv.cfg"]
    assert "generated output" in why["site/index.html"]
    assert not any(path.startswith(".git/") for path in why)


def test_a_top_folder_named_like_a_file_of_the_sites_top_is_skipped_with_a_reason(
    tmp_path: Path,
) -> None:
    """``searchindex.js/0`` would need a folder where the site writes Sphinx's search index
    (the build failed: "searchindex.js.tmp: Is a directory"); a file of that name, or such
    a folder deeper in the tree, is documented as any other."""
    root = write_tree(
        tmp_path / "tree",
        {
            "searchindex.js/0": "",
            "keywords-q.html/page.md": "# Q\n",
            "searchindex.js.py": "",
            "docs/searchindex.js/0": "",
        },
    )
    result = walk(make_settings(root))
    assert result.files == ["docs/searchindex.js/0", "searchindex.js.py"]
    why = reasons(result)
    assert "named like a file the site writes at its top" in why["searchindex.js/0"]
    assert "(keywords-q.html)" in why["keywords-q.html/page.md"]


def test_every_file_at_a_sites_top_is_a_name_the_walk_keeps_for_it(tmp_path: Path) -> None:
    tree = write_tree(tmp_path / "tree", {"pkg/core.py": "def run():\n    pass\n"})
    site = tmp_path / "site"
    assert main(["build", str(tree), "-o", str(site), "-q"]) == 0
    top_files = [path.name for path in site.iterdir() if path.is_file()]
    assert "searchindex.js" in top_files and "keywords-r.html" in top_files
    assert [name for name in top_files if not is_site_top_file(name)] == []


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links here")
def test_plain_folder_symlinks_dangling_or_leaving_the_tree_are_skipped(tmp_path: Path) -> None:
    outside = write_tree(tmp_path / "outside", {"secret.txt": "x\n"})
    root = write_tree(tmp_path / "tree", {"real.py": ""})
    (root / "broken.py").symlink_to("missing.py")
    (root / "leak.txt").symlink_to(outside / "secret.txt")
    (root / "alias.py").symlink_to("real.py")  # stays inside the tree: documented once
    write_tree(root, {"skipped/only.py": "", ".gitignore": "skipped/\n"})
    (root / "only_link.py").symlink_to("skipped/only.py")  # its target has no pages

    result = walk(make_settings(root))

    assert result.files == [".gitignore", "only_link.py", "real.py"]
    why = reasons(result)
    assert set(why) == {"broken.py", "leak.txt", "alias.py"}
    assert "dangling" in why["broken.py"]
    assert "outside" in why["leak.txt"]
    assert why["alias.py"] == "symbolic link to real.py, documented there"


# --- include and exclude globs -------------------------------------------------------------


SELECTION = {
    "setup.py": "",
    "README.md": "",
    "pkg/__init__.py": "",
    "pkg/core.py": "",
    "pkg/data/table.csv": "",
    "tests/test_core.py": "",
    "tests/fixtures/sample.py": "",
}


@pytest.mark.parametrize("in_git", [False, True], ids=["plain", "git"])
@pytest.mark.parametrize(
    ("include", "exclude", "expected"),
    [
        ((), (), sorted(SELECTION)),
        (
            ("*.py",),
            (),
            [
                "pkg/__init__.py",
                "pkg/core.py",
                "setup.py",
                "tests/fixtures/sample.py",
                "tests/test_core.py",
            ],
        ),
        (("*.py",), ("tests/",), ["pkg/__init__.py", "pkg/core.py", "setup.py"]),
        (("pkg/",), (), ["pkg/__init__.py", "pkg/core.py", "pkg/data/table.csv"]),
        (
            (),
            ("*.md", "pkg/data/"),
            [
                "pkg/__init__.py",
                "pkg/core.py",
                "setup.py",
                "tests/fixtures/sample.py",
                "tests/test_core.py",
            ],
        ),
        (("/setup.py", "tests/test_*.py"), (), ["setup.py", "tests/test_core.py"]),
    ],
    ids=["everything", "only-python", "python-not-tests", "one-folder", "exclude-only", "anchored"],
)
def test_include_and_exclude_globs(
    tmp_path: Path,
    in_git: bool,
    include: tuple[str, ...],
    exclude: tuple[str, ...],
    expected: list[str],
) -> None:
    root = tmp_path / "tree"
    if in_git:
        make_repo(root)
    write_tree(root, SELECTION)

    result = walk(make_settings(root, include=include, exclude=exclude))

    assert result.files == expected
    assert result.skipped == []


def test_excluded_files_are_not_reported_as_skipped(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "tree", {"a.py": "", ".venv/pyvenv.cfg": "", ".venv/x.py": ""})

    result = walk(make_settings(root, exclude=[".venv/"]))

    assert result.files == ["a.py"]
    assert result.skipped == []


def test_plain_folder_reports_a_linked_folder_instead_of_following_it(tmp_path: Path) -> None:
    outside = write_tree(tmp_path / "outside", {"secret.py": "x = 1\n"})
    root = write_tree(tmp_path / "tree", {"a.py": "y = 2\n"})
    (root / "linked").symlink_to(outside, target_is_directory=True)
    result = walk(make_settings(root))
    assert result.files == ["a.py"]
    assert reasons(result) == {"linked": "linked folder, not followed"}


# --- cache folders (CACHEDIR.TAG) ----------------------------------------------------------


CACHE_TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# some tool's cache\n"


@pytest.mark.parametrize("in_git", [False, True], ids=["plain", "git"])
def test_a_folder_tagged_as_a_cache_is_skipped_with_a_reason(tmp_path: Path, in_git: bool) -> None:
    root = tmp_path / "tree"
    if in_git:
        make_repo(root)
    write_tree(
        root,
        {
            "app.py": "",
            # A tool's cache without a .gitignore of its own: only the tag says what it is.
            ".toolcache/CACHEDIR.TAG": CACHE_TAG,
            ".toolcache/entries/1.bin": b"\x00",
            # A file of that name without the signature is not a tag.
            "spec/CACHEDIR.TAG": "How tools mark their caches.\n",
        },
    )

    result = walk(make_settings(root))

    assert result.files == ["app.py", "spec/CACHEDIR.TAG"]
    assert reasons(result) == {
        ".toolcache/CACHEDIR.TAG": "inside cache folder .toolcache/",
        ".toolcache/entries/1.bin": "inside cache folder .toolcache/",
    }


# --- special files and folders: each left out with its own reason ---------------------------


def _make_socket(path: Path) -> None:
    """A Unix socket at ``path`` (bound from its folder: socket paths are short)."""
    import socket

    here = Path.cwd()
    os.chdir(path.parent)
    try:
        with socket.socket(socket.AF_UNIX) as server:
            server.bind(path.name)
    finally:
        os.chdir(here)


@pytest.mark.parametrize("in_git", [False, True], ids=["plain", "git"])
def test_fifo_and_socket_are_named_as_such_not_missing(tmp_path: Path, in_git: bool) -> None:
    root = tmp_path / "tree"
    if in_git:
        make_repo(root)
    write_tree(root, {"a.py": "", "special/keep.py": ""})
    os.mkfifo(root / "special" / "pipe")
    _make_socket(root / "special" / "sock")
    if in_git:
        # git lists neither as untracked; a tracked file replaced by one is listed.
        write_tree(root, {"was_file.py": "", "was_sock.py": ""})
        git(root, "add", "was_file.py", "was_sock.py")
        (root / "was_file.py").unlink()
        os.mkfifo(root / "was_file.py")
        (root / "was_sock.py").unlink()
        _make_socket(root / "was_sock.py")

    result = walk(make_settings(root))

    assert result.files == ["a.py", "special/keep.py"]
    why = reasons(result)
    fifo, sock = ("was_file.py", "was_sock.py") if in_git else ("special/pipe", "special/sock")
    assert set(why) == {fifo, sock}
    assert why[fifo] == "a FIFO (named pipe), not a regular file"
    assert why[sock] == "a socket, not a regular file"


def test_a_device_file_is_named_as_such(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "tree", {"a.py": ""})
    try:
        os.mknod(root / "null", 0o600 | __import__("stat").S_IFCHR, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("making a device file needs privileges")

    result = walk(make_settings(root))

    assert reasons(result) == {"null": "a device file, not a regular file"}


def test_git_linked_folder_is_a_linked_folder_not_a_submodule(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo")
    write_tree(root, {"pkg/mod.py": "X = 1\n"})
    (root / "alias").symlink_to("pkg", target_is_directory=True)
    git(root, "add", "-A")  # git tracks the link itself

    result = walk(make_settings(root))

    assert result.files == ["pkg/mod.py"]
    assert reasons(result) == {"alias": "linked folder, not followed"}


def test_plain_folder_that_vanishes_while_walked_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder that cannot be listed (here: removed between its parent's listing and its
    own; test_hostile_names.py has an unreadable one) is reported, not silently dropped."""
    root = write_tree(tmp_path / "tree", {"a.py": "", "gone/b.py": ""})
    real_scandir = os.scandir

    def scandir(path: object) -> object:
        if isinstance(path, str) and Path(path).name == "gone":
            shutil.rmtree(root / "gone")
        return real_scandir(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", scandir)
    result = walk(make_settings(root))

    assert result.files == ["a.py"]
    assert reasons(result) == {"gone": "folder that cannot be read: No such file or directory"}


# --- the folders a walk found plain --------------------------------------------------------


@pytest.fixture
def settled_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """A folder's stamp is kept at once, not two seconds after its last change: the tests
    wait a tick of the file system's clock themselves before changing a folder."""
    monkeypatch.setattr(stamps_module, "_RACY_NS", 0)


def _tick() -> None:
    """Past the file system's clock tick, so a change gives the folder a new time."""
    time.sleep(0.05)


@pytest.mark.usefixtures("settled_at_once")
def test_a_marker_added_to_a_folder_found_plain_is_seen_by_the_next_walk(
    tmp_path: Path,
) -> None:
    root = make_repo(tmp_path / "repo")
    write_tree(root, {"app.py": "", "tools/env/run.py": "", "docs/html/page.py": ""})
    kept = tmp_path / "plain-folders.json"
    assert walk(make_settings(root), kept).files == [
        "app.py",
        "docs/html/page.py",
        "tools/env/run.py",
    ]
    assert set(json.loads(kept.read_text())["folders"]) == {
        "docs",
        "docs/html",
        "tools",
        "tools/env",
    }

    _tick()
    (root / "tools/env/pyvenv.cfg").write_text("home = /usr/bin\n")
    (root / "docs/html/.buildinfo").write_text("# Sphinx build info version 1\n")
    result = walk(make_settings(root), kept)

    assert result.files == ["app.py"]
    assert "inside virtual environment tools/env/" in reasons(result)["tools/env/run.py"]
    assert "inside generated output docs/html/" in reasons(result)["docs/html/page.py"]
    assert set(json.loads(kept.read_text())["folders"]) == {"docs", "tools"}


@pytest.mark.usefixtures("settled_at_once")
def test_a_folder_found_plain_is_not_checked_again_while_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_repo(tmp_path / "repo")
    write_tree(root, {"a/b/c.py": "", "d/e.py": ""})
    kept = tmp_path / "plain-folders.json"
    first = walk(make_settings(root), kept)
    checked: list[str] = []
    real_check = tree._is_output_folder

    def counted(folder: str, listed: frozenset[str] | None) -> bool:
        checked.append(folder)
        return real_check(folder, listed)

    monkeypatch.setattr(tree, "_is_output_folder", counted)
    _tick()
    (root / "d/f.py").write_text("")
    second = walk(make_settings(root), kept)

    assert second.files == [*first.files, "d/f.py"]
    assert checked == [str(root / "d")], "only the folder that changed is checked again"


def test_a_folder_changed_just_before_the_walk_is_not_kept(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo")
    write_tree(root, {"a/b.py": ""})
    kept = tmp_path / "plain-folders.json"

    assert walk(make_settings(root), kept).files == ["a/b.py"]
    # Its time may still be in the clock's current tick, which a marker could share.
    assert not kept.exists() or json.loads(kept.read_text())["folders"] == {}


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links here")
@pytest.mark.usefixtures("settled_at_once")
def test_a_folder_with_a_dangling_link_named_like_a_marker_is_checked_every_time(
    tmp_path: Path,
) -> None:
    root = make_repo(tmp_path / "repo")
    write_tree(root, {"site/page.py": "", "site/.gitignore": ".buildinfo\n"})
    target = tmp_path / "later-buildinfo"
    (root / "site/.buildinfo").symlink_to(target)
    kept = tmp_path / "plain-folders.json"
    assert walk(make_settings(root), kept).files == ["site/.gitignore", "site/page.py"]

    # The folder is unchanged, but the link now names a file: the folder is an output.
    target.write_text("# Sphinx build info version 1\n")
    result = walk(make_settings(root), kept)

    assert result.files == []
    assert "inside generated output site/" in reasons(result)["site/page.py"]
