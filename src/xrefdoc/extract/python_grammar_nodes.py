"""What the tree-sitter Python grammar's tree is made of, for the converter to ``ast``
(``python_grammar``): its children without comments, fields, places and errors."""

from __future__ import annotations

import ast
import unicodedata
from typing import Protocol, cast
from typing import TypeVar as _Typed

import tree_sitter as ts

# Nodes that may stand between any two tokens; none of them is syntax.
_EXTRAS = frozenset({"comment", "line_continuation"})
# A tree nested deeper than this many grammar nodes is not converted: the conversion recurses
# (two or three Python frames a level), and so do the resolver and rules that read its result.
MAX_DEPTH = 200


class GrammarSyntaxError(SyntaxError):
    """The tree holds what is not Python 3 to CPython's parser: a syntax error the grammar
    recovered from, a Python 2 form (``print x``, ``0777``), or a form the grammar accepts
    and CPython does not (``f(key=1, value)``)."""


def unsupported(node: ts.Node, what: str = "") -> GrammarSyntaxError:
    error = GrammarSyntaxError(what or f"unexpected {node.type}")
    error.lineno = node.start_point.row + 1
    return error


def kids(node: ts.Node) -> list[ts.Node]:
    """The named children of ``node``, without comments and line continuations."""
    return [child for child in node.named_children if child.type not in _EXTRAS]


def tokens(node: ts.Node) -> list[ts.Node]:
    """All children of ``node``, without comments and line continuations."""
    return [child for child in node.children if child.type not in _EXTRAS]


class _Located(Protocol):
    """A syntax node with a place in the source."""

    lineno: int
    col_offset: int
    end_lineno: int | None
    end_col_offset: int | None


_Node = _Typed("_Node", bound=ast.AST)


def place(node: _Node, start: ts.Node | ast.AST, end: ts.Node | ast.AST) -> _Node:
    """``node`` spanning from where ``start`` begins to where ``end`` ends."""
    located = cast(_Located, node)
    if isinstance(start, ts.Node):
        point = start.start_point
        located.lineno, located.col_offset = point.row + 1, point.column
    else:
        begin = cast(_Located, start)
        located.lineno, located.col_offset = begin.lineno, begin.col_offset
    if isinstance(end, ts.Node):
        point = end.end_point
        located.end_lineno, located.end_col_offset = point.row + 1, point.column
    else:
        finish = cast(_Located, end)
        located.end_lineno, located.end_col_offset = finish.end_lineno, finish.end_col_offset
    return node


def set_context(target: ast.expr, context: ast.expr_context, node: ts.Node) -> ast.expr:
    """``target`` as CPython marks an assignment or deletion target: the names, tuples,
    lists and starred items it is made of take ``context``, the rest stay loads."""
    pending = [target]
    while pending:
        current = pending.pop()
        if isinstance(current, (ast.Name, ast.Attribute, ast.Subscript)):
            current.ctx = context
        elif isinstance(current, (ast.Tuple, ast.List)):
            current.ctx = context
            pending.extend(current.elts)
        elif isinstance(current, ast.Starred):
            current.ctx = context
            pending.append(current.value)
        else:
            raise unsupported(node, f"cannot assign to {type(current).__name__}")
    return target


def field_of(node: ts.Node, name: str) -> ts.Node:
    """The child of ``node`` in field ``name``, which the grammar says is there."""
    found = node.child_by_field_name(name)
    if found is None:
        raise unsupported(node, f"{node.type} without its {name}")
    return found


class ConverterBase:
    """The source text a converter reads, and how deep it is."""

    def __init__(self, source: bytes) -> None:
        self.source = source
        self.depth = 0

    def text(self, node: ts.Node) -> str:
        return self.source[node.start_byte : node.end_byte].decode("utf-8", "surrogatepass")

    def identifier(self, node: ts.Node) -> str:
        """An identifier as CPython stores it: NFKC-normalized."""
        name = self.text(node)
        return name if name.isascii() else unicodedata.normalize("NFKC", name)

    def expression(self, node: ts.Node) -> ast.expr:
        raise NotImplementedError
