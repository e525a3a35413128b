"""C and C++ declarators: the name a declaration declares, read the same way for
definitions (a field, a variable, a typedef) and for the names a function declares (a
parameter ``lua_State *L``)."""

from __future__ import annotations

import tree_sitter as ts

# The node types whose text is a declared name, at the end of a C declarator.
_DECLARED_NAMES = frozenset(
    {"identifier", "field_identifier", "type_identifier", "operator_name", "destructor_name"}
)
# Declarators whose inner declarator is their first named child, not a ``declarator``
# field: ``(*fn)``, C++ ``&ref``.
_WRAPPING = frozenset({"parenthesized_declarator", "reference_declarator"})


def declared_name(node: ts.Node, functions: bool) -> ts.Node | None:
    """The name a C declarator declares: ``*const names[]``, ``x = 1`` and ``(*fn)(int)``
    declare ``names``, ``x`` and ``fn``; ``f(int)`` declares a function, a name only where
    ``functions`` (a typedef of a function type)."""
    for _ in range(12):
        if node.type in _DECLARED_NAMES:
            return node
        if node.type == "function_declarator" and not functions:
            inner = node.child_by_field_name("declarator")
            if inner is None or inner.type != "parenthesized_declarator":
                return None
            if inner.named_children and inner.named_children[0].type == "identifier":
                return None  # lua's ``int (lua_gettop) (lua_State *L)``
        if node.type == "qualified_identifier":  # ``int Engine::count = 0;``
            inner = node.child_by_field_name("name")
        elif node.type in _WRAPPING:
            inner = node.named_children[0] if node.named_children else None
        else:
            inner = node.child_by_field_name("declarator")
        if inner is None:
            return None
        node = inner
    return None
