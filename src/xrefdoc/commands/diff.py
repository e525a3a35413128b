"""``xrefdoc diff A B``: the API changes of a tree between two git refs, each read from git's
objects (``history.git``) and scanned as a build would, compared by ``history.apidiff``."""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from xrefdoc.history.apidiff import (
    ApiDiff,
    Change,
    Definitions,
    as_json,
    compare,
    tree_definitions,
)
from xrefdoc.history.git import export, repository_of, resolve

_MARKS = {"removed": "-", "changed": "~", "moved": ">", "added": "+"}


@dataclass(frozen=True)
class RefDiff:
    """The API changes between two refs, with the commit each names."""

    old_ref: str
    new_ref: str
    old_commit: str
    new_commit: str
    diff: ApiDiff


def api_diff(root: Path, old_ref: str, new_ref: str, options: Mapping[str, object]) -> RefDiff:
    """The API changes of ``root`` from ``old_ref`` to ``new_ref``."""
    repository_of(root)
    old_commit, new_commit = (resolve(root, ref) for ref in (old_ref, new_ref))
    sides: list[Definitions] = []
    with tempfile.TemporaryDirectory(prefix="xrefdoc-diff-") as temporary:
        for commit in (old_commit, new_commit):
            tree = export(root, commit, Path(temporary) / "tree")
            sides.append(tree_definitions(tree, options, use_cache=False))
    return RefDiff(old_ref, new_ref, old_commit, new_commit, compare(*sides))


def json_of(shown: RefDiff) -> dict[str, object]:
    """The changes as JSON (``apidiff.as_json``), with each ref and its commit."""
    return {
        "old": {"ref": shown.old_ref, "commit": shown.old_commit},
        "new": {"ref": shown.new_ref, "commit": shown.new_commit},
        **as_json(shown.diff),
        "summary": shown.diff.summary(),
    }


def lines(shown: RefDiff) -> list[str]:
    """The changes as the terminal shows them: a heading, a line per change in path and line
    order, then the files changed in bodies only."""
    heading = (
        f"{shown.old_ref} ({shown.old_commit[:12]}) .. {shown.new_ref} "
        f"({shown.new_commit[:12]}): {shown.diff.summary()}"
    )
    bodies = [
        f"  {path}: {count} changed in body only" for path, count in shown.diff.bodies.items()
    ]
    return [heading, *(_row(change) for change in shown.diff.changes), *bodies]


def _row(change: Change) -> str:
    side, old = change.definition, change.old
    name = side.qualname
    where = f"{side.path}:{side.line}"
    if change.what == "moved" and old is not None:
        where = f"{old.path}:{old.line} -> {where}"
    text = f"{_MARKS[change.what]} {side.kind:<9} {where}  {name}{side.signature}"
    if change.what == "changed" and old is not None:
        kind = f"{old.kind} " if old.kind != side.kind else ""
        text += f"  (was {kind}{name}{old.signature})"
    return text
