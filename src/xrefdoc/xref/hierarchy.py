"""The type hierarchy of the tree: each class's bases and subclasses, transitively and across
files, and the methods a method overrides or is overridden in."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from xrefdoc.core.languages import name_group
from xrefdoc.xref.index import Index, build_module_map, module_names
from xrefdoc.xref.places import LineUses
from xrefdoc.xref.resolve import Definition, TreeResolver

# What can have bases and subclasses: a class (a struct, interface, trait, enum, Ruby
# module), and a Rust ``impl Trait for Type`` block, which gives its type the trait.
CLASS_KINDS = frozenset({"class"})
IMPL_KIND = "impl"
# What can override and be overridden: a C++ class declares its methods as prototypes.
METHOD_KINDS = frozenset({"method", "prototype", "function"})
# Families whose files of one folder are one namespace (a Java or Go package): a base named
# there means the class of that name in the folder, as the compiler finds it.
_FOLDER_NAMESPACES = frozenset({"java", "go", "kotlin", "scala", "csharp"})
# Longest chain of bases followed (a cycle, or a chain this deep, stops there).
_MAX_DEPTH = 64


@dataclass(frozen=True, slots=True)
class Base:
    """A base as written (``click.ParamType``, ``public Shape``), the in-tree class it
    means, if found, and whether that is the language's own resolution (``exact``) or the
    one class of that name in the files of the language (``exact`` False: by name alone,
    which a reader sees marked). ``via`` is the definition that holds the subclass's
    members for this base: the subclass itself, or the Rust ``impl`` that gave it the
    trait."""

    text: str
    definition: Definition | None
    exact: bool
    via: Definition | None = None


def base_name(text: str) -> str:
    """The last name of a base as written: ``ParamType`` of ``click.types.ParamType``,
    ``Base`` of ``ns::Base`` or of ``~Base``."""
    name = text.removeprefix("~").rpartition("::")[2].rpartition(".")[2]
    return name.removesuffix("()")


def display_text(text: str) -> str:
    """A base from outside the tree as a reader writes it: ``Exception``, not the target
    ``builtins.Exception``; ``Command``, not ``~Command``."""
    return text.removeprefix("~").removeprefix("builtins.")


# Each class's direct subclasses, with the base link that makes each one.
_Subclasses = dict[Definition, list[tuple[Definition, Base]]]


class TypeHierarchy:
    """Bases, subclasses and overrides over the whole index, computed once when first asked.

    A base resolves, in order, to the in-tree class that the index's exact use of its name
    on the class's own line means (the resolver already followed ``class Group(Command)``'s
    ``Command`` through the imports); for Python, to what the resolver makes of the base's
    target; else to the one class of that name in the same file, or in the same folder for
    a language whose packages are folders (Java, Go), all exact; else to the one class of
    that name among the files of the language, marked inexact (``Base.exact``). A name
    several classes share, none of them near, stays text. A Go type implements an
    interface when its methods' names cover the interface's (tree-wide, as Go's
    structural typing allows across packages; signatures are not compared, so these are
    marked inexact)."""

    def __init__(self, index: Index) -> None:
        self._index = index
        self._line_uses = LineUses(index)
        self._resolver: TreeResolver | None = None
        # (name group, name) → the classes so named in the files of the group.
        self._classes: dict[tuple[str, str], list[Definition]] = defaultdict(list)
        # (file, parent, name) → the methods so named of the class so named in the file;
        # (folder, type, name) → a Go type's methods, in any file of its package.
        self._members: dict[tuple[str, str, str], list[Definition]] = defaultdict(list)
        # (file, qualname) → the classes and ``impl`` blocks so named in the file.
        self._holders: dict[tuple[str, str], list[Definition]] = defaultdict(list)
        for path in sorted(index.definitions_in):
            family = index.records[path].family
            group = name_group(family)
            go = family == "go"
            folder = path.rpartition("/")[0]
            for definition in index.definitions_in[path]:
                symbol = definition.symbol
                if symbol.kind in CLASS_KINDS:
                    self._classes[(group, symbol.name)].append(definition)
                if symbol.kind in CLASS_KINDS or symbol.kind == IMPL_KIND:
                    self._holders[(path, symbol.qualname)].append(definition)
                if symbol.parent is not None and symbol.kind in METHOD_KINDS:
                    self._members[(path, symbol.parent, symbol.name)].append(definition)
                    if go:
                        self._members[(folder, "go:" + symbol.parent, symbol.name)].append(
                            definition
                        )
        self._edges: tuple[dict[Definition, list[Base]], _Subclasses] | None = None

    @property
    def _bases(self) -> dict[Definition, list[Base]]:
        return self._resolved()[0]

    @property
    def _subclasses(self) -> _Subclasses:
        return self._resolved()[1]

    def _resolved(self) -> tuple[dict[Definition, list[Base]], _Subclasses]:
        """Every class's bases and subclasses, resolved when a query first needs them: a
        rebuild whose changed files hold no class, and whose data names no method of one,
        asks for none (resolving them took 0.7 s of a one-file rebuild at 20,000 files)."""
        if self._edges is None:
            self._edges = {}, defaultdict(list)
            try:
                self._resolve_all()
            except BaseException:
                self._edges = None  # not half made for the next query
                raise
        return self._edges

    def _resolve_all(self) -> None:
        index = self._index
        for path in sorted(index.definitions_in):
            for definition in index.definitions_in[path]:
                kind = definition.symbol.kind
                if definition.symbol.bases and (kind in CLASS_KINDS or kind == IMPL_KIND):
                    self._add_bases(definition)
        self._add_go_interfaces()
        for edges in self._subclasses.values():
            edges.sort(key=lambda edge: (edge[0].path, edge[0].symbol.line, edge[0].qualname))

    def resolve(self) -> None:
        """Resolve every class's bases now: before workers fork, so that each inherits them
        rather than resolving them again."""
        self._resolved()

    # Resolving bases.

    def _python_resolver(self) -> TreeResolver:
        if self._resolver is None:
            records = self._index.records
            python = frozenset(p for p, r in records.items() if r.family == "python")
            module_map = build_module_map({p: module_names(p, python) for p in python})
            self._resolver = TreeResolver(records, module_map, self._index.definitions_in)
        return self._resolver

    def _on_line(self, definition: Definition, name: str) -> Definition | None:
        """The class the index's exact use of ``name`` on the definition's line means."""
        for use in self._line_uses.on(definition.path, definition.symbol.line):
            found = use.definition
            if (
                use.name == name
                and found is not None
                and found != definition
                and found.symbol.kind in CLASS_KINDS
            ):
                return found
        return None

    def class_named(self, name: str, near: Definition) -> tuple[Definition | None, bool]:
        """The class ``name`` means where ``near`` is written, by name: the one of the same
        file, or of the folder in a language whose packages are folders (exact), else the
        one of the language's files (inexact); None when none, or several, are."""
        record = self._index.records[near.path]
        found = [d for d in self._classes.get((name_group(record.family), name), ()) if d != near]
        folder = near.path.rpartition("/")[0]
        same_file = [d for d in found if d.path == near.path]
        same_folder = (
            [d for d in found if d.path.rpartition("/")[0] == folder]
            if record.family in _FOLDER_NAMESPACES
            else []
        )
        for candidates in (same_file, same_folder):
            if len(candidates) == 1:
                return candidates[0], True
            if candidates:
                return None, False
        if len(found) == 1:
            return found[0], False
        return None, False

    def _resolve_base(self, definition: Definition, text: str) -> Base:
        name = base_name(text)
        on_line = self._on_line(definition, name)
        if on_line is not None:
            return Base(text, on_line, True)
        if self._index.records[definition.path].family == "python":
            found = self._python_resolver().resolve(definition.path, text).definition
            if found is not None and found.symbol.kind in CLASS_KINDS:
                return Base(text, found, True)
            return Base(text, None, True)
        found, exact = self.class_named(name, definition)
        return Base(text, found, exact)

    def _holder(self, impl: Definition) -> Definition:
        """The type a Rust ``impl`` block is of: its struct, enum or trait (by name, in the
        file first), or the impl itself for a type from outside the tree."""
        found, _ = self.class_named(impl.symbol.name, impl)
        return found if found is not None else impl

    def _add_bases(self, definition: Definition) -> None:
        """Resolve the bases a class, or a Rust ``impl``, writes. An impl's traits are its
        own (what its methods override) and its type's (what lists it as a subclass)."""
        holder = self._holder(definition) if definition.symbol.kind == IMPL_KIND else definition
        for text in definition.symbol.bases:
            base = self._resolve_base(definition, text)
            link = Base(base.text, base.definition, base.exact, definition)
            if holder != definition:
                self._bases.setdefault(definition, []).append(link)
            self._add_edge(holder, link)

    def _add_edge(self, subclass: Definition, base: Base) -> None:
        if base.definition == subclass:  # ``impl Serialize for ()`` is named after its trait
            return
        known = self._bases.setdefault(subclass, [])
        if base.definition is not None:
            if any(b.definition == base.definition for b in known):
                return
            self._subclasses[base.definition].append((subclass, base))
        known.append(base)

    # Go: interfaces satisfied by method sets.

    def _add_go_interfaces(self) -> None:
        index = self._index
        methods: dict[tuple[str, str], set[str]] = defaultdict(set)
        types: list[Definition] = []
        interfaces: list[tuple[Definition, frozenset[str]]] = []
        for path, definitions in index.definitions_in.items():
            if index.records[path].family != "go":
                continue
            folder = path.rpartition("/")[0]
            spans = {d.symbol.qualname: d for d in definitions if d.symbol.kind in CLASS_KINDS}
            own: dict[Definition, set[str]] = defaultdict(set)
            for definition in definitions:
                symbol = definition.symbol
                if symbol.kind != "method" or symbol.parent is None:
                    continue
                owner = spans.get(symbol.parent)
                if owner is not None and owner.symbol.line <= symbol.line <= owner.symbol.end_line:
                    own[owner].add(symbol.name)  # an interface's method spec
                else:
                    methods[(folder, symbol.parent)].add(symbol.name)
            types.extend(spans.values())
            # An interface declares method specs, or embeds other interfaces (its bases).
            for definition in spans.values():
                if definition in own or definition.symbol.bases:
                    interfaces.append((definition, frozenset(own.get(definition, ()))))
        by_key: dict[str, list[tuple[Definition, frozenset[str]]]] = defaultdict(list)
        for interface, own_names in interfaces:
            names = self._interface_methods(interface, own_names)
            if names:  # ``interface{}`` is every type's: no edge says anything
                by_key[min(names)].append((interface, names))
        for definition in sorted(types, key=lambda d: (d.path, d.symbol.line)):
            has = methods.get((definition.path.rpartition("/")[0], definition.symbol.name))
            if not has:
                continue
            covered = {
                interface
                for name in has
                for interface, names in by_key.get(name, ())
                if interface != definition and names <= has
            }
            for interface in sorted(covered, key=lambda d: (d.path, d.symbol.line)):
                text = interface.symbol.name
                self._add_edge(definition, Base(text, interface, False, definition))

    def _interface_methods(self, interface: Definition, names: frozenset[str]) -> frozenset[str]:
        """An interface's method names with those of the interfaces it embeds."""
        found = set(names)
        for base in self.ancestors(interface):
            members = self._index.definitions_in.get(base.path, ())
            found.update(
                d.symbol.name
                for d in members
                if d.symbol.parent == base.symbol.name and d.symbol.kind == "method"
            )
        return frozenset(found)

    # Queries.

    def base_links(self, cls: Definition) -> list[Base]:
        """The bases of ``cls`` in the order written, each resolved or not."""
        return list(self._bases.get(cls, ()))

    def bases(self, cls: Definition) -> list[Definition | str]:
        """The bases of ``cls``: in-tree classes as their definitions, others as written."""
        return [
            b.definition if b.definition is not None else display_text(b.text)
            for b in self._bases.get(cls, ())
        ]

    def subclasses(self, cls: Definition) -> list[Definition]:
        """The classes that name ``cls`` among their bases, by path and line."""
        return [sub for sub, _ in self._subclasses.get(cls, ())]

    def subclass_links(self, cls: Definition) -> list[tuple[Definition, Base]]:
        """The direct subclasses with the base link that makes each one (exact or not)."""
        return list(self._subclasses.get(cls, ()))

    def all_subclasses(self, cls: Definition) -> list[tuple[int, Definition]]:
        """Every subclass, with its depth (1 for a direct one), depth first as a tree is
        read; a class reached twice (a diamond) is listed once, at its first place."""
        found: list[tuple[int, Definition]] = []
        seen = {cls}
        pending = [(1, sub) for sub in reversed(self.subclasses(cls))]
        while pending:
            depth, sub = pending.pop()
            if sub in seen:
                continue
            seen.add(sub)
            found.append((depth, sub))
            if depth < _MAX_DEPTH:
                pending.extend((depth + 1, s) for s in reversed(self.subclasses(sub)))
        return found

    def ancestors(self, cls: Definition) -> Iterator[Definition]:
        """The in-tree bases of ``cls``, transitively, depth first and left to right (the
        method resolution order of single inheritance), each once."""
        seen = {cls}
        pending = [b.definition for b in reversed(self._bases.get(cls, ())) if b.definition]
        while pending:
            base = pending.pop()
            if base in seen:
                continue
            seen.add(base)
            yield base
            if len(seen) < _MAX_DEPTH:
                pending.extend(
                    b.definition for b in reversed(self._bases.get(base, ())) if b.definition
                )

    def owner(self, method: Definition) -> Definition | None:
        """The class (or Rust ``impl``) ``method`` is a member of: the one of its file that
        holds its line, else the one its parent names (a Go receiver's type, C++'s
        ``A::run``), found as a base would be."""
        parent = method.symbol.parent
        if parent is None or method.symbol.kind not in METHOD_KINDS:
            return None
        named = self._holders.get((method.path, parent), ())
        for definition in named:
            if definition.symbol.line <= method.symbol.line <= definition.symbol.end_line:
                return definition
        if named:
            return named[0]
        found, _ = self.class_named(parent.rpartition(".")[2], method)
        return found

    def _member(self, holder: Definition, name: str) -> Definition | None:
        """The method ``name`` of a class (of a Go type: in any file of its package), or of
        an ``impl`` block (inside it)."""
        symbol = holder.symbol
        found = self._members.get((holder.path, symbol.qualname, name), ())
        if symbol.kind == IMPL_KIND:
            found = [d for d in found if symbol.line <= d.symbol.line <= symbol.end_line]
        if not found and self._index.records[holder.path].family == "go":
            folder = holder.path.rpartition("/")[0]
            found = self._members.get((folder, "go:" + symbol.name, name), ())
        return found[0] if found else None

    def overrides(self, method: Definition) -> Definition | None:
        """The method of the same name in the nearest base class of ``method``'s class."""
        owner = self.owner(method)
        if owner is None:
            return None
        for base in self.ancestors(owner):
            found = self._member(base, method.symbol.name)
            if found is not None:
                return found
        return None

    def overridden_in(self, method: Definition) -> list[Definition]:
        """The methods of the same name in the subclasses of ``method``'s class, at any
        depth, in the order ``all_subclasses`` lists them (a Rust type's in the ``impl``
        that gives it the trait)."""
        owner = self.owner(method)
        if owner is None:
            return []
        found: list[Definition] = []
        for _, sub in self.all_subclasses(owner):
            holders = dict.fromkeys(
                [*(b.via for b in self._bases.get(sub, ()) if b.via is not None), sub]
            )
            for holder in holders:
                member = self._member(holder, method.symbol.name)
                if member is not None and member != method and member not in found:
                    found.append(member)
                    break
        return found
