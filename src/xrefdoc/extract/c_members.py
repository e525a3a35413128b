"""C and C++ member uses: ``p->top`` leads to the field ``top`` of the struct ``p`` points
to, where the type of ``p`` is declared in the same function (a parameter ``lua_State *L``,
a local ``struct Foo s``) or at file scope, or is the class of a C++ method (``this``).

Each member use gets a target in the tree-wide C namespace: ``::lua_State.top``, and through
a chain of fields ``::lua_State.ci.func`` (the resolver follows each field's type). A member
of a value whose type is not declared gets the target ``.``: a textual match that only a
member (a field, a method) can mean."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

import tree_sitter as ts

from xrefdoc.core.model import TYPE_NAMESPACE, UNKNOWN_MEMBER
from xrefdoc.extract.c_declarators import declared_name
from xrefdoc.extract.member_types import FILE_SCOPE, MAX_CHAIN, Scopes, gather, node_text, type_name

_QUERIES = """
    (function_definition) @function
    (parameter_declaration type: (_) @type declarator: (_) @declarator) @parameter
    (declaration type: (_) @type declarator: (_) @declarator) @typed
    (field_expression field: (field_identifier) @member) @use
"""
# Expressions whose value has the type of their one operand, as far as members go: a
# pointer dereferenced (``(*p).x``), an element (``a[i].x``), parentheses.
_SAME_TYPE = frozenset({"pointer_expression", "subscript_expression", "parenthesized_expression"})
_CLASS_BODIES = frozenset({"class_specifier", "struct_specifier", "union_specifier"})


@cache
def _query(language: ts.Language) -> ts.Query:
    return ts.Query(language, _QUERIES)


def _class_of_method(source: bytes, function: ts.Node) -> str:
    """The class a C++ method belongs to: ``A::run`` names it, a method defined in its
    class body sits in it; empty for a free function."""
    declarator = function.child_by_field_name("declarator")
    while declarator is not None and declarator.type != "function_declarator":
        declarator = declarator.child_by_field_name("declarator")
    name = declarator.child_by_field_name("declarator") if declarator is not None else None
    if name is not None and name.type == "qualified_identifier":
        scope = name.child_by_field_name("scope")
        if scope is None:
            return ""
        return (
            node_text(source, scope)
            if scope.type == "namespace_identifier"
            else type_name(source, scope)
        )
    parent = function.parent
    if parent is not None and parent.type == "field_declaration_list":
        owner = parent.parent
        if owner is not None and owner.type in _CLASS_BODIES:
            return type_name(source, owner)
    return ""


def _target_of(source: bytes, expression: ts.Node, scope: int, scopes: Scopes) -> str:
    """What ``expression`` is as a target in the C namespace (``::lua_State``,
    ``::lua_State.ci``), or empty when its type is not declared. A chain of more than
    ``MAX_CHAIN`` members is not followed: each use of one would walk it again."""
    fields: list[str] = []
    for _ in range(MAX_CHAIN):
        expression = _operand(expression)
        if expression.type != "field_expression":
            break
        argument = expression.child_by_field_name("argument")
        field = expression.child_by_field_name("field")
        if argument is None or field is None or field.type != "field_identifier":
            return ""
        fields.append(node_text(source, field))
        expression = argument
    else:
        return ""
    base = _base_of(source, expression, scope, scopes)
    return base + "".join(f".{field}" for field in reversed(fields)) if base else ""


def _operand(expression: ts.Node) -> ts.Node:
    """``expression`` without what keeps its type: ``(*p)``, ``a[i]``, parentheses."""
    for _ in range(MAX_CHAIN):
        if expression.type not in _SAME_TYPE:
            break
        inner = expression.child_by_field_name("argument") or (
            expression.named_children[0] if expression.named_children else None
        )
        if inner is None:
            break
        expression = inner
    return expression


def _base_of(source: bytes, expression: ts.Node, scope: int, scopes: Scopes) -> str:
    """The type of the object a chain of members starts from: a declared name, C++
    ``this``, a cast; empty when not known."""
    if expression.type == "identifier":
        found = scopes.type_of(scope, node_text(source, expression))
        return TYPE_NAMESPACE + found if found else ""
    if expression.type == "this" and scope != FILE_SCOPE:
        owner = _class_of_method(source, scopes.functions[scope])
        return TYPE_NAMESPACE + owner if owner else ""
    if expression.type == "cast_expression":
        descriptor = expression.child_by_field_name("type")
        written = descriptor.child_by_field_name("type") if descriptor is not None else None
        found = type_name(source, written) if written is not None else ""
        return TYPE_NAMESPACE + found if found else ""
    return ""


def _declared(declarator: ts.Node) -> ts.Node | None:
    return declared_name(declarator, functions=False)


def member_targets(
    language: ts.Language, root: ts.Node, source: bytes
) -> Mapping[tuple[int, int], str]:
    """The target of each member use (``p->top``), by the line and byte column of the
    member's name: a field of a declared type, or ``UNKNOWN_MEMBER``."""
    found = gather(_query(language), root, source, _declared)
    scopes = found.scopes
    targets: dict[tuple[int, int], str] = {}
    for use, member in found.uses:
        argument = use.child_by_field_name("argument")
        base = _target_of(source, argument, scopes.function_of(use), scopes) if argument else ""
        where = (member.start_point.row + 1, member.start_point.column)
        targets[where] = f"{base}.{node_text(source, member)}" if base else UNKNOWN_MEMBER
    return targets
