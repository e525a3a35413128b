"""What a Python annotation says a value is, as reference targets a type checker would follow.

An annotation is read statically, never evaluated: ``Engine`` and ``"Engine"`` mean an
instance of the class the name leads to (``~Engine()``, see ``model.Reference``),
``type[Engine]`` the class itself (and so does ``Callable[..., Engine]``: calling either
gives an Engine), ``Optional[Engine]``, ``Engine | None`` and ``Union`` each
member that is not ``None``, and a container of a written element type (``list[Engine]``,
``Iterator[Engine]``, ``tuple[Engine, ...]``) is marked with ``[]`` around its element's
targets, so iterating it or indexing it gives the element. Wrappers that only qualify a
type (``Final``, ``ClassVar``, ``Annotated``) are seen through. Anything else (``Any``, a
``Callable``, a type variable, a mapping) gives no targets: the value's type is unknown, and
what is reached through it stays textual.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

# Names of the typing module (and typing_extensions, collections.abc, builtins) by what
# they do to the types written inside them.
_TYPING_MODULES = ("typing.", "typing_extensions.", "collections.abc.", "collections.", "builtins.")
_UNIONS = frozenset({"Optional", "Union"})
_QUALIFIERS = frozenset(
    {"Final", "ClassVar", "Annotated", "Required", "NotRequired", "ReadOnly", "TypeGuard"}
)
_CLASS_OF = frozenset({"Type", "type"})
# Containers whose (first) parameter is the type of their elements.
_ELEMENT_FIRST = frozenset(
    {"list", "List", "set", "Set", "frozenset", "FrozenSet", "Sequence", "MutableSequence"}
    | {"Iterable", "Iterator", "Collection", "AbstractSet", "MutableSet", "Deque", "deque"}
    | {"Generator", "AsyncIterator", "AsyncIterable", "AsyncGenerator", "Reversible"}
)
# A tuple's elements share a type only when written ``tuple[Engine, ...]``. A mapping is
# not read: iterating it gives its keys, indexing it its values.
_TUPLES = frozenset({"tuple", "Tuple"})
_SELF = frozenset({"Self"})
# ``"Engine"`` inside quotes: longer strings are prose, not annotations.
_LONGEST_STRING_ANNOTATION = 200

TargetsOf = Callable[[ast.expr], tuple[str, ...]]


def container(elements: tuple[str, ...]) -> tuple[str, ...]:
    """The targets of a container whose elements are ``elements``."""
    return tuple(f"[{target}]" for target in elements)


def elements_of(targets: tuple[str, ...]) -> tuple[str, ...]:
    """What iterating or indexing a value of ``targets`` gives: the element of a container
    whose element type is known; a member ``[]`` of anything else (``model.Reference``), for
    the tree resolver to follow."""
    return tuple(
        target[1:-1] if target.startswith("[") and target.endswith("]") else f"{target}.[]"
        for target in targets
    )


def _special(targets: tuple[str, ...]) -> str | None:
    """The typing name ``targets`` lead to (``Optional`` for ``typing.Optional`` or a bare
    ``Optional`` bound by nothing in the file), or None for any other name."""
    for target in targets:
        for module in _TYPING_MODULES:
            if target.startswith(module) and "." not in target[len(module) :]:
                return target[len(module) :]
    return None


class AnnotationReader:
    """Reads annotations in one scope: ``targets_of`` gives the targets a name or attribute
    leads to there, ``self_type`` the targets of ``Self`` (the enclosing class's instance)."""

    def __init__(self, targets_of: TargetsOf, self_type: tuple[str, ...] = ()) -> None:
        self._targets_of = targets_of
        self._self_type = self_type

    def value(self, node: ast.expr | None) -> tuple[str, ...]:
        """The targets of a value annotated with ``node``."""
        if node is None:
            return ()
        if isinstance(node, ast.Constant):
            return self._string(node.value)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            return union(self.value(node.left), self.value(node.right))
        if isinstance(node, ast.Subscript):
            return self._subscript(node)
        if isinstance(node, (ast.Name, ast.Attribute)):
            found = self._targets_of(node)
            name = _special(found) or (node.id if isinstance(node, ast.Name) and not found else "")
            if name in _SELF:
                return self._self_type
            if name:  # a typing name alone (``Any``, ``Callable``) or a builtin: not in-tree
                return ()
            return tuple(f"{target}()" for target in found)
        return ()

    def _string(self, value: object) -> tuple[str, ...]:
        if not isinstance(value, str) or len(value) > _LONGEST_STRING_ANNOTATION:
            return ()
        try:
            parsed = ast.parse(value.strip(), mode="eval")
        except (SyntaxError, ValueError):
            return ()
        return self.value(parsed.body)

    def _subscript(self, node: ast.Subscript) -> tuple[str, ...]:
        found = self._targets_of(node.value)
        name = _special(found)
        if name is None and isinstance(node.value, ast.Name) and not found:
            name = node.value.id  # a builtin generic: ``list[Engine]``
        items = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        if not items:  # ``tuple[()]``
            return ()
        if name is None:  # an in-tree generic class: ``Registry[Engine]`` is a Registry
            return tuple(f"{target}()" for target in found)
        if name in _UNIONS:
            return union(*(self.value(item) for item in items))
        if name in _QUALIFIERS:
            return self.value(items[0])
        if name in _CLASS_OF:
            return tuple(target.removesuffix("()") for target in self.value(items[0]))
        if name == "Callable":  # calling it gives an R, as calling the class R does
            return tuple(t.removesuffix("()") for t in self.value(items[-1]) if t.endswith("()"))
        if name in _ELEMENT_FIRST:
            return container(self.value(items[0]))
        if name in _TUPLES and len(items) == 2 and _is_ellipsis(items[1]):
            return container(self.value(items[0]))
        return ()


def _is_ellipsis(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is Ellipsis


def union(*members: tuple[str, ...]) -> tuple[str, ...]:
    """Every target of ``members``, each once, in order."""
    return tuple(dict.fromkeys(target for member in members for target in member))
