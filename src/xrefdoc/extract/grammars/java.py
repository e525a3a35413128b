"""Java: classes, interfaces, enums and their constants, annotation types, records and
their components, methods and constructors, and fields (one per declarator)."""

from __future__ import annotations

from xrefdoc.extract.grammars.grammar import Grammar

# A field is each declarator of a declaration (``int a, b;`` defines two), spanning only
# its own declarator so that two fields of one line do not nest; only those of declared
# types: an anonymous class's fields (``new Object() { int n; }``) are a method's locals.
# Locals are another node (``local_variable_declaration``), never matched. Ctags 5.9 reads
# a record as a method and not its components; to a reader it is a class, they its fields.
# The wheel's ``tags.scm`` is not read: its reference patterns (every call, every type in a
# list) cost a match each and define nothing.
_TAGS = """
    (class_declaration name: (identifier) @name) @definition.class
    (method_declaration name: (identifier) @name) @definition.method
    (interface_declaration name: (identifier) @name) @definition.interface
    (constructor_declaration name: (identifier) @name) @definition.method
    (compact_constructor_declaration name: (identifier) @name) @definition.method
    (enum_declaration name: (identifier) @name) @definition.enum
    (enum_constant name: (identifier) @name) @definition.enumerator
    (annotation_type_declaration name: (identifier) @name) @definition.interface
    (annotation_type_element_declaration name: (identifier) @name) @definition.method
    (record_declaration name: (identifier) @name) @definition.class
    (record_declaration parameters: (formal_parameters
      (formal_parameter name: (identifier) @name) @definition.field))
    ([(class_declaration body: (class_body (field_declaration
        declarator: (variable_declarator name: (identifier) @name) @definition.field)))
      (record_declaration body: (class_body (field_declaration
        declarator: (variable_declarator name: (identifier) @name) @definition.field)))
      (enum_body_declarations (field_declaration
        declarator: (variable_declarator name: (identifier) @name) @definition.field))
      (interface_body (constant_declaration
        declarator: (variable_declarator name: (identifier) @name) @definition.field))
      (annotation_type_body (constant_declaration
        declarator: (variable_declarator name: (identifier) @name) @definition.field))])
    ; What a class extends and implements, and what an interface extends.
    (class_declaration superclass: (superclass (_) @base)) @bases.of
    (class_declaration interfaces: (super_interfaces (type_list (_) @base))) @bases.of
    (enum_declaration interfaces: (super_interfaces (type_list (_) @base))) @bases.of
    (record_declaration interfaces: (super_interfaces (type_list (_) @base))) @bases.of
    (interface_declaration (extends_interfaces (type_list (_) @base))) @bases.of
"""

JAVA = Grammar(
    "tree_sitter_java",
    tags=(),
    extra_tags=_TAGS,
    imports="(import_declaration (scoped_identifier) @import)",
)
