"""Java: classes, interfaces, enums, methods and constructors."""

from __future__ import annotations

from xrefdoc.extract.grammars.grammar import Grammar

JAVA = Grammar(
    "tree_sitter_java",
    extra_tags="""
        (constructor_declaration name: (identifier) @name) @definition.method
        (enum_declaration name: (identifier) @name) @definition.enum
    """,
    imports="(import_declaration (scoped_identifier) @import)",
)
