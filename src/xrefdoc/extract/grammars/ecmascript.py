"""JavaScript, TypeScript and TSX: classes and their fields, functions, methods, module-level
bindings and what CommonJS exports; TypeScript's interfaces and their members, type aliases,
enums and their members, namespaces and function signatures.

Our own patterns rather than the wheels' ``tags.scm``: theirs make a method of a function in
an object literal (``module.exports = { make() {} }``), know no class field, and TypeScript's
has no type alias, enum or ``namespace``. Private names keep their ``#``: ``#secret`` and
``secret`` are two members, and ``this.#secret`` is a use of the first.
"""

from __future__ import annotations

from xrefdoc.extract.grammars.grammar import IDENTIFIER_TYPES, Grammar

# A declaration of names (``let a = 1, b``) and one that destructures a value (``const { a, b:
# c, d = 1 } = obj``, ``[e, f] = pair``), each name its own definition, unless what it
# destructures is what ``require`` returns.
_BINDINGS = """[
      (lexical_declaration (variable_declarator name: (identifier) @name) @definition.variable)
      (variable_declaration (variable_declarator name: (identifier) @name) @definition.variable)
    ]"""
_DESTRUCTURED = """(variable_declarator
      name: [
        (object_pattern [
          (shorthand_property_identifier_pattern) @name @definition.variable
          (pair_pattern value: (identifier) @name @definition.variable)
          (object_assignment_pattern
            left: (shorthand_property_identifier_pattern) @name @definition.variable)
        ])
        (array_pattern (identifier) @name @definition.variable)
      ]
      value: (_) @_value (#not-match? @_value "^require"))"""
_DESTRUCTURINGS = f"[(lexical_declaration {_DESTRUCTURED}) (variable_declaration {_DESTRUCTURED})]"
# A constructor is a method; a function in an object literal is a function (its object is a
# variable, not a class); ``X.prototype.m = function`` is a method of X; ``X.T = class Y`` is a
# class T of X (and Y: two names of one class), as ``T = class Y`` is a class T. A
# declaration at the top of a module is a variable (or constant), as in Python, unless it
# binds what ``require`` returns: that is an import. ``exports.x = …``, ``module.exports.x =
# …`` and the members of ``module.exports = {…}`` are the module's own definitions
# (``module.exports`` itself is none).
_ES_TAGS = f"""
    (class_body (method_definition
      name: [(property_identifier) (private_property_identifier)] @name) @definition.method)
    (object (method_definition name: (property_identifier) @name) @definition.function)
    [(class name: (_) @name) (class_declaration name: (_) @name)] @definition.class
    [
      (function_expression name: (identifier) @name)
      (function_declaration name: (identifier) @name)
      (generator_function name: (identifier) @name)
      (generator_function_declaration name: (identifier) @name)
    ] @definition.function
    (variable_declarator name: (identifier) @name
      value: [(arrow_function) (function_expression) (generator_function)]) @definition.function
    (assignment_expression
      left: [(identifier) @name (member_expression property: (property_identifier) @name)]
      right: [(arrow_function) (function_expression) (generator_function)]) @definition.function
    (pair key: (property_identifier) @name
      value: [(arrow_function) (function_expression) (generator_function)]) @definition.function
    (assignment_expression left: (identifier) @name right: (class)) @definition.class
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
    (program {_BINDINGS})
    (program (export_statement declaration: {_BINDINGS}))
    (program {_DESTRUCTURINGS})
    (program (export_statement declaration: {_DESTRUCTURINGS}))
    (assignment_expression
      left: (member_expression object: (identifier) @_module
        property: (property_identifier) @_exports)
      (#eq? @_module "module") (#eq? @_exports "exports")) @ignore
    (assignment_expression
      left: (member_expression object: (identifier) @_exports
        property: (property_identifier) @name)
      (#eq? @_exports "exports")) @definition.variable
    (assignment_expression
      left: (member_expression
        object: (member_expression object: (identifier) @_module
          property: (property_identifier) @_exports)
        property: (property_identifier) @name)
      (#eq? @_module "module") (#eq? @_exports "exports")) @definition.variable
    (assignment_expression
      left: (member_expression object: (identifier) @_exports
        property: (property_identifier) @name)
      right: (class) (#eq? @_exports "exports")) @definition.class
    (assignment_expression
      left: (member_expression
        object: (member_expression object: (identifier) @_module
          property: (property_identifier) @_exports)
        property: (property_identifier) @name)
      right: (class) (#eq? @_module "module") (#eq? @_exports "exports")) @definition.class
    (assignment_expression
      left: (member_expression object: (identifier) @_module
        property: (property_identifier) @_exports)
      right: (object [
        (pair key: (property_identifier) @name) @definition.variable
        (shorthand_property_identifier) @name @definition.variable
      ])
      (#eq? @_module "module") (#eq? @_exports "exports"))
"""

_JS_TAGS = """
    (field_definition
      property: [(property_identifier) (private_property_identifier)] @name) @definition.field
    ; What a class extends (``class B extends mod.A``; a mixin's call names no class).
    (class_declaration (class_heritage [(identifier) (member_expression)] @base)) @bases.of
    (class (class_heritage [(identifier) (member_expression)] @base)) @bases.of
"""

# The members of an object type a type alias names (one in a function is a local, and so are
# its members).
_OBJECT_TYPE_FIELDS = """(type_alias_declaration value: (object_type
      (property_signature name: (property_identifier) @name) @definition.field))"""
# A constructor's parameters with a modifier (``private a``, ``readonly b``) in a class body.
_PARAMETER_FIELDS = """(class_body (method_definition name: (property_identifier) @_constructor
      parameters: (formal_parameters [
        (required_parameter [(accessibility_modifier) (override_modifier) "readonly"]
          pattern: (identifier) @name)
        (optional_parameter [(accessibility_modifier) (override_modifier) "readonly"]
          pattern: (identifier) @name)
      ] @definition.field)
      (#eq? @_constructor "constructor")))"""
# Interfaces and enums are classes (their members are looked up as a class's are); a
# namespace (``namespace A {}``, ``module A {}``) is a namespace, whose functions stay
# functions; a function's signature without a body (``declare function``, an overload) is a
# prototype, as a C header's; a constructor's parameter with a modifier is a field of its
# class; a ``declare const`` is a variable (or constant), the members of its object type
# (``declare const EventSource: { readonly OPEN: 1 }``) its fields.
_TS_TAGS = f"""
    (public_field_definition
      name: [(property_identifier) (private_property_identifier)] @name) @definition.field
    (abstract_class_declaration name: (type_identifier) @name) @definition.class
    (interface_declaration name: (type_identifier) @name) @definition.interface
    (interface_body (property_signature name: (property_identifier) @name) @definition.field)
    (method_signature name: (property_identifier) @name) @definition.method
    (abstract_method_signature name: (property_identifier) @name) @definition.method
    (function_signature name: (identifier) @name) @definition.prototype
    (type_alias_declaration name: (type_identifier) @name) @definition.alias
    (enum_declaration name: (identifier) @name) @definition.enum
    (enum_body [
      (property_identifier) @name @definition.enumerator
      (enum_assignment name: (property_identifier) @name) @definition.enumerator
    ])
    [(internal_module name: [(identifier) (nested_identifier)] @name)
     (module name: (identifier) @name)] @definition.namespace
    (program [{_OBJECT_TYPE_FIELDS} (export_statement declaration: {_OBJECT_TYPE_FIELDS})])
    (internal_module body: (statement_block [
      {_OBJECT_TYPE_FIELDS} (export_statement declaration: {_OBJECT_TYPE_FIELDS})]))
    (internal_module body: (statement_block {_BINDINGS}))
    (internal_module body: (statement_block (export_statement declaration: {_BINDINGS})))
    (module body: (statement_block {_BINDINGS}))
    (module body: (statement_block (export_statement declaration: {_BINDINGS})))
    (ambient_declaration {_BINDINGS})
    (ambient_declaration (_ (variable_declarator type: (type_annotation (object_type
      (property_signature name: (property_identifier) @name) @definition.field)))))
    (class_declaration name: (type_identifier) @local.scope body: {_PARAMETER_FIELDS})
    (abstract_class_declaration name: (type_identifier) @local.scope body: {_PARAMETER_FIELDS})
    ; What a class extends and implements, and what an interface extends.
    (class_declaration (class_heritage [
      (extends_clause value: [(identifier) (member_expression)] @base)
      (implements_clause [(type_identifier) (nested_type_identifier) (generic_type)] @base)
    ])) @bases.of
    (abstract_class_declaration (class_heritage [
      (extends_clause value: [(identifier) (member_expression)] @base)
      (implements_clause [(type_identifier) (nested_type_identifier) (generic_type)] @base)
    ])) @bases.of
    (class (class_heritage [
      (extends_clause value: [(identifier) (member_expression)] @base)
      (implements_clause [(type_identifier) (nested_type_identifier) (generic_type)] @base)
    ])) @bases.of
    (interface_declaration (extends_type_clause
      type: [(type_identifier) (nested_type_identifier) (generic_type)] @base)) @bases.of
"""

_ES_MODULE_IMPORTS = """
    (import_statement source: (string) @import)
    (export_statement source: (string) @import)
"""
# A variable, type or signature inside one of these is a local.
_LOCAL_SCOPES = frozenset(
    {
        "function_declaration",
        "function_expression",
        "arrow_function",
        "method_definition",
        "generator_function",
        "generator_function_declaration",
        "class_static_block",
    }
)
_IDENTIFIERS = (*IDENTIFIER_TYPES, "private_property_identifier")


def _typescript(function: str) -> Grammar:
    """TypeScript or TSX: JavaScript's definitions and TypeScript's own."""
    return Grammar(
        "tree_sitter_typescript",
        function,
        tags=(),
        extra_tags=_ES_TAGS + _TS_TAGS,
        imports=_ES_MODULE_IMPORTS,
        identifiers=_IDENTIFIERS,
        local_scopes=_LOCAL_SCOPES,
    )


JAVASCRIPT = Grammar(
    "tree_sitter_javascript",
    tags=(),
    extra_tags=_ES_TAGS + _JS_TAGS,
    imports=_ES_MODULE_IMPORTS
    + """
        (call_expression function: (identifier) @_require (#eq? @_require "require")
          arguments: (arguments . (string) @import))
    """,
    identifiers=_IDENTIFIERS,
    local_scopes=_LOCAL_SCOPES,
)
TYPESCRIPT = _typescript("language_typescript")
TSX = _typescript("language_tsx")
