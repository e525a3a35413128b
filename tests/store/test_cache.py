"""The record cache: a second scan of an unchanged tree parses nothing, and a missing,
unwritable or damaged cache never stops a scan."""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from helpers import run_xrefdoc, write_tree

from xrefdoc.commands.cli import main
from xrefdoc.core.model import References
from xrefdoc.core.settings import make_settings
from xrefdoc.pipeline import scan as pipeline
from xrefdoc.pipeline.scan import Scan, scan
from xrefdoc.site.highlight import SourceHTML, highlighted_source
from xrefdoc.store import cache as cache_module
from xrefdoc.store.cache import DATABASE, RecordCache, cache_location
from xrefdoc.walk import stamps as stamps_module

TREE: dict[str, str | bytes] = {
    "README.md": "# Demo\n\nUse `demo.core`.\n",
    "demo/__init__.py": '"""The demo package."""\n\nfrom .core import Engine\n',
    "demo/core.py": "class Engine:\n    def start(self) -> None:\n        pass\n",
    "demo/util.py": "def helper():\n    return 1\n",
    "config.toml": 'name = "demo"\n',
    "data.bin": b"\x00\x01binary",
}


def scan_tree(
    root: Path,
    *,
    include: list[str] | None = None,
    exclude: list[str] | None = None,
    **options: Any,
) -> Scan:
    return scan(make_settings(root, include=include or [], exclude=exclude or []), **options)


def database_of(root: Path) -> Path:
    """The database file of the cache of ``root``."""
    location = cache_location(root.resolve())
    assert location.folder is not None
    return location.folder / DATABASE


def open_cache(root: Path) -> RecordCache:
    return RecordCache.open(cache_location(root.resolve()))


def remove_database(database: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        database.with_name(database.name + suffix).unlink(missing_ok=True)


def stored_rows(root: Path) -> list[tuple[str, str]]:
    """(path, extractor version) of every row, read straight from the database file."""
    database = database_of(root)
    with closing(sqlite3.connect(database)) as connection:
        return sorted(connection.execute("SELECT path, version FROM records").fetchall())


def paths_of(result: Scan) -> set[str]:
    return {record.path for record in result.records}


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    return write_tree(tmp_path / "tree", TREE)


@pytest.fixture
def read_only(tmp_path: Path) -> Iterator[list[Path]]:
    """Folders appended to the list are made read-only by the test and writable again after;
    the test is skipped where permissions do not bind (running as root)."""
    folders: list[Path] = []
    yield folders
    for folder in folders:
        folder.chmod(0o755)


def make_read_only(folders: list[Path], folder: Path) -> None:
    folders.append(folder)
    folder.chmod(0o555)
    if os.access(folder, os.W_OK):
        pytest.skip("permissions do not bind for this user (root?)")


class Planted:
    """What a hostile tree could put in its cache: loading it with plain pickle runs code."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[Path]]:
        return Path.touch, (self.marker,)


class UnevenReferences:
    """Pickles as ``References`` columns of different lengths."""

    def __init__(self, columns: tuple[object, ...]) -> None:
        self.columns = columns

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        return References, self.columns


# --- hits and misses -----------------------------------------------------------------------


def test_second_scan_of_an_unchanged_tree_extracts_nothing(tree: Path) -> None:
    first = scan_tree(tree)
    second = scan_tree(tree)

    assert (first.cache_hits, first.cache_misses) == (0, len(TREE))
    assert (second.cache_hits, second.cache_misses) == (len(TREE), 0)
    assert second.records == first.records
    assert second.records == scan_tree(tree, use_cache=False).records
    assert second.walked.files == first.walked.files == sorted(TREE)
    assert first.cache_note == second.cache_note == ""


def test_a_changed_file_is_the_only_one_extracted_again(tree: Path) -> None:
    first = scan_tree(tree)
    write_tree(tree, {"demo/util.py": "def renamed_helper():\n    return 2\n"})

    second = scan_tree(tree)

    assert (second.cache_hits, second.cache_misses) == (len(TREE) - 1, 1)
    changed = {record.path: record for record in second.records}["demo/util.py"]
    assert [symbol.name for symbol in changed.symbols] == ["renamed_helper"]
    unchanged = [record for record in second.records if record.path != "demo/util.py"]
    assert unchanged == [record for record in first.records if record.path != "demo/util.py"]


def test_files_past_the_bytes_kept_are_read_again_at_their_turn(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = scan_tree(tree, use_cache=False, derive=highlighted_source).records
    monkeypatch.setattr(pipeline, "PENDING_BYTES_KEPT", 0)
    assert scan_tree(tree, derive=highlighted_source).records == expected

    # A file that changes after it was hashed and before its turn is taken as it is then:
    # its record and its page's source are of its new text, never of the old hash.
    write_tree(tree, {"demo/util.py": "def second_helper():\n    return 2\n"})

    def edit_while_scanning(paths: list[str]) -> list[str]:
        write_tree(tree, {"demo/util.py": "def third_helper():\n    return 3\n"})
        return paths

    during = scan_tree(tree, derive=highlighted_source, progress=edit_while_scanning)
    util = {record.path: record for record in during.records}["demo/util.py"]
    assert [symbol.name for symbol in util.symbols] == ["third_helper"]
    assert util.sha256 == hashlib.sha256((tree / "demo/util.py").read_bytes()).hexdigest()
    with open_cache(tree) as cache:
        second = hashlib.sha256(b"def second_helper():\n    return 2\n").hexdigest()
        assert cache.get_source((second, util.lexer, make_settings(tree).source_cap)) is None
        assert cache.get("demo/util.py", second) is None


def test_parse_problems_come_back_from_the_cache(tree: Path) -> None:
    """A cached record still carries its diagnostics, so a rebuild warns as the first did."""
    write_tree(tree, {"bad.py": "def f(:\n    pass\n"})
    first = {record.path: record for record in scan_tree(tree).records}
    second = {record.path: record for record in scan_tree(tree).records}
    assert first["bad.py"].diagnostics
    assert second["bad.py"].diagnostics == first["bad.py"].diagnostics


def test_overload_signatures_come_back_from_the_cache(tree: Path) -> None:
    """A symbol's ``@overload`` stubs are a field of the record: the cache's unpickler, which
    loads only the model's classes, loads them."""
    overloaded = (
        "from typing import overload\n\n\n@overload\ndef size(value: str) -> int: ...\n"
        "@overload\ndef size(value: bytes) -> int: ...\ndef size(value):\n    return 1\n"
    )
    write_tree(tree, {"demo/sizes.py": overloaded})
    first = {record.path: record for record in scan_tree(tree).records}
    second_scan = scan_tree(tree)
    second = {record.path: record for record in second_scan.records}
    assert second_scan.cache_misses == 0
    (size,) = second["demo/sizes.py"].symbols
    assert [(stub.line, stub.signature) for stub in size.overloads] == [
        (5, "(value: str) -> int"),
        (7, "(value: bytes) -> int"),
    ]
    assert second["demo/sizes.py"] == first["demo/sizes.py"]


def test_a_new_extractor_version_misses_everything_and_drops_old_rows(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scan_tree(tree)
    old_version = cache_module.extractor_version()
    assert {version for _, version in stored_rows(tree)} == {old_version}
    monkeypatch.setattr(cache_module, "extractor_version", lambda: "changed extraction code")

    result = scan_tree(tree)

    assert (result.cache_hits, result.cache_misses) == (0, len(TREE))
    assert stored_rows(tree) == [(path, "changed extraction code") for path in sorted(TREE)]


def test_deleted_files_are_forgotten_and_excluded_ones_kept(tree: Path) -> None:
    scan_tree(tree)
    (tree / "demo/util.py").unlink()

    result = scan_tree(tree, exclude=["*.toml"])

    assert "config.toml" not in paths_of(result)
    stored = {path for path, _ in stored_rows(tree)}
    assert stored == set(TREE) - {"demo/util.py"}
    # The excluded file's row is still there: a full run right after extracts nothing.
    assert scan_tree(tree).cache_misses == 0


def test_scan_without_the_cache_writes_no_cache(tree: Path) -> None:
    result = scan_tree(tree, use_cache=False)
    assert paths_of(result) == set(TREE)
    assert result.cache_misses == len(TREE)
    assert not database_of(tree).parent.exists()
    assert sorted(path.name for path in tree.iterdir()) == sorted(
        {"README.md", "demo", "config.toml", "data.bin"}
    )


def test_a_killed_scan_keeps_the_records_it_committed(tree: Path) -> None:
    if not hasattr(signal, "SIGKILL"):
        pytest.skip("no SIGKILL here")
    script = f"""
import os, signal
from pathlib import Path
from xrefdoc.store import cache
from xrefdoc.core.settings import make_settings
from xrefdoc.site.highlight import SourceHTML
from xrefdoc.pipeline.scan import scan
cache.COMMIT_EVERY = 2

def progress(paths):
    for number, path in enumerate(paths):
        if number == 3:
            os.kill(os.getpid(), signal.SIGKILL)
        yield path

scan(make_settings(Path({str(tree)!r})), progress)
"""
    completed = subprocess.run([sys.executable, "-c", script], check=False, timeout=120)
    assert completed.returncode == -signal.SIGKILL

    result = scan_tree(tree)

    # Three files were extracted before the kill; the first two were committed.
    assert (result.cache_hits, result.cache_misses) == (2, len(TREE) - 2)
    assert result.cache_note == ""


# --- the selection of the last scan --------------------------------------------------------


def test_the_last_scans_selection_is_remembered(tree: Path) -> None:
    with open_cache(tree) as cache:
        assert cache.last_settings() is None

    scan_tree(tree, include=["*.py", "*.md"], exclude=["demo/util.py"])

    with open_cache(tree) as cache:
        assert cache.last_settings() == {"include": ["*.py", "*.md"], "exclude": ["demo/util.py"]}


# --- the cache folder (more on where it lives in test_cache_location.py) --------------------


def test_the_cache_folder_is_marked_for_git_and_backup_tools(tree: Path) -> None:
    scan_tree(tree)
    folder = database_of(tree).parent
    assert "*" in (folder / ".gitignore").read_text(encoding="utf-8").splitlines()
    tag = (folder / "CACHEDIR.TAG").read_text(encoding="utf-8")
    assert tag.startswith("Signature: 8a477f597d28d172789f06886806bc55\n")
    assert "xrefdoc" in tag.splitlines()[1]


def test_a_cache_dir_inside_a_plain_folder_is_never_documented(tree: Path) -> None:
    settings = make_settings(tree, cache_dir=tree / ".cache")
    scan(settings)
    assert any((tree / ".cache").rglob(DATABASE))

    result = scan(settings)

    assert result.walked.files == sorted(TREE)
    assert result.walked.skipped == []
    assert result.cache_hits == len(TREE)


def test_a_cache_folder_in_the_tree_that_lost_its_markers_gets_them_back(tree: Path) -> None:
    settings = make_settings(tree, cache_dir=tree / ".cache")
    scan(settings)
    [folder] = (tree / ".cache").iterdir()
    (folder / ".gitignore").unlink()
    (folder / "CACHEDIR.TAG").unlink()

    result = scan(settings)

    assert result.walked.files == sorted(TREE)
    assert (folder / ".gitignore").is_file(), "the markers are written again"


def test_an_old_cache_folder_in_the_tree_is_not_read_documented_or_deleted(tree: Path) -> None:
    """Where earlier versions kept the cache: its rows could come with the tree."""
    old = tree / ".xrefdoc-cache"
    scan_tree(tree)
    shutil.copytree(database_of(tree).parent, old)
    shutil.rmtree(database_of(tree).parent)

    result = scan_tree(tree)

    assert (result.cache_hits, result.cache_misses) == (0, len(TREE))
    assert result.cache_note.startswith(f"{old} is not read: a cache inside the tree")
    assert result.walked.files == sorted(TREE)
    assert (old / DATABASE).is_file()


# --- a cache that cannot be used -----------------------------------------------------------


def test_a_cache_folder_that_cannot_be_made_disables_the_cache_and_the_scan_succeeds(
    tree: Path, tmp_path: Path, read_only: list[Path]
) -> None:
    base = tmp_path / "read-only"
    base.mkdir()
    make_read_only(read_only, base)

    result = scan(make_settings(tree, cache_dir=base))

    assert paths_of(result) == set(TREE)
    assert result.cache_misses == len(TREE)
    assert "cache disabled" in result.cache_note
    assert str(base) in result.cache_note
    assert "\n" not in result.cache_note
    assert list(base.iterdir()) == []


def test_a_read_only_cache_folder_disables_the_cache_and_the_scan_succeeds(
    tree: Path, read_only: list[Path]
) -> None:
    scan_tree(tree)
    database_of(tree).unlink()
    make_read_only(read_only, database_of(tree).parent)

    result = scan_tree(tree)

    assert paths_of(result) == set(TREE)
    assert "cache disabled" in result.cache_note


@pytest.mark.parametrize("blocker", ["file", "folder"])
def test_a_cache_path_taken_by_something_else_disables_the_cache(tree: Path, blocker: str) -> None:
    """A file where the folder should be, or a folder where the database should be."""
    database = database_of(tree)
    if blocker == "folder":
        database.mkdir(parents=True)
    else:
        database.parent.parent.mkdir(parents=True, exist_ok=True)
        database.parent.write_text("not a folder\n", encoding="utf-8")

    result = scan_tree(tree)

    assert set(TREE) <= paths_of(result)
    assert "cache disabled" in result.cache_note
    assert "\n" not in result.cache_note


def test_a_corrupt_database_is_replaced_and_the_scan_succeeds(tree: Path) -> None:
    database_of(tree).parent.mkdir(parents=True)
    database_of(tree).write_bytes(b"\x13garbage, not SQLite\x00" * 200)

    first = scan_tree(tree)
    second = scan_tree(tree)

    assert paths_of(first) == set(TREE)
    assert "replaced corrupt cache" in first.cache_note
    assert (second.cache_hits, second.cache_misses, second.cache_note) == (len(TREE), 0, "")


# A cache written by another xrefdoc: tables of another layout, or another layout number.
OTHER_LAYOUTS = {
    "other tables": [
        "CREATE TABLE records (path TEXT PRIMARY KEY, sha256 TEXT, version TEXT, record BLOB)",
        "CREATE TABLE sources (sha256 TEXT PRIMARY KEY, html BLOB)",
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    ],
    "another layout number": ["PRAGMA user_version = 999"],
}


@pytest.mark.parametrize("layout", OTHER_LAYOUTS)
def test_a_cache_of_another_layout_is_replaced_and_the_next_build_uses_it(
    tree: Path, tmp_path: Path, layout: str
) -> None:
    """Issue 19, defect 11: such a cache used to say "cache disabled" on every run."""
    scan_tree(tree)  # the tables as this xrefdoc makes them, for the layout number's case
    database = database_of(tree)
    if layout == "other tables":
        remove_database(database)
    with closing(sqlite3.connect(database)) as connection, connection:
        for statement in OTHER_LAYOUTS[layout]:
            connection.execute(statement)

    first = run_xrefdoc("build", str(tree), "-o", str(tmp_path / "first"))
    second = run_xrefdoc("build", str(tree), "-o", str(tmp_path / "second"))

    assert first.returncode == second.returncode == 0, first.stderr + second.stderr
    [replaced] = [line for line in first.stdout.splitlines() if "replaced" in line]
    assert str(database) in replaced and "layout" in replaced, replaced
    assert "cache disabled" not in first.stdout + second.stdout
    assert f"0 files parsed, {len(TREE)} taken from the cache" in second.stdout, second.stdout


def test_a_row_that_does_not_load_is_a_miss_and_runs_no_code(tree: Path) -> None:
    scan_tree(tree)
    marker = tree.parent / "planted-code-ran"
    planted = pickle.dumps(Planted(marker))
    assert not marker.exists()
    database = database_of(tree)
    with closing(sqlite3.connect(database)) as connection, connection:
        connection.execute("UPDATE records SET record = ? WHERE path = 'demo/core.py'", (planted,))
        connection.execute("UPDATE records SET record = x'00ff' WHERE path = 'demo/util.py'")
        # A record of the right path and content whose reference columns do not line up.
        (blob,) = connection.execute(
            "SELECT record FROM records WHERE path = 'README.md'"
        ).fetchone()
        record = pickle.loads(blob)
        names, lines, exact, targets, columns = record.references.__reduce__()[1]
        assert names
        uneven = UnevenReferences((names, lines[:-4], exact, targets, columns))
        bad = pickle.dumps(replace(record, references=uneven))
        connection.execute("UPDATE records SET record = ? WHERE path = 'README.md'", (bad,))

    result = scan_tree(tree)

    assert (result.cache_hits, result.cache_misses) == (len(TREE) - 3, 3)
    assert result.records == scan_tree(tree, use_cache=False).records
    assert not marker.exists()


def test_only_the_sources_a_scan_stored_itself_skip_the_markup_check(tree: Path) -> None:
    first = scan_tree(tree, derive=highlighted_source)
    texts = [record for record in first.records if not record.is_binary]
    cap = make_settings(tree).source_cap
    keys = {(record.sha256, record.lexer, cap) for record in texts}
    assert first.cache_location is not None
    with RecordCache.reader(first.cache_location) as reader:
        stored = {key: reader.get_source(key) for key in keys}
    assert all(source is not None and source.this_run for source in stored.values())
    # A later scan reads the same rows back: they may have been planted since, so every
    # one of them is checked; and so is every row for a reader that was not handed the
    # location of the run that stored it.
    second = scan_tree(tree, derive=highlighted_source)
    assert second.cache_location is not None
    for location in (second.cache_location, cache_location(tree.resolve())):
        with RecordCache.reader(location) as reader:
            again = {key: reader.get_source(key) for key in keys}
        assert all(source is not None and not source.this_run for source in again.values())
        assert {key: source.blob for key, source in again.items() if source} == {
            key: source.blob for key, source in stored.items() if source
        }


def test_a_planted_highlighted_source_does_not_reach_the_site(tree: Path, tmp_path: Path) -> None:
    assert main(["build", str(tree), "-o", str(tmp_path / "first"), "-q"]) == 0
    # A well-formed row (as ``to_bytes`` writes one) whose markup is not ours.
    planted = SourceHTML(['<div class="highlight xref-source"><ol><script>alert(1)</script>'], [])
    blob = planted.to_bytes()
    assert SourceHTML.from_bytes(blob, check_markup=False) == planted
    database = database_of(tree)
    with closing(sqlite3.connect(database)) as connection, connection:
        assert connection.execute("UPDATE sources SET html = ?", (blob,)).rowcount > 0

    assert main(["build", str(tree), "-o", str(tmp_path / "second"), "-q"]) == 0
    page = (tmp_path / "second" / "demo/core.py_docs.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in page
    assert "<li id=L1>" in page and "Engine" in page, "the source is lexed again instead"


# --- extraction in worker processes ---------------------------------------------------------


def test_worker_processes_extract_the_same_records_in_walk_order(
    tree: Path, tmp_path: Path
) -> None:
    alone = scan(make_settings(tree), use_cache=False, pool_min_files=10**9, fork_min_files=10**9)
    pooled = scan(make_settings(tree), use_cache=False, pool_min_files=1)
    forked = scan(make_settings(tree), use_cache=False, pool_min_files=10**9, fork_min_files=1)
    assert [record.path for record in pooled.records] == sorted(TREE)
    assert pooled.records == alone.records == forked.records
    assert pooled.cache_misses == forked.cache_misses == len(TREE)


def files_read(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files the scans from now on read, in order."""
    reads: list[str] = []
    real_read = pipeline.read_file

    def counting_read(root: Path, path: str) -> tuple[bytes, str]:
        reads.append(path)
        return real_read(root, path)

    monkeypatch.setattr(pipeline, "read_file", counting_read)
    return reads


def test_a_file_unchanged_since_the_last_scan_is_not_read_again(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Files written by the test are "racy" (just modified) for two seconds: none here.
    monkeypatch.setattr(stamps_module, "_RACY_NS", 0)
    first = scan_tree(tree)
    reads = files_read(monkeypatch)
    second = scan_tree(tree)
    assert reads == [], "size, times and inode unchanged: the stored record is trusted"
    assert second.records == first.records


def test_a_damaged_row_of_a_file_its_stamp_vouches_for_is_a_miss(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stamps_module, "_RACY_NS", 0)
    scan_tree(tree)
    with closing(sqlite3.connect(database_of(tree))) as connection, connection:
        connection.execute("UPDATE records SET record = x'00ff' WHERE path = 'demo/util.py'")
    reads = files_read(monkeypatch)
    result = scan_tree(tree)
    assert reads == ["demo/util.py"]
    assert (result.cache_hits, result.cache_misses) == (len(TREE) - 1, 1)
    assert result.records == scan_tree(tree, use_cache=False).records


def test_a_file_rewritten_with_its_old_size_and_time_is_read_again(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stamps_module, "_RACY_NS", 0)
    first = {record.path: record for record in scan_tree(tree).records}
    target = tree / "demo/util.py"
    before = target.stat()
    target.write_text("def helper():\n    return 2\n", encoding="utf-8")
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert target.stat().st_size == before.st_size
    second = {record.path: record for record in scan_tree(tree).records}
    # The change time (which no one can set back) still differs, so the file is read.
    assert second["demo/util.py"].sha256 == hashlib.sha256(target.read_bytes()).hexdigest()
    assert second["demo/util.py"].sha256 != first["demo/util.py"].sha256
