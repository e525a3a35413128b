"""C, C++ and CUDA: functions and their prototypes, structs, unions, classes, enums and
their enumerators, fields, typedefs, file-scope variables, macros and C++ namespaces.

Our own patterns rather than the wheels' ``tags.scm``, which know functions and types only
(and take ``enum Color c;`` for a definition of ``Color``). An include guard (``#ifndef
LUA_H`` / ``#define LUA_H`` around a header) defines nothing a reader looks up: it is left
out of the index."""

from __future__ import annotations

import re

from xrefdoc.core.model import SymbolKind
from xrefdoc.extract.c_members import member_targets
from xrefdoc.extract.cpp_repair import DEFINE_HEAD, readable_copy
from xrefdoc.extract.grammars.grammar import Grammar

# Declarations outside functions: variables, ``static`` and ``extern``; one of a function
# is its prototype. Only where a file-scope declaration stands, so that a function's many
# locals are no match (one in a function's ``#if`` is dropped as a local, see the grammar's
# local scopes).
_FILE_SCOPE_DECLARATIONS = "".join(
    f"({parent} (declaration type: (_) @type declarator: (_) @declarator) @definition.variable)\n"
    for parent in (
        "translation_unit",
        "declaration_list",
        "linkage_specification",
        "preproc_if",
        "preproc_ifdef",
        "preproc_else",
        "preproc_elif",
        "ERROR",  # what error recovery kept of a file's broken part
    )
)
_C_TAGS = (
    _FILE_SCOPE_DECLARATIONS
    + """
    (struct_specifier name: (type_identifier) @name body: (_)) @definition.class
    (union_specifier name: (type_identifier) @name body: (_)) @definition.class
    (enum_specifier name: (type_identifier) @name body: (_)) @definition.enum
    (enumerator name: (identifier) @name) @definition.enumerator
    ; A function declarator is a function where it has a body, else a prototype (see
    ; treesitter._definition_node); lua writes ``int (lua_gettop) (lua_State *L)``.
    (function_declarator declarator: [(identifier) @name
      (parenthesized_declarator (identifier) @name)]) @definition.function
    (type_definition type: (_) @type declarator: (_) @declarator) @definition.typedef
    (field_declaration type: (_) @type declarator: (_) @declarator) @definition.field
    ; ``int (lua_gettop) (lua_State *L);`` read by the C++ grammar as a call: outside
    ; functions (see local scopes), where no expression can stand, it is a prototype.
    (expression_statement (call_expression
      function: (call_expression arguments: (argument_list . (identifier) @name .))
      arguments: (argument_list)) @definition.prototype)
    (expression_statement (call_expression
      function: (call_expression
        arguments: (argument_list . (pointer_expression argument: (identifier) @name) .))
      arguments: (argument_list)) @definition.variable)  ; ``void (*hook)(Ctx *c);``
    (expression_statement (binary_expression operator: "*" right: (call_expression
      function: (parenthesized_expression (identifier) @name)
      arguments: (argument_list))) @definition.prototype)
    (preproc_def name: (identifier) @name) @definition.macro
    (preproc_function_def name: (identifier) @name
      parameters: (preproc_params) @signature) @definition.macro
    ; An include guard: an ``#ifndef`` around the rest of the file (comments aside), and
    ; a ``#define`` of the same name, without a value, right after it and before the
    ; header's content (``#ifndef LUA_USE_C89 / #define LUA_USE_C89 / #endif`` sets a flag).
    (translation_unit (preproc_ifdef "#ifndef" name: (identifier) @_guard
      . (preproc_def name: (identifier) @_defined !value) @ignore . (_)
      (#eq? @_guard @_defined)) @ignore.whole_file)
"""
)

_CPP_TAGS = """
    (class_specifier name: (type_identifier) @name body: (_)) @definition.class
    (function_declarator declarator: (field_identifier) @name) @definition.function
    (function_declarator declarator: (qualified_identifier
      scope: (namespace_identifier) @local.scope name: (identifier) @name)) @definition.method
    (namespace_definition name: (namespace_identifier) @name) @definition.namespace
    (alias_declaration name: (type_identifier) @name type: (_) @type) @definition.typedef
    (struct_specifier name: (template_type name: (type_identifier) @name)
      body: (_)) @definition.class
    (class_specifier name: (template_type name: (type_identifier) @name)
      body: (_)) @definition.class
    ; ``struct API Name { ... }``: an export macro before the name reads as a
    ; function whose type is the bodiless ``struct API``.
    (function_definition type: [(struct_specifier !body) (class_specifier !body)]
      declarator: (identifier) @name) @definition.class
    (function_declarator
      declarator: [(operator_name) (destructor_name)] @name) @definition.function
    (function_declarator declarator: (qualified_identifier
      scope: (template_type name: (type_identifier) @local.scope)
      name: (identifier) @name)) @definition.method
    ; Error recovery after a macro before the return type leaves the name a type.
    (function_definition (_ (_ (function_declarator
      declarator: (type_identifier) @name) @definition.function)))
    (function_declarator declarator: (qualified_identifier
      scope: (namespace_identifier) @local.scope
      name: [(operator_name) (destructor_name)] @name)) @definition.method
    ; A class's bases (``class B : public A, private ns::C<T>``).
    (class_specifier (base_class_clause
      [(type_identifier) (qualified_identifier) (template_type)] @base)) @bases.of
    (struct_specifier (base_class_clause
      [(type_identifier) (qualified_identifier) (template_type)] @base)) @bases.of
"""

# A ``#define`` is one line (or more, continued): found by line where the tree is broken,
# but for the include guard's (see ``include_guard``).
_DEFINES = (
    (
        re.compile(DEFINE_HEAD + rb"(?P<signature>\([^)\n]*\))?", re.MULTILINE),
        SymbolKind.MACRO,
    ),
)
_CONDITIONAL = re.compile(rb"^[ \t]*#[ \t]*(ifndef|ifdef|if)\b([^\n]*)", re.MULTILINE)
_DIRECTIVE = re.compile(rb"^[ \t]*#[ \t]*(\w+)([^\n]*)", re.MULTILINE)
_NOT_DEFINED = re.compile(rb"!\s*defined\s*\(?\s*(\w+)\s*\)?\Z")
_COMMENT = re.compile(rb"/\*.*?\*/|//.*")


def include_guard(source: bytes) -> frozenset[tuple[str, int]]:
    """The name and line of a header's include guard, read from its text: its first
    conditional is ``#ifndef X`` (or ``#if !defined(X)``) and its next directive ``#define
    X`` with no value. For a file the grammar cannot read whole, whose tree may not show
    the guard around the rest of the file."""
    first = _CONDITIONAL.search(source)
    if first is None or first.group(1) == b"ifdef":
        return frozenset()
    test = _COMMENT.sub(b"", first.group(2)).strip()
    if first.group(1) == b"ifndef":
        name = test
    else:
        negated = _NOT_DEFINED.match(test)
        name = negated.group(1) if negated else b""
    following = _DIRECTIVE.search(source, first.end())
    if not name or following is None or following.group(1) != b"define":
        return frozenset()
    if _COMMENT.sub(b"", following.group(2)).split() != [name]:
        return frozenset()
    line = source.count(b"\n", 0, following.start()) + 1
    return frozenset({(name.decode("utf-8", "replace"), line)})


_INCLUDES = "(preproc_include path: (string_literal) @import)"
_LOCAL_SCOPES = frozenset({"function_definition", "lambda_expression"})
# Type and storage words that a macro before them can make the grammar read as a name.
_RESERVED = frozenset(
    {
        "auto", "bool", "char", "const", "double", "extern", "float", "inline", "int",
        "long", "register", "short", "signed", "static", "struct", "union", "unsigned",
        "void", "volatile",
    }
)  # fmt: skip


def _c_family(module: str, tags: str) -> Grammar:
    """C or C++ (which reads CUDA and every ``.h``): the same reading, their own patterns."""
    return Grammar(
        module,
        tags=(),
        extra_tags=tags,
        imports=_INCLUDES,
        local_scopes=_LOCAL_SCOPES,
        reserved=_RESERVED,
        member_targets=member_targets,
        line_definitions=_DEFINES,
        not_definitions=include_guard,
        repair=readable_copy,
    )


C = _c_family("tree_sitter_c", _C_TAGS)
CPP = _c_family("tree_sitter_cpp", _C_TAGS + _CPP_TAGS)
