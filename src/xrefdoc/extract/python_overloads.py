"""``@overload`` stubs: which ``def``s of a Python file are typing's overloads, and folding
them into the one definition they describe.

A type checker reads ``@overload`` stubs and the implementation that follows them as one
function with several signatures; so does a reader. As separate definitions the stubs made
every use of the function lead to the first stub (the first definition of the name), and
listed the name three or four times in its keyword entry.
"""

from __future__ import annotations

import ast
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import replace

from xrefdoc.core.model import Overload, Symbol, SymbolKind

# The modules whose ``overload`` is typing's.
OVERLOAD_MODULES = frozenset({"typing", "typing_extensions"})
_FUNCTION_KINDS = frozenset({SymbolKind.FUNCTION, SymbolKind.METHOD})
# The fields of a statement that hold statements (``match`` cases and ``except`` handlers
# hold them one level further down).
_BODIES = ("body", "orelse", "finalbody", "handlers", "cases")


def _statements(body: Iterable[ast.AST]) -> Iterator[ast.AST]:
    """Every statement at any depth, classes and functions included: imports and ``def``s
    are statements, so nothing else of the tree need be visited."""
    stack = list(body)
    while stack:
        node = stack.pop()
        yield node
        for name in _BODIES:
            stack.extend(getattr(node, name, ()))


def _dotted(node: ast.expr) -> str | None:
    """``t.overload`` for a decorator written so; None for one that is not a dotted name."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr}" if base else None
    return None


def _spellings(node: ast.AST) -> Iterator[str]:
    """How an import lets the file spell typing's ``overload``: the name it binds it to
    (``overload``, or ``ov`` for ``from typing import overload as ov``; a star import of
    typing binds it too), or ``t.overload`` for ``import typing as t``."""
    if isinstance(node, ast.ImportFrom) and not node.level and node.module in OVERLOAD_MODULES:
        for alias in node.names:
            if alias.name == "*":
                yield "overload"
            elif alias.name == "overload":
                yield alias.asname or alias.name
    elif isinstance(node, ast.Import):
        for alias in node.names:
            bound = alias.asname or alias.name.split(".")[0]
            if (alias.name if alias.asname else bound) in OVERLOAD_MODULES:
                yield f"{bound}.overload"


def overload_stub_lines(tree: ast.Module, text: str) -> frozenset[int]:
    """The lines of the ``def``s decorated with typing's ``overload``, however the file
    imports it. A decorator named ``overload`` that no import of typing (or
    typing_extensions) binds, such as a function of the project's own, is not one."""
    if "overload" not in text:  # most files: no statement need be visited
        return frozenset()
    spellings: set[str] = set()
    decorated: list[tuple[int, list[ast.expr]]] = []
    for node in _statements(tree.body):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.decorator_list:
            decorated.append((node.lineno, node.decorator_list))
        else:
            spellings.update(_spellings(node))
    if not spellings:
        return frozenset()
    return frozenset(
        line
        for line, decorators in decorated
        if any(_dotted(decorator) in spellings for decorator in decorators)
    )


def _folded(symbol: Symbol, stubs: Sequence[Symbol]) -> Symbol:
    """``symbol`` carrying the signatures of ``stubs``; its docstring, or else the first
    stub's that has one."""
    doc = symbol.doc or next((stub.doc for stub in stubs if stub.doc), "")
    overloads = tuple(Overload(stub.line, stub.signature) for stub in stubs)
    return replace(symbol, doc=doc, overloads=overloads)


def fold_overloads(symbols: Sequence[Symbol], stub_lines: Collection[int]) -> list[Symbol]:
    """The symbols with each run of ``@overload`` stubs folded into the function of the same
    name and scope that follows them, their implementation, which keeps its own lines and
    place. Stubs that no implementation follows (a ``.pyi`` file, a protocol) become their
    first stub, carrying every stub's signature, its own first."""
    if not stub_lines:
        return list(symbols)
    found: list[Symbol | None] = []
    # (parent, name) → the waiting stubs and the place the first one holds in ``found``.
    waiting: dict[tuple[str | None, str], tuple[int, list[Symbol]]] = {}

    def stubs_alone(place: int, stubs: list[Symbol]) -> None:
        found[place] = _folded(stubs[0], stubs)

    for symbol in symbols:
        key = (symbol.parent, symbol.name)
        is_function = symbol.kind in _FUNCTION_KINDS
        if is_function and symbol.line in stub_lines:
            if key not in waiting:
                waiting[key] = (len(found), [])
                found.append(None)
            waiting[key][1].append(symbol)
            continue
        before = waiting.pop(key, None)
        if before is not None and is_function:
            found.append(_folded(symbol, before[1]))
            continue
        if before is not None:  # the name is bound again, but not by an implementation
            stubs_alone(*before)
        found.append(symbol)
    for place, stubs in waiting.values():
        stubs_alone(place, stubs)
    return [symbol for symbol in found if symbol is not None]
