"""A tree at a git ref, read from git's objects: the ref resolved to its commit, and the files
of the tree's folder at that commit written into a folder of ours (``git archive``), so that
the work tree, its index and its checked-out branch are never touched.

Every problem is one line (``RefError``): not a git repository, a ref that does not exist
(with a word on shallow clones, which lack the history other refs need), no folder of the
tree at that commit.
"""

from __future__ import annotations

import fnmatch
import io
import os
import re
import shutil
import subprocess
import tarfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from xrefdoc.core.errors import XrefdocError
from xrefdoc.core.model import FileRecord

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
    """The commit ``ref`` names (a tag, a branch, a hash) in ``root``'s repository (see
    ``repository_of``); ``RefError`` when it names none."""
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
    # A repository of its own (with no commit), so that git lists its files by its own
    # .gitignore files, never by those of a repository it may sit in (a site folder inside
    # the work tree, that ignores it).
    _git(into, "init", "-q")
    return into


@dataclass(frozen=True)
class Version:
    """A ref to build: its name in the site (a folder of the output), the ref, its commit
    and the commit's time (seconds)."""

    name: str
    ref: str
    commit: str
    time: int


_GLOB = re.compile(r"[*?\[]")


def versions(root: Path, patterns: Sequence[str]) -> list[Version]:
    """The refs ``patterns`` name, newest commit first: a pattern with ``*``, ``?`` or ``[``
    matches the short names of tags and branches; another is one ref (a tag, a branch, a
    commit). ``RefError`` for a pattern that names nothing."""
    repository_of(root)
    listed = _git(root, "for-each-ref", "--format=%(refname:short)", "refs/tags", "refs/heads")
    names = os.fsdecode(listed.stdout).split()
    wanted: dict[str, None] = {}
    for pattern in patterns:
        if _GLOB.search(pattern):
            matched = [name for name in names if fnmatch.fnmatchcase(name, pattern)]
            if not matched:
                raise RefError(f"no tag or branch of {root} matches {pattern}")
            wanted.update(dict.fromkeys(sorted(matched)))
        else:
            wanted[pattern] = None
    commits = [resolve(root, ref) for ref in wanted]
    shown = _git(root, "log", "--no-walk=unsorted", "--format=%H %ct", *sorted(set(commits)), "--")
    time_of = dict(line.split() for line in os.fsdecode(shown.stdout).splitlines())
    found: dict[str, Version] = {}
    for ref, commit in zip(wanted, commits, strict=True):
        time = int(time_of[commit])
        name = folder_name(ref)
        if name in found:
            raise RefError(f"{found[name].ref} and {ref} would share the folder {name}")
        found[name] = Version(name, ref, commit, time)
    # Newest first; of one time, the greater name first (v2 before v1).
    return sorted(found.values(), key=lambda version: (version.time, version.name), reverse=True)


def folder_name(ref: str) -> str:
    """The folder of a version in the site: its ref, ``/`` and what a file name should not
    hold as ``-`` (``release/2.x`` is ``release-2.x``)."""
    name = re.sub(r"[^A-Za-z0-9._+-]+", "-", ref).strip("-.")
    return name or "version"


@dataclass(frozen=True)
class SiteVersion:
    """A version a site is built as: its ref and commit in the repository of the work tree
    at ``source`` (where its links to the forge come from). ``scanned``, when given, is
    handed the build's records once its scan is done (the versions' API changes are made
    from them, so the tree is not scanned a second time)."""

    source: Path
    version: Version
    scanned: Callable[[Sequence[FileRecord]], None] | None = field(default=None, compare=False)
