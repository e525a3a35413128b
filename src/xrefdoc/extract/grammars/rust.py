"""Rust: functions, structs and their fields, enums and their variants, unions, traits and
their methods (signatures too), modules, type aliases, constants, statics, ``macro_rules!``
macros, and ``impl`` blocks tied to their type, whose functions are its methods.

Our own patterns rather than the wheel's ``tags.scm``, which calls a type alias a class,
knows no fields, variants, constants or trait signatures, and has reference patterns that
cost a match each and define nothing. A ``const``, ``static`` or ``type`` in a function's or a
closure's block is a local, left out; one in an ``impl`` or a ``trait``, wherever that is, is
a member of its type. Items are told from locals by their parent node, not by local scopes,
which would take an ``impl`` in a function for a local too."""

from __future__ import annotations

from xrefdoc.extract.grammars.grammar import Grammar

# The type an ``impl`` block is named after, as ctags names it: the last name of its path,
# without generic arguments, behind references and pointers (``impl<'a> Visitor<'a> for
# &'a mut de::Foo<'a>`` is an impl of ``Foo``), a trait object's trait, a slice's element,
# a tuple's last.
_NAMED = """
    (type_identifier) @name
    (primitive_type) @name
    (scoped_type_identifier name: (type_identifier) @name)
    (generic_type type: [(type_identifier) @name
                         (scoped_type_identifier name: (type_identifier) @name)])
    (dynamic_type trait: [(type_identifier) @name
                         (scoped_type_identifier name: (type_identifier) @name)
                         (generic_type type: (type_identifier) @name)])
"""
_ELEMENTS = f"[{_NAMED}]"

# Items that are locals in a function's block: defined only in a file, a module, a trait or
# an impl.
_ITEMS = """
    (type_item name: (type_identifier) @name) @definition.alias
    (const_item name: (identifier) @name (#not-eq? @name "_")) @definition.constant
    (static_item name: (identifier) @name) @definition.variable
"""
_OUTSIDE_FUNCTIONS = "".join(
    f"({parent} {item.strip()})\n"
    for parent in ("source_file", "declaration_list")
    for item in _ITEMS.strip().splitlines()
)

_TAGS = """
    (function_item name: (identifier) @name) @definition.function
    (function_signature_item name: (identifier) @name) @definition.function
    (struct_item name: (type_identifier) @name) @definition.struct
    (union_item name: (type_identifier) @name) @definition.union
    (enum_item name: (type_identifier) @name) @definition.enum
    (trait_item name: (type_identifier) @name) @definition.trait
    (mod_item name: (identifier) @name) @definition.namespace
    (macro_definition name: (identifier) @name) @definition.macro
    (associated_type name: (type_identifier) @name) @definition.alias
    (enum_variant name: (identifier) @name) @definition.enumerator
    (struct_item body: (field_declaration_list
      (field_declaration name: (field_identifier) @name) @definition.field))
    (union_item body: (field_declaration_list
      (field_declaration name: (field_identifier) @name) @definition.field))
    ; A trait's supertraits (``trait B: A + fmt::Debug``).
    (trait_item bounds: (trait_bounds
      [(type_identifier) (scoped_type_identifier) (generic_type)] @base)) @bases.of
"""

_IMPLS = f"""
    (impl_item type: [
      {_NAMED}
      (reference_type type: {_ELEMENTS})
      (pointer_type type: {_ELEMENTS})
      (array_type element: {_ELEMENTS})
      (reference_type type: (array_type element: {_ELEMENTS}))
      (tuple_type {_ELEMENTS} .)
    ]) @definition.impl
    ; ``impl Serialize for ()`` has no type name: ctags names it after its trait.
    (impl_item trait: [
      (type_identifier) @name
      (scoped_type_identifier name: (type_identifier) @name)
      (generic_type type: [(type_identifier) @name
                           (scoped_type_identifier name: (type_identifier) @name)])
    ] type: [(unit_type) (never_type)]) @definition.impl
    ; The trait an ``impl`` gives its type (``impl fmt::Display for Engine``).
    (impl_item
      trait: [(type_identifier) (scoped_type_identifier) (generic_type)] @base) @bases.of
"""

RUST = Grammar(
    "tree_sitter_rust",
    tags=(),
    extra_tags=_OUTSIDE_FUNCTIONS + _TAGS + _IMPLS,
    imports="""
        (use_declaration argument: (_) @import)
        (mod_item name: (identifier) @import !body)
    """,
)
