"""Go member uses: ``e.Name`` leads to the field ``Name`` of the struct ``e`` holds, where
the type of ``e`` is written in the same function (a receiver ``(e *Engine)``, a parameter,
``var e Engine``, ``e := &Engine{}``) or at package level.

Each such use gets a target in the tree-wide namespace of types, as C's do (``::Engine.Name``,
through a chain of fields ``::Engine.next.Name``). A member of anything else keeps its
textual match of every definition of that name: ``fmt.Println`` names a package's function,
and nothing in the file tells a package from a value of unknown type."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

import tree_sitter as ts

from xrefdoc.core.model import TYPE_NAMESPACE
from xrefdoc.extract.member_types import MAX_CHAIN, Scopes, gather, node_text

_QUERIES = """
    [(function_declaration) (method_declaration) (func_literal)] @function
    (parameter_declaration name: (identifier) @declarator type: (_) @type) @parameter
    (var_spec name: (identifier) @declarator type: (_) @type) @typed
    (short_var_declaration
      left: (expression_list . (identifier) @declarator)
      right: (expression_list . [(composite_literal type: (_) @type)
                                 (unary_expression operand: (composite_literal type: (_) @type))
                                ])) @typed
    (selector_expression field: (field_identifier) @member) @use
"""


@cache
def _query(language: ts.Language) -> ts.Query:
    return ts.Query(language, _QUERIES)


def _target_of(source: bytes, expression: ts.Node, scope: int, scopes: Scopes) -> str:
    """What ``expression`` is as a target in the namespace of types (``::Engine``,
    ``::Engine.next``), or empty when its type is not written. A chain of more than
    ``MAX_CHAIN`` selectors is not followed: each use of one would walk it again."""
    fields: list[str] = []
    for _ in range(MAX_CHAIN):
        while expression.type == "parenthesized_expression" and expression.named_children:
            expression = expression.named_children[0]
        if expression.type != "selector_expression":
            break
        operand = expression.child_by_field_name("operand")
        field = expression.child_by_field_name("field")
        if operand is None or field is None:
            return ""
        fields.append(node_text(source, field))
        expression = operand
    else:
        return ""
    if expression.type != "identifier":
        return ""
    found = scopes.type_of(scope, node_text(source, expression))
    return TYPE_NAMESPACE + found + "".join(f".{f}" for f in reversed(fields)) if found else ""


def member_targets(
    language: ts.Language, root: ts.Node, source: bytes
) -> Mapping[tuple[int, int], str]:
    """The target of each member use whose object's type is written, by the line and byte
    column of the member's name."""
    found = gather(_query(language), root, source, lambda name: name)
    scopes = found.scopes
    targets: dict[tuple[int, int], str] = {}
    for use, member in found.uses:
        operand = use.child_by_field_name("operand")
        base = _target_of(source, operand, scopes.function_of(use), scopes) if operand else ""
        if base:
            where = (member.start_point.row + 1, member.start_point.column)
            targets[where] = f"{base}.{node_text(source, member)}"
    return targets
