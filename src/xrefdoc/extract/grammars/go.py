"""Go: functions, methods (tied to their receiver's type), types and type aliases, struct
fields, interface method specs, and package-level constants and variables.

Our own patterns rather than the wheel's ``tags.scm``, whose reference patterns (every type
name is a ``@reference.type``) cost a match each and define nothing. What is declared inside
a function (variables, constants, types and their fields) is a local, as for Universal
Ctags, and so is the blank identifier ``_``. A field's ``@type`` is its value's type, so
``e.next.Name`` leads through ``next`` (see ``go_members``)."""

from __future__ import annotations

from xrefdoc.extract.go_members import member_targets
from xrefdoc.extract.grammars.grammar import Grammar

_TAGS = """
    (function_declaration name: (identifier) @name) @definition.function
    (method_declaration
      receiver: (parameter_list (parameter_declaration
        type: [(type_identifier) @local.scope
               (pointer_type (type_identifier) @local.scope)
               (generic_type type: (type_identifier) @local.scope)
               (pointer_type (generic_type type: (type_identifier) @local.scope))]))
      name: (field_identifier) @name) @definition.method
    (type_spec name: (type_identifier) @name) @definition.type
    (type_alias name: (type_identifier) @name) @definition.alias
    ; The fields of a named struct type; an embedded one is named by its type, as ctags
    ; names it (``io.Writer``, ``*Base`` and ``List[T]`` embed ``Writer``, ``Base``, ``List``).
    (type_spec type: (struct_type (field_declaration_list
      (field_declaration . name: (field_identifier) @name . type: (_) @type) @definition.field)))
    (type_spec type: (struct_type (field_declaration_list (field_declaration
      (field_identifier) @name @definition.field . (field_identifier) type: (_) @type))))
    (type_spec type: (struct_type (field_declaration_list (field_declaration
      (field_identifier) . (field_identifier) @name @definition.field type: (_) @type))))
    (type_spec type: (struct_type (field_declaration_list (field_declaration
      !name
      type: [(type_identifier) @name
             (qualified_type name: (type_identifier) @name)
             (generic_type type: [(type_identifier) @name
                                  (qualified_type name: (type_identifier) @name)])
             (pointer_type [(type_identifier) @name
                            (qualified_type name: (type_identifier) @name)
                            (generic_type type: (type_identifier) @name)])]
      ) @definition.field)))
    (type_spec type: (interface_type
      (method_elem name: (field_identifier) @name) @definition.method))
    ; The interfaces an interface embeds (``type ReadWriter interface { Reader; io.Writer }``).
    (type_spec type: (interface_type
      (type_elem . [(type_identifier) (qualified_type)] @base .))) @bases.of
    ; A spec of one name spans the spec; each of several (``var a, b = 1, 2``) its name.
    (const_spec . name: (identifier) @name . [type: (_) value: (_)]
      (#not-eq? @name "_")) @definition.constant
    (const_spec . name: (identifier) @name . (#not-eq? @name "_")) @definition.constant
    (const_spec (identifier) @name @definition.constant . (identifier) (#not-eq? @name "_"))
    (const_spec (identifier) . (identifier) @name @definition.constant (#not-eq? @name "_"))
    (var_spec . name: (identifier) @name . [type: (_) value: (_)]
      (#not-eq? @name "_")) @definition.variable
    (var_spec (identifier) @name @definition.variable . (identifier) (#not-eq? @name "_"))
    (var_spec (identifier) . (identifier) @name @definition.variable (#not-eq? @name "_"))
    ; A type declared in a function is a local, with its fields and method specs.
    (block (statement_list (type_declaration [
      (type_spec) @ignore
      (type_spec type: [(struct_type (field_declaration_list (field_declaration) @ignore))
                        (interface_type (method_elem) @ignore)])])))
"""

GO = Grammar(
    "tree_sitter_go",
    tags=(),
    extra_tags=_TAGS,
    imports="(import_spec path: (_) @import)",
    local_scopes=frozenset({"function_declaration", "method_declaration", "func_literal"}),
    member_targets=member_targets,
)
