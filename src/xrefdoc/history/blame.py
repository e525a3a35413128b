"""Who last changed each line of a file (``git blame``), for the blame a file page loads on
demand, the line-range bar's "last changed" and each definition's "last changed in".

``git blame`` runs once per file, which costs: on Sphinx's repository (22,000 commits) about
0.15 s a file. So blame is a setting (``blame``, off by default), runs in threads (git does
the work), and a file's blame is kept and reused while its content and its last commit stay
the same: a build after a commit blames the files it touched.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from xrefdoc.core.git_process import git_output
from xrefdoc.history.log import Commit, short_subject

_GIT_TIMEOUT = 600
# The commit git names for lines not committed yet.
NOT_COMMITTED = "0" * 40
UNCOMMITTED = Commit("", 0, 0, "", "Not committed yet")
# Lines a shallow clone's boundary commit holds: they were changed before the history the
# clone has, by a commit it cannot name.
BEFORE_CLONE = Commit("", 0, 0, "", "Before the shallow clone's history")


@dataclass(frozen=True, slots=True)
class Blame:
    """A file's lines by the commit that last changed them: ``runs`` of (index into
    ``commits``, how many lines), in order from line 1; ``commits`` in the order of their
    first line. Lines not committed yet have ``UNCOMMITTED``."""

    commits: tuple[Commit, ...]
    runs: tuple[tuple[int, int], ...]

    def last_change(self, first: int, last: int) -> int | None:
        """The newest commit among lines ``first``..``last`` (1-based), as an index into
        ``commits``; None for none."""
        newest: int | None = None
        line = 1
        for at, count in self.runs:
            end = line + count - 1
            overlaps = end >= first and line <= last
            if overlaps and (newest is None or _newer(self.commits[at], self.commits[newest])):
                newest = at
            if end >= last:
                break
            line = end + 1
        return newest


def _newer(commit: Commit, than: Commit) -> bool:
    """By author time, as the page shows it (then by hash); lines not committed yet are
    newer than any commit."""
    if not commit.hash or not than.hash:
        return not commit.hash and bool(than.hash)
    return (commit.authored, commit.hash) > (than.authored, than.hash)


def blame_file(
    root: Path, path: str, at: str | None = None, cut: frozenset[str] = frozenset()
) -> Blame | None:
    """The blame of ``path`` (relative to ``root``) as the work tree has it, or at the
    commit ``at``; None when git cannot blame it (not committed, not a git work tree).
    ``cut``: a shallow clone's boundary commits (``log.shallow_commits``)."""
    revision = [at] if at else []
    found = git_output(root, "blame", "--incremental", *revision, "--", path, timeout=_GIT_TIMEOUT)
    return None if found is None else _parse(found, cut)


def _parse(output: bytes, cut: frozenset[str] = frozenset()) -> Blame:
    """``git blame --incremental``: groups of lines ("HASH ORIG FINAL COUNT"), the first of a
    commit followed by its headers, each group ended by "filename"."""
    facts: dict[str, dict[str, str]] = {}
    groups: list[tuple[int, int, str]] = []
    current: dict[str, str] | None = None
    for raw in output.split(b"\n"):
        line = raw.decode("utf-8", "replace")
        head, _, rest = line.partition(" ")
        if len(head) == 40 and current is None:
            numbers = rest.split()
            groups.append((int(numbers[1]), int(numbers[2]), head))
            current = facts.setdefault(head, {})
        elif head == "filename":
            current = None
        elif current is not None and head in ("author", "author-time", "committer-time", "summary"):
            current[head] = rest
    groups.sort()
    commits: list[Commit] = []
    index: dict[str, int] = {}
    runs: list[tuple[int, int]] = []
    for _, count, commit_hash in groups:
        if commit_hash not in index:
            index[commit_hash] = len(commits)
            known = BEFORE_CLONE if commit_hash in cut else _commit(commit_hash, facts[commit_hash])
            commits.append(known)
        at = index[commit_hash]
        if runs and runs[-1][0] == at:
            runs[-1] = (at, runs[-1][1] + count)
        else:
            runs.append((at, count))
    return Blame(tuple(commits), tuple(runs))


def _commit(commit_hash: str, facts: dict[str, str]) -> Commit:
    if commit_hash == NOT_COMMITTED:
        return UNCOMMITTED
    return Commit(
        commit_hash,
        int(facts.get("committer-time", "0")),
        int(facts.get("author-time", "0")),
        facts.get("author", ""),
        short_subject(facts.get("summary", "")),
    )


def blame_files(
    root: Path,
    paths: Iterable[str],
    *,
    at: str | None = None,
    cut: frozenset[str] = frozenset(),
    workers: int = 1,
    done: Callable[[str, Blame | None], None],
) -> None:
    """Blame each of ``paths``, ``workers`` at a time (git runs in its own processes; the
    threads wait), calling ``done`` with each result as it comes, in ``paths``' order."""
    listed = list(paths)
    if not listed:
        return
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        for path, found in zip(
            listed, pool.map(lambda path: blame_file(root, path, at, cut), listed), strict=True
        ):
            done(path, found)
