"""C and C++ declarators: the name a declaration declares and the type it names, read the
same way for definitions (a field, a variable, a typedef) and for the types of the names a
function uses (a parameter ``lua_State *L``)."""

from __future__ import annotations

import tree_sitter as ts

# The prefix of a type in C and C++'s one tree-wide namespace (``::lua_State``), as a
# reference target (see ``xref.resolve``).
C_NAMESPACE = "::"

# The node types whose text is a declared name, at the end of a C declarator.
_DECLARED_NAMES = frozenset(
    {"identifier", "field_identifier", "type_identifier", "operator_name", "destructor_name"}
)
# Declarators whose inner declarator is their first named child, not a ``declarator``
# field: ``(*fn)``, C++ ``&ref``.
_WRAPPING = frozenset({"parenthesized_declarator", "reference_declarator"})


def text_of(source: bytes, node: ts.Node) -> str:
    """A node's text, sliced from the source it was parsed from: ``node.text`` asks the
    parser's read callback for it again, a copy of a whole chunk each time."""
    return source[node.start_byte : node.end_byte].decode("utf-8", "replace")


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


def type_name(source: bytes, node: ts.Node) -> str:
    """The tree-wide name of the type a C declaration names (``struct lua_State *`` and
    ``lua_State *`` both name ``lua_State``), or empty for a built-in or unnamed type."""
    if node.type in ("struct_specifier", "union_specifier", "enum_specifier", "class_specifier"):
        name = node.child_by_field_name("name")
        return type_name(source, name) if name is not None else ""
    if node.type in ("qualified_identifier", "template_type"):
        name = node.child_by_field_name("name")
        return type_name(source, name) if name is not None else ""
    return text_of(source, node) if node.type == "type_identifier" else ""
