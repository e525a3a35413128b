"""A tree at a git ref, read from git's objects: the ref resolved to its commit, and the files
of the tree's folder at that commit written into a folder of ours (``git archive``), so that
the work tree, its index and its checked-out branch are never touched. A folder written
before is brought up to date: only the files whose blob changed are written.

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


# In the exported folder's own repository: each file's mode and blob as last exported (the
# listing of ``git ls-tree`` that the export followed).
EXPORTED_FILE = "xrefdoc-exported"
# Past this many changed files, the whole tree is written again (one archive).
_CHANGED_MAX = 2000


def export(root: Path, commit: str, into: Path) -> Path:
    """Write the files of ``root``'s folder as they are at ``commit`` into the folder
    ``into`` (made, or made to hold them and nothing else); returns it. Read from git's
    objects (``git archive``). A folder this wrote before keeps the files whose blob is the
    same (their times too, so a build of it reads only the files that changed); one that
    is not is written whole, and so is the tree when an attributes file changed (how the
    archive writes a file may follow them; ``export-ignore`` leaves one out)."""
    top, prefix = repository_of(root)
    # ``commit:folder/`` names the folder's tree: its files come with paths relative to it
    # (run at the top, where git adds no folder of its own to the path).
    tree = f"{commit}:{prefix}"
    listed = _git(top, "ls-tree", "-r", "-z", tree)
    record = into / ".git" / EXPORTED_FILE
    try:
        before: dict[str, str] | None = _blobs(record.read_bytes())
    except OSError:
        before = None
    # Gone first: a write stopped part-way is followed by a whole one.
    record.unlink(missing_ok=True)
    blobs = _blobs(listed.stdout) if listed.returncode == 0 else None
    update = None if before is None or blobs is None else _update(before, blobs, into)
    if update is None:
        _write_whole(top, tree, into)
    else:
        changed, gone = update
        for path in [*gone, *changed]:
            _remove(into, path)
        if changed:
            _extract(_archive(top, tree, changed), into)
    # ``git ls-tree``'s own listing is the record of what was written.
    if blobs is not None and record.parent.is_dir():
        record.write_bytes(listed.stdout)
    return into


def _update(
    before: dict[str, str], blobs: dict[str, str], into: Path
) -> tuple[list[str], list[str]] | None:
    """The files to write again (blob or mode changed, or missing) and those gone, from
    what was written ``before`` to ``blobs``; None when the tree is better written whole:
    too many changes, or an attributes file among them, which may change how the archive
    writes files whose blob did not."""
    changed = sorted(
        path
        for path, blob in blobs.items()
        if before.get(path) != blob or not os.path.lexists(into / path)
    )
    gone = sorted(before.keys() - blobs.keys())
    if len(changed) + len(gone) > _CHANGED_MAX:
        return None
    if any(path.rpartition("/")[2] == ".gitattributes" for path in [*changed, *gone]):
        return None
    return changed, gone


def _archive(top: Path, tree: str, paths: Sequence[str] = ()) -> bytes:
    """``git archive`` of ``tree`` (of ``paths`` in it, literally, when given), as tar."""
    pathspecs = ["--", *paths] if paths else []
    done = _git(top, "--literal-pathspecs", "archive", "--format=tar", tree, *pathspecs)
    if done.returncode != 0:
        message = os.fsdecode(done.stderr).strip().splitlines()
        commit, _, prefix = tree.partition(":")
        raise RefError(
            f"cannot read {prefix or 'the tree'} at {commit[:12]}: "
            f"{message[-1] if message else 'git archive failed'}"
        )
    return done.stdout


def _extract(archive: bytes, into: Path) -> None:
    with tarfile.open(fileobj=io.BytesIO(archive)) as opened:
        opened.extractall(into, filter="data")


def _write_whole(top: Path, tree: str, into: Path) -> None:
    archive = _archive(top, tree)
    if into.exists():
        shutil.rmtree(into)
    into.mkdir(parents=True)
    _extract(archive, into)
    # A repository of its own (with no commit), so that git lists its files by its own
    # .gitignore files, never by those of a repository it may sit in (a site folder inside
    # the work tree, that ignores it).
    _git(into, "init", "-q")


def _blobs(listing: bytes) -> dict[str, str]:
    """Each file of a ``git ls-tree -r -z`` listing: its path and its mode and blob id."""
    found = {}
    for entry in os.fsdecode(listing).split("\0"):
        head, _, path = entry.partition("\t")
        mode, kind, oid = [*head.split(" "), "", "", ""][:3]
        if kind == "blob":
            found[path] = f"{mode} {oid}"
    return found


def _remove(into: Path, path: str) -> None:
    """Remove the file ``path`` of ``into`` and the folders it leaves empty."""
    target = into / path
    if target.is_symlink() or target.is_file():
        target.unlink()
    elif target.is_dir():
        shutil.rmtree(target)
    folder = target.parent
    while folder != into and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


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
