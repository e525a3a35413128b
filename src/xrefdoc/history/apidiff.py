"""What changed in a tree's definitions between two versions: the definitions added, removed,
moved to another file and changed (a new signature, or a new kind for the same name), and per
file how many changed in their body only, which is not an API change.

A definition is known by its file and qualified name (``Engine.run``). One that is gone from
a file while a definition of the same qualified name and kind, found nowhere else, appears
in another file has moved. A change inside a definition that changed the same way (the
methods of a removed class, of a class moved with its file) is not listed again.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from xrefdoc.analyze import rule_names
from xrefdoc.core.model import FileRecord, reduce_to_fields
from xrefdoc.core.settings import command_settings
from xrefdoc.extract.reading import text_of


@dataclass(frozen=True, slots=True)
class Definition:
    """A definition as one version has it; ``body`` is a digest of its lines' text."""

    path: str
    qualname: str
    kind: str
    signature: str
    line: int
    body: str
    # Written and read back for each version of a site of several: 14,400 of them a version
    # of Sphinx, in half the time of the dataclass default.
    __reduce__ = reduce_to_fields

    @property
    def parent(self) -> str:
        return self.qualname.rpartition(".")[0]


@dataclass(frozen=True)
class Change:
    """One API change: ``what`` is added, removed, moved or changed; ``old`` and ``new`` the
    definition in each version (one of them None for added and removed)."""

    what: str
    old: Definition | None
    new: Definition | None

    @property
    def definition(self) -> Definition:
        found = self.new or self.old
        assert found is not None
        return found


@dataclass
class ApiDiff:
    """The API changes in a stable order, and per file the definitions whose body alone changed."""

    changes: list[Change] = field(default_factory=list)
    bodies: dict[str, int] = field(default_factory=dict)

    def of(self, what: str) -> list[Change]:
        return [change for change in self.changes if change.what == what]

    def summary(self) -> str:
        """How many changes of each kind, and how many files changed in bodies only."""
        counts = ", ".join(f"{len(self.of(what))} {what}" for what in _ORDER)
        files = len(self.bodies)
        return f"{counts}; bodies changed in {files} file{'' if files == 1 else 's'}"


Definitions = dict[tuple[str, str], Definition]


@dataclass(frozen=True, slots=True)
class Known:
    """A version's definitions with the content hash of each file they are from."""

    definitions: Definitions
    digests: Mapping[str, str]


def known(records: Iterable[FileRecord], found: Definitions) -> Known:
    return Known(found, {record.path: record.sha256 for record in records})


def _by_file(earlier: Known) -> dict[str, tuple[str, Definitions]]:
    """``earlier``'s definitions by file, each file's with its content hash."""
    taken: dict[str, tuple[str, Definitions]] = {}
    for key, definition in earlier.definitions.items():
        digest = earlier.digests.get(key[0])
        if digest is not None:
            taken.setdefault(key[0], (digest, {}))[1][key] = definition
    return taken


def definitions(
    records: Iterable[FileRecord], root: Path, earlier: Known | None = None
) -> Definitions:
    """The definitions of ``records`` (files of ``root``), by (path, qualified name); where a
    file defines a name twice (a property's setter, a definition under ``if``), the first.
    A file ``earlier`` knows with the same content is not read: its definitions are those
    (a version of Sphinx read 1,100 files for 0.15 s; the next one changed 24)."""
    found: Definitions = {}
    taken = _by_file(earlier) if earlier is not None else {}
    for record in records:
        if record.is_binary or not record.symbols:
            continue
        same = taken.get(record.path)
        if same is not None and same[0] == record.sha256:
            found.update(same[1])
            continue
        lines = text_of((root / record.path).read_bytes()).split("\n")
        for symbol in record.symbols:
            text = "\n".join(lines[symbol.line - 1 : symbol.end_line])
            digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8)
            key = (record.path, symbol.qualname)
            found.setdefault(
                key,
                Definition(
                    record.path,
                    symbol.qualname,
                    str(symbol.kind),
                    symbol.signature,
                    symbol.line,
                    digest.hexdigest(),
                ),
            )
    return found


def tree_definitions(tree: Path, options: Mapping[str, object], *, use_cache: bool) -> Definitions:
    """The definitions of the tree at ``tree``, scanned as a build scans it (``options`` as
    ``settings.tree_options`` gives them). ``use_cache``: with the tree's record cache (a
    version just built has every record there); not for a folder made for one run, whose
    cache would be left behind."""
    return tree_known(tree, options, use_cache=use_cache).definitions


def tree_known(
    tree: Path, options: Mapping[str, object], *, use_cache: bool, workers: int | None = None
) -> Known:
    """``tree_definitions`` with the content hash of each file, read by ``workers``
    processes (see ``scan``)."""
    from xrefdoc.pipeline.scan import scan

    settings = command_settings(tree, options, rule_names=rule_names)
    records = scan(settings, use_cache=use_cache, workers=workers).records
    return known(records, definitions(records, tree))


def compare(old: Definitions, new: Definitions) -> ApiDiff:
    """The API changes from ``old`` to ``new``."""
    diff = ApiDiff()
    bodies: Counter[str] = Counter()
    for key in old.keys() & new.keys():
        before, after = old[key], new[key]
        if before.kind != after.kind or before.signature != after.signature:
            diff.changes.append(Change("changed", before, after))
        elif before.body != after.body:
            bodies[after.path] += 1
    gone = [old[key] for key in old.keys() - new.keys()]
    came = [new[key] for key in new.keys() - old.keys()]
    moved = _moves(gone, came)
    moved_from = {id(change.old) for change in moved}
    moved_to = {id(change.new) for change in moved}
    diff.changes += moved
    diff.changes += [Change("removed", d, None) for d in gone if id(d) not in moved_from]
    diff.changes += [Change("added", None, d) for d in came if id(d) not in moved_to]
    diff.changes = sorted(_outermost(diff.changes), key=_order)
    diff.bodies = dict(sorted(bodies.items()))
    return diff


# The version each definition of a version first appears in, by (path, qualified name).
Since = dict[tuple[str, str], str]
Introduced = dict[str, Since]


def introduced(versions: Iterable[tuple[str, Definitions]]) -> Introduced:
    """For each version of ``versions`` (a name and its definitions, oldest first), the
    version each of its definitions first appears in (``introduced_in``)."""
    found: Introduced = {}
    before: Definitions = {}
    since_before: Since = {}
    for name, definitions in versions:
        found[name] = since_before = introduced_in(name, definitions, before, since_before)
        before = definitions
    return found


def introduced_in(
    name: str, definitions: Definitions, before: Definitions, since_before: Since
) -> Since:
    """The version each of the definitions of the version ``name`` first appears in, from
    the version before it (its definitions and theirs): that version's where the definition
    was already there, in the same file or in the one it moved from (see ``_moves``), else
    ``name``. A version's alone needs only the one before it, so adding a version does not
    read them all."""
    gone = [before[key] for key in before.keys() - definitions.keys()]
    came = [definitions[key] for key in definitions.keys() - before.keys()]
    moved_from = {
        (change.new.path, change.new.qualname): (change.old.path, change.old.qualname)
        for change in _moves(gone, came)
        if change.old is not None and change.new is not None
    }
    since: Since = {}
    for key in definitions:
        origin = key if key in before else moved_from.get(key)
        since[key] = since_before[origin] if origin is not None else name
    return since


def _moves(gone: list[Definition], came: list[Definition]) -> list[Change]:
    """Definitions gone from one file and come to another under the same qualified name and
    kind, where that name and kind is gone from one file only and come to one file only."""

    def by_name(found: list[Definition]) -> Mapping[tuple[str, str], list[Definition]]:
        named: dict[tuple[str, str], list[Definition]] = {}
        for definition in found:
            named.setdefault((definition.qualname, definition.kind), []).append(definition)
        return named

    before, after = by_name(gone), by_name(came)
    return [
        Change("moved", before[name][0], after[name][0])
        for name in before.keys() & after.keys()
        if len(before[name]) == 1 and len(after[name]) == 1
    ]


def _outermost(changes: list[Change]) -> list[Change]:
    """The changes not implied by one of an enclosing definition: a method of a removed or
    added class, one of a class moved between the same two files."""
    listed = {(change.what, _paths(change), change.definition.qualname) for change in changes}
    kept = []
    for change in changes:
        parent = change.definition.parent
        implied = False
        while parent and not implied:
            implied = (change.what, _paths(change), parent) in listed and change.what != "changed"
            parent = parent.rpartition(".")[0]
        if not implied:
            kept.append(change)
    return kept


def _paths(change: Change) -> tuple[str, str]:
    return (change.old.path if change.old else "", change.new.path if change.new else "")


_ORDER = {"removed": 0, "changed": 1, "moved": 2, "added": 3}


def _order(change: Change) -> tuple[str, int, int, str]:
    definition = change.definition
    return (definition.path, definition.line, _ORDER[change.what], definition.qualname)


def as_json(diff: ApiDiff) -> dict[str, object]:
    """The diff as JSON: each kind of change with its definitions, and the body-only counts."""

    def side(definition: Definition) -> dict[str, object]:
        return {
            "path": definition.path,
            "line": definition.line,
            "kind": definition.kind,
            "signature": definition.signature,
        }

    def entry(change: Change) -> dict[str, object]:
        shown: dict[str, object] = {"name": change.definition.qualname}
        if change.old is not None:
            shown["old"] = side(change.old)
        if change.new is not None:
            shown["new"] = side(change.new)
        return shown

    return {
        **{what: [entry(change) for change in diff.of(what)] for what in _ORDER},
        "body_only": [{"path": path, "definitions": count} for path, count in diff.bodies.items()],
    }
