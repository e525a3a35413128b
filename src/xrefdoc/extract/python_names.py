"""What each name used in a Python file refers to, from the file's own scopes and imports.

Python's scope rules, applied statically: a name bound anywhere in a function is local to
it (unless declared ``global``/``nonlocal``), class bodies are not visible from their
methods, comprehensions and lambdas have scopes of their own. A use that resolves to a local
value or a builtin is not a use of any keyword and is dropped; a use that resolves to an
import, a definition of this file, or an attribute of either gets a target path (see
``model.Reference``) that the cross-reference stage follows across the tree. An attribute of
a value of unknown type (``obj.run``) is kept as a textual use, without a target.
"""

from __future__ import annotations

import ast
import builtins
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from xrefdoc.core.model import Alias, Reference, child_target
from xrefdoc.extract.ast_nodes import child_nodes, walk_nodes
from xrefdoc.extract.type_params import TypeAlias, TypeParameter, type_params_of

BUILTIN_NAMES = frozenset(dir(builtins))

_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
# The nodes ``_BindingCollector.collect`` reads (or stops at); it walks through the others.
_BINDING_NODES = frozenset(
    {*_FUNCTIONS, ast.ClassDef, ast.Lambda, *_COMPREHENSIONS, ast.Name, ast.Import}
    | {ast.ImportFrom, ast.Global, ast.Nonlocal, ast.ExceptHandler, ast.MatchAs, ast.MatchStar}
    | {ast.MatchMapping}
)


@dataclass(frozen=True, slots=True)
class _Binding:
    """What a bound name stands for: candidate targets, or none for a plain local value.
    ``reported`` is false for ``self``/``cls``, which lead to their class's members but
    are not themselves uses of the class."""

    targets: tuple[str, ...] = ()
    reported: bool = True


_LOCAL = _Binding()


@dataclass(slots=True)
class _Scope:
    # "module", "class", "function" (lambdas and comprehensions too) or "annotation" (the
    # scope of PEP 695's type parameters: it sees the class it is directly in)
    kind: str
    qualname: str  # the ``parent`` of symbols defined here; "" at module level
    parent: _Scope | None
    bindings: dict[str, _Binding] = field(default_factory=dict)
    declared_global: set[str] = field(default_factory=set)
    declared_nonlocal: set[str] = field(default_factory=set)


@dataclass(frozen=True, slots=True)
class ResolvedNames:
    """The uses of one file, its module-level import aliases and its classes' bases."""

    references: tuple[Reference, ...]
    aliases: tuple[Alias, ...]
    # (class qualname, line) → targets of its bases.
    class_bases: dict[tuple[str, int], tuple[str, ...]]


def import_from_base(node: ast.ImportFrom) -> str:
    """The module of ``from … import``, a relative one with its dots (``..core``)."""
    return "." * node.level + (node.module or "")


class _BindingCollector:
    """The names one scope binds, found without entering nested scopes."""

    def __init__(self, scope: _Scope) -> None:
        self.scope = scope
        self.imported: dict[str, list[str]] = {}
        self.import_lines: dict[str, int] = {}
        self.defined: dict[str, list[str]] = {}
        self.stars: list[Alias] = []

    def _store_target(self, name: str) -> str | None:
        if self.scope.kind == "function":
            return None
        return "~" + child_target(self.scope.qualname, name)

    def _add(self, table: dict[str, list[str]], name: str, target: str | None) -> None:
        targets = table.setdefault(name, [])
        if target is not None and target not in targets:
            targets.append(target)

    def collect(self, nodes: Iterable[ast.AST]) -> None:
        stack = list(nodes)
        while stack:
            node = stack.pop()
            if type(node) not in _BINDING_NODES:  # most nodes: only their children count
                stack.extend(child_nodes(node))
                continue
            if isinstance(node, (*_FUNCTIONS, ast.ClassDef)):
                self._add(
                    self.defined, node.name, "~" + child_target(self.scope.qualname, node.name)
                )
                continue
            if isinstance(node, (ast.Lambda, *_COMPREHENSIONS)):
                continue
            if isinstance(node, ast.Name):
                if not isinstance(node.ctx, ast.Load):
                    self._add(self.defined, node.id, self._store_target(node.id))
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    bound = alias.asname or alias.name.split(".")[0]
                    self._add(self.imported, bound, alias.name if alias.asname else bound)
                    self.import_lines.setdefault(bound, node.lineno)
            elif isinstance(node, ast.ImportFrom):
                base = import_from_base(node)
                for alias in node.names:
                    if alias.name == "*":
                        self.stars.append(Alias("*", base, node.lineno))
                    else:
                        bound = alias.asname or alias.name
                        self._add(self.imported, bound, child_target(base, alias.name))
                        self.import_lines.setdefault(bound, node.lineno)
            elif isinstance(node, ast.Global):
                self.scope.declared_global.update(node.names)
            elif isinstance(node, ast.Nonlocal):
                self.scope.declared_nonlocal.update(node.names)
            elif isinstance(node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)) and node.name:
                self._add(self.defined, node.name, self._store_target(node.name))
            elif isinstance(node, ast.MatchMapping) and node.rest:
                self._add(self.defined, node.rest, self._store_target(node.rest))
            stack.extend(child_nodes(node))

    def bind(self) -> None:
        """Imports win over other bindings (``try: from x import f`` / ``except: def f``
        keeps both, the import first); a name only ever assigned is a plain value."""
        for name in self.imported.keys() | self.defined.keys():
            targets = self.imported.get(name, []) + self.defined.get(name, [])
            binding = _Binding(tuple(dict.fromkeys(targets))) if targets else _LOCAL
            self.scope.bindings[name] = binding


def _bound_scope(
    kind: str, qualname: str, parent: _Scope | None, body: Iterable[ast.AST]
) -> tuple[_Scope, _BindingCollector]:
    """A new scope with the names ``body`` binds in it."""
    scope = _Scope(kind, qualname, parent)
    collector = _BindingCollector(scope)
    collector.collect(body)
    collector.bind()
    return scope, collector


def _parameters(arguments: ast.arguments) -> list[ast.arg]:
    found = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
    found += [arg for arg in (arguments.vararg, arguments.kwarg) if arg is not None]
    return found


def _method_kind(node: ast.FunctionDef | ast.AsyncFunctionDef) -> str:
    """``static``, ``class`` or ``instance``, from the decorators."""
    names = {d.id for d in node.decorator_list if isinstance(d, ast.Name)}
    if "staticmethod" in names:
        return "static"
    return "class" if "classmethod" in names else "instance"


class _Resolver:
    """Walks the tree scope by scope, recording each use with what it refers to."""

    def __init__(self) -> None:
        self.references: set[Reference] = set()
        self.class_bases: dict[tuple[str, int], tuple[str, ...]] = {}
        self.module_has_star = False

    # Scopes -----------------------------------------------------------------------------

    def module(self, tree: ast.Module) -> list[Alias]:
        scope, collector = _bound_scope("module", "", None, tree.body)
        self.module_has_star = bool(collector.stars)
        for statement in tree.body:
            self.visit(statement, scope)
        aliases = [
            Alias(name, "|".join(targets), collector.import_lines[name])
            for name, targets in sorted(collector.imported.items())
        ]
        return aliases + collector.stars

    def _function_scope(
        self,
        node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda,
        parent: _Scope,
        qualname: str,
    ) -> _Scope:
        body = node.body if isinstance(node.body, list) else [node.body]
        scope, _ = _bound_scope("function", qualname, parent, body)
        parameters = _parameters(node.args)
        for parameter in parameters:
            # Also bound by an import in the body: which one a use sees depends on the flow.
            scope.bindings[parameter.arg] = _LOCAL
        owner = parent.parent if parent.kind == "annotation" and parent.parent else parent
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and owner.kind == "class":
            receiver = (node.args.posonlyargs + node.args.args)[:1]
            kind = _method_kind(node)
            if receiver and kind != "static":
                # ``self`` is an instance (what calling the class returns), ``cls`` the class.
                target = "~" + parent.qualname + ("()" if kind == "instance" else "")
                scope.bindings[receiver[0].arg] = _Binding((target,), False)
        return scope

    def _binding_of(self, name: str, scope: _Scope) -> _Binding | None:
        """The binding a use of ``name`` sees; a name bound nowhere in a module with star
        imports may come from one of them, so it is looked up in the module namespace."""
        binding = self._lookup(name, scope)
        if binding is None and self.module_has_star and name not in BUILTIN_NAMES:
            return _Binding(("~" + name,))
        return binding

    def _lookup(self, name: str, scope: _Scope) -> _Binding | None:
        current: _Scope | None = scope
        first = True
        while current is not None:
            if name in current.declared_global:
                while current.parent is not None:
                    current = current.parent
                return current.bindings.get(name)
            seen_from_annotation = scope.kind == "annotation" and current is scope.parent
            hidden_class = current.kind == "class" and not first and not seen_from_annotation
            skip = hidden_class or name in current.declared_nonlocal
            if not skip and name in current.bindings:
                return current.bindings[name]
            first = False
            current = current.parent
        return None

    # Uses -------------------------------------------------------------------------------

    def _targets_of(self, node: ast.expr, scope: _Scope, base: bool = False) -> tuple[str, ...]:
        """Candidate paths of an expression made of names, attributes and calls, or none;
        ``base`` reads ``Generic[T]`` as ``Generic`` (a class base, not an item of it)."""
        if isinstance(node, ast.Name):
            binding = self._binding_of(node.id, scope)
            return binding.targets if binding is not None else ()
        if isinstance(node, ast.Attribute):
            return tuple(f"{path}.{node.attr}" for path in self._targets_of(node.value, scope))
        if base and isinstance(node, ast.Subscript):
            return self._targets_of(node.value, scope)
        if isinstance(node, ast.Call):  # Engine().run: a member of what the call returns
            return tuple(f"{path}()" for path in self._targets_of(node.func, scope))
        return ()

    def _use_name(self, name: str, line: int, column: int, scope: _Scope) -> None:
        binding = self._binding_of(name, scope)
        if binding is not None and binding.targets and binding.reported:
            target = "|".join(binding.targets)
            self.references.add(Reference(name, line, True, target, column))

    def _use_attribute(self, node: ast.Attribute, scope: _Scope) -> None:
        line = node.end_lineno or node.lineno
        column = (node.end_col_offset or 0) - len(node.attr.encode("utf-8"))
        targets = self._targets_of(node, scope)
        if targets:
            self.references.add(Reference(node.attr, line, True, "|".join(targets), column))
        else:
            self.references.add(Reference(node.attr, line, False, "", column))

    def visit(self, node: ast.AST, scope: _Scope) -> None:
        """Record the uses under ``node``: a handler for the nodes that bind or use names,
        found by the node's type (this runs for every node of every module), else its
        children."""
        handler = _VISITORS.get(type(node))
        if handler is not None:
            handler(self, node, scope)
        else:
            self._visit_children(node, scope)

    def _visit_children(self, node: ast.AST, scope: _Scope) -> None:
        for child in child_nodes(node):
            self.visit(child, scope)

    def _type_params_scope(self, params: list[TypeParameter], scope: _Scope) -> _Scope:
        """The scope that PEP 695's type parameters open around a definition (``scope``
        without any): its names are local; their bounds are uses in it."""
        if not params:
            return scope
        inner = _Scope("annotation", scope.qualname, scope)
        for param in params:
            inner.bindings[param.name] = _LOCAL
        for param in params:
            for part in (getattr(param, "bound", None), getattr(param, "default_value", None)):
                if part is not None:
                    self.visit(part, inner)
        return inner

    def _visit_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef, scope: _Scope) -> None:
        annotations = self._type_params_scope(type_params_of(node), scope)
        self._visit_outer_parts(node.decorator_list, node.args, scope, annotations)
        if node.returns is not None:
            self.visit(node.returns, annotations)
        inner = self._function_scope(node, annotations, child_target(scope.qualname, node.name))
        for statement in node.body:
            self.visit(statement, inner)

    def _visit_class(self, node: ast.ClassDef, scope: _Scope) -> None:
        qualname = child_target(scope.qualname, node.name)
        for decorator in node.decorator_list:
            self.visit(decorator, scope)
        outer = self._type_params_scope(type_params_of(node), scope)
        for part in [*node.bases, *(k.value for k in node.keywords)]:
            self.visit(part, outer)
        bases = ["|".join(self._targets_of(base, outer, base=True)) for base in node.bases]
        self.class_bases[(qualname, node.lineno)] = tuple(base for base in bases if base)
        inner, _ = _bound_scope("class", qualname, outer, node.body)
        for statement in node.body:
            self.visit(statement, inner)

    def _visit_type_alias(self, node: TypeAlias, scope: _Scope) -> None:
        """``type Pair[T] = tuple[T, T]``: the value is read in the parameters' scope (the
        name is a binding of ``scope``, found with its others)."""
        self.visit(node.value, self._type_params_scope(node.type_params, scope))

    def _visit_lambda(self, node: ast.Lambda, scope: _Scope) -> None:
        self._visit_outer_parts([], node.args, scope)
        self.visit(node.body, self._function_scope(node, scope, scope.qualname))

    def _visit_name(self, node: ast.Name, scope: _Scope) -> None:
        if isinstance(node.ctx, ast.Load):
            self._use_name(node.id, node.lineno, node.col_offset, scope)

    def _visit_attribute(self, node: ast.Attribute, scope: _Scope) -> None:
        self._use_attribute(node, scope)
        self.visit(node.value, scope)

    def _visit_import_from(self, node: ast.ImportFrom, scope: _Scope) -> None:
        base = import_from_base(node)
        for alias in node.names:
            if alias.name != "*":
                path = child_target(base, alias.name)
                reference = Reference(alias.name, alias.lineno, True, path, alias.col_offset)
                self.references.add(reference)

    def _visit_augmented(self, node: ast.AugAssign, scope: _Scope) -> None:
        if isinstance(node.target, ast.Name):
            name = node.target
            self._use_name(name.id, name.lineno, name.col_offset, scope)
            self.visit(node.value, scope)
        else:
            self._visit_children(node, scope)

    def _visit_outer_parts(
        self,
        decorators: list[ast.expr],
        arguments: ast.arguments,
        scope: _Scope,
        annotations: _Scope | None = None,
    ) -> None:
        """Decorators, defaults and annotations run in the enclosing scope (annotations in
        the scope of the type parameters, when there are some)."""
        outer: list[ast.AST] = [*decorators, *arguments.defaults]
        outer += [default for default in arguments.kw_defaults if default is not None]
        for part in outer:
            self.visit(part, scope)
        for arg in _parameters(arguments):
            if arg.annotation:
                self.visit(arg.annotation, annotations or scope)

    def _visit_comprehension(
        self, node: ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp, scope: _Scope
    ) -> None:
        generators = node.generators
        self.visit(generators[0].iter, scope)
        inner = _Scope("function", scope.qualname, scope)
        for generator in generators:
            for name in walk_nodes(generator.target):
                if isinstance(name, ast.Name):
                    inner.bindings[name.id] = _LOCAL
        parts: list[ast.AST] = []
        for position, generator in enumerate(generators):
            if position:
                parts.append(generator.iter)
            parts.extend(generator.ifs)
            parts.append(generator.target)  # attributes and subscripts in targets are uses
        if isinstance(node, ast.DictComp):
            parts += [node.key, node.value]
        else:
            parts.append(node.elt)
        for part in parts:
            self.visit(part, inner)


_Visitor = Callable[[_Resolver, Any, _Scope], None]
_VISITORS: dict[type[ast.AST], _Visitor] = {
    ast.FunctionDef: _Resolver._visit_function,
    ast.AsyncFunctionDef: _Resolver._visit_function,
    ast.ClassDef: _Resolver._visit_class,
    ast.Lambda: _Resolver._visit_lambda,
    **dict.fromkeys(_COMPREHENSIONS, _Resolver._visit_comprehension),
    ast.Name: _Resolver._visit_name,
    ast.Attribute: _Resolver._visit_attribute,
    ast.ImportFrom: _Resolver._visit_import_from,
    ast.AugAssign: _Resolver._visit_augmented,
    TypeAlias: _Resolver._visit_type_alias,
}


def resolve_names(tree: ast.Module) -> ResolvedNames:
    """Every use in ``tree`` with its target; raises RecursionError on pathological nesting."""
    resolver = _Resolver()
    aliases = resolver.module(tree)
    references = sorted(resolver.references, key=lambda r: (r.line, r.column, r.name, r.target))
    return ResolvedNames(tuple(references), tuple(aliases), resolver.class_bases)
