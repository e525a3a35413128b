"""A tree at a git ref, read from git's objects: the ref resolved to its commit, and the files
of the tree's folder at that commit written into a folder of ours (``git archive``), so that
the work tree, its index and its checked-out branch are never touched.

Every problem is one line (``RefError``): not a git repository, a ref that does not exist
(with a word on shallow clones, which lack the history other refs need), no folder of the
tree at that commit.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tarfile
from pathlib import Path

from xrefdoc.core.errors import XrefdocError

_GIT_TIMEOUT = 600


class RefError(XrefdocError):
    """A ref that cannot be read, or a tree that is not in a git repository."""

    exit_code = 2


def _git(root: Path, *arguments: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(
            ["git", "-C", str(root), *arguments],
            capture_output=True,
            timeout=_GIT_TIMEOUT,
            check=False,
        )
    except FileNotFoundError:
        raise RefError("git is not installed") from None
    except (OSError, subprocess.SubprocessError) as error:
        raise RefError(f"git failed: {error}") from None


def repository_of(root: Path) -> tuple[Path, str]:
    """The top folder of ``root``'s repository and ``root``'s folder inside it ("" at the
    top); ``RefError`` outside a git repository."""
    done = _git(root, "rev-parse", "--show-toplevel", "--show-prefix")
    found = os.fsdecode(done.stdout).split("\n")
    if done.returncode != 0 or len(found) < 2:
        raise RefError(f"{root} is not in a git repository; versions are read from git")
    return Path(found[0]), found[1]


def resolve(root: Path, ref: str) -> str:
    """The commit ``ref`` names (a tag, a branch, a hash); ``RefError`` when it names none."""
    repository_of(root)
    if ref.startswith("-"):
        raise RefError(f"not a ref: {ref}")
    done = _git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}")
    if done.returncode == 0:
        return os.fsdecode(done.stdout).strip()
    shallow = _git(root, "rev-parse", "--is-shallow-repository")
    hint = (
        " (this is a shallow clone: fetch the history, e.g. git fetch --unshallow --tags)"
        if os.fsdecode(shallow.stdout).strip() == "true"
        else ""
    )
    raise RefError(f"no such ref in {root}: {ref}{hint}")


def export(root: Path, commit: str, into: Path) -> Path:
    """Write the files of ``root``'s folder as they are at ``commit`` into the empty folder
    ``into`` (made or emptied); returns it. Read from git's objects (``git archive``)."""
    top, prefix = repository_of(root)
    # ``commit:folder/`` names the folder's tree: its files come with paths relative to it
    # (run at the top, where git adds no folder of its own to the path).
    done = _git(top, "archive", "--format=tar", f"{commit}:{prefix}")
    if done.returncode != 0:
        message = os.fsdecode(done.stderr).strip().splitlines()
        raise RefError(
            f"cannot read {prefix or 'the tree'} at {commit[:12]}: "
            f"{message[-1] if message else 'git archive failed'}"
        )
    if into.exists():
        shutil.rmtree(into)
    into.mkdir(parents=True)
    with tarfile.open(fileobj=io.BytesIO(done.stdout)) as archive:
        archive.extractall(into, filter="data")
    return into
