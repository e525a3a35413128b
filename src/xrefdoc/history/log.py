"""The last commits that touched each file of a tree, for the History part of its page: one
walk of ``git log`` over the whole history (not one run per file), and after a new commit only
the commits since the last walk.

A file's history is every commit that changed the file's path: a commit with one parent whose
change touches it, and a merge whose file differs from every parent's (a merge that took one
side's file as it was changed nothing itself). Newest first by commit time (of one time, in
``git log``'s order), ``HISTORY_LENGTH`` of them. That is ``git log --full-history -- PATH``
without the merges that only brought in a branch; plain ``git log -- PATH`` also hides the
commits of a branch whose change to the file a merge did not keep. Renames are not
followed: a file's history starts where its path does, as a forge's file history does. In a
shallow clone the history stops where the clone's does: its boundary commits, which seem to
add every file, are in no file's history.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from xrefdoc.core.git_process import git_output

# How many commits a file's History part lists.
HISTORY_LENGTH = 10
# A subject is cut after this many characters.
SUBJECT_CHARS = 120
_GIT_TIMEOUT = 3600
# ``git log``'s header of a commit: its hash, commit time, author time, author and subject,
# after a record separator; the files it touched follow, each ended by a NUL (``-z``).
_FORMAT = "%x1e%H%x1f%ct%x1f%at%x1f%an%x1f%s"
# The rank of an earlier walk's commits: after every new one.
_KEPT = 1 << 40


@dataclass(frozen=True, slots=True)
class Commit:
    """A commit as the site shows it: ``time`` (the commit's) orders histories, ``authored``
    is the date shown."""

    hash: str
    time: int
    authored: int
    author: str
    subject: str


@dataclass(frozen=True, slots=True)
class WalkStart:
    """Where a walk of the history starts: the commit (``head``) and a shallow clone's
    boundary commits (``cut``, see ``Histories``). Two walks from the same start find the
    same histories."""

    head: str
    cut: frozenset[str] = frozenset()


@dataclass(slots=True)
class Histories:
    """What one walk found: the commit the tree was at (``head``), and per file of the tree
    its last commits, newest first, by hash in ``commits``."""

    head: str
    files: dict[str, list[str]] = field(default_factory=dict)
    commits: dict[str, Commit] = field(default_factory=dict)
    # A shallow clone's boundary commits: git holds them without their parents, so they
    # seem to add every file they hold; they are in no file's history (see ``shallow_commits``).
    cut: frozenset[str] = frozenset()

    def of(self, path: str) -> list[Commit]:
        return [self.commits[commit] for commit in self.files.get(path, ())]

    @property
    def start(self) -> WalkStart:
        return WalkStart(self.head, self.cut)


def short_subject(subject: str) -> str:
    """A commit's subject as the site shows it: cut after ``SUBJECT_CHARS`` characters."""
    if len(subject) <= SUBJECT_CHARS:
        return subject
    return subject[: SUBJECT_CHARS - 1].rstrip() + "…"


def _git_lines(root: Path, *arguments: str) -> bytes | None:
    return git_output(root, *arguments, timeout=_GIT_TIMEOUT)


def _head(root: Path, at: str) -> str | None:
    found = _git_lines(root, "rev-parse", "--verify", "--quiet", f"{at}^{{commit}}")
    return found.decode("ascii", "replace").strip() if found else None


def _walk(root: Path, revisions: list[str]) -> Iterator[tuple[Commit, list[str]]]:
    """Each commit ``revisions`` reach, in ``git log``'s order, and the paths it touched under
    ``root`` (relative to it); a merge touched the paths that differ from every parent's
    (the lines it made itself, as ``git log -- PATH`` lists merges)."""
    found = _git_lines(
        root,
        "log",
        "-z",
        "--no-renames",
        "--diff-merges=c",
        "--name-only",
        "--relative",
        f"--format={_FORMAT}",
        *revisions,
        "--",
        ".",
    )
    for record in (found or b"").split(b"\x1e")[1:]:
        header, *names = record.split(b"\0")
        fields = header.decode("utf-8", "replace").split("\x1f")
        if len(fields) != 5:
            continue
        commit_hash, time, authored, author, subject = fields
        commit = Commit(commit_hash, int(time), int(authored), author, short_subject(subject))
        yield commit, [os.fsdecode(name.lstrip(b"\n")) for name in names if name.strip(b"\n")]


def walk_start(root: Path, at: str = "HEAD") -> WalkStart | None:
    """Where a walk of the history at ``at`` starts; None when ``root`` is not in a git work
    tree with a commit."""
    head = _head(root, at)
    return None if head is None else WalkStart(head, shallow_commits(root))


def file_histories(
    root: Path,
    previous: Histories | None = None,
    at: str = "HEAD",
    *,
    start: WalkStart | None = None,
) -> Histories | None:
    """The history of every path under ``root`` that a commit touched (a file of the tree
    now, or one that was); None when ``root`` is not in a git work tree with a commit. With
    ``previous`` (an earlier walk), only the commits since it are read when its head is an
    ancestor of the new one: a path's last commits are then the newest of its last ones
    before and of the new ones, as a whole walk would find them. ``at``: the commit whose
    history is read (a version's, in a site of several); ``start``: its ``walk_start``,
    when the caller asked git for it already."""
    start = start or walk_start(root, at)
    if start is None:
        return None
    if previous is not None and previous.start == start:
        return previous
    head, cut = start.head, start.cut
    if previous is not None and previous.cut != cut:
        previous = None  # fetched deeper, or cut: the walk is made again
    since = previous is not None and _is_ancestor(root, previous.head, head)
    # Per path, (commit, rank): a commit's place in ``git log``'s order breaks ties of time
    # (a child before its parent); the new commits come before the earlier walk's.
    found: dict[str, list[tuple[Commit, int]]] = {}
    if since and previous is not None:
        found = {
            path: [(commit, _KEPT + at) for at, commit in enumerate(previous.of(path))]
            for path in previous.files
        }
        walked = _walk(root, [head, f"^{previous.head}"])
    else:
        walked = _walk(root, [head])
    for rank, (commit, touched) in enumerate(walked):
        if commit.hash in cut:
            continue
        for path in touched:
            found.setdefault(path, []).append((commit, rank))
    histories = Histories(head, cut=cut)
    for path in sorted(found):
        ranked = sorted(found[path], key=lambda pair: (-pair[0].time, pair[1]))
        newest = [commit for commit, _ in ranked[:HISTORY_LENGTH]]
        histories.files[path] = [commit.hash for commit in newest]
        histories.commits.update((commit.hash, commit) for commit in newest)
    return histories


def shallow_commits(root: Path) -> frozenset[str]:
    """The boundary commits of a shallow clone (git's ``shallow`` file; none in a whole
    clone): the oldest commits it has, whose parents it lacks."""
    found = _git_lines(root, "rev-parse", "--git-path", "shallow")
    if not found:
        return frozenset()
    path = Path(os.fsdecode(found.strip()))
    try:
        text = (path if path.is_absolute() else root / path).read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError):
        return frozenset()
    return frozenset(text.split())


def _is_ancestor(root: Path, older: str, newer: str) -> bool:
    return _git_lines(root, "merge-base", "--is-ancestor", older, newer) is not None
