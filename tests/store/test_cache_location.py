"""Where the record cache lives: in the user's cache directory, one folder per tree, or where
``XREFDOC_CACHE_DIR`` or ``--cache-dir`` say; never in a place the tree's own files fill, so
nothing a commit carries can change what a page shows."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

import pytest
from helpers import run_xrefdoc, write_tree
from sites import GIT, make_git_repository

from xrefdoc.commands.cli import main
from xrefdoc.core.settings import make_settings
from xrefdoc.pipeline.scan import scan
from xrefdoc.site.highlight import prepare_source
from xrefdoc.store.cache import cache_location

REAL = 'def greet():\n    return "hello from the real file"\n'
PLANTED = "def greet():\n    return steal_the_deploy_key()\n"
TREE: dict[str, str | bytes] = {"app.py": REAL, "README.md": "# App\n\nCall `greet`.\n"}

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def database_of(root: Path, chosen: Path | None = None) -> Path:
    """The records.sqlite the cache of ``root`` is kept in."""
    location = cache_location(root.resolve(), chosen)
    assert location.folder is not None
    return location.folder / "records.sqlite"


def doctor(database: Path, real: str, shown: str) -> None:
    """Make every highlighted source stored for the content ``real`` show ``shown`` instead,
    in rows as well-formed as xrefdoc writes them."""
    digest = hashlib.sha256(real.encode()).hexdigest()
    with closing(sqlite3.connect(database)) as connection, connection:
        keys = connection.execute(
            "SELECT lexer, cap FROM sources WHERE sha256 = ?", (digest,)
        ).fetchall()
        assert keys, "the genuine build stored no highlighted source to doctor"
        for lexer, cap in keys:
            blob = prepare_source(shown, lexer, cap).to_bytes()
            connection.execute(
                "UPDATE sources SET html = ? WHERE sha256 = ? AND lexer = ? AND cap = ?",
                (blob, digest, lexer, cap),
            )


def plant(database: Path, folder: Path) -> None:
    """Put ``database`` in ``folder`` as a cache folder of xrefdoc, markers and all."""
    folder.mkdir(parents=True, exist_ok=True)
    if folder / "records.sqlite" != database:
        shutil.copyfile(database, folder / "records.sqlite")
    (folder / ".gitignore").write_text("*\n", encoding="utf-8")
    (folder / "CACHEDIR.TAG").write_text(
        "Signature: 8a477f597d28d172789f06886806bc55\n", encoding="utf-8"
    )


def page_of(site: Path, path: str) -> str:
    return (site / f"{path}_docs.html").read_text(encoding="utf-8")


# --- a cache that came with the tree ------------------------------------------------------


@needs_git
@pytest.mark.parametrize("chosen", [None, "ci-cache"], ids=["default", "cache-dir-in-tree"])
def test_a_doctored_cache_committed_to_the_tree_does_not_change_the_pages(
    tmp_path: Path, isolated_git: None, chosen: str | None
) -> None:
    """Issue 19, defect 8: a repository commits a records.sqlite whose highlighted source of
    app.py shows code that is not in the file, at the old in-tree place and at the very
    folder a --cache-dir inside the tree would use; a clone of it is built."""
    base = tmp_path.resolve()
    origin = write_tree(base / "origin", TREE)
    genuine_site = base / "genuine-site"
    built = run_xrefdoc("build", str(origin), "-o", str(genuine_site), "-q")
    assert built.returncode == 0, built.stderr
    assert "hello from the real file" in page_of(genuine_site, "app.py")
    genuine = database_of(origin)
    doctor(genuine, REAL, PLANTED)
    clone = base / "clone"
    plant(genuine, origin / ".xrefdoc-cache")
    plant(genuine, origin / "ci-cache" / database_of(clone, clone / "ci-cache").parent.name)
    make_git_repository(origin)
    subprocess.run([*GIT, "-C", str(origin), "add", "-f", "."], check=True)
    subprocess.run([*GIT, "-C", str(origin), "commit", "-q", "-m", "cache"], check=True)
    subprocess.run([*GIT, "clone", "-q", str(origin), str(clone)], check=True)
    options = [] if chosen is None else ["--cache-dir", str(clone / chosen)]

    site = base / "site"
    completed = run_xrefdoc("build", str(clone), "-o", str(site), *options)

    assert completed.returncode == 0, completed.stderr
    page = page_of(site, "app.py")
    assert "hello from the real file" in page
    assert "steal_the_deploy_key" not in page
    log = completed.stdout
    if chosen is None:
        assert f"{clone / '.xrefdoc-cache'} is not read" in log, log
    else:
        [line] = [line for line in log.splitlines() if "cache disabled" in line]
        assert str(clone / chosen) in line and "git tracks" in line, line
    # The user's folders are left as they are.
    assert (clone / ".xrefdoc-cache" / "records.sqlite").is_file()


@needs_git
def test_scan_says_in_one_line_why_a_cache_dir_that_git_tracks_is_not_used(
    tmp_path: Path, isolated_git: None
) -> None:
    tree = write_tree(tmp_path / "tree", {**TREE, "ci-cache/README": "kept by CI\n"})
    make_git_repository(tree)

    completed = run_xrefdoc("scan", str(tree), "--cache-dir", str(tree / "ci-cache"))

    assert completed.returncode == 0, completed.stderr
    assert {entry["path"] for entry in json.loads(completed.stdout)["files"]} == {
        "app.py",
        "README.md",
        "ci-cache/README",
    }
    [line] = completed.stderr.splitlines()
    assert line.startswith("xrefdoc: cache disabled") and "git tracks" in line, line
    assert sorted(p.name for p in (tree / "ci-cache").iterdir()) == ["README"], "nothing written"


@needs_git
def test_a_cache_dir_in_the_tree_that_git_does_not_track_is_used_and_not_documented(
    tmp_path: Path, isolated_git: None
) -> None:
    tree = write_tree(tmp_path / "tree", TREE)
    make_git_repository(tree)
    settings = make_settings(tree, cache_dir=tree / ".ci-cache")

    first = scan(settings)
    second = scan(settings)

    assert (first.cache_misses, second.cache_hits, second.cache_misses) == (2, 2, 0)
    assert second.cache_note == ""
    assert second.walked.files == ["README.md", "app.py"]
    assert database_of(tree, tree / ".ci-cache").is_file()
    status = subprocess.run(
        ["git", "-C", str(tree), "status", "--porcelain", "--untracked-files=all"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert status.stdout == "", "git sees the cache folder"


# --- where the cache lives ----------------------------------------------------------------


def test_the_cache_of_a_tree_is_in_the_users_cache_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    tree = write_tree(tmp_path / "my tree", TREE)

    first = scan(make_settings(tree))
    second = scan(make_settings(tree))

    assert (first.cache_misses, second.cache_hits, second.cache_note) == (2, 2, "")
    assert sorted(p.name for p in tree.iterdir()) == ["README.md", "app.py"], "tree untouched"
    [folder] = (tmp_path / "user-cache" / "xrefdoc").iterdir()
    assert folder.name.startswith("my_tree-")
    assert (folder / "records.sqlite").is_file()
    assert (folder / "CACHEDIR.TAG").is_file()


def test_without_xdg_cache_home_the_cache_is_in_dot_cache_of_the_home_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    tree = write_tree(tmp_path / "tree", TREE)

    scan(make_settings(tree))

    [folder] = (tmp_path / "home" / ".cache" / "xrefdoc").iterdir()
    assert (folder / "records.sqlite").is_file()


def test_trees_of_the_same_name_have_caches_of_their_own(tmp_path: Path) -> None:
    one = write_tree(tmp_path / "one" / "app", TREE)
    other = write_tree(tmp_path / "other" / "app", {"app.py": "def other():\n    pass\n"})
    scan(make_settings(one))
    scan(make_settings(other))

    assert database_of(one) != database_of(other)
    assert database_of(one).parent.name.startswith("app-")
    assert scan(make_settings(one)).cache_hits == 2
    assert scan(make_settings(other)).cache_hits == 1


def test_xrefdoc_cache_dir_chooses_another_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XREFDOC_CACHE_DIR", str(tmp_path / "ci"))
    tree = write_tree(tmp_path / "tree", TREE)

    scan(make_settings(tree))

    assert database_of(tree) == database_of(tree, tmp_path / "ci")
    assert database_of(tree).is_file()
    assert scan(make_settings(tree)).cache_hits == 2


@pytest.mark.parametrize("command", ["scan", "generate", "lookup", "build"])
def test_every_command_takes_cache_dir(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    command: str,
) -> None:
    monkeypatch.setenv("XREFDOC_CACHE_DIR", str(tmp_path / "not-this-one"))
    tree = write_tree(tmp_path / "tree", TREE)
    chosen = tmp_path / "chosen"
    arguments = {
        "scan": ["scan", str(tree)],
        "generate": ["generate", str(tree), "-o", str(tmp_path / "pages"), "-q"],
        "lookup": ["lookup", "greet", "--root", str(tree)],
        "build": ["build", str(tree), "-o", str(tmp_path / "site"), "-q"],
    }[command]

    assert main([*arguments, "--cache-dir", str(chosen)]) == 0

    assert "greet" in capsys.readouterr().out or command in ("generate", "build")
    assert database_of(tree, chosen).is_file()
    assert not (tmp_path / "not-this-one").exists()
    assert scan(make_settings(tree, cache_dir=chosen)).cache_hits == 2
