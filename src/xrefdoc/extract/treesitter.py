"""Extraction with tree-sitter grammars from their PyPI wheels: definitions from each
grammar's own ``queries/tags.scm`` (plus a few patterns of ours), identifier uses, and
imports or includes. A language is a grammar module and a few lines in ``GRAMMARS``."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import cache
from importlib import resources

import tree_sitter as ts

from xrefdoc.extract.result import Extracted
from xrefdoc.model import Diagnostic, Import, Reference, Symbol

# tags.scm capture kinds (``definition.<kind>``) as our symbol kinds; kinds not listed
# (``definition.macro`` and the like) are left out.
_KINDS = {
    "class": "class",
    "interface": "class",
    "struct": "class",
    "enum": "class",
    "union": "class",
    "module": "class",
    "trait": "class",
    "type": "class",
    "function": "function",
    "method": "method",
    "constant": "constant",
}
_CLASS_LIKE = frozenset({"class"})

# Where a C/C++ function declarator shows it declares rather than defines.
_NOT_A_DEFINITION = frozenset(
    {
        "declaration",
        "field_declaration",
        "parameter_declaration",
        "compound_statement",
        "translation_unit",
        "type_definition",
    }
)

# Leaf node types that are names, in any grammar (those a grammar lacks are skipped).
_IDENTIFIER_TYPES = (
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
    ``module:file``); ``extra_tags`` our own patterns in the same capture convention, with
    ``container.<kind>`` for a node that only gives its members a parent (a Rust ``impl``);
    ``imports`` captures ``@import`` nodes whose text names the imported module or file;
    ``identifiers`` are the node types whose text is a name. A ``@local.scope`` capture
    names the class a definition belongs to (a Go method's receiver, C++ ``A::run``).
    """

    module: str
    function: str = "language"
    tags: tuple[str, ...] = ("tags.scm",)
    extra_tags: str = ""
    imports: str = ""
    identifiers: tuple[str, ...] = _IDENTIFIER_TYPES


_C_INCLUDES = "(preproc_include path: (string_literal) @import)"
_ES_MODULE_IMPORTS = """
    (import_statement source: (string) @import)
    (export_statement source: (string) @import)
"""


def _typescript(function: str) -> Grammar:
    """TypeScript or TSX: the JavaScript tags plus TypeScript's own."""
    return Grammar(
        "tree_sitter_typescript",
        function,
        ("tree_sitter_javascript:tags.scm", "tags.scm"),
        imports=_ES_MODULE_IMPORTS,
    )


GRAMMARS: dict[str, Grammar] = {
    "javascript": Grammar(
        "tree_sitter_javascript",
        imports=_ES_MODULE_IMPORTS
        + """
            (call_expression function: (identifier) @_require (#eq? @_require "require")
              arguments: (arguments . (string) @import))
        """,
    ),
    "typescript": _typescript("language_typescript"),
    "tsx": _typescript("language_tsx"),
    "c": Grammar("tree_sitter_c", imports=_C_INCLUDES),
    "cpp": Grammar(
        "tree_sitter_cpp",
        extra_tags="""
            (namespace_definition name: (namespace_identifier) @name) @container.module
            (struct_specifier name: (template_type name: (type_identifier) @name)
              body: (_)) @definition.class
            (class_specifier name: (template_type name: (type_identifier) @name)
              body: (_)) @definition.class
            ; ``struct API Name { ... }``: an export macro before the name reads as a
            ; function whose type is the bodiless ``struct API``.
            (function_definition type: [(struct_specifier !body) (class_specifier !body)]
              declarator: (identifier) @name) @definition.class
            (function_declarator
              declarator: [(operator_name) (destructor_name)] @name) @definition.function
            (function_declarator declarator: (qualified_identifier
              scope: (template_type name: (type_identifier) @local.scope)
              name: (identifier) @name)) @definition.method
            ; Error recovery after a macro before the return type leaves the name a type.
            (function_definition (_ (_ (function_declarator
              declarator: (type_identifier) @name) @definition.function)))
            (function_declarator declarator: (qualified_identifier
              scope: (namespace_identifier) @local.scope
              name: [(operator_name) (destructor_name)] @name)) @definition.method
        """,
        imports=_C_INCLUDES,
    ),
    "go": Grammar(
        "tree_sitter_go",
        extra_tags="""
            (method_declaration
              receiver: (parameter_list (parameter_declaration
                type: [(type_identifier) @local.scope
                       (pointer_type (type_identifier) @local.scope)]))
              name: (field_identifier) @name) @definition.method
        """,
        imports="(import_spec path: (_) @import)",
    ),
    "rust": Grammar(
        "tree_sitter_rust",
        extra_tags="""
            (impl_item type: (type_identifier) @name) @container.class
            (impl_item type: (generic_type type: (type_identifier) @name)) @container.class
        """,
        imports="""
            (use_declaration argument: (_) @import)
            (mod_item name: (identifier) @import !body)
        """,
    ),
    "java": Grammar(
        "tree_sitter_java",
        extra_tags="""
            (constructor_declaration name: (identifier) @name) @definition.method
            (enum_declaration name: (identifier) @name) @definition.enum
        """,
        imports="(import_declaration (scoped_identifier) @import)",
    ),
    "ruby": Grammar(
        "tree_sitter_ruby",
        imports="""
            (call method: (identifier) @_require
              (#any-of? @_require "require" "require_relative" "load")
              arguments: (argument_list . (string (string_content) @import)))
        """,
    ),
    "bash": Grammar(
        "tree_sitter_bash",
        tags=(),
        extra_tags="(function_definition name: (word) @name) @definition.function",
        imports="""
            (command name: (command_name) @_source (#any-of? @_source "source" ".")
              argument: (word) @import)
        """,
        identifiers=("command_name", "variable_name"),
    ),
    # For Python that the running interpreter's ``ast`` cannot parse (newer syntax).
    "python": Grammar(
        "tree_sitter_python",
        imports="""
            (import_statement name: [(dotted_name) @import
                                     (aliased_import name: (dotted_name) @import)])
            (import_from_statement module_name: (_) @import)
        """,
    ),
}


# The PyPI names of the grammar wheels (``tree-sitter-<name>``), for the cache's version.
GRAMMAR_DISTRIBUTIONS = tuple(
    sorted({grammar.module.removeprefix("tree_sitter_") for grammar in GRAMMARS.values()})
)


def _query_text(grammar: Grammar) -> str:
    parts = []
    for tags in grammar.tags:
        module, _, name = tags.rpartition(":")
        folder = resources.files(module or grammar.module) / "queries"
        parts.append((folder / name).read_text(encoding="utf-8"))
    parts.append(grammar.extra_tags)
    return "\n".join(parts)


@dataclass(frozen=True, slots=True)
class _Compiled:
    parser: ts.Parser
    tags: ts.Query
    identifiers: ts.Query
    imports: ts.Query | None


@cache
def _compiled(family: str) -> _Compiled:
    """The parser and queries of a family, built once per process."""
    grammar = GRAMMARS[family]
    module = importlib.import_module(grammar.module)
    language = ts.Language(getattr(module, grammar.function)())
    names = [kind for kind in grammar.identifiers if language.id_for_node_kind(kind, True)]
    identifiers = ts.Query(language, "[" + " ".join(f"({kind})" for kind in names) + "] @id")
    imports = ts.Query(language, grammar.imports) if grammar.imports else None
    return _Compiled(
        ts.Parser(language), ts.Query(language, _query_text(grammar)), identifiers, imports
    )


def has_grammar(family: str) -> bool:
    return family in GRAMMARS


def _definition_node(node: ts.Node) -> ts.Node | None:
    """The node a definition spans: a C/C++ function declarator climbs to its function
    definition (through pointer and reference declarators, or what error recovery made of a
    macro before the return type); a declarator of a mere declaration (a prototype) or of a
    parameter defines nothing."""
    if node.type != "function_declarator":
        return node
    current = node.parent
    for _ in range(4):
        if current is None or current.type in _NOT_A_DEFINITION:
            return None
        if current.type == "function_definition":
            return current
        current = current.parent
    return None


@dataclass(slots=True)
class _Found:
    name: str
    kind: str  # one of our kinds, or "container"
    start: int
    end: int
    line: int
    end_line: int
    scope: str | None  # a C++ ``A::run`` names its class itself


def _definitions(compiled: _Compiled, root: ts.Node) -> list[_Found]:
    found: dict[tuple[int, str], _Found] = {}
    for _, captures in ts.QueryCursor(compiled.tags).matches(root):
        names = captures.get("name")
        if not names:
            continue
        name_node = names[0]
        name = _definition_name(name_node)
        scope_nodes = captures.get("local.scope")
        scope = _text(scope_nodes[0]) if scope_nodes else None
        for capture, nodes in captures.items():
            category, _, kind = capture.partition(".")
            if category not in ("definition", "container"):
                continue
            our_kind = "container" if category == "container" else _KINDS.get(kind)
            node = _definition_node(nodes[0]) if our_kind else None
            if node is None or our_kind is None:
                continue
            key = (node.start_byte, name)
            if key in found and (found[key].scope or not scope):
                continue
            found[key] = _Found(
                name,
                our_kind,
                node.start_byte,
                node.end_byte,
                # The name's line, as ctags and Python's ast give it: after decorators,
                # annotations and a C return type on a line of its own.
                name_node.start_point.row + 1,
                node.end_point.row + 1,
                scope,
            )
    return sorted(found.values(), key=lambda item: (item.start, -item.end))


def _symbols(found: list[_Found]) -> list[Symbol]:
    """Symbols with their parents, from how definitions nest; a function inside a class
    (or a Rust ``impl``) is a method."""
    symbols: list[Symbol] = []
    stack: list[tuple[int, str, str]] = []  # (end byte, qualname, kind)
    for item in found:
        while stack and stack[-1][0] <= item.start:
            stack.pop()
        parent = item.scope or (stack[-1][1] if stack else None)
        parent_kind = "class" if item.scope else (stack[-1][2] if stack else None)
        qualname = f"{parent}.{item.name}" if parent else item.name
        kind = item.kind
        if kind == "function" and parent_kind in ("class", "container"):
            kind = "method"
        if kind != "container":
            symbols.append(Symbol(item.name, kind, item.line, item.end_line, parent))
        stack.append((item.end, qualname, "class" if kind in _CLASS_LIKE else kind))
    return symbols


def _text(node: ts.Node) -> str:
    return (node.text or b"").decode("utf-8", "replace")


def _definition_name(node: ts.Node) -> str:
    """A definition's name as ctags spells it: ``operator ==`` for a C++ operator."""
    text = _text(node)
    if node.type == "operator_name":
        symbol = text.removeprefix("operator").strip()
        return f"operator {symbol}" if symbol and not symbol[0].isalnum() else text
    return text


def _imports(compiled: _Compiled, root: ts.Node) -> list[Import]:
    if compiled.imports is None:
        return []
    found = []
    for node in ts.QueryCursor(compiled.imports).captures(root).get("import", []):
        spec = _text(node).strip().strip("\"'`<>")
        if spec:
            found.append(Import(spec, (), node.start_point.row + 1))
    return sorted(set(found), key=lambda imp: (imp.line, imp.module))


def _references(compiled: _Compiled, root: ts.Node) -> list[Reference]:
    """Every identifier, as a textual use at its line and byte column."""
    found = {
        Reference(_text(node), node.start_point.row + 1, False, "", node.start_point.column)
        for node in ts.QueryCursor(compiled.identifiers).captures(root).get("id", [])
    }
    return sorted(found, key=lambda ref: (ref.line, ref.column, ref.name))


def _first_error(root: ts.Node) -> ts.Node | None:
    cursor = root.walk()
    while True:
        node = cursor.node
        if node is not None and (node.is_error or node.is_missing):
            return node
        if node is not None and node.has_error and cursor.goto_first_child():
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return None


def extract_treesitter(text: str, family: str) -> Extracted:
    """Definitions, uses and imports of a file in a language with a grammar; a file with
    syntax errors keeps what the grammar recovered, with a note of the first error."""
    compiled = _compiled(family)
    root = compiled.parser.parse(text.encode("utf-8", "surrogatepass")).root_node
    diagnostics: tuple[Diagnostic, ...] = ()
    if root.has_error:
        error = _first_error(root)
        line = error.start_point.row + 1 if error is not None else None
        diagnostics = (Diagnostic(f"{family} syntax error; definitions may be incomplete", line),)
    return Extracted(
        symbols=tuple(_symbols(_definitions(compiled, root))),
        imports=tuple(_imports(compiled, root)),
        references=tuple(_references(compiled, root)),
        diagnostics=diagnostics,
    )
