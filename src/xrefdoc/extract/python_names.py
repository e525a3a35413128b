"""What each name used in a Python file refers to, from the file's own scopes, imports and
annotations.

Python's scope rules, applied statically: a name bound anywhere in a function is local to
it (unless declared ``global``/``nonlocal``), class bodies are not visible from their
methods, comprehensions and lambdas have scopes of their own. Within a scope the statements
are read in order, as they run: a use sees the bindings on the paths that reach it (an
import inside an ``if`` below a use does not bind it there), and the bodies of functions are
read when their scope ends, as they run after it. A use that resolves to a local value or a
builtin is not a use of any keyword and is dropped; a use that resolves to an import, a
definition of this file, or an attribute of either gets a target path (see
``model.Reference``) that the cross-reference stage follows across the tree.

Values are typed as a type checker would, statically: an annotated parameter or variable,
a constructor call, a call of a function whose return type is written or evident, ``self``,
``super()``, the element of an annotated container, the target of ``with``. So
``ctx.invoke`` with ``ctx: Context`` has the target ``~Context().invoke``. A value of unknown
type (``obj.run``) keeps its attribute as a textual use, without a target.
"""

from __future__ import annotations

import ast
import builtins
from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from xrefdoc.core.model import Alias, Reference, child_target
from xrefdoc.extract.ast_nodes import child_nodes, children_in, walk_nodes
from xrefdoc.extract.python_flow import BUILTINS, Binding, FlowState, ends_abruptly, join_states
from xrefdoc.extract.python_flow import LOCAL as _LOCAL
from xrefdoc.extract.python_types import AnnotationReader, container, elements_of, union
from xrefdoc.extract.type_params import TypeAlias, TypeParameter, type_params_of

BUILTIN_NAMES = frozenset(dir(builtins))
_BUILTIN_CLASSES = frozenset(
    name
    for name in BUILTIN_NAMES
    if isinstance(getattr(builtins, name), type)
    and not issubclass(getattr(builtins, name), BaseException)
    and name not in ("type", "super", "object")
)
# Literals and displays: values of Python's own types, whose members are none of the tree's
# (``"-".join``, ``[].append``: no use of a ``join`` or ``append`` the tree defines).
_LITERALS: dict[type[ast.AST], str] = {
    ast.JoinedStr: f"{BUILTINS}str()",
    ast.List: f"{BUILTINS}list()",
    ast.ListComp: f"{BUILTINS}list()",
    ast.Dict: f"{BUILTINS}dict()",
    ast.DictComp: f"{BUILTINS}dict()",
    ast.Set: f"{BUILTINS}set()",
    ast.SetComp: f"{BUILTINS}set()",
    ast.Tuple: f"{BUILTINS}tuple()",
}

_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
# The nodes ``_BindingCollector.collect`` reads (or stops at); it walks through the others.
_BINDING_NODES = frozenset(
    {*_FUNCTIONS, ast.ClassDef, ast.Lambda, *_COMPREHENSIONS, ast.Name, ast.Import}
    | {ast.ImportFrom, ast.Global, ast.Nonlocal, ast.ExceptHandler, ast.MatchAs, ast.MatchStar}
    | {ast.MatchMapping}
)
# Where a statement may bind a name in its scope when no expression there can (no line of
# the scope holds an assignment expression, ``:=``): its targets and the statements in it,
# not its expressions, which are most of a module's nodes. Any other node is walked whole.
_BINDING_FIELDS: dict[type[ast.AST], tuple[str, ...]] = {
    ast.Assign: ("targets",),
    ast.AugAssign: ("target",),
    ast.AnnAssign: ("target",),
    ast.Delete: ("targets",),
    ast.For: ("target", "body", "orelse"),
    ast.AsyncFor: ("target", "body", "orelse"),
    ast.While: ("body", "orelse"),
    ast.If: ("body", "orelse"),
    ast.With: ("items", "body"),
    ast.AsyncWith: ("items", "body"),
    ast.withitem: ("optional_vars",),
    ast.Try: ("body", "handlers", "orelse", "finalbody"),
    ast.TryStar: ("body", "handlers", "orelse", "finalbody"),
    ast.Match: ("cases",),
    ast.match_case: ("pattern", "body"),
    **dict.fromkeys((ast.Expr, ast.Return, ast.Raise, ast.Assert), ()),
}
# Decorators after which a function's name is still the function, or what ``_PROPERTIES``
# and fixtures make of it (read elsewhere), or a value that is not worth reading.
_KEEPING = frozenset(
    {"property", "cached_property", "abstractproperty", "setter", "getter", "deleter"}
    | {"staticmethod", "classmethod", "overload", "abstractmethod", "override", "final"}
    | {"fixture", "wraps", "contextmanager", "asynccontextmanager", "lru_cache", "cache"}
    | {"parametrize", "skip", "skipif", "xfail", "usefixtures", "filterwarnings"}
)
# Methods whose first parameter is the class without a decorator saying so.
_CLASS_RECEIVERS = frozenset({"__new__", "__init_subclass__", "__class_getitem__"})
# Decorators that make a method's value what it returns, read as an attribute.
_PROPERTIES = frozenset({"property", "cached_property", "abstractproperty"})


@dataclass(slots=True)
class _Scope:
    # "module", "class", "function" (lambdas and comprehensions too) or "annotation" (the
    # scope of PEP 695's type parameters: it sees the class it is directly in)
    kind: str
    qualname: str  # the ``parent`` of symbols defined here; "" at module level
    parent: _Scope | None
    # Every binding of the scope, wherever it is (what a use sees that no path reaches).
    bindings: dict[str, Binding] = field(default_factory=dict)
    # The bindings on the paths to the statement being read.
    flow: FlowState = field(default_factory=dict)
    declared_global: set[str] = field(default_factory=set)
    declared_nonlocal: set[str] = field(default_factory=set)
    # Bodies of the functions defined here, read when the scope ends (module and functions).
    deferred: list[Callable[[], None]] = field(default_factory=list)
    # For a method: its class; ``receiver`` names its ``self`` (instance methods only).
    owner: str = ""
    receiver: str = ""
    # For a ``def``: the targets of each value it returns (None: unknown), and whether it
    # yields (then a call returns a generator, not those values).
    returned: list[tuple[str, ...]] | None = None
    yields: bool = False
    yielded: list[tuple[str, ...]] = field(default_factory=list)
    # A comprehension's scope: an assignment expression in it binds in the scope around it.
    comprehension: bool = False


@dataclass(frozen=True, slots=True)
class InstanceAttribute:
    """``self.name = …`` in a method: an attribute of the method's class, where it is first
    assigned, and the targets of its type when written or evident."""

    owner: str
    name: str
    line: int
    end_line: int
    value_type: str


@dataclass(frozen=True, slots=True)
class ResolvedNames:
    """The uses of one file, its module-level import aliases, and what it says of its
    definitions: classes' bases, the types of variables and properties, the return types of
    functions (each keyed by (qualname, line), as targets), and instance attributes."""

    references: tuple[Reference, ...]
    aliases: tuple[Alias, ...]
    class_bases: dict[tuple[str, int], tuple[str, ...]]
    value_types: dict[tuple[str, int], str]
    return_types: dict[tuple[str, int], str]
    attributes: tuple[InstanceAttribute, ...]


def import_from_base(node: ast.ImportFrom) -> str:
    """The module of ``from … import``, a relative one with its dots (``..core``)."""
    return "." * node.level + (node.module or "")


def _import_targets(node: ast.ImportFrom) -> list[tuple[str, str]]:
    """(bound name, target) for each name ``from … import`` binds (not ``*``)."""
    base = import_from_base(node)
    return [
        (alias.asname or alias.name, child_target(base, alias.name))
        for alias in node.names
        if alias.name != "*"
    ]


def _bound_by_import(alias: ast.alias) -> tuple[str, str]:
    """(bound name, target) of one name of ``import a.b [as c]``."""
    bound = alias.asname or alias.name.split(".")[0]
    return bound, alias.name if alias.asname else bound


class _BindingCollector:
    """The names one scope binds, found without entering nested scopes."""

    def __init__(self, scope: _Scope, expressions_bind: bool) -> None:
        self.scope = scope
        self._expressions_bind = expressions_bind
        self.imported: dict[str, list[str]] = {}
        self.import_lines: dict[str, int] = {}
        self.defined: dict[str, list[str]] = {}
        self.stars: list[Alias] = []

    def _add(self, table: dict[str, list[str]], name: str, target: str | None) -> None:
        targets = table.setdefault(name, [])
        if target is not None and target not in targets:
            targets.append(target)

    def collect(self, nodes: Iterable[ast.AST]) -> None:
        stack = list(nodes)
        while stack:
            node = stack.pop()
            if type(node) not in _BINDING_NODES:  # most nodes: only their children count
                # Where it need not look inside expressions: nowhere when one may bind.
                fields = None if self._expressions_bind else _BINDING_FIELDS.get(type(node))
                stack.extend(child_nodes(node) if fields is None else children_in(node, fields))
                continue
            if isinstance(node, (*_FUNCTIONS, ast.ClassDef)):
                self._add(self.defined, node.name, _definition_target(self.scope, node.name))
                continue
            if isinstance(node, _COMPREHENSIONS) and self._expressions_bind:
                # ``:=`` in a comprehension binds in the scope around it (PEP 572).
                for name in _comprehension_assignments(node):
                    self._add(self.defined, name, _store_target(self.scope, name))
            if isinstance(node, (ast.Lambda, *_COMPREHENSIONS)):
                continue
            if isinstance(node, ast.Name):
                if not isinstance(node.ctx, ast.Load):
                    self._add(self.defined, node.id, _store_target(self.scope, node.id))
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    bound, target = _bound_by_import(alias)
                    self._add(self.imported, bound, target)
                    self.import_lines.setdefault(bound, node.lineno)
            elif isinstance(node, ast.ImportFrom):
                for alias in node.names:
                    if alias.name == "*":
                        self.stars.append(Alias("*", import_from_base(node), node.lineno))
                for bound, target in _import_targets(node):
                    self._add(self.imported, bound, target)
                    self.import_lines.setdefault(bound, node.lineno)
            elif isinstance(node, ast.Global):
                self.scope.declared_global.update(node.names)
            elif isinstance(node, ast.Nonlocal):
                self.scope.declared_nonlocal.update(node.names)
            elif isinstance(node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)) and node.name:
                self._add(self.defined, node.name, _store_target(self.scope, node.name))
            elif isinstance(node, ast.MatchMapping) and node.rest:
                self._add(self.defined, node.rest, _store_target(self.scope, node.rest))
            stack.extend(child_nodes(node))

    def bind(self) -> None:
        """Imports win over other bindings (``try: from x import f`` / ``except: def f``
        keeps both, the import first); a name only ever assigned is a plain value."""
        for name in self.imported.keys() | self.defined.keys():
            targets = self.imported.get(name, []) + self.defined.get(name, [])
            binding = Binding(tuple(dict.fromkeys(targets))) if targets else _LOCAL
            self.scope.bindings[name] = binding


def _comprehension_assignments(node: ast.AST) -> list[str]:
    """The names the assignment expressions (``:=``) in a comprehension bind, in the
    comprehensions nested in it too; not in a lambda, whose own they are."""
    found = []
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, ast.NamedExpr) and isinstance(current.target, ast.Name):
            found.append(current.target.id)
        if not isinstance(current, ast.Lambda):
            stack.extend(child_nodes(current))
    return found


def _store_target(scope: _Scope, name: str) -> str | None:
    """What assigning ``name`` in ``scope`` defines: a module or class variable; nothing in
    a function (a local value)."""
    if scope.kind == "function":
        return None
    return "~" + child_target(scope.qualname, name)


def _definition_target(scope: _Scope, name: str) -> str:
    return "~" + child_target(scope.qualname, name)


def _bound_scope(
    kind: str,
    qualname: str,
    parent: _Scope | None,
    body: Iterable[ast.AST],
    expressions_bind: bool,
) -> tuple[_Scope, _BindingCollector]:
    """A new scope with the names ``body`` binds in it (``expressions_bind``: whether an
    expression in it may bind one, ``_Resolver._may_bind``)."""
    scope = _Scope(kind, qualname, parent)
    collector = _BindingCollector(scope, expressions_bind)
    collector.collect(body)
    collector.bind()
    return scope, collector


def _parameters(arguments: ast.arguments) -> list[ast.arg]:
    found = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
    found += [arg for arg in (arguments.vararg, arguments.kwarg) if arg is not None]
    return found


def _outside_annotation(scope: _Scope) -> _Scope:
    """The scope around PEP 695's type parameters when ``scope`` is theirs, else ``scope``:
    where a method's class is."""
    return scope.parent if scope.kind == "annotation" and scope.parent else scope


def _fixture_parameters(
    node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda, decorators: frozenset[str]
) -> set[str]:
    """The parameters pytest gives a fixture's value (``@name``, see ``model.Reference``):
    those of a test or a fixture without a default."""
    if not isinstance(node, _FUNCTIONS):
        return set()
    if not node.name.startswith("test") and "fixture" not in decorators:
        return set()
    arguments = node.args
    positional = arguments.posonlyargs + arguments.args
    plain = positional[: len(positional) - len(arguments.defaults)]
    plain += [
        a for a, d in zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True) if d is None
    ]
    return {argument.arg for argument in plain if argument.annotation is None}


def _host(scope: _Scope) -> _Scope:
    """The scope whose end runs the bodies of functions defined in ``scope``: the nearest
    one that is not a class body (nor the scope of type parameters)."""
    current = scope
    while current.kind in ("class", "annotation") and current.parent is not None:
        current = current.parent
    return current


def _method_of(scope: _Scope) -> _Scope | None:
    """The ``def`` of a method that ``scope`` is in (or is), if any."""
    current: _Scope | None = scope
    while current is not None and current.kind == "function":
        if current.owner:
            return current
        current = current.parent
    return None


class _Resolver:
    """Walks the tree scope by scope, recording each use with what it refers to."""

    def __init__(self, assignment_lines: Sequence[int] | None) -> None:
        self.assignment_lines = assignment_lines
        self.references: set[Reference] = set()
        self.class_bases: dict[tuple[str, int], tuple[str, ...]] = {}
        self.value_types: dict[tuple[str, int], str] = {}
        self.return_types: dict[tuple[str, int], str] = {}
        self.attributes: dict[tuple[str, str], InstanceAttribute] = {}
        self.module_has_star = False

    # Scopes -----------------------------------------------------------------------------

    def module(self, tree: ast.Module) -> list[Alias]:
        scope, collector = _bound_scope("module", "", None, tree.body, self._may_bind(tree.body))
        self.module_has_star = bool(collector.stars)
        self._body(tree.body, scope)
        self._end(scope)
        aliases = [
            Alias(name, "|".join(targets), collector.import_lines[name])
            for name, targets in sorted(collector.imported.items())
        ]
        return aliases + collector.stars

    def _may_bind(self, body: Sequence[ast.AST]) -> bool:
        """Whether an expression in ``body`` may bind a name: a line it spans holds ``:=``
        (or its lines are not known)."""
        lines = self.assignment_lines
        if lines is None:
            return True
        if not lines or not body:
            return False
        first = getattr(body[0], "lineno", None)
        last = getattr(body[-1], "end_lineno", None)
        if first is None or last is None:
            return True
        at = bisect_left(lines, first)
        return at < len(lines) and lines[at] <= last

    def _end(self, scope: _Scope) -> None:
        """Read the bodies of the functions defined in ``scope``, now that it has run."""
        while scope.deferred:
            pending, scope.deferred = scope.deferred, []
            for read in pending:
                read()

    def _body(self, statements: list[ast.stmt], scope: _Scope) -> None:
        for statement in statements:
            self.visit(statement, scope)

    def _function_scope(
        self,
        node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda,
        parent: _Scope,
        qualname: str,
        decorators: frozenset[str] = frozenset(),
    ) -> _Scope:
        """The scope of a ``def`` (whose ``decorators`` are named, see ``_decorator_names``)
        or a lambda, its parameters bound to what they are given."""
        body = node.body if isinstance(node.body, list) else [node.body]
        scope, _ = _bound_scope("function", qualname, parent, body, self._may_bind(body))
        receiver = self._receiver(node, parent, decorators)
        reader = AnnotationReader(lambda n: self._targets_of(n, parent), self._self_type(parent))
        fixtures = _fixture_parameters(node, decorators)
        for position, parameter in enumerate(_parameters(node.args)):
            # Also bound by an import in the body: which one a use sees depends on the flow.
            binding = _LOCAL
            if position == 0 and receiver is not None:
                binding = receiver
            elif parameter.annotation is not None:
                typed = reader.value(parameter.annotation)
                if parameter is node.args.vararg or parameter is node.args.kwarg:
                    typed = container(typed)
                binding = Binding(typed, False) if typed else _LOCAL
            elif parameter.arg in fixtures:
                binding = Binding(("@" + parameter.arg,), False)
            scope.bindings[parameter.arg] = binding
            scope.flow[parameter.arg] = binding
        if receiver is not None:
            scope.owner = _outside_annotation(parent).qualname
            if receiver.targets[0].endswith("()"):
                scope.receiver = (node.args.posonlyargs + node.args.args)[0].arg
        return scope

    def _receiver(
        self,
        node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda,
        parent: _Scope,
        decorators: frozenset[str],
    ) -> Binding | None:
        """``self`` of an instance method is an instance (what calling the class returns),
        ``cls`` of a class method the class; neither is a use of the class."""
        parent = _outside_annotation(parent)
        if not isinstance(node, _FUNCTIONS) or parent.kind != "class":
            return None
        if not (node.args.posonlyargs or node.args.args):
            return None
        if "staticmethod" in decorators:
            return None
        instance = "classmethod" not in decorators and node.name not in _CLASS_RECEIVERS
        return Binding(("~" + parent.qualname + ("()" if instance else ""),), False)

    def _self_type(self, scope: _Scope) -> tuple[str, ...]:
        """``Self`` in an annotation read in ``scope``: an instance of the enclosing class."""
        scope = _outside_annotation(scope)
        if scope.kind == "class":
            return ("~" + scope.qualname + "()",)
        method = _method_of(scope)
        return ("~" + method.owner + "()",) if method is not None else ()

    def _decorated(
        self,
        node: ast.FunctionDef | ast.AsyncFunctionDef,
        scope: _Scope,
        decorators: frozenset[str],
    ) -> tuple[str, ...]:
        """What the name of a decorated function holds, when its outermost decorator is a
        call of known type (``@click.group()``: what calling ``group()`` returns, a Group),
        and not one of those that keep the function (or make a property, a fixture)."""
        if not node.decorator_list or decorators & _KEEPING:
            return ()
        found = self._targets_of(node.decorator_list[0], scope)
        return tuple(f"{target}()" for target in found if not target.startswith(BUILTINS))

    def _decorator_names(
        self, node: ast.FunctionDef | ast.AsyncFunctionDef, scope: _Scope
    ) -> frozenset[str]:
        """The last part of each decorator's name (``cached_property`` for
        ``functools.cached_property``), as written or as imported: read once, where the
        ``def`` runs."""
        if not node.decorator_list:  # most functions have none
            return frozenset()
        names: set[str] = set()
        for decorator in node.decorator_list:
            if isinstance(decorator, ast.Call):
                decorator = decorator.func
            if isinstance(decorator, ast.Name):
                names.add(decorator.id)
            elif isinstance(decorator, ast.Attribute):
                names.add(decorator.attr)
            names.update(t.rpartition(".")[2] for t in self._targets_of(decorator, scope))
        return frozenset(names)

    def _binding_of(self, name: str, scope: _Scope) -> Binding | None:
        """The binding a use of ``name`` sees; a name bound nowhere in a module with star
        imports may come from one of them, so it is looked up in the module namespace."""
        binding = self._lookup(name, scope)
        if binding is None and self.module_has_star and name not in BUILTIN_NAMES:
            return Binding(("~" + name,))
        return binding

    def _lookup(self, name: str, scope: _Scope) -> Binding | None:
        current: _Scope | None = scope
        first = True
        while current is not None:
            if name in current.declared_global:
                while current.parent is not None:
                    current = current.parent
                return current.flow.get(name) or current.bindings.get(name)
            seen_from_annotation = scope.kind == "annotation" and current is scope.parent
            hidden_class = current.kind == "class" and not first and not seen_from_annotation
            skip = hidden_class or name in current.declared_nonlocal
            if not skip:
                found = current.flow.get(name) or current.bindings.get(name)
                if found is not None:
                    return found
            first = False
            current = current.parent
        return None

    def _bind(self, scope: _Scope, name: str, binding: Binding) -> None:
        """``name`` is bound to ``binding`` from here on in ``scope``'s flow."""
        if name not in scope.declared_global and name not in scope.declared_nonlocal:
            scope.flow[name] = binding

    def _bind_value(
        self, scope: _Scope, target: ast.expr, typed: tuple[str, ...], line: int
    ) -> None:
        """An assignment of a value of ``typed`` to ``target``: a local value of that type
        in a function; a variable of this module or class, with that type, elsewhere."""
        if isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self._bind_value(scope, element, (), line)
        elif isinstance(target, ast.Starred):
            self._bind_value(scope, target.value, (), line)
        elif isinstance(target, ast.Name):
            if scope.kind == "function":
                self._bind(scope, target.id, Binding(typed, False) if typed else _LOCAL)
            else:
                stored = _definition_target(scope, target.id)
                self._bind(scope, target.id, Binding((stored,)))
                if typed:
                    key = (child_target(scope.qualname, target.id), line)
                    self.value_types.setdefault(key, "|".join(typed))
        elif isinstance(target, ast.Attribute):
            self._instance_attribute(scope, target, typed, line)

    def _instance_attribute(
        self, scope: _Scope, target: ast.Attribute, typed: tuple[str, ...], line: int
    ) -> None:
        """``self.name = …`` in a method defines an attribute of its class (where it is
        first assigned), typed by the first assignment whose type is known."""
        method = _method_of(scope)
        value = target.value
        if method is None or not isinstance(value, ast.Name) or value.id != method.receiver:
            return
        if self._lookup(value.id, scope) is not method.bindings.get(value.id):
            return  # ``self`` rebound to something else
        key = (method.owner, target.attr)
        known = self.attributes.get(key)
        if known is None:
            end = target.end_lineno or line
            self.attributes[key] = InstanceAttribute(*key, line, end, "|".join(typed))
        elif typed and not known.value_type:
            self.attributes[key] = InstanceAttribute(
                *key, known.line, known.end_line, "|".join(typed)
            )

    # Values -----------------------------------------------------------------------------

    def _targets_of(self, node: ast.expr, scope: _Scope, base: bool = False) -> tuple[str, ...]:
        """Candidate paths of an expression made of names, attributes, calls and items, or
        none; ``base`` reads ``Generic[T]`` as ``Generic`` (a class base, not an item)."""
        if isinstance(node, ast.Name):
            binding = self._binding_of(node.id, scope)
            if binding is None:  # ``str.join``, ``object.__setattr__``: Python's own
                return (BUILTINS + node.id,) if node.id in BUILTIN_NAMES else ()
            return binding.targets
        if isinstance(node, ast.Attribute):
            return tuple(f"{path}.{node.attr}" for path in self._targets_of(node.value, scope))
        if isinstance(node, ast.Subscript):
            found = self._targets_of(node.value, scope)
            return found if base else elements_of(found)
        if isinstance(node, ast.Call):  # Engine().run: a member of what the call returns
            special = self._builtin_call(node, scope)
            if special is not None:
                return special
            return tuple(f"{path}()" for path in self._targets_of(node.func, scope))
        if isinstance(node, ast.Await):
            return self._targets_of(node.value, scope)
        if isinstance(node, ast.NamedExpr):
            return self._targets_of(node.value, scope)
        if isinstance(node, ast.IfExp):
            return union(self._targets_of(node.body, scope), self._targets_of(node.orelse, scope))
        if isinstance(node, ast.BoolOp):
            return union(*(self._targets_of(value, scope) for value in node.values))
        literal = _LITERALS.get(type(node))
        if literal is not None:
            return (literal,)
        if isinstance(node, ast.Constant) and node.value is not None:  # None: a placeholder
            return (f"{BUILTINS}{type(node.value).__name__}()",)
        return ()

    def _builtin_call(self, node: ast.Call, scope: _Scope) -> tuple[str, ...] | None:
        """``super()`` and ``super(C, self)``: the next class after C in its method
        resolution order (``^``, see ``model.Reference``); ``type(x)``: x's class; a builtin
        class called, an instance of it."""
        func = node.func
        if not isinstance(func, ast.Name) or self._binding_of(func.id, scope) is not None:
            return None
        if func.id == "super":
            if node.args:
                return tuple(f"{t}().^" for t in self._targets_of(node.args[0], scope))
            method = _method_of(scope)
            return (f"~{method.owner}().^",) if method is not None else ()
        if func.id == "type" and len(node.args) == 1:
            found = self._targets_of(node.args[0], scope)
            return tuple(t.removesuffix("()") for t in found if t.endswith("()"))
        if func.id in _BUILTIN_CLASSES:  # ``dict(…)``: a dict, whose members are Python's
            return (f"{BUILTINS}{func.id}()",)
        return None

    # Uses -------------------------------------------------------------------------------

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
        qualname = child_target(scope.qualname, node.name)
        decorators = self._decorator_names(node, scope)
        decorated = self._decorated(node, scope, decorators)
        if decorated:
            self.value_types[(qualname, node.lineno)] = "|".join(decorated)
        self._bind(scope, node.name, Binding((_definition_target(scope, node.name),)))
        _host(scope).deferred.append(
            lambda: self._function_body(node, annotations, qualname, decorators)
        )

    def _function_body(
        self,
        node: ast.FunctionDef | ast.AsyncFunctionDef,
        parent: _Scope,
        qualname: str,
        decorators: frozenset[str],
    ) -> None:
        inner = self._function_scope(node, parent, qualname, decorators)
        inner.returned = []
        self._body(node.body, inner)
        self._end(inner)
        reader = AnnotationReader(lambda n: self._targets_of(n, parent), self._self_type(parent))
        returned = reader.value(node.returns)
        if not returned and node.returns is None and not inner.yields:
            returned = _agreed(inner.returned)
        key = (qualname, node.lineno)
        if "fixture" in decorators:  # what a test's parameter of this name is given
            if inner.yields:
                written = tuple(t[1:-1] for t in returned if t.startswith("["))
                returned = written if node.returns is not None else _agreed(inner.yielded)
            if returned:
                self.value_types[key] = "|".join(returned)
        elif returned:
            is_property = _outside_annotation(parent).kind == "class" and bool(
                decorators & _PROPERTIES
            )
            (self.value_types if is_property else self.return_types)[key] = "|".join(returned)

    def _visit_class(self, node: ast.ClassDef, scope: _Scope) -> None:
        qualname = child_target(scope.qualname, node.name)
        for decorator in node.decorator_list:
            self.visit(decorator, scope)
        outer = self._type_params_scope(type_params_of(node), scope)
        for part in [*node.bases, *(k.value for k in node.keywords)]:
            self.visit(part, outer)
        bases = ["|".join(self._targets_of(base, outer, base=True)) for base in node.bases]
        self.class_bases[(qualname, node.lineno)] = tuple(base for base in bases if base)
        inner, _ = _bound_scope("class", qualname, outer, node.body, self._may_bind(node.body))
        self._body(node.body, inner)
        self._bind(scope, node.name, Binding((_definition_target(scope, node.name),)))

    def _visit_type_alias(self, node: TypeAlias, scope: _Scope) -> None:
        """``type Pair[T] = tuple[T, T]``: the value is read in the parameters' scope (the
        name is bound after it: an alias of the class the value names)."""
        inner = self._type_params_scope(node.type_params, scope)
        self.visit(node.value, inner)
        self._bind_value(scope, node.name, self._targets_of(node.value, inner), node.lineno)

    def _visit_lambda(self, node: ast.Lambda, scope: _Scope) -> None:
        self._visit_outer_parts([], node.args, scope)
        self.visit(node.body, self._function_scope(node, scope, scope.qualname))

    def _visit_name(self, node: ast.Name, scope: _Scope) -> None:
        if isinstance(node.ctx, ast.Load):
            self._use_name(node.id, node.lineno, node.col_offset, scope)

    def _visit_attribute(self, node: ast.Attribute, scope: _Scope) -> None:
        self._use_attribute(node, scope)
        self.visit(node.value, scope)

    def _visit_import(self, node: ast.Import, scope: _Scope) -> None:
        for alias in node.names:
            bound, target = _bound_by_import(alias)
            self._bind(scope, bound, Binding((target,)))

    def _visit_import_from(self, node: ast.ImportFrom, scope: _Scope) -> None:
        base = import_from_base(node)
        for alias in node.names:
            if alias.name != "*":
                path = child_target(base, alias.name)
                reference = Reference(alias.name, alias.lineno, True, path, alias.col_offset)
                self.references.add(reference)
        for bound, target in _import_targets(node):
            self._bind(scope, bound, Binding((target,)))

    def _visit_assign(self, node: ast.Assign, scope: _Scope) -> None:
        self.visit(node.value, scope)
        typed = self._targets_of(node.value, scope)
        for target in node.targets:
            self._visit_target(target, scope)
            self._bind_value(scope, target, typed, node.lineno)

    def _visit_annotated(self, node: ast.AnnAssign, scope: _Scope) -> None:
        self.visit(node.annotation, scope)
        if node.value is not None:
            self.visit(node.value, scope)
        reader = AnnotationReader(lambda n: self._targets_of(n, scope), self._self_type(scope))
        typed = reader.value(node.annotation)
        if not typed and node.value is not None:
            typed = self._targets_of(node.value, scope)
        self._visit_target(node.target, scope)
        if node.value is not None or scope.kind != "function":
            self._bind_value(scope, node.target, typed, node.lineno)
        elif isinstance(node.target, ast.Name):  # ``x: Engine`` declares a local's type
            self._bind(scope, node.target.id, Binding(typed, False) if typed else _LOCAL)

    def _visit_target(self, target: ast.expr, scope: _Scope) -> None:
        """The uses inside an assignment's target (``a.b[c] = …`` uses a, b and c)."""
        if not isinstance(target, ast.Name):
            self.visit(target, scope)

    def _visit_named(self, node: ast.NamedExpr, scope: _Scope) -> None:
        self.visit(node.value, scope)
        binder = scope
        while binder.comprehension and binder.parent:
            binder = binder.parent  # a comprehension's ``:=`` binds in the enclosing scope
        self._bind_value(binder, node.target, self._targets_of(node.value, scope), node.lineno)

    def _visit_augmented(self, node: ast.AugAssign, scope: _Scope) -> None:
        if isinstance(node.target, ast.Name):
            name = node.target
            self._use_name(name.id, name.lineno, name.col_offset, scope)
            self.visit(node.value, scope)
        else:
            self._visit_children(node, scope)

    def _visit_return(self, node: ast.Return, scope: _Scope) -> None:
        if node.value is not None:
            self.visit(node.value, scope)
            if scope.returned is not None and not (
                isinstance(node.value, ast.Constant) and node.value.value is None
            ):
                scope.returned.append(self._targets_of(node.value, scope))

    def _visit_yield(self, node: ast.Yield | ast.YieldFrom, scope: _Scope) -> None:
        scope.yields = True
        self._visit_children(node, scope)
        if isinstance(node, ast.Yield) and node.value is not None:
            scope.yielded.append(self._targets_of(node.value, scope))

    # Statements that branch ---------------------------------------------------------------

    def _branches(
        self, scope: _Scope, start: FlowState, bodies: list[list[ast.stmt]], loop: bool = False
    ) -> None:
        """Read each body from ``start``; the flow after is the join of those that go on
        (``loop``: the bodies are a loop's, which ``continue`` and ``break`` leave)."""
        ends: list[FlowState] = []
        for body in bodies:
            scope.flow = dict(start)
            self._body(body, scope)
            if not ends_abruptly(body, loop):
                ends.append(scope.flow)
        scope.flow = join_states(ends) if ends else dict(start)

    def _visit_if(self, node: ast.If, scope: _Scope) -> None:
        self.visit(node.test, scope)
        self._branches(scope, scope.flow, [node.body, node.orelse])

    def _visit_while(self, node: ast.While, scope: _Scope) -> None:
        self.visit(node.test, scope)
        self._branches(scope, scope.flow, [node.body, []], loop=True)
        self._body(node.orelse, scope)

    def _visit_for(self, node: ast.For | ast.AsyncFor, scope: _Scope) -> None:
        self.visit(node.iter, scope)
        self._visit_target(node.target, scope)
        elements = elements_of(self._targets_of(node.iter, scope))
        self._bind_value(scope, node.target, elements, node.lineno)
        self._branches(scope, scope.flow, [node.body, []], loop=True)
        self._body(node.orelse, scope)

    def _visit_with(self, node: ast.With | ast.AsyncWith, scope: _Scope) -> None:
        enter = "__aenter__()" if isinstance(node, ast.AsyncWith) else "__enter__()"
        for item in node.items:
            self.visit(item.context_expr, scope)
            if item.optional_vars is not None:
                found = self._targets_of(item.context_expr, scope)
                self._visit_target(item.optional_vars, scope)
                typed = tuple(f"{t}.{enter}" for t in found if not t.startswith("["))
                self._bind_value(scope, item.optional_vars, typed, node.lineno)
        self._body(node.body, scope)

    def _visit_try(self, node: ast.Try | ast.TryStar, scope: _Scope) -> None:
        start = dict(scope.flow)
        self._body(node.body, scope)
        after_body = scope.flow
        ends: list[FlowState] = []
        self._body(node.orelse, scope)
        if not ends_abruptly(node.orelse or node.body):
            ends.append(scope.flow)
        for handler in node.handlers:  # an exception may stop the body anywhere
            scope.flow = join_states([start, after_body])
            if handler.type is not None:
                self.visit(handler.type, scope)
            if handler.name:
                self._bind_value(
                    scope, ast.Name(handler.name, ast.Store()), self._caught(handler, scope), 0
                )
            self._body(handler.body, scope)
            if not ends_abruptly(handler.body):
                ends.append(scope.flow)
        scope.flow = join_states(ends) if ends else join_states([start, after_body])
        self._body(node.finalbody, scope)

    def _caught(self, handler: ast.ExceptHandler, scope: _Scope) -> tuple[str, ...]:
        """``except Error as e``: e is an instance of Error (of any of a tuple's)."""
        kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
        found = union(*(self._targets_of(kind, scope) for kind in kinds if kind is not None))
        return tuple(f"{target}()" for target in found)

    def _visit_match(self, node: ast.Match, scope: _Scope) -> None:
        self.visit(node.subject, scope)
        start = dict(scope.flow)
        ends: list[FlowState] = [start]
        for case in node.cases:
            scope.flow = dict(start)
            self.visit(case.pattern, scope)
            if case.guard is not None:
                self.visit(case.guard, scope)
            for name in walk_nodes(case.pattern):
                if isinstance(name, (ast.MatchAs, ast.MatchStar)) and name.name:
                    self._bind_value(scope, ast.Name(name.name, ast.Store()), (), 0)
            self._body(case.body, scope)
            if not ends_abruptly(case.body):
                ends.append(scope.flow)
        scope.flow = join_states(ends)

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
        inner = _Scope("function", scope.qualname, scope, comprehension=True)
        for position, generator in enumerate(generators):
            iterated = self._targets_of(generator.iter, inner if position else scope)
            for name in walk_nodes(generator.target):
                if isinstance(name, ast.Name):
                    inner.bindings[name.id] = _LOCAL
            if isinstance(generator.target, ast.Name) and iterated:
                typed = elements_of(iterated)
                inner.bindings[generator.target.id] = Binding(typed, False)
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


def _agreed(values: list[tuple[str, ...]]) -> tuple[str, ...]:
    """The targets every value has, when they all have the same (a function's returns)."""
    if values and values[0] and all(found == values[0] for found in values):
        return values[0]
    return ()


_Visitor = Callable[[_Resolver, Any, _Scope], None]
_VISITORS: dict[type[ast.AST], _Visitor] = {
    ast.FunctionDef: _Resolver._visit_function,
    ast.AsyncFunctionDef: _Resolver._visit_function,
    ast.ClassDef: _Resolver._visit_class,
    ast.Lambda: _Resolver._visit_lambda,
    **dict.fromkeys(_COMPREHENSIONS, _Resolver._visit_comprehension),
    ast.Name: _Resolver._visit_name,
    ast.Attribute: _Resolver._visit_attribute,
    ast.Import: _Resolver._visit_import,
    ast.ImportFrom: _Resolver._visit_import_from,
    ast.Assign: _Resolver._visit_assign,
    ast.AnnAssign: _Resolver._visit_annotated,
    ast.NamedExpr: _Resolver._visit_named,
    ast.AugAssign: _Resolver._visit_augmented,
    ast.Return: _Resolver._visit_return,
    ast.Yield: _Resolver._visit_yield,
    ast.YieldFrom: _Resolver._visit_yield,
    ast.If: _Resolver._visit_if,
    ast.While: _Resolver._visit_while,
    ast.For: _Resolver._visit_for,
    ast.AsyncFor: _Resolver._visit_for,
    ast.With: _Resolver._visit_with,
    ast.AsyncWith: _Resolver._visit_with,
    ast.Try: _Resolver._visit_try,
    ast.TryStar: _Resolver._visit_try,
    ast.Match: _Resolver._visit_match,
    TypeAlias: _Resolver._visit_type_alias,
}


def assignment_lines(text: str) -> tuple[int, ...]:
    r"""The lines of ``text`` that hold ``:=``, in order (for ``resolve_names``), numbered as
    Python's parser numbers them (``\r\n``, ``\r`` and ``\n`` each end a line) and as a
    grammar counting ``\n`` alone would: a tree of either kind finds every line of its
    assignment expressions here."""
    if ":=" not in text:
        return ()
    found: set[int] = set()
    for lines in (text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), text.split("\n")):
        found.update(number for number, line in enumerate(lines, 1) if ":=" in line)
    return tuple(sorted(found))


def resolve_names(tree: ast.Module, assignment_lines: Sequence[int] | None = None) -> ResolvedNames:
    """Every use in ``tree`` with its target; raises RecursionError on pathological nesting.
    ``assignment_lines``: the lines, in order, that may hold an assignment expression
    (``:=``), None when not known. In a scope whose lines hold none, no expression binds a
    name, so the names it binds are found without walking its expressions (a fifth of
    reading a module's names)."""
    resolver = _Resolver(assignment_lines)
    aliases = resolver.module(tree)
    references = sorted(resolver.references, key=lambda r: (r.line, r.column, r.name, r.target))
    return ResolvedNames(
        tuple(references),
        tuple(aliases),
        resolver.class_bases,
        resolver.value_types,
        resolver.return_types,
        tuple(sorted(resolver.attributes.values(), key=lambda a: (a.line, a.owner, a.name))),
    )
