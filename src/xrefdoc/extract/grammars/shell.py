"""Bash (and zsh read as Bash): functions, and the files ``source`` reads."""

from __future__ import annotations

import re

from xrefdoc.core.model import SymbolKind
from xrefdoc.extract.grammars.grammar import Grammar

BASH = Grammar(
    "tree_sitter_bash",
    tags=(),
    extra_tags="(function_definition name: (word) @name) @definition.function",
    imports="""
        (command name: (command_name) @_source (#any-of? @_source "source" ".")
          argument: (word) @import)
    """,
    identifiers=("command_name", "variable_name"),
    line_definitions=(
        (
            re.compile(
                rb"^[ \t]*(?:function[ \t]+([\w.:-]+)|([\w.:-]+)[ \t]*\([ \t]*\))",
                re.MULTILINE,
            ),
            SymbolKind.FUNCTION,
        ),
    ),
)
