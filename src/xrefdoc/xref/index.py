"""The whole-tree index, built purely from records: definitions, uses, import graph, folders."""

from __future__ import annotations

import sys
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import partial
from typing import NamedTuple

from xrefdoc.core.languages import name_group
from xrefdoc.core.model import (
    TYPE_NAMESPACE,
    UNKNOWN_MEMBER,
    FileRecord,
    Import,
    Symbol,
    child_target,
)
from xrefdoc.xref.imports import FileImports, is_standard_import
from xrefdoc.xref.resolve import Definition, Reads, TreeResolver
from xrefdoc.xref.reuse import (
    FileResolution,
    Resolved,
    defines,
    interface,
    use_columns,
    use_fields,
)

STDLIB = frozenset(sys.stdlib_module_names)


# A textual match of a shorter name (``e``, ``Q`` in minified JavaScript) is noise.
TEXTUAL_MIN_LENGTH = 3

# Kinds a textual match (a lexer token, an attribute of a value of unknown type) may mean,
# besides attributes of classes.
TEXTUAL_KINDS = frozenset(
    {"class", "function", "method", "constant", "macro", "enumerator", "field", "type"}
)
# Kinds a textual use in a file of another language may mean (see ``may_mean``).
LANGUAGE_WIDE_KINDS = frozenset({"class", "function", "method", "constant", "variable"})
# Kinds a textual member use (``p->top`` where the type of ``p`` is not known) may mean,
# besides those of a class's members (``CLASS_MEMBER_KINDS``).
MEMBER_KINDS = frozenset({"field", "method"})
CLASS_MEMBER_KINDS = frozenset({"prototype", "variable", "constant"})
# Families whose module-level variables a use elsewhere may mean by name alone (C's
# globals, Go's package variables); a member use there is told apart (``UNKNOWN_MEMBER``).
GLOBAL_VARIABLE_FAMILIES = frozenset({"c", "cpp", "go"})
# Kinds a C or C++ use means exactly when the name has no other definition in the tree's C
# and C++ files (``LUA_NUMBER_FMT``, ``TK_GOTO``): C has one namespace of these names.
# Other languages scope them (``Mode::Fast``, ``Color.RED``, a Go package's ``param``,
# Rust's ``Some`` beside a variant ``Some`` of some enum): a textual match there.
UNIQUE_KINDS = frozenset({"macro", "enumerator", "constant"})
UNIQUE_GROUP = "c"
# C and C++ source files, whose macros and enumerators no other file includes.
C_SOURCE_SUFFIXES = (".c", ".cc", ".cpp", ".cxx", ".c++", ".cu", ".m", ".mm")


def may_match_textually(symbol: Symbol, family: str = "python") -> bool:
    """Whether a textual match of the symbol's name may mean it: a class, function, method,
    constant, macro, enumerator, field, type or class attribute may be reached through a
    value of unknown type; a module variable or a data key is not, so ``obj.path`` never
    leads to a ``path`` variable, except in C and Go, whose member uses are told apart. A
    prototype may, where the name has no function (see ``_textual_definitions``)."""
    if symbol.kind in TEXTUAL_KINDS or symbol.kind == "prototype":
        return True
    return symbol.kind == "variable" and (
        symbol.parent is not None or family in GLOBAL_VARIABLE_FAMILIES
    )


def may_match_member(symbol: Symbol) -> bool:
    """Whether a member use of unknown type may mean the symbol: a field or method, or a
    variable or constant of a class."""
    if symbol.kind in MEMBER_KINDS:
        return True
    return symbol.kind in CLASS_MEMBER_KINDS and symbol.parent is not None


class Use(NamedTuple):
    """A use of a keyword at a line: the definition it means, or None for a textual match
    (the name is the same; which definition, if any, is meant is not known). A tuple: a
    build makes one for every use of the tree from its kept resolution (``_kept``), about
    half a million at 20,590 files: 500,000 take 0.15 s, where a frozen dataclass took 0.37 s."""

    path: str
    line: int
    name: str  # as written at the use, which an import alias may have renamed
    definition: Definition | None
    column: int = -1  # as in ``Reference``
    # A member use of unknown type (``p->top``), which only a field or method can mean.
    member: bool = False

    @property
    def keyword(self) -> str:
        return self.definition.symbol.name if self.definition else self.name


@dataclass(frozen=True, slots=True)
class ImportTarget:
    """An import statement's in-tree file, and for each imported name defined in another
    file (a submodule, or a name re-exported through a package), that file."""

    module: str | None
    names: tuple[tuple[str, str], ...] = ()


@dataclass(slots=True)
class Folder:
    """A folder's direct subfolders and files (both sorted)."""

    path: str
    folders: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    # Languages of every file below this folder, at any depth.
    languages_below: Counter[str] = field(default_factory=Counter)


@dataclass(frozen=True, slots=True)
class Index:
    """Everything the pages need to know about the tree as a whole; made once from all the
    records and never changed after (``with_records`` makes another)."""

    records: dict[str, FileRecord]
    # Keyword → every definition of that name, sorted by path and line; file → its own.
    definitions: dict[str, list[Definition]]
    definitions_in: dict[str, list[Definition]]
    # Keyword → the definitions a textual match of it may mean (only keywords that have any).
    textual_definitions: dict[str, tuple[Definition, ...]]
    # Keyword → its uses, sorted by path and line; file → the uses it holds, by line.
    uses: dict[str, list[Use]]
    uses_in: dict[str, list[Use]]
    # Definition → the other files whose uses mean it exactly (sorted).
    users: dict[Definition, list[str]]
    # File → the targets of its imports, one per import statement, in order.
    import_targets: dict[str, list[ImportTarget]]
    imports_of: dict[str, list[str]]
    imported_by: dict[str, list[str]]
    folders: dict[str, Folder]
    tests_of: dict[str, list[str]]
    test_files: frozenset[str]
    # (keyword, name group, member use) → ``textual_candidates``, filled as uses ask: the
    # uses of a name in one language share them.
    candidates: dict[tuple[str, str, bool], tuple[Definition, ...]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def with_records(self, records: Iterable[FileRecord]) -> Index:
        """This index holding ``records`` in place of its records of the same paths, all
        else shared: for records that gained what the index is not made from (the analyze
        stage's findings). A path the index does not hold is a KeyError."""
        by_path = dict(self.records)
        for record in records:
            if record.path not in by_path:
                raise KeyError(record.path)
            by_path[record.path] = record
        return replace(self, records=by_path)


def textual_candidates(index: Index, use: Use) -> tuple[Definition, ...]:
    """The definitions a textual use may mean: those of its keyword that a use in its
    file's language may mean (``may_mean``), only members for a member use of unknown
    type."""
    return candidates_of(index, *candidate_key(index, use))


# What decides a textual use's candidates: its keyword, the name group of its file's
# language and whether it is a member use (the arguments of ``candidates_of``).
CandidateKey = tuple[str, str, bool]


def candidate_key(index: Index, use: Use) -> CandidateKey:
    """The use's ``CandidateKey``."""
    return use.keyword, name_group(index.records[use.path].family), use.member


def candidates_of(index: Index, keyword: str, group: str, member: bool) -> tuple[Definition, ...]:
    """``textual_candidates`` of a textual use of ``keyword`` in a file of name group
    ``group`` (a ``member`` use or not), made once and kept in ``Index.candidates``."""
    key = (keyword, group, member)
    found = index.candidates.get(key)
    if found is None:
        found = index.candidates[key] = tuple(
            d
            for d in index.textual_definitions.get(keyword, ())
            if may_mean(d, name_group(index.records[d.path].family), group)
            and (not member or may_match_member(d.symbol))
        )
    return found


def may_mean(definition: Definition, group: str, use_group: str) -> bool:
    """Whether a textual use in a file of ``use_group`` may mean a definition in a file of
    ``group`` (name groups, ``languages.name_group``)."""
    return group == use_group or language_wide(definition.symbol)


def language_wide(symbol: Symbol) -> bool:
    """Whether a textual use in another language may mean the symbol: a class, function,
    method, constant or class attribute (a README's code, a binding) may; a macro, field,
    enumerator, type, prototype or global variable only in its own language."""
    if symbol.kind == "variable" and symbol.parent is None:
        return False
    return symbol.kind in LANGUAGE_WIDE_KINDS


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


def build_module_map(names_of: dict[str, list[str]]) -> dict[str, str]:
    """Dotted module name → file, from each Python file's module names; on a clash the
    shortest, then first sorted, path wins."""
    mapping: dict[str, str] = {}
    for path in sorted(names_of, key=lambda item: (item.count("/"), item)):
        for name in names_of[path]:
            mapping.setdefault(name, path)
    return mapping


def resolve_import(path: str, imp: Import, resolver: TreeResolver) -> ImportTarget:
    """The in-tree file an import statement loads (a submodule when its one name is a
    module), and the files that define the names it imports when those are elsewhere."""
    base = imp.module  # a relative import's module keeps its dots: ``..core``
    if len(imp.names) == 1 and imp.names[0] != "*":
        submodule = resolver.resolve(path, child_target(base, imp.names[0])).module
        if submodule is not None:
            return ImportTarget(submodule)
    module = resolver.resolve(path, base).module
    names: list[tuple[str, str]] = []
    for name in imp.names:
        if name == "*":
            continue
        found = resolver.resolve(path, child_target(base, name))
        where = found.definition.path if found.definition else found.module
        if where is not None and where not in (module, path):
            names.append((name, where))
    return ImportTarget(module, tuple(names))


def is_test_function(symbol: Symbol) -> bool:
    """A module-level function pytest collects."""
    return symbol.kind == "function" and symbol.parent is None and symbol.name.startswith("test")


def is_test_case(symbol: Symbol) -> bool:
    """A ``unittest.TestCase`` subclass (by the name of a base)."""
    return symbol.kind == "class" and any(base.endswith("TestCase") for base in symbol.bases)


def tested_classes(record: FileRecord) -> set[str]:
    """The classes whose test methods run: ``Test*`` classes (pytest) and ``TestCase``
    subclasses (unittest, which pytest runs too)."""
    return {
        s.qualname
        for s in record.symbols
        if (s.kind == "class" and s.name.startswith("Test")) or is_test_case(s)
    }


def collected_tests(record: FileRecord) -> list[Symbol]:
    """The tests a runner would collect from the file: its test functions and the test
    methods of its test classes (before parametrisation, which only running can count)."""
    classes = tested_classes(record)
    return [
        s
        for s in record.symbols
        if is_test_function(s)
        or (s.kind == "method" and s.parent in classes and s.name.startswith("test"))
    ]


_TEST_FOLDERS = frozenset({"tests", "test", "testing"})


def is_test_support(path: str) -> bool:
    """A file of the tests' own (a conftest, a helper in a ``tests/`` folder, a package's
    ``testing/`` utilities such as ``sphinx.testing``): what test files use of it is not
    what they test."""
    parts = path.split("/")
    return parts[-1] == "conftest.py" or any(part in _TEST_FOLDERS for part in parts[:-1])


def is_test_file(record: FileRecord) -> bool:
    """A Python file named like a test (``test_*.py``, ``*_test.py``) that holds tests."""
    name = record.name
    if record.family != "python" or not (name.startswith("test_") or name.endswith("_test.py")):
        return False
    return bool(collected_tests(record))


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


def qualified_name(path: str, symbol: Symbol, module: str | None) -> str:
    """``pkg.mod.Class.method`` for Python, ``path:Class.method`` for other files."""
    if module is None:
        return f"{path}:{symbol.qualname}"
    return f"{module}.{symbol.qualname}" if module else symbol.qualname


def _definitions(
    by_path: dict[str, FileRecord], names_of: dict[str, list[str]]
) -> dict[str, list[Definition]]:
    """File → its definitions (headings are outline, not keywords)."""
    found: dict[str, list[Definition]] = {}
    for path, record in by_path.items():
        module: str | None = None
        if path in names_of:
            names = names_of[path]
            module = names[0] if names else ""
        found[path] = [
            Definition(path, symbol, qualified_name(path, symbol, module))
            for symbol in record.symbols
            if symbol.kind != "heading"
        ]
    return found


def _uses_of(
    record: FileRecord,
    resolver: TreeResolver,
    textual_names: Mapping[str, frozenset[str] | None],
    members: Collection[tuple[str, str]],
    unique: dict[str, Definition],
    numbers: list[int],
) -> list[Use]:
    """The uses a file holds: references resolved to definitions, textual matches of
    ``unique`` names (the one definition of that name in the file's language), and other
    textual matches of ``textual_names`` (name → the name groups whose uses may mean one
    of its definitions, None for any); a member use of unknown type only of a (name group,
    name) of ``members``. Their lines are the ints of ``numbers`` (``_line_numbers``)."""
    found: list[Use] = []
    path = record.path
    group = name_group(record.family)
    top = len(numbers)
    for name, line, exact, target, column in record.references.rows():
        if 0 <= line < top:
            line = numbers[line]
        definition = None
        textual = not exact
        if exact:
            resolution = resolver.resolve(path, target, line)
            definition = resolution.definition
            textual = resolution.textual
        elif not target:
            definition = unique.get(name)
            if definition is not None and not _visible(definition, path):
                definition = None
        if definition is not None:
            found.append(Use(path, line, name, definition, column))
        elif textual and name in textual_names:
            groups = textual_names[name]
            member = target == UNKNOWN_MEMBER or target.startswith(TYPE_NAMESPACE)
            if member and (group, name) not in members:
                continue  # no field or method of its language has the name
            if groups is None or group in groups:
                found.append(Use(path, line, name, None, column, member))
    return sorted(found, key=lambda use: (use.line, use.column, use.name))


def _textual_definitions(
    definitions: dict[str, list[Definition]], by_path: dict[str, FileRecord]
) -> dict[str, tuple[Definition, ...]]:
    """Keyword → the definitions a textual match of it may mean; a prototype only where the
    name has no other (a use of ``lua_gettop`` means its body, not its declaration)."""
    found = {}
    for name, defined in definitions.items():
        if len(name) < TEXTUAL_MIN_LENGTH:
            continue
        matched = [d for d in defined if may_match_textually(d.symbol, by_path[d.path].family)]
        bodies = [d for d in matched if d.symbol.kind != "prototype"]
        if matched:
            found[name] = tuple(bodies or matched)
    return found


def _textual_groups(
    textual: dict[str, tuple[Definition, ...]], by_path: dict[str, FileRecord]
) -> dict[str, frozenset[str] | None]:
    """Name → None when a use in any language may mean one of its textual definitions,
    else the name groups whose uses may (see ``may_mean``)."""
    found: dict[str, frozenset[str] | None] = {}
    for name, defined in textual.items():
        if any(language_wide(d.symbol) for d in defined):
            found[name] = None
        else:
            found[name] = frozenset(name_group(by_path[d.path].family) for d in defined)
    return found


def _unique_definitions(
    definitions: dict[str, list[Definition]], by_path: dict[str, FileRecord]
) -> dict[str, Definition]:
    """Name → its one definition in the tree's C and C++ files, for names of three letters
    or more whose one definition there is of ``UNIQUE_KINDS`` (prototypes aside)."""
    found: dict[str, Definition] = {}
    for name, defined in definitions.items():
        if len(name) < TEXTUAL_MIN_LENGTH:
            continue  # ``T``: a template parameter or a local far more often
        candidates = [
            d
            for d in defined
            if d.symbol.kind != "prototype" and name_group(by_path[d.path].family) == UNIQUE_GROUP
        ]
        if len(candidates) == 1 and candidates[0].symbol.kind in UNIQUE_KINDS:
            found[name] = candidates[0]
    return found


def _visible(definition: Definition, path: str) -> bool:
    """Whether a use in ``path`` can see ``definition`` by its name alone: a C or C++ macro,
    enumerator or constant of a source file (not a header) only in that file, since only a
    header is included elsewhere."""
    where = definition.path
    return where == path or not where.endswith(C_SOURCE_SUFFIXES)


# The line numbers whose uses share their ints (``_line_numbers``): 2.3 MiB of ints at most,
# however long a file is (a line past them is rare, and keeps its own).
SHARED_LINES_MAX = 1 << 16


def _line_numbers(records: Iterable[FileRecord]) -> list[int]:
    """An int for each line number of the records' files, for every use of a line to hold
    the same one: a record keeps its references' lines in an array, and reading it makes a
    new int for each one past 256 (Python shares the smaller ones), 32 bytes of every such
    use held. On NumPy's tree (2,353 files, 403,911 uses, 304,537 of them past line 256)
    the index took 59.5 MiB where it took 68.0. Up to ``SHARED_LINES_MAX``; from the files'
    line counts, not their references (a pass over every reference of the tree)."""
    top = max((record.lines for record in records), default=0)
    return list(range(min(top, SHARED_LINES_MAX) + 1))


def build_index(records: Iterable[FileRecord]) -> Index:
    """The index of all records; pure, no files read."""
    return resolve_index(records, None)[0]


def resolve_index(records: Iterable[FileRecord], kept: Resolved | None) -> tuple[Index, Resolved]:
    """The index of all records, and what each file's resolution gave and read, to keep for
    the next build. A file whose resolution ``kept`` (the last build's) still holds is not
    resolved again (``xref.reuse``)."""
    by_path = {record.path: record for record in sorted(records, key=lambda r: r.path)}
    python_files = frozenset(path for path, record in by_path.items() if record.family == "python")
    names_of = {path: module_names(path, python_files) for path in python_files}
    module_map = build_module_map(names_of)
    definitions_in = _definitions(by_path, names_of)
    resolver = TreeResolver(by_path, module_map, definitions_in)
    file_imports = FileImports(by_path)

    definitions: dict[str, list[Definition]] = defaultdict(list)
    for found in definitions_in.values():
        for definition in found:
            definitions[definition.symbol.name].append(definition)
    textual_definitions = _textual_definitions(definitions, by_path)
    textual_groups = _textual_groups(textual_definitions, by_path)
    members = {
        (name_group(by_path[d.path].family), name)
        for name, defined in textual_definitions.items()
        for d in defined
        if may_match_member(d.symbol)
    }
    unique = _unique_definitions(definitions, by_path)
    test_files = frozenset(path for path, record in by_path.items() if is_test_file(record))

    reusable = kept.reusable(by_path, module_map) if kept is not None else frozenset()
    # Id of a definition → its position among its file's: how a kept use names it.
    positions: dict[int, int] = {}
    if len(reusable) < len(by_path):
        positions = {id(d): at for found in definitions_in.values() for at, d in enumerate(found)}
    resolutions: dict[str, FileResolution] = {}
    import_targets: dict[str, list[ImportTarget]] = {}
    uses_in: dict[str, list[Use]] = {}
    numbers = _line_numbers(by_path.values())
    for path, record in by_path.items():
        if kept is not None and path in reusable:
            resolutions[path] = kept.files[path]
            import_targets[path], uses_in[path] = _kept(
                path, kept.files[path], definitions_in, numbers
            )
            continue
        resolver.start_file()
        if record.family == "python":
            targets = [resolve_import(path, imp, resolver) for imp in record.imports]
        else:
            targets = [
                ImportTarget(file_imports.resolve(path, record.family, imp.module))
                for imp in record.imports
            ]
        in_group = unique if name_group(record.family) == UNIQUE_GROUP else {}
        file_uses = _uses_of(record, resolver, textual_groups, members, in_group, numbers)
        import_targets[path], uses_in[path] = targets, file_uses
        resolutions[path] = _resolution(
            record, targets, file_uses, resolver.file_reads(), positions
        )

    imports_of: dict[str, set[str]] = defaultdict(set)
    imported_by: dict[str, set[str]] = defaultdict(set)
    uses: dict[str, list[Use]] = defaultdict(list)
    users: dict[Definition, set[str]] = defaultdict(set)
    tested: dict[str, set[str]] = defaultdict(set)
    for path in by_path:
        for target in import_targets[path]:
            for reached in (target.module, *(where for _, where in target.names)):
                if reached is not None and reached != path:
                    imports_of[path].add(reached)
                    imported_by[reached].add(path)
        for use in uses_in[path]:  # ``use.keyword`` inline: a call per use of the tree
            meant = use.definition
            if meant is None:
                uses[use.name].append(use)
            else:
                uses[meant.symbol.name].append(use)
                if meant.path != path:
                    users[meant].add(path)
        if path in test_files:
            # A test file tests what it imports and what it uses.
            used = {use.definition.path for use in uses_in[path] if use.definition is not None}
            for tested_path in (imports_of.get(path, set()) | used) - {path}:
                if not is_test_support(tested_path):
                    tested[tested_path].add(path)

    return Index(
        records=by_path,
        definitions=dict(definitions),
        definitions_in=definitions_in,
        textual_definitions=textual_definitions,
        uses=dict(uses),
        uses_in=uses_in,
        users={definition: sorted(paths) for definition, paths in users.items()},
        import_targets=import_targets,
        imports_of={path: sorted(targets) for path, targets in imports_of.items()},
        imported_by={path: sorted(sources) for path, sources in imported_by.items()},
        folders=_folders(by_path.values()),
        tests_of={path: sorted(tests) for path, tests in tested.items()},
        test_files=test_files,
    ), Resolved(resolutions, module_map)


def _resolution(
    record: FileRecord,
    targets: list[ImportTarget],
    uses: list[Use],
    reads: Reads,
    positions: dict[int, int],
) -> FileResolution:
    """What resolving ``record`` gave, as kept for the next build."""
    files, names = reads
    meant = {use.definition.path for use in uses if use.definition is not None}
    return FileResolution(
        record.sha256,
        defines(record.symbols),
        interface(record),
        tuple(sorted(files | meant)),
        tuple(sorted(names)),
        tuple((target.module, target.names) for target in targets),
        use_columns(
            (
                use.line,
                use.column,
                use.name,
                use.definition.path,
                positions[id(use.definition)],
                use.member,
            )
            if use.definition is not None
            else (use.line, use.column, use.name, None, -1, use.member)
            for use in uses
        ),
        tuple(sorted({use.keyword for use in uses if use.keyword != use.name})),
    )


def _kept(
    path: str,
    kept: FileResolution,
    definitions_in: dict[str, list[Definition]],
    numbers: list[int],
) -> tuple[list[ImportTarget], list[Use]]:
    """The import targets and uses of a file as ``kept``, their lines the ints of
    ``numbers``. Made a column at a time, each use by ``tuple.__new__``: every use of a
    rebuild's tree is made here (1.2 million on NumPy x3), and through ``Use``'s own
    constructor they took a fifth longer."""
    targets = [ImportTarget(module, names) for module, names in kept.imports]
    names, lines, columns, where, at, member = use_fields(kept.uses)
    top = len(numbers)
    shown: Iterable[int] = map(numbers.__getitem__, lines)
    if lines and (min(lines) < 0 or max(lines) >= top):
        shown = [numbers[line] if 0 <= line < top else line for line in lines]
    meant = [
        None if file is None else definitions_in[file][n] for file, n in zip(where, at, strict=True)
    ]
    paths = [path] * len(names)
    uses = list(map(_new_use, zip(paths, shown, names, meant, columns, member, strict=True)))
    return targets, uses


# ``Use(*fields)`` without the call of its ``__new__`` (``_kept``).
_new_use = partial(tuple.__new__, Use)


def import_category(module: str, level: int, resolved: str | None, family: str = "python") -> str:
    """``in-tree``, ``stdlib`` or ``third-party`` for the Dependencies section."""
    if resolved is not None or level:
        return "in-tree"
    if family != "python":
        if module.startswith((".", "/")):
            return "in-tree"
        return "stdlib" if is_standard_import(family, module) else "third-party"
    top = module.split(".")[0]
    return "stdlib" if top in STDLIB or top == "__future__" else "third-party"
