"""Following a reference's target across the tree: modules, re-exports, class members, bases.

Targets are the dotted paths that extraction writes into ``Reference.target`` and
``Alias.target`` (``pkg.mod.name``, ``..mod.name``, ``~Class.name``, ``a|b``). Each is
followed the way Python would look it up: the longest prefix that is an in-tree module, then
one name at a time through the module's definitions, its import aliases (re-exports), its
submodules and its star imports, then through a class's members and its bases. A target in
the namespace of types (C's ``::lua_State.top``, Go's ``::Engine.Name``) starts from the
struct, class or typedef of that name in the files of the use's language.
"""

from __future__ import annotations

import posixpath
from bisect import bisect_right
from dataclasses import dataclass, field

from xrefdoc.core.languages import name_group
from xrefdoc.core.model import TYPE_NAMESPACE, FileRecord, Symbol, child_target

# Longest chain of aliases and bases followed before giving up (cycles stop here too).
_MAX_DEPTH = 12


@dataclass(frozen=True, slots=True)
class Definition:
    """Where a name is defined: the file, the symbol, and its fully qualified name."""

    path: str
    symbol: Symbol
    qualname: str
    # Definitions key the tables of uses and of calls: 6.4 million lookups in the symbol
    # data of NumPy x3, where working the hash out each time was 4% of the stage. Equal
    # definitions still hash alike: these fields are part of what they compare.
    _hash: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_hash", hash((self.path, self.qualname, self.symbol.line)))

    def __hash__(self) -> int:
        return self._hash

    def __reduce__(self) -> tuple[type[Definition], tuple[str, Symbol, str]]:
        # Made again, hash and all, where it is loaded: a string's hash is another in
        # another process.
        return Definition, (self.path, self.symbol, self.qualname)


@dataclass(frozen=True, slots=True)
class Resolution:
    """What a target means: a definition, an in-tree module, a textual match (an attribute
    of a value whose type is unknown), or nothing in this tree."""

    definition: Definition | None = None
    module: str | None = None
    textual: bool = False


NOTHING = Resolution()
TEXTUAL = Resolution(textual=True)


def module_file(folder: str, dotted: str, files: frozenset[str]) -> str | None:
    """The file of module ``dotted`` under ``folder`` (a package before a plain module, as
    Python's finder does); ``dotted`` empty means the package ``folder`` itself."""
    return next((c for c in module_candidates(folder, dotted) if c in files), None)


def module_candidates(folder: str, dotted: str) -> tuple[str, ...]:
    """The files that may be module ``dotted`` under ``folder``, first found first."""
    base = module_base(folder, dotted)
    if not dotted:
        return (posixpath.join(base, "__init__.py"),)
    return (base + "/__init__.py", base + ".py", base + "/__init__.pyi", base + ".pyi")


def module_base(folder: str, dotted: str) -> str:
    """The path the files of module ``dotted`` under ``folder`` share before their ending:
    ``pkg/mod`` of ``pkg/mod.py`` and ``pkg/mod/__init__.py``."""
    return posixpath.join(folder, *dotted.split(".")) if dotted else folder


def module_bases_of(path: str) -> tuple[str, ...]:
    """The ``module_base`` of each module lookup that ``path`` is a candidate of: ``pkg/mod``
    of ``pkg/mod.py``; of ``pkg/__init__.py`` both ``pkg`` (the package) and ``pkg/__init__``
    (a module of that name: ``from .__init__ import x``); none of a file no import finds."""
    stem = path.removesuffix(".py") if path.endswith(".py") else path.removesuffix(".pyi")
    if stem == path:
        return ()
    if stem == "__init__":
        return (stem, "")
    if stem.endswith("/__init__"):
        return (stem, stem.removesuffix("/__init__"))
    return (stem,)


def package_folder(path: str, level: int) -> str | None:
    """The folder a relative import of ``level`` dots starts from, or None above the root."""
    folder = path.rpartition("/")[0]
    for _ in range(level - 1):
        if not folder:
            return None
        folder = folder.rpartition("/")[0]
    return folder


def _definition_line(definition: Definition) -> int:
    return definition.symbol.line


# The kinds of a type a ``::`` target starts from: a struct, union or class (a Go struct),
# or a typedef (which leads on to the type it names, or holds an unnamed struct's fields).
_TYPE_KINDS = frozenset({"class", "type"})

# Kinds whose symbol holds definitions of its own besides a value (a decorated function).
_CALLABLES = frozenset({"function", "method"})


def _call_of(parts: list[str]) -> tuple[str, bool, list[str]]:
    """The name of ``parts[0]``, whether it is called, and what follows: ``make()()`` is
    ``make`` called, then what that gives called again (a part ``()``)."""
    head, rest = parts[0], parts[1:]
    called = head.endswith("()")
    head = head.removesuffix("()")
    while head.endswith("()"):
        head, rest = head[:-2], ["()", *rest]
    return head, called, rest


def _is_package(path: str) -> bool:
    return path.rpartition("/")[2] in ("__init__.py", "__init__.pyi")


# What a resolution read: the files whose definitions, aliases or star imports it looked in
# or whose presence it checked, and the names it looked up across the tree (modules in the
# module map, types and method bodies by name).
Reads = tuple[frozenset[str], frozenset[str]]


class TreeResolver:
    """Resolves targets against all records; results are memoised per (start, target), with
    what each one read (``Reads``), so that a file's resolution can be kept for a later build
    in which nothing it read changed (``xref.reuse``)."""

    def __init__(
        self,
        records: dict[str, FileRecord],
        module_map: dict[str, str],
        definitions: dict[str, list[Definition]],
    ) -> None:
        self._files = frozenset(records)
        self._records = records
        self._definitions = definitions
        self._module_map = module_map
        # Of each file, made when a resolution first reads it (a rebuild resolves a few
        # files again, and reads a few hundred; making them for all 20,000 files of a tree
        # was 0.25 s): (parent, name) → definitions in line order (a name may be defined
        # again); name → an import's target; star imports' targets.
        self._members: dict[str, dict[tuple[str | None, str], list[Definition]]] = {}
        self._aliases: dict[str, dict[str, str]] = {}
        self._stars: dict[str, list[str]] = {}
        # Whether the file defines some name twice in one scope: only there does the line
        # of a use decide which definition a same-file target means (elsewhere one answer
        # serves every line, and the memo finds it).
        self._redefining: dict[str, bool] = {}
        # The types of each name group (C with C++, Go) by name, over the whole tree, in
        # path and line order; the group of each file.
        self._groups = {path: name_group(record.family) for path, record in records.items()}
        self._types: dict[tuple[str, str], list[Definition]] = {}
        # The bodies of methods by (group, class name, name): ``int Engine::stop() {...}``
        # for the ``int stop();`` its class declares.
        self._bodies: dict[tuple[str, str, str], list[Definition]] = {}
        for path in sorted(definitions):
            group = self._groups[path]
            if group == "python":
                continue
            for definition in definitions[path]:
                symbol = definition.symbol
                if symbol.kind in _TYPE_KINDS:
                    self._types.setdefault((group, symbol.name), []).append(definition)
                elif symbol.kind in _CALLABLES and symbol.parent:
                    owner = symbol.parent.rpartition(".")[2]
                    self._bodies.setdefault((group, owner, symbol.name), []).append(definition)
        # ``_module_file`` by (folder, dotted): the module's base (``module_base``), noted
        # as read in place of its four candidate files, and the file found. One string then
        # serves every file that asks: the candidates, made afresh at each of 1.6 million
        # lookups on NumPy x3 (3.5 million in the files' reads, 99% of them of no file),
        # held 115 MiB and the sets of reads 159 MiB.
        self._modules_found: dict[tuple[str, str], tuple[str, str | None]] = {}
        self._memo: dict[tuple[str, str, int], Resolution] = {}
        # ``_in_type`` by (group, folder, type name, member path): typedefs of one name in
        # several headers lead to each other, and each would be tried again at every step.
        self._type_memo: dict[tuple[str, str, str, tuple[str, ...]], Resolution] = {}
        self._types_open: set[tuple[str, str, str, tuple[str, ...]]] = set()
        # The file and line of the use being resolved (line 0: not a same-file target).
        self._start = ""
        self._line = 0
        # What each memoised resolution read; what the resolutions under way read (one
        # entry per memoised one being made, innermost last, above a sink for calls made
        # outside ``resolve``); the memo keys of the file being resolved (``start_file``).
        self._memo_reads: dict[object, Reads] = {}
        self._distinct_reads: dict[Reads, Reads] = {}
        self._reading: list[tuple[set[str], set[str]]] = [(set(), set())]
        self._file_keys: set[tuple[str, str, int]] | None = None
        # How many answers so far depended on where the resolution came from, not only on
        # the tree: a chain cut at ``_MAX_DEPTH`` or at a cycle of typedefs, a name defined
        # twice chosen by the use's line. A type's members found with such an answer are
        # not memoised for the other files of the folder (they would get the first file's
        # answer, and which file came first depends on which files a rebuild resolves).
        self._contextual = 0

    def resolve(self, path: str, target: str, line: int = 0) -> Resolution:
        """What ``target``, written at ``line`` of file ``path``, refers to. A name defined
        more than once in the file means its last definition above the use."""
        start = path if target.startswith(("~", ".", "@")) else ""
        if target.startswith(TYPE_NAMESPACE):  # the types of its group, its folder's first
            start = f"{self._groups[path]}:{path.rpartition('/')[0]}"
        by_line = False
        if target.startswith("~"):
            redefines = self._redefining.get(path)
            by_line = self._redefines(path) if redefines is None else redefines
        key = (start, target, line if by_line else 0)
        if self._file_keys is not None:
            self._file_keys.add(key)
        found = self._memo.get(key)
        if found is None:
            self._start, self._line = path, key[2]
            self._reading.append((set(), set()))
            found = self._candidates(path, target, 0)
            self._memo[key] = found
            self._memo_reads[key] = self._end_reading()
        return found

    def start_file(self) -> None:
        """Start noting what the resolutions asked for from now on read (``file_reads``)."""
        self._file_keys = set()

    def file_reads(self) -> Reads:
        """What every resolution asked for since ``start_file`` read, together."""
        files: set[str] = set()
        names: set[str] = set()
        for key in self._file_keys or ():
            read_files, read_names = self._memo_reads[key]
            files |= read_files
            names |= read_names
        self._file_keys = None
        return frozenset(files), frozenset(names)

    def _end_reading(self) -> Reads:
        """What the innermost resolution under way read, also counted as read by the one
        around it."""
        files, names = self._reading.pop()
        if len(self._reading) > 1:  # not the sink
            outer_files, outer_names = self._reading[-1]
            outer_files |= files
            outer_names |= names
        reads = (frozenset(files), frozenset(names))
        # One object for equal reads: a large tree has a million resolutions, most of
        # which read the same one or two files.
        return self._distinct_reads.setdefault(reads, reads)

    def _read(self, reads: Reads) -> None:
        """Count what a memoised resolution read as read by the one under way."""
        files, names = self._reading[-1]
        files |= reads[0]
        names |= reads[1]

    def _member(self, path: str, parent: str | None, name: str) -> Definition | None:
        """The definition of ``name`` in ``parent`` of ``path``: the one in force at the use
        line for a use in the same file, else the first."""
        self._reading[-1][0].add(path)
        members = self._members.get(path)
        if members is None:
            members = self._members_of(path)
        found = members.get((parent, name))
        if not found:
            # Noted as looked up: a file that defines it later changes this answer, though
            # the file asking may never write the name (``engine`` a fixture's parameter,
            # ``()`` a class's ``__call__``, a name reached through two aliases).
            self._reading[-1][1].add(name)
            return None
        if self._line and len(found) > 1 and path == self._start:
            self._contextual += 1
            above = bisect_right(found, self._line, key=_definition_line)
            return found[above - 1] if above else found[0]
        return found[0]

    def _members_of(self, path: str) -> dict[tuple[str | None, str], list[Definition]]:
        members = self._members.get(path)
        if members is None:
            members = self._members[path] = {}
            for definition in self._definitions.get(path, ()):
                key = (definition.symbol.parent, definition.symbol.name)
                members.setdefault(key, []).append(definition)
            for same_name in members.values():
                if len(same_name) > 1:
                    same_name.sort(key=_definition_line)
        return members

    def _redefines(self, path: str) -> bool:
        found = self._redefining.get(path)
        if found is None:
            members = self._members_of(path).values()
            found = self._redefining[path] = any(len(same) > 1 for same in members)
        return found

    def _aliases_of(self, path: str) -> tuple[dict[str, str], list[str]]:
        aliases = self._aliases.get(path)
        if aliases is None:
            aliases = self._aliases[path] = {}
            stars = self._stars[path] = []
            record = self._records.get(path)
            for alias in record.aliases if record is not None else ():
                if alias.name == "*":
                    stars.append(alias.target)
                else:
                    aliases.setdefault(alias.name, alias.target)
        return aliases, self._stars[path]

    def _module_file(self, folder: str, dotted: str) -> str | None:
        """``module_file`` in the tree, its module's base noted as read: a file added or
        removed at one of its candidates changes what it finds (``Resolved`` takes each
        changed file's ``module_bases_of`` as changed too; the file found is read by path
        when a name is looked up in it)."""
        known = self._modules_found.get((folder, dotted))
        if known is None:
            found = module_file(folder, dotted, self._files)
            known = self._modules_found[folder, dotted] = (module_base(folder, dotted), found)
        self._reading[-1][0].add(known[0])
        return known[1]

    def _candidates(self, path: str, target: str, depth: int) -> Resolution:
        best = NOTHING
        for candidate in target.split("|"):
            found = self._one(path, candidate, depth)
            if found.definition is not None:
                return found
            if best is NOTHING or (found.module and not best.module):
                best = found
        return best

    def _one(self, path: str, target: str, depth: int) -> Resolution:
        if depth > _MAX_DEPTH:
            self._contextual += 1
            return NOTHING
        if not target or target.startswith("["):
            return NOTHING  # a container is reached only through its element, ``[]``
        if target.startswith(TYPE_NAMESPACE):
            return self._in_type(target[len(TYPE_NAMESPACE) :].split("."), depth)
        if target.startswith("~"):
            return self._in_module(path, target[1:].split("."), depth)
        if target.startswith("@"):
            return self._fixture_value(path, target[1:].split("."), depth)
        if target.startswith("."):
            rest = target.lstrip(".")
            folder = package_folder(path, len(target) - len(rest))
            if folder is None:
                return NOTHING
            parts = rest.split(".") if rest else []
            # A module's name is a word: ``.m.make().[]`` is looked for as ``m``, not as
            # a file named ``make()``.
            first_non_word = next(
                (at for at, part in enumerate(parts) if not part.isidentifier()), len(parts)
            )
            for size in range(first_non_word, -1, -1):
                found = self._module_file(folder, ".".join(parts[:size]))
                if found is not None:
                    return self._in_module(found, parts[size:], depth)
            return NOTHING
        parts = target.split(".")
        for size in range(len(parts), 0, -1):
            dotted = ".".join(parts[:size])
            self._reading[-1][1].add(dotted)
            found = self._module_map.get(dotted)
            if found is not None:
                return self._in_module(found, parts[size:], depth)
        return NOTHING

    def _in_module(self, path: str, parts: list[str], depth: int) -> Resolution:
        if not parts or parts == [""]:
            return Resolution(module=path)
        head, called, rest = _call_of(parts)
        definition = self._member(path, None, head)
        if definition is not None:
            return self._enter(definition, called, rest, depth)
        aliases = self._aliases.get(path)
        if aliases is None:
            aliases = self._aliases_of(path)[0]
        alias = aliases.get(head)
        if alias is not None:
            suffix = ("()" if called else "") + "".join(f".{part}" for part in rest)
            return self._candidates(path, "|".join(c + suffix for c in alias.split("|")), depth + 1)
        if _is_package(path) and not called and head.isidentifier():
            sub = self._module_file(path.rpartition("/")[0], head)
            if sub is not None:
                return self._in_module(sub, rest, depth)
        for star in self._stars[path]:  # made with its aliases
            found = self._one(path, child_target(star, ".".join(parts)), depth + 1)
            if found.definition is not None or found.module is not None:
                return found
        return TEXTUAL if rest else NOTHING

    def _in_type(self, parts: list[str], depth: int) -> Resolution:
        """``parts`` of a type named ``parts[0]`` in the use's name group: the member of the
        one struct, union or class of that name that has it (one in the use's folder, a Go
        package, before others), or of the type a typedef names. A member that no such type
        has, or that several have, is a textual match."""
        name, rest = parts[0], parts[1:]
        if not rest:
            return NOTHING
        group = self._groups[self._start]
        folder = self._start.rpartition("/")[0]
        key = (group, folder, name, tuple(rest))
        known = self._type_memo.get(key)
        if known is not None:
            self._read(self._memo_reads[key])
            return known
        if key in self._types_open:  # ``typedef struct A B; typedef struct B A;``
            self._contextual += 1
            return TEXTUAL
        self._types_open.add(key)
        self._reading.append((set(), set()))
        contextual = self._contextual
        try:
            known = self._in_type_first_time(name, rest, group, folder, depth)
        finally:
            self._types_open.discard(key)
            reads = self._end_reading()
        if self._contextual == contextual:
            self._type_memo[key] = known
            self._memo_reads[key] = reads
        return known

    def _in_type_first_time(
        self, name: str, rest: list[str], group: str, folder: str, depth: int
    ) -> Resolution:
        found: list[Definition] = []
        self._reading[-1][1].add(name)
        for definition in self._types.get((group, name), ()):
            self._reading[-1][0].add(definition.path)  # a typedef's target is read here
            symbol = definition.symbol
            if symbol.kind == "type" and symbol.value_type:
                target = symbol.value_type + "".join(f".{part}" for part in rest)
                reached = self._one(definition.path, target, depth + 1)
            else:
                reached = self._in_symbol(definition, rest, depth + 1)
            if reached.definition is not None and reached.definition not in found:
                found.append(reached.definition)
        found = [self._body_of(group, d) for d in found]
        near = [d for d in found if d.path.rpartition("/")[0] == folder]
        for candidates in (near, found):
            if len(candidates) == 1:
                return Resolution(definition=candidates[0])
        return TEXTUAL

    def _body_of(self, group: str, definition: Definition) -> Definition:
        """The one body of a method a class only declares (a C++ prototype), else the
        definition itself."""
        symbol = definition.symbol
        if symbol.kind != "prototype" or not symbol.parent:
            return definition
        self._reading[-1][1].add(symbol.name)
        bodies = self._bodies.get((group, symbol.parent.rpartition(".")[2], symbol.name), [])
        self._reading[-1][0].update(body.path for body in bodies)
        return bodies[0] if len(bodies) == 1 else definition

    def _fixture_value(self, path: str, parts: list[str], depth: int) -> Resolution:
        """``parts`` of the value pytest gives a test's parameter named ``parts[0]``: what
        the fixture of that name returns or yields, found as pytest finds it, in the test's
        module, then in the ``conftest.py`` of its folder and of each folder above."""
        name, rest = parts[0], parts[1:]
        if not rest:
            return NOTHING
        folder = path.rpartition("/")[0]
        places = [path]
        while True:
            places.append(f"{folder}/conftest.py" if folder else "conftest.py")
            if not folder:
                break
            folder = folder.rpartition("/")[0]
        for place in places:
            self._reading[-1][0].add(place)
            if place not in self._files:
                continue
            found = self._in_module(place, [name], depth + 1).definition
            if found is not None and found.symbol.kind == "function":
                if not found.symbol.value_type:
                    break
                return self._follow(found.path, found.symbol.value_type, rest, depth)
        return TEXTUAL  # a fixture of pytest's own (``tmp_path``) or of a plugin

    def _enter(
        self, definition: Definition, called: bool, parts: list[str], depth: int
    ) -> Resolution:
        """Follow ``parts`` inside ``definition``, or, when it is ``called``, inside what the
        call returns: an instance, for a class; the written or evident return type of a
        function; a value of unknown type otherwise. A variable or property leads on to the
        type of its value."""
        symbol = definition.symbol
        if symbol.kind == "class":
            return self._in_symbol(definition, parts, depth)
        if called:
            if symbol.return_type and parts:
                return self._follow(definition.path, symbol.return_type, parts, depth)
            if symbol.value_type and parts:  # a variable holding a class or a function
                return self._follow(definition.path, symbol.value_type, ["()", *parts], depth)
            return TEXTUAL if parts else NOTHING
        if symbol.value_type and parts:
            if symbol.kind in _CALLABLES:  # a function's own nested definitions first
                found = self._in_symbol(definition, parts, depth)
                if found.definition is not None:
                    return found
            return self._follow(definition.path, symbol.value_type, parts, depth)
        return self._in_symbol(definition, parts, depth)

    def _follow(self, path: str, types: str, parts: list[str], depth: int) -> Resolution:
        """``parts`` reached through a value of ``types`` (targets in file ``path``): members
        of an instance or a class, or, through ``[]``, of a container's element; textual
        when the type is in the tree but not the member (see ``_in_bases``), nothing when
        the type is not in the tree (a member of a builtin container, of a library's
        class)."""
        candidates: list[str] = []
        for candidate in types.split("|"):
            rest = parts
            if rest[0] == "()":  # calling the value: a class gives an instance
                candidate, rest = candidate + "()", rest[1:]
            if candidate.startswith("["):
                if rest[0] != "[]":
                    continue  # a member of a builtin container
                candidate, rest = candidate[1:-1], rest[1:]
            candidates.append(candidate + "".join(f".{part}" for part in rest))
        return self._candidates(path, "|".join(candidates), depth + 1) if candidates else NOTHING

    def _in_symbol(self, definition: Definition, parts: list[str], depth: int) -> Resolution:
        if not parts:
            return Resolution(definition=definition)
        symbol = definition.symbol
        if parts[0] == "^":  # super(): the members of the bases, not the class's own
            return (
                self._in_bases(definition, parts[1:], depth) if symbol.kind == "class" else TEXTUAL
            )
        if parts[0] == "()":  # an instance called: its ``__call__``
            parts = ["__call__()", *parts[1:]]
        head, called, rest = _call_of(parts)
        member = self._member(definition.path, symbol.qualname, head)
        if member is not None:
            return self._enter(member, called, rest, depth)
        if symbol.kind == "class":
            return self._in_bases(definition, parts, depth)
        return TEXTUAL

    def _in_bases(self, definition: Definition, parts: list[str], depth: int) -> Resolution:
        """``parts`` looked up in the bases of class ``definition``, in order (depth first,
        the method resolution order of single inheritance). Only a Python class's bases are
        targets; another language's are the names as written (``xref.hierarchy`` reads them)."""
        outside = False
        if depth > _MAX_DEPTH:
            self._contextual += 1
        elif self._groups.get(definition.path) == "python":
            for base in definition.symbol.bases:
                found = self._candidates(definition.path, base, depth + 1)
                if found.definition is None or found.definition.symbol.kind != "class":
                    outside = True
                    continue
                inherited = self._in_symbol(found.definition, parts, depth + 1)
                if inherited.definition is not None:
                    return inherited
                outside = outside or inherited is NOTHING
        # A member no class in the tree defines: one a base from outside the tree has, or
        # Python gives every object (``__class__``), or an instance attribute or what
        # calling an instance gives, of which what follows is of unknown type.
        if outside or (parts[0].startswith("__") and parts[0] != "__call__()"):
            return NOTHING
        return TEXTUAL if len(parts) > 1 else NOTHING
