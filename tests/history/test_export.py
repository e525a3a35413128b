"""``history.git.export``: a tree at a commit written from git's objects into a folder; a
folder it wrote before is brought up to date file by file, and always ends as what
``git archive`` of the commit holds."""

from __future__ import annotations

import io
import subprocess
import tarfile
from pathlib import Path

from helpers import commit_as, git, write_tree

from xrefdoc.history.git import export


def archived(root: Path, ref: str, into: Path) -> Path:
    """What ``git archive`` of ``ref`` holds, unpacked into ``into``: the oracle."""
    done = subprocess.run(
        ["git", "-C", str(root), "archive", "--format=tar", ref], capture_output=True, check=True
    )
    with tarfile.open(fileobj=io.BytesIO(done.stdout)) as archive:
        archive.extractall(into, filter="data")
    return into


def files_of(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and ".git" not in path.relative_to(folder).parts
    }


def folders_of(folder: Path) -> set[str]:
    return {
        path.relative_to(folder).as_posix()
        for path in folder.rglob("*")
        if path.is_dir() and ".git" not in path.relative_to(folder).parts
    }


def repository(tmp_path: Path, *versions: dict[str, str]) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    for number, files in enumerate(versions, start=1):
        for path in root.rglob("*"):
            if path.is_file() and ".git" not in path.relative_to(root).parts:
                path.unlink()
        write_tree(root, files)
        commit_as(root, f"v{number}", number * 86400)
        git(root, "tag", f"v{number}")
    return root


V1 = {
    "keep.py": "def keep():\n    pass\n",
    "edit.py": "x = 1\n",
    "old/gone.py": "y = 2\n",
    "shape": "a file that becomes a folder\n",
}
V2 = {
    "keep.py": "def keep():\n    pass\n",
    "edit.py": "x = 2\n",
    "new/come.py": "z = 3\n",
    "shape/inside.py": "w = 4\n",
}


def test_a_second_export_writes_only_what_changed_and_ends_as_the_archive(
    tmp_path: Path,
) -> None:
    root = repository(tmp_path, V1, V2)
    tree = tmp_path / "tree"
    export(root, git(root, "rev-parse", "v1"), tree)
    assert files_of(tree) == files_of(archived(root, "v1", tmp_path / "v1"))
    kept = (tree / "keep.py").stat()
    export(root, git(root, "rev-parse", "v2"), tree)
    assert files_of(tree) == files_of(archived(root, "v2", tmp_path / "v2"))
    assert folders_of(tree) == folders_of(tmp_path / "v2"), "the emptied folder old/ is gone"
    now = (tree / "keep.py").stat()
    assert (now.st_ino, now.st_mtime_ns) == (kept.st_ino, kept.st_mtime_ns)
    # And back: the folder that was a file is one again.
    export(root, git(root, "rev-parse", "v1"), tree)
    assert files_of(tree) == files_of(tmp_path / "v1")
    assert folders_of(tree) == folders_of(tmp_path / "v1")


def test_a_file_lost_from_the_folder_is_written_again(tmp_path: Path) -> None:
    root = repository(tmp_path, V1, V2)
    tree = tmp_path / "tree"
    export(root, git(root, "rev-parse", "v1"), tree)
    (tree / "keep.py").unlink()
    (tree / "stray.txt").write_text("not in any version\n")
    export(root, git(root, "rev-parse", "v2"), tree)
    assert "keep.py" in files_of(tree)
    # Not the export's: it leaves it (the folder is its own; the walk would list it).
    assert "stray.txt" in files_of(tree)
    (tree / ".git" / "xrefdoc-exported").unlink()
    export(root, git(root, "rev-parse", "v2"), tree)
    assert files_of(tree) == files_of(archived(root, "v2", tmp_path / "v2"))


def test_the_attributes_decide_what_is_written_until_they_change(tmp_path: Path) -> None:
    ignoring = {**V1, ".gitattributes": "keep.py export-ignore\n"}
    root = repository(
        tmp_path,
        ignoring,
        {**ignoring, "edit.py": "x = 2\n"},
        # No file left out now, and every Python file written with CRLF: the same blobs.
        {**ignoring, "edit.py": "x = 2\n", ".gitattributes": "*.py text eol=crlf\n"},
    )
    tree = tmp_path / "tree"
    for ref in ("v1", "v2", "v3"):
        export(root, git(root, "rev-parse", ref), tree)
        assert files_of(tree) == files_of(archived(root, ref, tmp_path / ref)), ref
    assert "keep.py" not in files_of(tmp_path / "v2")
    assert files_of(tree)["edit.py"] == b"x = 2\r\n"
