"""What xrefdoc needs to know of a tree-sitter grammar: its wheel, its queries, its names."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import tree_sitter as ts

from xrefdoc.core.model import SymbolKind

# Capture kinds (``definition.<kind>``, of a wheel's ``tags.scm`` or of our own patterns)
# as symbol kinds; kinds not listed are left out.
KINDS = {
    "class": SymbolKind.CLASS,
    "interface": SymbolKind.CLASS,
    "struct": SymbolKind.CLASS,
    "enum": SymbolKind.CLASS,
    "union": SymbolKind.CLASS,
    "module": SymbolKind.CLASS,
    "trait": SymbolKind.CLASS,
    "type": SymbolKind.CLASS,  # a wheel's "type" is a Go ``type X struct``, a Rust struct
    "function": SymbolKind.FUNCTION,
    "method": SymbolKind.METHOD,
    "constant": SymbolKind.CONSTANT,
    "variable": SymbolKind.VARIABLE,
    "macro": SymbolKind.MACRO,
    "field": SymbolKind.FIELD,
    "enumerator": SymbolKind.ENUMERATOR,
    "typedef": SymbolKind.TYPE,
    "alias": SymbolKind.TYPE,
    "namespace": SymbolKind.NAMESPACE,
    "prototype": SymbolKind.PROTOTYPE,
    "impl": SymbolKind.IMPL,
}

# Leaf node types that are names, in any grammar (those a grammar lacks are skipped).
IDENTIFIER_TYPES = (
    "identifier",
    "type_identifier",
    "field_identifier",
    "property_identifier",
    "constant",
    "shorthand_property_identifier",
    "namespace_identifier",
)


@dataclass(frozen=True, slots=True)
class Grammar:
    """Where a language's grammar lives and the queries that read it.

    ``tags`` are files of the wheel's ``queries/`` folder (or of another grammar's, as
    ``module:file``); ``extra_tags`` our own patterns in the same capture convention
    (``definition.<kind>``, a kind of ``KINDS``), with ``container.<kind>`` for a node that
    only gives its members a parent (a Rust ``impl``, whose functions are methods, as
    ``container.class``); ``@ignore`` marks a node that defines nothing whatever else
    matches it (where the match has an ``@ignore.whole_file`` node, only when that node
    holds the rest of the file: nothing but comments follows it). A definition's name is
    its ``@name`` capture or, for a C declaration, the name its ``@declarator`` declares
    (through pointers, arrays, initialisers);
    ``@signature`` is a macro's parameter list; ``@type`` the type of a field or variable,
    or what a typedef names; ``@local.scope`` names the class a definition belongs to (a Go
    method's receiver, C++ ``A::run``). A pattern with ``@bases.of`` (the node a class's
    definition pattern captures) gives that class the text of each of its ``@base`` nodes
    as a base, without type arguments (``Symbol.bases``).
    ``imports`` captures ``@import`` nodes whose text names the imported module or file;
    ``identifiers`` are the node types whose text is a name.
    ``local_scopes`` are the node types (function bodies) inside which a variable or a
    declaration is a local, not a definition.
    ``reserved`` are words that are never a name: a definition so named is a misreading.
    ``member_targets`` gives the targets of member uses (``p->top``) by line and column.
    ``repair`` makes a copy of a file that does not parse, offsets unchanged, that the
    grammar may read better (C, C++ and CUDA with macros and CUDA's extensions blanked
    out). ``line_definitions`` find definitions by line in a file the grammar cannot read
    whole, where a dialect it does not know (zsh read as Bash) or a macro hides them: each
    pattern's first group that matched is the name, a group ``signature`` the signature.
    ``not_definitions`` gives, from the text, the names and lines that define nothing in a
    tree with errors (a C include guard the broken tree does not show as one).
    """

    module: str
    function: str = "language"
    tags: tuple[str, ...] = ("tags.scm",)
    extra_tags: str = ""
    imports: str = ""
    identifiers: tuple[str, ...] = IDENTIFIER_TYPES
    local_scopes: frozenset[str] = frozenset()
    reserved: frozenset[str] = frozenset()
    member_targets: (
        Callable[[ts.Language, ts.Node, bytes], Mapping[tuple[int, int], str]] | None
    ) = None
    repair: Callable[[bytes], bytes] | None = None
    line_definitions: tuple[tuple[re.Pattern[bytes], SymbolKind], ...] = ()
    not_definitions: Callable[[bytes], frozenset[tuple[str, int]]] | None = None
