"""The whole-tree index, built purely from records: definitions, import graph, folders."""

from __future__ import annotations

import posixpath
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from xrefdoc.model import FileRecord, Import, Symbol

STDLIB = frozenset(sys.stdlib_module_names)


@dataclass(frozen=True, slots=True)
class Definition:
    """Where a name is defined: the file and the symbol."""

    path: str
    symbol: Symbol


@dataclass(slots=True)
class Folder:
    """A folder's direct subfolders and files (both sorted)."""

    path: str
    folders: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    # Languages of every file below this folder, at any depth.
    languages_below: Counter[str] = field(default_factory=Counter)


@dataclass(slots=True)
class Index:
    """Everything the pages need to know about the tree as a whole."""

    records: dict[str, FileRecord]
    definitions: dict[str, list[Definition]]
    resolved: dict[str, list[str | None]]
    imports_of: dict[str, list[str]]
    imported_by: dict[str, list[str]]
    folders: dict[str, Folder]
    tests_of: dict[str, list[str]]
    test_files: frozenset[str]

    def resolved_import(self, path: str, position: int) -> str | None:
        return self.resolved[path][position]


def module_names(path: str, python_files: frozenset[str]) -> list[str]:
    """Dotted names under which ``path`` can be imported: from its top package, from the
    tree root, and from a ``src/`` layout."""
    stem = path[: -len(".pyi")] if path.endswith(".pyi") else path[: -len(".py")]
    parts = stem.split("/")
    if parts[-1] == "__init__":
        parts = parts[:-1]
        folder_parts = parts
    else:
        folder_parts = parts[:-1]
    if not parts:
        return []
    top = len(folder_parts)
    while top > 0 and "/".join(folder_parts[:top]) + "/__init__.py" in python_files:
        top -= 1
    names = [".".join(parts[top:]), ".".join(parts)]
    if parts[0] == "src" and len(parts) > 1:
        names.append(".".join(parts[1:]))
    return list(dict.fromkeys(name for name in names if name))


def build_module_map(python_files: Iterable[str]) -> dict[str, str]:
    """Dotted module name → file; on a clash the shortest, then first sorted, path wins."""
    files = frozenset(python_files)
    mapping: dict[str, str] = {}
    for path in sorted(files, key=lambda item: (item.count("/"), item)):
        for name in module_names(path, files):
            mapping.setdefault(name, path)
    return mapping


def _module_file(folder: str, dotted: str, files: frozenset[str]) -> str | None:
    base = posixpath.join(folder, *dotted.split(".")) if dotted else folder
    for candidate in (base + ".py", base + "/__init__.py", base + ".pyi"):
        candidate = posixpath.normpath(candidate)
        if candidate in files:
            return candidate
    return None


def resolve_import(
    path: str, imp: Import, module_map: dict[str, str], files: frozenset[str]
) -> str | None:
    """The in-tree file an import points to: a submodule when one name is imported from a
    package and it is a module, else the module itself (or its ``__init__.py``)."""
    if imp.level:
        folder = path.rpartition("/")[0]
        for _ in range(imp.level - 1):
            if not folder:
                return None
            folder = folder.rpartition("/")[0]
        dotted = imp.module.lstrip(".")
        if len(imp.names) == 1:
            sub = _module_file(
                folder, f"{dotted}.{imp.names[0]}" if dotted else imp.names[0], files
            )
            if sub is not None:
                return sub
        return _module_file(folder, dotted, files)
    if len(imp.names) == 1 and f"{imp.module}.{imp.names[0]}" in module_map:
        return module_map[f"{imp.module}.{imp.names[0]}"]
    return module_map.get(imp.module)


def is_test_file(record: FileRecord) -> bool:
    """A Python file named like a test that defines tests pytest would collect."""
    name = record.name
    if record.family != "python" or not (name.startswith("test_") or name.endswith("_test.py")):
        return False
    return any(
        (symbol.kind == "function" and symbol.parent is None and symbol.name.startswith("test"))
        or (symbol.kind == "class" and symbol.name.startswith("Test"))
        for symbol in record.symbols
    )


def _folder(folders: dict[str, Folder], path: str) -> Folder:
    """The folder at ``path``, created with all its ancestors on first use."""
    if path not in folders:
        folders[path] = Folder(path)
        if path:
            _folder(folders, path.rpartition("/")[0]).folders.append(path)
    return folders[path]


def _folders(records: Iterable[FileRecord]) -> dict[str, Folder]:
    folders: dict[str, Folder] = {}
    _folder(folders, "")
    for record in records:
        folder = record.folder
        _folder(folders, folder).files.append(record.path)
        while True:
            folders[folder].languages_below[record.language] += 1
            if not folder:
                break
            folder = folder.rpartition("/")[0]
    for info in folders.values():
        info.files.sort()
        info.folders.sort()
    return folders


def build_index(records: Iterable[FileRecord]) -> Index:
    """The index of all records; pure, no files read."""
    by_path = {record.path: record for record in sorted(records, key=lambda r: r.path)}
    files = frozenset(by_path)
    python_files = frozenset(path for path, record in by_path.items() if record.family == "python")
    module_map = build_module_map(python_files)

    definitions: dict[str, list[Definition]] = defaultdict(list)
    resolved: dict[str, list[str | None]] = {}
    imports_of: dict[str, set[str]] = defaultdict(set)
    imported_by: dict[str, set[str]] = defaultdict(set)
    for path, record in by_path.items():
        for symbol in record.symbols:
            if symbol.kind != "heading":
                definitions[symbol.name].append(Definition(path, symbol))
        targets = [resolve_import(path, imp, module_map, files) for imp in record.imports]
        resolved[path] = targets
        for target in targets:
            if target is not None and target != path:
                imports_of[path].add(target)
                imported_by[target].add(path)

    test_files = frozenset(path for path, record in by_path.items() if is_test_file(record))
    tests_of: dict[str, list[str]] = defaultdict(list)
    for test in sorted(test_files):
        for target in sorted(imports_of.get(test, ())):
            tests_of[target].append(test)

    return Index(
        records=by_path,
        definitions=dict(definitions),
        resolved=resolved,
        imports_of={path: sorted(targets) for path, targets in imports_of.items()},
        imported_by={path: sorted(sources) for path, sources in imported_by.items()},
        folders=_folders(by_path.values()),
        tests_of=dict(tests_of),
        test_files=test_files,
    )


def import_category(module: str, level: int, resolved: str | None) -> str:
    """``in-tree``, ``stdlib`` or ``third-party`` for the Dependencies section."""
    if resolved is not None or level:
        return "in-tree"
    top = module.split(".")[0]
    return "stdlib" if top in STDLIB or top == "__future__" else "third-party"
