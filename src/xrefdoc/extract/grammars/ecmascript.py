"""JavaScript, TypeScript and TSX: the JavaScript wheel's tags (and TypeScript's own), plus
constructors, prototype methods, classes assigned to members and module-level bindings."""

from __future__ import annotations

from xrefdoc.extract.grammars.grammar import Grammar

# A constructor is a method (the wheel's tags leave it out); ``X.prototype.m = function``
# is a method of X; ``X.T = class Y`` is a class T of X (and Y: two names of one class); a
# declaration at the top of a module is a variable (or constant), as in Python, unless it
# binds what ``require`` returns: that is an import.
_ES_EXTRA_TAGS = """
    (method_definition name: (property_identifier) @name
      (#eq? @name "constructor")) @definition.method
    (assignment_expression
      left: (member_expression object: (identifier) @local.scope
        property: (property_identifier) @name)
      right: (class) (#not-match? @local.scope "^(module|exports)$")) @definition.class
    (assignment_expression
      left: (member_expression
        object: (member_expression object: (identifier) @local.scope
          property: (property_identifier) @_prototype (#eq? @_prototype "prototype"))
        property: (property_identifier) @name)
      right: [(function_expression) (arrow_function)]) @definition.method
    (variable_declarator value: (call_expression function: (identifier) @_require
      (#eq? @_require "require"))) @ignore
    (program (lexical_declaration
      (variable_declarator name: (identifier) @name) @definition.variable))
    (program (variable_declaration
      (variable_declarator name: (identifier) @name) @definition.variable))
    (program (export_statement declaration: (lexical_declaration
      (variable_declarator name: (identifier) @name) @definition.variable)))
"""
_ES_MODULE_IMPORTS = """
    (import_statement source: (string) @import)
    (export_statement source: (string) @import)
"""


def _typescript(function: str) -> Grammar:
    """TypeScript or TSX: the JavaScript tags plus TypeScript's own."""
    return Grammar(
        "tree_sitter_typescript",
        function,
        ("tree_sitter_javascript:tags.scm", "tags.scm"),
        extra_tags=_ES_EXTRA_TAGS,
        imports=_ES_MODULE_IMPORTS,
    )


JAVASCRIPT = Grammar(
    "tree_sitter_javascript",
    extra_tags=_ES_EXTRA_TAGS,
    imports=_ES_MODULE_IMPORTS
    + """
        (call_expression function: (identifier) @_require (#eq? @_require "require")
          arguments: (arguments . (string) @import))
    """,
)
TYPESCRIPT = _typescript("language_typescript")
TSX = _typescript("language_tsx")
