"""Python read by tree-sitter: for files that the running interpreter's ``ast`` cannot
parse (syntax newer than it)."""

from __future__ import annotations

from xrefdoc.extract.grammars.grammar import Grammar

PYTHON = Grammar(
    "tree_sitter_python",
    imports="""
        (import_statement name: [(dotted_name) @import
                                 (aliased_import name: (dotted_name) @import)])
        (import_from_statement module_name: (_) @import)
    """,
)
