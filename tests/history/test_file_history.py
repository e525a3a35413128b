"""A file page's History (its last commits, from ``git log``) and blame (``--blame``): checked
against git itself on a repository the test makes, after a build, after a commit that
touched one file, after a commit of what was already built (the pages stand, the history
moves), and in the browser: the History row, the blame column, the bar's last change."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from browser import DESKTOP, ConsoleProblems, browser, served
from helpers import commit_as, git, run_xrefdoc, script_data, write_tree, written

from xrefdoc.history.log import HISTORY_LENGTH, file_histories
from xrefdoc.site.git_data import STATE_FILE as GIT_STATE_FILE
from xrefdoc.sphinx.standalone import LOCK_FILE, default_work_dir

A_PY = "def f():\n    x = 1\n    return x\n\n\ndef g():\n    return 2\n"


def commit(root: Path, author: str, message: str, day: int) -> str:
    """A commit of everything by ``author``, dated ``day`` days after 2024-01-01."""
    return commit_as(root, message, day * 86400, author)


def oracle_log(root: Path, path: str) -> list[str]:
    return git(root, "log", f"-n{HISTORY_LENGTH}", "--format=%H", "--", path).split()


def oracle_blame(root: Path, path: str) -> list[str]:
    """The author of each line, from ``git blame --line-porcelain``."""
    found = git(root, "blame", "--line-porcelain", "--", path)
    return [line[len("author ") :] for line in found.splitlines() if line.startswith("author ")]


def our_blame(site: Path, path: str) -> list[str]:
    data = script_data(site / "_xref" / "blame" / f"{path}.js")
    return [data["commits"][commit][2] for commit, count in data["runs"] for _ in range(count)]


def build(root: Path, site: Path, *options: str) -> subprocess.CompletedProcess[str]:
    done = run_xrefdoc("build", str(root), "-o", str(site), "-q", *options)
    assert done.returncode == 0, done.stderr
    return done


@pytest.fixture(scope="module")
def repository(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("history")
    root = base / "repo"
    root.mkdir()
    git(root, "init", "-q")
    write_tree(root, {"pkg/a.py": A_PY, "pkg/b.py": "B = 1\n"})
    commit(root, "Ann", "Add a and b", 1)
    (root / "pkg" / "a.py").write_text(A_PY.replace("x = 1", "x = 2"))
    commit(root, "Bob", "Change f's x", 2)
    (root / "pkg" / "b.py").write_text("B = 2\n")
    commit(root, "Ann", "Change B", 3)
    site = base / "site"
    build(root, site, "--blame")
    return root, site


def test_a_files_history_is_git_logs(repository: tuple[Path, Path]) -> None:
    root, site = repository
    for path in ("pkg/a.py", "pkg/b.py"):
        data = script_data(site / "_xref" / "git" / f"{path}.js")
        assert [row[0] for row in data["commits"]] == oracle_log(root, path)
        assert data["blame"] is True
    a = script_data(site / "_xref" / "git" / "pkg/a.py.js")
    assert [(row[2], row[3]) for row in a["commits"]] == [
        ("Bob", "Change f's x"),
        ("Ann", "Add a and b"),
    ]


def test_blame_is_git_blames_and_names_each_definitions_last_change(
    repository: tuple[Path, Path],
) -> None:
    root, site = repository
    assert our_blame(site, "pkg/a.py") == oracle_blame(root, "pkg/a.py")
    assert our_blame(site, "pkg/a.py")[1] == "Bob"
    data = script_data(site / "_xref" / "blame" / "pkg/a.py.js")
    authors = {anchor: data["commits"][commit][2] for anchor, commit in data["defs"].items()}
    assert authors == {"sym-f": "Bob", "sym-g": "Ann"}


def test_a_commit_rewrites_the_data_of_the_files_it_touched(
    repository: tuple[Path, Path], tmp_path: Path
) -> None:
    root, _ = repository
    # A copy of the repository, so the module's other tests keep theirs.
    clone, copy = tmp_path / "repo", tmp_path / "site"
    subprocess.run(["cp", "-a", str(root), str(clone)], check=True)
    build(clone, copy, "--blame")
    a_history = copy / "_xref" / "git" / "pkg/a.py.js"
    a_before = a_history.stat().st_mtime_ns
    (clone / "pkg" / "b.py").write_text("B = 3\n")
    commit(clone, "Cy", "Change B again", 4)
    build(clone, copy, "--blame")
    b = script_data(copy / "_xref" / "git" / "pkg/b.py.js")
    assert [row[0] for row in b["commits"]] == oracle_log(clone, "pkg/b.py")
    assert b["commits"][0][2] == "Cy"
    assert our_blame(copy, "pkg/b.py") == ["Cy"]
    assert a_history.stat().st_mtime_ns == a_before, "a.py's history did not change"

    # An edit built before it is committed: its lines are not committed yet; the commit of
    # the same content then leaves every page as it was and moves the history alone.
    (clone / "pkg" / "a.py").write_text(A_PY + "\n\ndef h():\n    return 3\n")
    build(clone, copy, "--blame")
    assert our_blame(copy, "pkg/a.py")[-1] == ""
    page = copy / "pkg" / "a.py_docs.html"
    page_before = page.read_bytes()
    made = commit(clone, "Dee", "Add h", 5)
    done = build(clone, copy, "--blame")
    assert page.read_bytes() == page_before
    a = script_data(copy / "_xref" / "git" / "pkg/a.py.js")
    assert a["commits"][0][0] == made
    assert our_blame(copy, "pkg/a.py") == oracle_blame(clone, "pkg/a.py")
    blame = script_data(copy / "_xref" / "blame" / "pkg/a.py.js")
    assert blame["commits"][blame["defs"]["sym-h"]][2] == "Dee"
    assert done.returncode == 0


def test_a_build_that_fails_after_its_git_data_leaves_the_next_one_to_bring_the_site_up(
    repository: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The git data is brought up to date beside the build (two jobs), and its state kept
    only once the build completes: after a build that failed once it was done, the next
    build still brings the site's history and blame up to the new commit."""
    from xrefdoc.commands.cli import main
    from xrefdoc.sphinx import extension

    root, _ = repository
    clone, copy = tmp_path / "repo", tmp_path / "site"
    subprocess.run(["cp", "-a", str(root), str(clone)], check=True)
    (clone / "pkg" / "a.py").write_text(A_PY + "\n\ndef h():\n    return 3\n")
    build(clone, copy, "--blame")
    made = commit(clone, "Dee", "Add h", 5)

    def broken(*arguments: object) -> None:
        raise RuntimeError("the index data broke")

    state = default_work_dir(copy) / "doctrees" / GIT_STATE_FILE
    state_before = state.read_bytes()
    b = clone / "pkg" / "b.py"
    committed = b.read_text()
    b.write_text("B = 4\n")  # a change, so the build runs Sphinx and fails in it
    with monkeypatch.context() as patched:
        patched.setattr(extension, "write_index_data", broken)
        assert main(["build", str(clone), "-o", str(copy), "-q", "--blame", "-j", "2"]) != 0
    assert state.read_bytes() == state_before, "the failed build's git state was kept"
    assert [path.name for path in state.parent.glob(f"{GIT_STATE_FILE}*")] == [GIT_STATE_FILE]
    b.write_text(committed)  # the tree of the last complete build, at the new commit
    build(clone, copy, "--blame")
    a = script_data(copy / "_xref" / "git" / "pkg/a.py.js")
    assert a["commits"][0][0] == made
    assert our_blame(copy, "pkg/a.py") == oracle_blame(clone, "pkg/a.py")


def test_blame_and_history_turned_on_and_off_on_a_built_site(
    repository: tuple[Path, Path], tmp_path: Path
) -> None:
    """The pages stand when only blame or history is turned on or off; their data follows,
    and what is turned off leaves the site."""
    root, _ = repository
    site = tmp_path / "site"
    build(root, site)
    build(root, site, "--blame")
    assert our_blame(site, "pkg/a.py") == oracle_blame(root, "pkg/a.py")
    data = script_data(site / "_xref" / "blame" / "pkg/a.py.js")
    authors = {anchor: data["commits"][commit][2] for anchor, commit in data["defs"].items()}
    assert authors == {"sym-f": "Bob", "sym-g": "Ann"}
    build(root, site)
    assert script_data(site / "_xref" / "git" / "pkg/a.py.js")["blame"] is False
    assert not (site / "_xref" / "blame").exists()
    build(root, site, "--no-history")
    assert not (site / "_xref" / "git").exists()


def test_a_blame_brought_up_to_a_commit_without_sphinx_leaves_when_blame_is_turned_off(
    tmp_path: Path,
) -> None:
    """A commit of what was built already brings the blame up to date in the site itself
    (Sphinx does not run); what it writes there is listed, so it goes when turned off."""
    root, site = tmp_path / "repo", tmp_path / "site"
    root.mkdir()
    git(root, "init", "-q")
    write_tree(root, {"a.py": "A = 1\n"})
    commit(root, "Ann", "Add a", 1)
    (root / "b.py").write_text("B = 1\n")  # not committed: git has no blame of it yet
    build(root, site, "--blame")
    assert not (site / "_xref" / "blame" / "b.py.js").exists()
    commit(root, "Bob", "Add b", 2)
    build(root, site, "--blame")
    assert our_blame(site, "b.py") == ["Bob"]
    build(root, site)
    assert not (site / "_xref" / "blame").exists()


def test_without_blame_or_history_or_git(repository: tuple[Path, Path], tmp_path: Path) -> None:
    root, _ = repository
    plain = tmp_path / "plain"
    build(root, plain)
    assert script_data(plain / "_xref" / "git" / "pkg/a.py.js")["blame"] is False
    assert not (plain / "_xref" / "blame").exists()
    none = tmp_path / "none"
    build(root, none, "--no-history")
    assert not (none / "_xref" / "git").exists()
    outside = tmp_path / "outside"
    write_tree(outside, {"m.py": "M = 1\n"})
    site = tmp_path / "outside-site"
    build(outside, site, "--blame")
    assert (site / "m.py_docs.html").is_file()
    assert not (site / "_xref" / "git").exists()


def test_an_incremental_walk_equals_a_whole_one_across_a_merge(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    write_tree(root, {"a.py": "A = 1\nB = 1\n"})
    commit(root, "Ann", "start", 1)
    earlier = file_histories(root)
    git(root, "checkout", "-q", "-b", "side")
    (root / "a.py").write_text("A = 2\nB = 1\n")
    commit(root, "Bob", "side A", 2)
    git(root, "checkout", "-q", "main")
    (root / "a.py").write_text("A = 1\nB = 2\n")
    commit(root, "Ann", "main B", 3)
    # The two changes touch neighbouring lines: the merge conflicts, and its resolution is
    # a change of the merge's own, so the merge is in the file's history.
    subprocess.run(["git", "-C", str(root), "merge", "-q", "side"], capture_output=True)
    (root / "a.py").write_text("A = 2\nB = 2\n")
    merge = commit(root, "Max", "merge side", 5)
    (root / "a.py").write_text("A = 3\nB = 2\n")
    commit(root, "Cy", "after the merge", 6)
    whole = file_histories(root)
    since = file_histories(root, earlier)
    assert whole is not None and since is not None
    assert since.files == whole.files
    assert whole.files["a.py"] == oracle_log(root, "a.py")
    assert merge in whole.files["a.py"]


def test_the_page_shows_history_blame_and_the_last_change_of_lines(
    repository: tuple[Path, Path],
) -> None:
    root, site = repository
    bob = git(root, "log", "-1", "--format=%H", "--author=Bob")
    with browser() as chromium, served(site) as base:
        page = chromium.new_page(viewport=DESKTOP)
        problems = ConsoleProblems(page)
        page.goto(f"{base}pkg/a.py_docs.html#L2")
        row = page.locator(".xref-history-row")
        row.wait_for()
        assert "Last changed" in row.inner_text() and "Bob" in row.inner_text()
        page.click(".xref-history summary")
        first = git(root, "rev-list", "--max-parents=0", "HEAD")
        assert page.locator(".xref-history li").all_inner_texts() == [
            f"{bob[:8]} 2024-01-03 Bob: Change f's x",
            f"{first[:8]} 2024-01-02 Ann: Add a and b",
        ]
        page.click(".xref-blame-toggle")
        page.locator(".xref-blamed .xref-blame").first.wait_for()
        assert "Bob" in page.locator("#L2 .xref-blame").inner_text()
        assert "Ann" in page.locator("#L1 .xref-blame").inner_text()
        page.click(".xref-blame-bar button")
        bar = page.locator(".xref-blame-bar")
        bar.get_by_text("Change f's x").wait_for()
        page.goto(f"{base}pkg/a.py_docs.html#sym-g")
        page.click(".xref-blame-bar button")
        page.locator(".xref-blame-bar").get_by_text("g last changed in").wait_for()
        assert "Ann" in page.locator(".xref-blame-bar").inner_text()
        assert problems.found == [], "console errors"


def test_a_shallow_clone_has_the_history_it_holds_and_no_more(
    repository: tuple[Path, Path], tmp_path: Path
) -> None:
    root, _ = repository
    clone = tmp_path / "clone"
    # The last two commits: Bob's change of a.py is the boundary, whose parent is not there.
    subprocess.run(["git", "clone", "-q", "--depth", "2", root.as_uri(), str(clone)], check=True)
    site = tmp_path / "site"
    done = run_xrefdoc("build", str(clone), "-o", str(site), "--blame")
    assert done.returncode == 0, done.stderr
    assert "a shallow clone: file histories and blame stop where its history does" in done.stdout
    b = script_data(site / "_xref" / "git" / "pkg/b.py.js")
    assert [(row[2], row[3]) for row in b["commits"]] == [("Ann", "Change B")]
    # The boundary seems to add every file: it is in no history, and blame does not name it.
    assert script_data(site / "_xref" / "git" / "pkg/a.py.js")["commits"] == []
    data = script_data(site / "_xref" / "blame" / "pkg/a.py.js")
    assert [row[:3] for row in data["commits"]] == [["", 0, ""]]
    assert data["commits"][0][3] == "Before the shallow clone's history"
    assert our_blame(site, "pkg/b.py") == ["Ann"]


def test_a_shallow_clone_fetched_deeper_gets_the_history_it_now_holds(
    repository: tuple[Path, Path], tmp_path: Path
) -> None:
    """The commit is the same and the pages stand: only the clone's boundary moved."""
    root, _ = repository
    clone, site = tmp_path / "clone", tmp_path / "site"
    subprocess.run(["git", "clone", "-q", "--depth", "1", root.as_uri(), str(clone)], check=True)
    build(clone, site, "--blame")
    assert script_data(site / "_xref" / "git" / "pkg/a.py.js")["commits"] == []
    page = site / "pkg" / "a.py_docs.html"
    page_before = page.stat().st_mtime_ns
    git(clone, "fetch", "-q", "--unshallow")
    build(clone, site, "--blame")
    assert page.stat().st_mtime_ns == page_before, "the pages stand"
    for path in ("pkg/a.py", "pkg/b.py"):
        data = script_data(site / "_xref" / "git" / f"{path}.js")
        assert [row[0] for row in data["commits"]] == oracle_log(clone, path)
    assert our_blame(site, "pkg/a.py") == oracle_blame(clone, "pkg/a.py")


def test_history_that_comes_later_covers_every_file_the_standing_pages_show(tmp_path: Path) -> None:
    """A tree built outside git, a file added and built again, then the tree committed as
    it is: the pages stand, and every file of them, the added one too, gets its history."""
    root = tmp_path / "tree"
    write_tree(root, {"m.py": "M = 1\n"})
    site = tmp_path / "site"
    build(root, site)
    write_tree(root, {"n.py": "N = 1\n"})
    build(root, site)
    assert not (site / "_xref" / "git").exists()
    git(root, "init", "-q")
    made = commit(root, "Ann", "Everything", 1)
    build(root, site)
    for path in ("m.py", "n.py"):
        data = script_data(site / "_xref" / "git" / f"{path}.js")
        assert [row[0] for row in data["commits"]] == [made] == oracle_log(root, path)


def test_a_rebuild_of_a_git_work_tree_after_no_change_writes_nothing(
    repository: tuple[Path, Path], tmp_path: Path
) -> None:
    """Neither the site nor its work folder: the history's state, unchanged, was written
    again on every rebuild (0.3 s at 20,000 files)."""
    root, _ = repository
    clone, copy = tmp_path / "repo", tmp_path / "site"
    subprocess.run(["cp", "-a", str(root), str(clone)], check=True)
    build(clone, copy, "--blame")
    # The first check after a build may stamp folders the build wrote too recently to stamp.
    build(clone, copy, "--blame")
    # Not the lock that every build takes.
    before = written(copy, default_work_dir(copy), leaving=LOCK_FILE)
    build(clone, copy, "--blame")
    assert written(copy, default_work_dir(copy), leaving=LOCK_FILE) == before
