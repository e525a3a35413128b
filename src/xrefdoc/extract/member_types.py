"""What member uses need in any language with a grammar: a node's text, the type a
declaration names, the functions that hold each place of a file (which also tell a
definition from a local) and the types of the names each declares."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass

import tree_sitter as ts

# The longest chain of members followed (``a->b.c->d``: three); a longer one is not typed,
# since each use in it would walk it again.
MAX_CHAIN = 32
# The scope of what a file declares outside its functions.
FILE_SCOPE = -1
# Type nodes that name the type inside them: a pointer (Go's ``*Engine``), a generic
# (``List[T]``), a C++ qualified name (``ns::Engine``). Go's ``http.Request`` is another
# package's type, which a struct of the tree with the same name is not: it names none.
_WRAPPERS = {
    "pointer_type": None,
    "generic_type": "type",
    "qualified_identifier": "name",
    "template_type": "name",
    "struct_specifier": "name",
    "union_specifier": "name",
    "enum_specifier": "name",
    "class_specifier": "name",
}


# Go's predeclared types, which no struct of the tree can be.
_PREDECLARED = frozenset(
    {
        "any", "bool", "byte", "comparable", "complex64", "complex128", "error", "float32",
        "float64", "int", "int8", "int16", "int32", "int64", "rune", "string", "uint",
        "uint8", "uint16", "uint32", "uint64", "uintptr",
    }
)  # fmt: skip


def node_text(source: bytes, node: ts.Node) -> str:
    """A node's text, sliced from the source it was parsed from: ``node.text`` asks the
    parser's read callback for it again, a copy of a whole chunk each time."""
    return source[node.start_byte : node.end_byte].decode("utf-8", "replace")


def type_name(source: bytes, node: ts.Node) -> str:
    """The tree-wide name of the type a declaration names (C's ``struct lua_State`` and
    ``lua_State``, Go's ``*Engine``), or empty for a built-in, unnamed, composite (a slice,
    a map) or other package's type."""
    for _ in range(8):
        if node.type not in _WRAPPERS:
            break
        field = _WRAPPERS[node.type]
        inner = (
            node.child_by_field_name(field)
            if field
            else (node.named_children[0] if node.named_children else None)
        )
        if inner is None:
            return ""
        node = inner
    if node.type != "type_identifier":
        return ""
    name = node_text(source, node)
    return "" if name in _PREDECLARED else name


class Scopes:
    """The types of the names each function declares (its parameters and locals), and of
    those declared at file scope; a name declared twice with different types has none. A
    function nested in another (a Go closure) sees the names of those around it."""

    def __init__(self, functions: list[ts.Node]) -> None:
        """``functions`` in document order."""
        self.functions = functions
        self._starts = [node.start_byte for node in functions]
        # The function that holds each one, or FILE_SCOPE: functions nest, never overlap.
        self._parents: list[int] = []
        open_: list[int] = []
        for index, function in enumerate(functions):
            while open_ and functions[open_[-1]].end_byte <= function.start_byte:
                open_.pop()
            self._parents.append(open_[-1] if open_ else FILE_SCOPE)
            open_.append(index)
        self._types: dict[int, dict[str, str]] = {}

    def function_of(self, node: ts.Node) -> int:
        """The index of the innermost function that holds ``node``, or ``FILE_SCOPE``."""
        return self.innermost(node.start_byte, node.end_byte)

    def innermost(self, start: int, end: int) -> int:
        """The index of the innermost function that holds the bytes ``start`` to ``end``, or
        ``FILE_SCOPE``: the last function to start before them, or the nearest one around
        that which holds them."""
        at = bisect_right(self._starts, start) - 1
        while at != FILE_SCOPE:
            if end <= self.functions[at].end_byte:
                return at
            at = self._parents[at]
        return FILE_SCOPE

    def declare(self, scope: int, name: str, type_: str) -> None:
        names = self._types.setdefault(scope, {})
        if names.get(name, type_) != type_:
            type_ = ""
        names[name] = type_

    def type_of(self, scope: int, name: str) -> str:
        """The type of ``name`` in ``scope``, or in the functions and the file around it."""
        while True:
            found = self._types.get(scope, {}).get(name)
            if found is not None or scope == FILE_SCOPE:
                return found or ""
            scope = self._parents[scope]


@dataclass(frozen=True, slots=True)
class Gathered:
    """What a language's member query finds in a tree: its functions' scopes, with the
    types their names are declared with, and each member use (the member expression, the
    member's name)."""

    scopes: Scopes
    uses: list[tuple[ts.Node, ts.Node]]


def gather(
    query: ts.Query,
    root: ts.Node,
    source: bytes,
    name_of: Callable[[ts.Node], ts.Node | None],
) -> Gathered:
    """One walk of ``root`` with a member query, whose patterns capture ``@function``, a
    declaration's ``@type`` and ``@declarator`` (``@parameter`` for a parameter's), or a
    member use's ``@use`` and its ``@member``; each declaration's name (``name_of`` its
    declarator) declared in its function with the type it writes. A parameter outside any
    function (of a prototype, of a function type) names nothing."""
    functions: list[ts.Node] = []
    declarations: list[tuple[ts.Node, ts.Node, bool]] = []
    uses: list[tuple[ts.Node, ts.Node]] = []
    for _, captures in ts.QueryCursor(query).matches(root):
        if "function" in captures:
            functions.append(captures["function"][0])
        elif "declarator" in captures:
            parameter = "parameter" in captures
            declarations.append((captures["type"][0], captures["declarator"][0], parameter))
        elif "use" in captures:
            uses.append((captures["use"][0], captures["member"][0]))
    functions.sort(key=lambda node: node.start_byte)
    scopes = Scopes(functions)
    for type_node, declarator, parameter in declarations:
        name = name_of(declarator)
        if name is None:
            continue
        scope = scopes.function_of(declarator)
        if scope == FILE_SCOPE and parameter:
            continue
        scopes.declare(scope, node_text(source, name), type_name(source, type_node))
    return Gathered(scopes, uses)
