"""Ruby: classes, modules and methods, and the files ``require`` loads."""

from __future__ import annotations

from xrefdoc.extract.grammars.grammar import Grammar

RUBY = Grammar(
    "tree_sitter_ruby",
    imports="""
        (call method: (identifier) @_require
          (#any-of? @_require "require" "require_relative" "load")
          arguments: (argument_list . (string (string_content) @import)))
    """,
)
