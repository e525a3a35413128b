"""``xrefdoc diff A B``: the API changes of a tree between two git refs, each read from git's
objects (``history.git``) and scanned as a build would, compared by ``history.apidiff``."""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from pathlib import Path

from xrefdoc.history.apidiff import Definitions, as_json, compare, tree_definitions
from xrefdoc.history.git import export, resolve

_MARKS = {"removed": "-", "changed": "~", "moved": ">", "added": "+"}


def api_diff(
    root: Path, old_ref: str, new_ref: str, options: Mapping[str, object]
) -> dict[str, object]:
    """The API diff of ``root`` from ``old_ref`` to ``new_ref`` as JSON (``apidiff.as_json``),
    with each ref and its commit."""
    commits = [resolve(root, ref) for ref in (old_ref, new_ref)]
    sides: list[Definitions] = []
    with tempfile.TemporaryDirectory(prefix="xrefdoc-diff-") as temporary:
        for commit in commits:
            tree = export(root, commit, Path(temporary) / "tree")
            sides.append(tree_definitions(tree, options, use_cache=False))
    diff = compare(*sides)
    return {
        "old": {"ref": old_ref, "commit": commits[0]},
        "new": {"ref": new_ref, "commit": commits[1]},
        **as_json(diff),
        "summary": diff.summary(),
    }


def lines(shown: dict[str, object]) -> list[str]:
    """The diff as the terminal shows it: a heading, a line per change, then the body counts."""
    old, new = shown["old"], shown["new"]
    assert isinstance(old, dict) and isinstance(new, dict)
    out = [
        f"{old['ref']} ({str(old['commit'])[:12]}) .. {new['ref']} ({str(new['commit'])[:12]}): "
        f"{shown['summary']}"
    ]
    rows: list[tuple[str, int, str]] = []
    for what, mark in _MARKS.items():
        entries = shown[what]
        assert isinstance(entries, list)
        for entry in entries:
            rows.append(_row(what, mark, entry))
    out += [text for _, _, text in sorted(rows, key=lambda row: (row[0], row[1]))]
    bodies = shown["body_only"]
    assert isinstance(bodies, list)
    out += [f"  {entry['path']}: {entry['definitions']} changed in body only" for entry in bodies]
    return out


def _row(what: str, mark: str, entry: dict[str, object]) -> tuple[str, int, str]:
    name = entry["name"]
    old, new = entry.get("old"), entry.get("new")
    side = new if isinstance(new, dict) else old
    assert isinstance(side, dict)
    where = f"{side['path']}:{side['line']}"
    if what == "moved" and isinstance(old, dict):
        where = f"{old['path']}:{old['line']} -> {where}"
    text = f"{mark} {side['kind']:<9} {where}  {name}{side['signature']}"
    if what == "changed" and isinstance(old, dict):
        before = (
            f"{old['kind']} {name}{old['signature']}"
            if old["kind"] != side["kind"]
            else (f"{name}{old['signature']}")
        )
        text += f"  (was {before})"
    return str(side["path"]), int(str(side["line"])), text
