"""Rust: items, and the functions of an ``impl`` block as methods of its type."""

from __future__ import annotations

from xrefdoc.extract.grammars.grammar import Grammar

RUST = Grammar(
    "tree_sitter_rust",
    extra_tags="""
        (impl_item type: (type_identifier) @name) @container.class
        (impl_item type: (generic_type type: (type_identifier) @name)) @container.class
    """,
    imports="""
        (use_declaration argument: (_) @import)
        (mod_item name: (identifier) @import !body)
    """,
)
