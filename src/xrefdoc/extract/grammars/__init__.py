"""The tree-sitter grammars xrefdoc reads, one module per language family: where each
grammar's wheel is, and the queries that find its definitions, imports and names. A
language is a grammar module and an entry in ``GRAMMARS``."""

from __future__ import annotations

from xrefdoc.extract.grammars.c_family import CPP, C
from xrefdoc.extract.grammars.ecmascript import JAVASCRIPT, TSX, TYPESCRIPT
from xrefdoc.extract.grammars.go import GO
from xrefdoc.extract.grammars.grammar import Grammar
from xrefdoc.extract.grammars.java import JAVA
from xrefdoc.extract.grammars.python import PYTHON
from xrefdoc.extract.grammars.ruby import RUBY
from xrefdoc.extract.grammars.rust import RUST
from xrefdoc.extract.grammars.shell import BASH

GRAMMARS: dict[str, Grammar] = {
    "javascript": JAVASCRIPT,
    "typescript": TYPESCRIPT,
    "tsx": TSX,
    "c": C,
    "cpp": CPP,
    "go": GO,
    "rust": RUST,
    "java": JAVA,
    "ruby": RUBY,
    "bash": BASH,
    # For Python that the running interpreter's ``ast`` cannot parse (newer syntax).
    "python": PYTHON,
}

# The PyPI names of the grammar wheels (``tree-sitter-<name>``), for the cache's version.
GRAMMAR_DISTRIBUTIONS = tuple(
    sorted({grammar.module.removeprefix("tree_sitter_") for grammar in GRAMMARS.values()})
)

__all__ = ["GRAMMARS", "GRAMMAR_DISTRIBUTIONS", "Grammar"]
