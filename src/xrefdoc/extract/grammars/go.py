"""Go: functions, methods (tied to their receiver's type) and types."""

from __future__ import annotations

from xrefdoc.extract.grammars.grammar import Grammar

GO = Grammar(
    "tree_sitter_go",
    extra_tags="""
        (method_declaration
          receiver: (parameter_list (parameter_declaration
            type: [(type_identifier) @local.scope
                   (pointer_type (type_identifier) @local.scope)]))
          name: (field_identifier) @name) @definition.method
    """,
    imports="(import_spec path: (_) @import)",
)
