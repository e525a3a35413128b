"""Walking Python syntax trees without their operator leaves.

``ast.iter_child_nodes`` yields every node, the context (``Load``, ``Store``) of every name
and the operator of every expression included: a third of the nodes of a module, which no
walk of ours reads as children (the resolver and the rules read ``name.ctx`` and
``binop.op`` where they need them). It is also two generators deep. The name resolver and
the Python rules walk every module more than once, so they walk with these instead.
"""

from __future__ import annotations

import ast
from collections import deque
from collections.abc import Iterator

# Fields that hold only leaves: an expression's context, an operator, comparison operators.
_LEAF_FIELDS = frozenset({"ctx", "op", "ops"})


_FIELDS: dict[type[ast.AST], tuple[str, ...]] = {}


def _fields(kind: type[ast.AST]) -> tuple[str, ...]:
    found = _FIELDS.get(kind)
    if found is None:
        found = _FIELDS[kind] = tuple(name for name in kind._fields if name not in _LEAF_FIELDS)
    return found


def child_nodes(node: ast.AST) -> list[ast.AST]:
    """The direct children of ``node`` in ``ast.iter_child_nodes``'s order, without the
    leaves of contexts and operators."""
    return children_in(node, _fields(type(node)))


def children_in(node: ast.AST, fields: tuple[str, ...]) -> list[ast.AST]:
    """The children of ``node`` in its ``fields``, in their order."""
    children: list[ast.AST] = []
    for name in fields:
        value = getattr(node, name, None)
        if isinstance(value, ast.AST):
            children.append(value)
        elif isinstance(value, list):
            children.extend(item for item in value if isinstance(item, ast.AST))
    return children


def walk_nodes(node: ast.AST) -> Iterator[ast.AST]:
    """``ast.walk`` (breadth first) without the leaves of contexts and operators."""
    todo = deque([node])
    while todo:
        current = todo.popleft()
        todo.extend(child_nodes(current))
        yield current
