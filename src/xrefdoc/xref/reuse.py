"""What one build resolved in each file, kept for the next build of the tree, so that a
rebuild resolves again only the files whose resolution may have changed.

Resolving every name of every file was 2.9 s of a 14 s rebuild of a 20,000-file tree after
one file changed. A file's uses and import targets follow from its own record, from the
files its resolution read (their definitions, aliases and star imports, ``resolve.Reads``),
from the names it looked up across the tree (types and method bodies) and from the tables
of its textual matches, which change only for names a changed file defines; from the
module map, for the modules it looked up. A file is kept when none of these changed.

A file it read counts as changed only when what another file may read of it did
(``interface``): an edit inside a function's body, or a definition added after the others,
leaves the files that import it as they were (re-resolving the 351 importers of one module
took 0.7 s of a one-file rebuild at 20,000 files).
"""

from __future__ import annotations

import hashlib
import pickle
from array import array
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from xrefdoc.core.fsutil import pickle_atomically, plain_unpickled, read_plain_pickle
from xrefdoc.core.model import FileRecord, Symbol
from xrefdoc.xref.resolve import module_bases_of

RESOLVED_FILE = "resolved.pickle"
# Beside it, the files a later build resolved otherwise (``Resolved.save``).
DELTA_SUFFIX = ".delta"
# A delta holds at most one file in this many of the tree; past it, all are saved again.
DELTA_SHARE = 8

# A use: line, column, name as written, the definition as (its file, its position in that
# file's definitions) or (None, -1) for a textual match, and whether it is a member use of
# unknown type.
UseRow = tuple[int, int, str, str | None, int, bool]
# A file's uses as kept: columns, as ``model.References`` keeps references (a tuple per use
# was a hundred bytes more per use, and a tree of 20,000 files may have millions): names,
# lines, columns, definitions' files, their positions, member flags.
UseColumns = tuple[tuple[str, ...], bytes, bytes, tuple[str | None, ...], bytes, bytes]
# An import statement's target as kept: the module's file, and (name, file) pairs.
ImportRow = tuple[str | None, tuple[tuple[str, str], ...]]
# What the tables looked up by name take from a definition: the tables of textual matches
# (``index._textual_definitions`` and those made from it) its name, its kind and whether it
# is in a scope; the method bodies by class (``TreeResolver._bodies``) the name of its
# scope. The file's language is its path's, which does not change.
Defines = tuple[tuple[str, str, str], ...]


# What another file's resolution may read of a file (``interface``): how many definitions
# it covers, and their digest.
Interface = tuple[int, str]


def interface(record: FileRecord, count: int | None = None) -> Interface:
    """What another file's resolution may read of ``record``: its first ``count``
    definitions (all when None) as ``TreeResolver`` reads them, in order (a kept use names
    one by its position), without their lines, and its aliases and star imports. Two
    records with the same interface over the first definitions of the older one resolve
    another file's names the same, except names the newer one adds (which ``reusable``
    follows by name)."""
    symbols = [s for s in record.symbols if s.kind != "heading"]
    if count is None:
        count = len(symbols)
    elif count > len(symbols):
        return count, ""  # fewer definitions than before: never the same
    covered = symbols[:count]
    facts = [(s.name, str(s.kind), s.parent, s.bases, s.value_type, s.return_type) for s in covered]
    keys = [(s.parent, s.name) for s in covered]
    # Which of several definitions of one name comes first by line (``TreeResolver._member``).
    order = sorted(range(count), key=lambda at: covered[at].line) if len(set(keys)) < count else ()
    aliases = [(a.name, a.target) for a in record.aliases]
    value = pickle.dumps((facts, order, aliases), protocol=pickle.HIGHEST_PROTOCOL)
    return count, hashlib.blake2b(value, digest_size=16).hexdigest()


def defines(symbols: Iterable[Symbol]) -> Defines:
    """``Defines`` of a file's symbols, sorted."""
    return tuple(
        sorted((s.name, str(s.kind), s.parent or "") for s in symbols if s.kind != "heading")
    )


@dataclass(frozen=True, slots=True)
class FileResolution:
    """What resolving one file gave, and what it depended on."""

    sha256: str
    defines: Defines  # of the file's own definitions
    interface: Interface  # of the file's record (``interface``)
    # The files its resolution read (a module looked up as its ``module_base``), and those
    # of the definitions its uses mean; sorted. Tuples, not sets: what the tree's files
    # read is held whole while the index is made, and as sets it was 36.3 MiB on NumPy x3
    # (625,930 files read by 7,059 files), as tuples 5.0.
    reads: tuple[str, ...]
    looks_up: tuple[str, ...]  # the names it looked up across the tree, sorted
    imports: tuple[ImportRow, ...]
    uses: UseColumns
    # The keywords of its uses that are not the name as written (an import alias's target),
    # sorted: with the names as written and its own definitions', what it mentions.
    renamed: tuple[str, ...] = ()

    def mentioned(self) -> frozenset[str]:
        """The keywords whose entries listed a use or a definition of the file when this
        was made (``plan._mentioned`` of that build), and perhaps more: the names as written
        of its uses, those uses' other keywords (``renamed``) and its definitions' names."""
        return frozenset((*self.uses[0], *self.renamed, *(name for name, _, _ in self.defines)))


def use_columns(rows: Iterable[UseRow]) -> UseColumns:
    """Uses as kept."""
    found = list(rows)
    if not found:
        return (), b"", b"", (), b"", b""
    lines, columns, names, where, at, member = zip(*found, strict=True)
    return (
        names,
        array("i", lines).tobytes(),
        array("i", columns).tobytes(),
        where,
        array("i", at).tobytes(),
        bytes(member),
    )


def use_fields(
    kept: UseColumns,
) -> tuple[tuple[str, ...], array[int], array[int], tuple[str | None, ...], array[int], list[bool]]:
    """The columns ``use_columns`` kept, read: names, lines, columns, definitions' files,
    their positions, member flags."""
    names, lines, columns, where, at, member = kept
    return (
        names,
        array("i", lines),
        array("i", columns),
        where,
        array("i", at),
        list(map(bool, member)),
    )


@dataclass(frozen=True, slots=True)
class Resolved:
    """Every file's resolution in one build (path → ``FileResolution``), and the module map
    it resolved with (dotted name → file, ``index.build_module_map``); as kept, which save
    it is (a digest of what it holds; empty when not saved)."""

    files: dict[str, FileResolution]
    modules: dict[str, str]
    token: str = field(default="", compare=False)
    # As read (``load``): the token of the full save, and the files its delta holds.
    base: str = field(default="", compare=False)
    delta: frozenset[str] = field(default=frozenset(), compare=False)

    def reusable(
        self, records: Mapping[str, FileRecord], modules: Mapping[str, str]
    ) -> frozenset[str]:
        """The files of ``records`` whose kept resolution still holds, with ``modules`` the
        module map now: the file's content is the same, and so is every file it read (or
        checked the presence of); it neither looked up nor mentions a name whose
        definitions a file changed, added or removed has, or had, in another kind or scope
        (what the tables of textual matches hold), nor looked up a module now elsewhere;
        and, when files came or went, it is not a file of another language that imports
        (``imports.FileImports`` finds those by the files there are)."""
        added = records.keys() - self.files.keys()
        removed = self.files.keys() - records.keys()
        changed = added | removed
        changed.update(
            path
            for path, record in records.items()
            if path not in added and self.files[path].sha256 != record.sha256
        )
        if not changed:
            return frozenset(records)
        # Changed files that another file reads as before, but for the names they add.
        same_face = {
            path
            for path in changed - added - removed
            if interface(records[path], self.files[path].interface[0]) == self.files[path].interface
        }
        read_changed = changed - same_face
        # A module looked up is read as its base (``TreeResolver._module_file``).
        read_changed.update({base for path in read_changed for base in module_bases_of(path)})
        names: set[str] = set()
        for path in changed:
            before = Counter(self.files[path].defines if path in self.files else ())
            after = Counter(defines(records[path].symbols) if path in records else ())
            names.update(name for name, _, _ in (before - after) + (after - before))
        looked_up = names | {
            name
            for name in self.modules.keys() | modules.keys()
            if self.modules.get(name) != modules.get(name)
        }
        files_moved = bool(added or removed)
        return frozenset(
            path
            for path, record in records.items()
            if path not in changed
            and read_changed.isdisjoint(self.files[path].reads)
            and looked_up.isdisjoint(self.files[path].looks_up)
            and names.isdisjoint(record.references.names())
            and not (files_moved and record.family != "python" and record.imports)
        )

    def save(self, path: Path, version: str, since: Resolved | None = None) -> str:
        """Keep these at ``path``, made by code of ``version`` (``resolver_version``); the
        token that names this save. With ``since`` as read from ``path``, when few files
        differ from its full save, only those are written, beside it: a full save of NumPy
        x3 (7,059 files) is 67 MB pickled, 0.5 s of a 9 s rebuild after one file changed."""
        if since is not None and since.base:
            differ = set(since.delta)
            differ.update(
                name
                for name in self.files.keys() | since.files.keys()
                if self.files.get(name) is not since.files.get(name)
            )
            if len(differ) * DELTA_SHARE <= len(self.files):
                files = {
                    name: _fields(self.files[name]) if name in self.files else None
                    for name in sorted(differ)
                }
                held = _pickled(files, self.modules)
                token = _token(since.base.encode() + held)
                pickle_atomically(_delta_path(path), (version, since.base, token, held))
                return token
        # Gone first: a delta on the save replaced would be read as one on the new save.
        _delta_path(path).unlink(missing_ok=True)
        files = {name: _fields(kept) for name, kept in self.files.items()}
        held = _pickled(files, self.modules)
        token = _token(held)
        pickle_atomically(path, (version, token, held))
        return token

    @classmethod
    def load(cls, path: Path, version: str) -> Resolved | None:
        """The resolutions kept at ``path`` by code of ``version``, with the delta beside
        them if it was saved on them, or None when there are none usable."""
        try:
            stored, base, held = read_plain_pickle(path)
            if stored != version:
                return None
            kept, modules = plain_unpickled(held)
            del held  # 67 MB on NumPy x3: freed before the resolutions are made of it
            files = {name: FileResolution(*fields) for name, fields in kept.items()}
        except Exception:  # missing, damaged or of another format: resolve every file
            return None
        delta = _read_delta(_delta_path(path), version, base)
        if delta is None:  # the full save, as it was made
            return cls(files, modules, base, base)
        token, changed, modules = delta
        for name, found in changed.items():
            if found is None:
                files.pop(name, None)
            else:
                files[name] = found
        return cls(files, modules, token, base, frozenset(changed))


@dataclass(frozen=True, slots=True)
class Rework:
    """What a build resolved again: the files (None: every file, nothing was kept), since
    the kept resolutions of token ``since``; and the token of this build's, as kept for the
    next (empty: not kept). A later build may carry over what it made from the uses of the
    other files only when what it made was made with resolutions of token ``since``."""

    again: frozenset[str] | None = None
    since: str = ""
    token: str = ""
    # Of the files resolved again and those gone, each one's keywords as ``since`` kept
    # them (``FileResolution.mentioned``): the others mention what they did.
    mentioned_before: Mapping[str, frozenset[str]] = field(default_factory=dict)


# Every file resolved, nothing kept: what a build without kept resolutions did.
EVERY_FILE = Rework()


def _delta_path(path: Path) -> Path:
    return path.with_name(path.name + DELTA_SUFFIX)


def _read_delta(
    path: Path, version: str, base: str
) -> tuple[str, dict[str, FileResolution | None], dict[str, str]] | None:
    """The delta at ``path`` saved on the full save of token ``base`` by code of
    ``version``: its token, the resolutions it holds (None: the file is gone), the module
    map; None when there is none, or it is damaged or saved on another."""
    try:
        stored, on, token, held = read_plain_pickle(path)
        if stored != version or on != base:
            return None
        kept, modules = plain_unpickled(held)
        changed = {
            name: None if fields is None else FileResolution(*fields)
            for name, fields in kept.items()
        }
    except Exception:  # missing, damaged or of another format
        return None
    return token, changed, modules


def _pickled(files: dict[str, tuple[object, ...] | None], modules: dict[str, str]) -> bytes:
    return pickle.dumps((files, modules), protocol=pickle.HIGHEST_PROTOCOL)


def _token(held: bytes) -> str:
    return hashlib.blake2b(held, digest_size=16).hexdigest()


def _fields(kept: FileResolution) -> tuple[object, ...]:
    """Its fields in order, which ``FileResolution(*fields)`` takes back."""
    return tuple(getattr(kept, name) for name in kept.__slots__)
