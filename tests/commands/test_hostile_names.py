"""File names that every file system accepts but text does not hold easily: a byte that is
not UTF-8, a name of 250 bytes, a newline. Each file gets its pages under a name that fits,
every command prints it, and a rebuild of an unchanged tree keeps the pages."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from html import unescape
from pathlib import Path

import pytest
from helpers import run_xrefdoc
from sites import make_git_repository, page_text

from xrefdoc.commands.check import broken_links

BAD_BYTE = b"pkg/bad\xff.py"
BAD_FOLDER = b"odd\xfedir/inner.py"
LONG_FILE = "pkg/" + "l" * 250 + ".py"
LONG_FOLDER = "f" * 255 + "/" + "m" * 252 + ".py"
NEWLINE = "pkg/new\nline.py"


def write_names(root: Path) -> None:
    """A small tree whose file names are the hostile ones."""
    files: dict[bytes, bytes] = {
        b"pkg/a.py": b"def helper():\n    return 1\n",
        BAD_BYTE: b"from pkg.a import helper\nBAD_VALUE = helper()\n",
        BAD_FOLDER: b"INNER = 2\n",
        LONG_FILE.encode(): b"LONG_VALUE = 3\n",
        LONG_FOLDER.encode(): b"DEEP_LONG = 4\n",
        NEWLINE.encode(): b"NEWLINE_VALUE = 5\n",
    }
    for relative, data in files.items():
        path = os.path.join(os.fsencode(root), relative)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as stream:
            stream.write(data)


@pytest.fixture(scope="module", params=["plain folder", "git repository"])
def named_tree(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, Path, subprocess.CompletedProcess[str]]:
    """(tree, site, the build's completed process)."""
    base = tmp_path_factory.mktemp("names")
    tree = base / "tree"
    write_names(tree)
    if request.param == "git repository":
        make_git_repository(tree)
    site = base / "site"
    return tree, site, run_xrefdoc("build", str(tree), "-o", str(site))


def _title(page: Path) -> str:
    match = re.search(r"<title>(.*?)</title>", page_text(page), re.S)
    assert match
    return unescape(match.group(1))


def test_the_build_succeeds(
    named_tree: tuple[Path, Path, subprocess.CompletedProcess[str]],
) -> None:
    _, site, completed = named_tree
    assert completed.returncode == 0, completed.stderr
    assert "Traceback" not in completed.stderr + completed.stdout
    assert broken_links(site) == []


def test_a_name_that_is_not_utf8_gets_pages_with_the_byte_escaped(
    named_tree: tuple[Path, Path, subprocess.CompletedProcess[str]],
) -> None:
    _, site, _ = named_tree
    docs = site / "pkg" / "bad\\xff.py_docs.html"
    assert docs.is_file()
    assert (site / "pkg" / "bad\\xff.py_kw.html").is_file()
    assert _title(docs).startswith("pkg/bad\\xff.py")
    assert "BAD_VALUE" in page_text(docs)
    assert (site / "odd\\xfedir" / "inner.py_docs.html").is_file()


def test_long_names_get_pages_that_fit_with_the_full_name_in_the_title(
    named_tree: tuple[Path, Path, subprocess.CompletedProcess[str]],
) -> None:
    _, site, _ = named_tree
    for path in site.rglob("*"):
        assert len(os.fsencode(path.name)) <= 255
    for full in (LONG_FILE, LONG_FOLDER):
        folder = site / full.rpartition("/")[0]
        pages = [page for page in folder.iterdir() if page.name.endswith("_docs.html")]
        titled = [page for page in pages if _title(page).startswith(full)]
        assert len(titled) == 1, [page.name for page in pages]
        assert f"{full.rpartition('/')[2]}" in page_text(titled[0])


def test_a_rebuild_of_the_unchanged_tree_keeps_every_page(
    named_tree: tuple[Path, Path, subprocess.CompletedProcess[str]],
) -> None:
    tree, site, _ = named_tree
    pages = {path: path.stat().st_mtime_ns for path in site.rglob("*_docs.html")}
    assert any("\n" in path.name for path in pages)

    again = run_xrefdoc("build", str(tree), "-o", str(site))

    assert again.returncode == 0, again.stderr
    assert "no file changed" in again.stdout + again.stderr
    assert {path: path.stat().st_mtime_ns for path in site.rglob("*_docs.html")} == pages

    # One file changed: its pages are written again, the newline's page is left as it is.
    (tree / "pkg" / "a.py").write_text("def helper():\n    return 2\n", encoding="utf-8")
    changed = run_xrefdoc("build", str(tree), "-o", str(site))
    assert changed.returncode == 0, changed.stderr
    newline_page = site / "pkg" / "new\nline.py_docs.html"
    assert newline_page.stat().st_mtime_ns == pages[newline_page]
    assert (site / "pkg" / "a.py_docs.html").stat().st_mtime_ns != pages[
        site / "pkg" / "a.py_docs.html"
    ]


def test_scan_and_lookup_print_every_name(
    named_tree: tuple[Path, Path, subprocess.CompletedProcess[str]],
) -> None:
    tree, _, _ = named_tree
    scanned = run_xrefdoc("scan", str(tree))
    assert scanned.returncode == 0, scanned.stderr
    paths = {entry["path"] for entry in json.loads(scanned.stdout)["files"]}
    assert {"pkg/bad\\xff.py", "odd\\xfedir/inner.py", LONG_FILE, LONG_FOLDER, NEWLINE} <= paths

    looked_up = run_xrefdoc("lookup", "BAD_VALUE", "--root", str(tree))
    assert looked_up.returncode == 0, looked_up.stderr
    assert "pkg/bad\\xff.py:2" in looked_up.stdout


def test_markdown_export_writes_every_page(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    write_names(tree)
    output = tmp_path / "md"

    completed = run_xrefdoc("generate", str(tree), "-o", str(output))

    assert completed.returncode == 0, completed.stderr
    assert (output / "pkg" / "bad\\xff.py_docs.md").is_file()
    for path in output.rglob("*"):
        assert len(os.fsencode(path.name)) <= 255
    long_pages = [p for p in (output / "pkg").iterdir() if p.name.startswith("l" * 100)]
    assert len(long_pages) == 2  # _docs and _kw
    again = run_xrefdoc("generate", str(tree), "-o", str(output))
    assert again.returncode == 0, again.stderr
    assert " 0 pages written" in again.stdout


def test_json_output_on_a_terminal_that_is_not_utf8(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    write_names(tree)
    (tree / "pkg" / "ünïcödé.py").write_text("ÜBER = 1\n", encoding="utf-8")
    env = {**os.environ, "PYTHONIOENCODING": "ascii"}
    scanned = subprocess.run(
        [sys.executable, "-m", "xrefdoc", "scan", str(tree)],
        capture_output=True,
        env=env,
        check=False,
    )
    assert scanned.returncode == 0, scanned.stderr
    paths = {entry["path"] for entry in json.loads(scanned.stdout)["files"]}
    assert "pkg/ünïcödé.py" in paths
    looked_up = subprocess.run(
        [sys.executable, "-m", "xrefdoc", "lookup", "ÜBER", "--root", str(tree)],
        capture_output=True,
        env=env,
        check=False,
    )
    assert looked_up.returncode == 0, looked_up.stderr
    assert b"pkg/\\xfcn\\xefc\\xf6d\\xe9.py:1" in looked_up.stdout


# --- special files: the reason each is left out, in the log --------------------------------


def _without_reading_others_folders() -> list[str]:
    """A command prefix that runs without the power to read any folder (root's
    CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH dropped), so ``chmod 000`` means unreadable."""
    if os.geteuid() != 0:
        return []
    capsh = shutil.which("capsh")
    if capsh is None:
        pytest.skip("running as root without capsh: no folder can be made unreadable")
    return [capsh, "--drop=cap_dac_override,cap_dac_read_search", "--", "-c", 'exec "$0" "$@"']


def test_special_files_and_folders_are_logged_with_their_reason(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    (tree / "pkg").mkdir(parents=True)
    (tree / "pkg" / "a.py").write_text("A = 1\n", encoding="utf-8")
    os.mkfifo(tree / "pkg" / "pipe")
    (tree / "alias").symlink_to("pkg", target_is_directory=True)
    locked = tree / "locked"
    locked.mkdir()
    (locked / "secret.py").write_text("S = 1\n", encoding="utf-8")
    locked.chmod(0)
    try:
        prefix = _without_reading_others_folders()
        env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
        completed = subprocess.run(
            [
                *prefix,
                sys.executable,
                "-m",
                "xrefdoc",
                "generate",
                str(tree),
                "-o",
                str(tmp_path / "md"),
            ],
            capture_output=True,
            text=True,
            env=env,
            check=False,
            timeout=120,
        )
    finally:
        locked.chmod(0o755)
    log = completed.stdout + completed.stderr
    assert completed.returncode == 0, log
    assert "not documented: pkg/pipe (a FIFO (named pipe), not a regular file)" in log
    assert "not documented: alias (linked folder, not followed)" in log
    assert "not documented: locked (folder that cannot be read: Permission denied)" in log
    assert "missing on disk" not in log
    assert "submodule" not in log
