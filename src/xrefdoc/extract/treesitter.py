"""Extraction with tree-sitter grammars from their PyPI wheels: definitions from each
grammar's own ``queries/tags.scm`` (plus a few patterns of ours), identifier uses, and
imports or includes. A language is a grammar module and a few lines in ``GRAMMARS``."""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources

import tree_sitter as ts

from xrefdoc.core.model import Diagnostic, Import, Reference, Symbol, SymbolKind, variable_kind
from xrefdoc.extract.cpp_repair import readable_copy
from xrefdoc.extract.hooks import Hooks
from xrefdoc.extract.parsing import parse_bounded
from xrefdoc.extract.result import Extracted
from xrefdoc.extract.tokens import extract_tokens

# tags.scm capture kinds (``definition.<kind>``) as our symbol kinds; kinds not listed
# (``definition.macro`` and the like) are left out.
_KINDS = {
    "class": SymbolKind.CLASS,
    "interface": SymbolKind.CLASS,
    "struct": SymbolKind.CLASS,
    "enum": SymbolKind.CLASS,
    "union": SymbolKind.CLASS,
    "module": SymbolKind.CLASS,
    "trait": SymbolKind.CLASS,
    "type": SymbolKind.CLASS,
    "function": SymbolKind.FUNCTION,
    "method": SymbolKind.METHOD,
    "constant": SymbolKind.CONSTANT,
    "variable": SymbolKind.VARIABLE,
}
# Kinds any other definition of the same node takes precedence over.
_WEAK_KINDS = frozenset({"variable", "constant"})
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
    ``container.<kind>`` for a node that only gives its members a parent (a Rust ``impl``,
    whose functions are methods, as ``container.class``; a C++ namespace, whose functions
    stay functions, as ``container.module``);
    ``@ignore`` marks a node that defines nothing whatever else matches it;
    ``imports`` captures ``@import`` nodes whose text names the imported module or file;
    ``identifiers`` are the node types whose text is a name. A ``@local.scope`` capture
    names the class a definition belongs to (a Go method's receiver, C++ ``A::run``).
    ``repair`` makes a copy of a file that does not parse, offsets unchanged, that the
    grammar may read better (C, C++ and CUDA with macros and CUDA's extensions blanked
    out). ``function_heads`` finds function heads by line (group 1 or 2 the name) in a
    file the grammar cannot read, where a dialect it does not know (zsh read as Bash)
    hides them.
    """

    module: str
    function: str = "language"
    tags: tuple[str, ...] = ("tags.scm",)
    extra_tags: str = ""
    imports: str = ""
    identifiers: tuple[str, ...] = _IDENTIFIER_TYPES
    repair: Callable[[bytes], bytes] | None = None
    function_heads: re.Pattern[bytes] | None = None


_C_INCLUDES = "(preproc_include path: (string_literal) @import)"
# JavaScript and TypeScript: a constructor is a method (the wheel's tags leave it out);
# ``X.prototype.m = function`` is a method of X; ``X.T = class Y`` is a class T of X (and
# Y: two names of one class); a declaration
# at the top of a module is a variable (or constant), as in Python, unless it binds what
# ``require`` returns: that is an import.
_ES_EXTRA_TAGS = """
    (method_definition name: (property_identifier) @name
      (#eq? @name "constructor")) @definition.method
    (assignment_expression
      left: (member_expression object: (identifier) @local.scope
        property: (property_identifier) @name)
      right: (class) (#not-match? @local.scope "^(module|exports)$")) @definition.class
    (assignment_expression
      left: (member_expression
        object: (member_expression object: (identifier) @local.scope
          property: (property_identifier) @_prototype (#eq? @_prototype "prototype"))
        property: (property_identifier) @name)
      right: [(function_expression) (arrow_function)]) @definition.method
    (variable_declarator value: (call_expression function: (identifier) @_require
      (#eq? @_require "require"))) @ignore
    (program (lexical_declaration
      (variable_declarator name: (identifier) @name) @definition.variable))
    (program (variable_declaration
      (variable_declarator name: (identifier) @name) @definition.variable))
    (program (export_statement declaration: (lexical_declaration
      (variable_declarator name: (identifier) @name) @definition.variable)))
"""
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
        extra_tags=_ES_EXTRA_TAGS,
        imports=_ES_MODULE_IMPORTS,
    )


GRAMMARS: dict[str, Grammar] = {
    "javascript": Grammar(
        "tree_sitter_javascript",
        extra_tags=_ES_EXTRA_TAGS,
        imports=_ES_MODULE_IMPORTS
        + """
            (call_expression function: (identifier) @_require (#eq? @_require "require")
              arguments: (arguments . (string) @import))
        """,
    ),
    "typescript": _typescript("language_typescript"),
    "tsx": _typescript("language_tsx"),
    "c": Grammar("tree_sitter_c", imports=_C_INCLUDES, repair=readable_copy),
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
        repair=readable_copy,
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
        function_heads=re.compile(
            rb"^[ \t]*(?:function[ \t]+([\w.:-]+)|([\w.:-]+)[ \t]*\([ \t]*\))", re.MULTILINE
        ),
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
    grammar: Grammar
    parser: ts.Parser
    tags: ts.Query
    identifiers: ts.Query
    identifier_kinds: frozenset[str]
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
        grammar,
        ts.Parser(language),
        ts.Query(language, _query_text(grammar)),
        identifiers,
        frozenset(names),
        imports,
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
    kind: str  # a SymbolKind, or a container's ("container.class", "container.module")
    start: int
    end: int
    line: int
    end_line: int
    scope: str | None  # a C++ ``A::run`` names its class itself


def _definitions(compiled: _Compiled, root: ts.Node) -> list[_Found]:
    found: dict[tuple[int, str], _Found] = {}
    ignored: set[int] = set()
    for _, captures in ts.QueryCursor(compiled.tags).matches(root):
        ignored.update(node.start_byte for node in captures.get("ignore", ()))
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
            our_kind = capture if category == "container" else _KINDS.get(kind)
            node = _definition_node(nodes[0]) if our_kind else None
            if node is None or our_kind is None:
                continue
            if our_kind == "variable":
                our_kind = variable_kind(name)
            key = (node.start_byte, name)
            if key in found and not _takes_precedence(our_kind, scope, found[key]):
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
    kept = [item for item in found.values() if item.start not in ignored]
    return _without_nested_duplicates(_in_document_order(kept))


def _in_document_order(found: list[_Found]) -> list[_Found]:
    """Sorted by start, an enclosing definition before the ones it encloses."""
    return sorted(found, key=lambda item: (item.start, -item.end))


def _takes_precedence(kind: str, scope: str | None, other: _Found) -> bool:
    """Of two definitions of one node, a function beats a variable and a named scope (the
    class of ``X.prototype.m``) beats none."""
    if (kind in _WEAK_KINDS) != (other.kind in _WEAK_KINDS):
        return other.kind in _WEAK_KINDS
    return bool(scope) and not other.scope


def _without_nested_duplicates(found: list[_Found]) -> list[_Found]:
    """One definition per name and line: ``res.send = function send() {}`` is the
    assignment, not also the function expression inside it. ``found`` is in document
    order, outer definitions before the ones they enclose."""
    kept: list[_Found] = []
    enclosing: list[_Found] = []
    for item in found:
        while enclosing and enclosing[-1].end <= item.start:
            enclosing.pop()
        if not any(outer.name == item.name and outer.line == item.line for outer in enclosing):
            kept.append(item)
        enclosing.append(item)
    return kept


@dataclass(frozen=True, slots=True)
class _Enclosing:
    end: int
    qualname: str
    kind: str
    nesting_parent: str | None  # by nesting alone, not by a named scope
    nesting_parent_kind: str | None


def _symbols(found: list[_Found]) -> list[Symbol]:
    """Symbols with their parents, from how definitions nest; a function inside a class
    (or a Rust ``impl``) is a method. A class that ends where an enclosing class ends is
    that class under a second name (``X.Template = class TemplateImpl {}``): a sibling."""
    symbols: list[Symbol] = []
    stack: list[_Enclosing] = []
    for item in found:
        while stack and stack[-1].end <= item.start:
            stack.pop()
        outer = stack[-1] if stack else None
        if outer is None:
            nesting_parent, nesting_kind = None, None
        elif item.kind == outer.kind == "class" and item.end == outer.end:
            nesting_parent, nesting_kind = outer.nesting_parent, outer.nesting_parent_kind
        else:
            nesting_parent, nesting_kind = outer.qualname, outer.kind
        parent, parent_kind = (
            (item.scope, "class") if item.scope else (nesting_parent, nesting_kind)
        )
        qualname = f"{parent}.{item.name}" if parent else item.name
        kind = item.kind
        if kind == SymbolKind.FUNCTION and parent_kind in ("class", "container.class"):
            kind = SymbolKind.METHOD
        if isinstance(kind, SymbolKind):  # a container is no symbol
            symbols.append(Symbol(item.name, kind, item.line, item.end_line, parent))
        enclosing_kind = "class" if kind in _CLASS_LIKE else kind
        stack.append(_Enclosing(item.end, qualname, enclosing_kind, nesting_parent, nesting_kind))
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


def _errors(root: ts.Node) -> Iterator[ts.Node]:
    """The outermost error and missing nodes below the root, in document order (a root that
    is all error, as unbalanced ``#if`` branches make it, is looked into)."""
    cursor = root.walk()
    while True:
        node = cursor.node
        if node is not None and node != root and (node.is_error or node.is_missing):
            yield node
        elif node is not None and node.has_error and cursor.goto_first_child():
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return


def _error_bytes(root: ts.Node) -> int:
    return sum(max(node.end_byte - node.start_byte, 1) for node in _errors(root))


# tree-sitter's queries read, for each node, its later siblings up to the next named one: a
# node with a long run of unnamed children (punctuation, keywords), which only error recovery
# makes (``((((``…), costs them time quadratic in the run (0.6 s for 20,000 ``[``). A tree
# with a run longer than this is not queried; its names are read by a walk of its leaves.
MAX_UNNAMED_RUN = 512


def longest_unnamed_run(root: ts.Node) -> int:
    """The longest run of unnamed children of any node with an error below it (only those
    have long runs); 0 for a tree without errors."""
    longest = 0
    pending = [root] if root.has_error else []
    while pending:
        node = pending.pop()
        run = 0
        for child in node.children:
            if child.is_named:
                run = 0
                if child.has_error:
                    pending.append(child)
            else:
                run += 1
                longest = max(longest, run)
                if child.has_error and child.child_count:
                    pending.append(child)
    return longest


def _leaf_references(compiled: _Compiled, root: ts.Node) -> list[Reference]:
    """What ``_references`` finds, by a walk of the tree instead of a query."""
    kinds = compiled.identifier_kinds
    found = set()
    cursor = root.walk()
    while True:
        node = cursor.node
        assert node is not None
        if node.type in kinds:
            found.add(
                Reference(_text(node), node.start_point.row + 1, False, "", node.start_point.column)
            )
        if cursor.goto_first_child():
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return sorted(found, key=lambda ref: (ref.line, ref.column, ref.name))


def _names_only(compiled: _Compiled, family: str, root: ts.Node, run: int) -> Extracted:
    """A tree too broken to query (see ``MAX_UNNAMED_RUN``): its names, and why nothing more."""
    error = next(_errors(root), root)
    message = (
        f"{family} syntax error too broken to read definitions (a run of {run:,} tokens "
        "without a name); names read from the tokens of its tree"
    )
    return Extracted(
        references=tuple(_leaf_references(compiled, root)),
        diagnostics=(Diagnostic(message, error.start_point.row + 1),),
    )


def _definitions_read_best(
    compiled: _Compiled, source: bytes, root: ts.Node
) -> tuple[list[_Found], ts.Node]:
    """Definitions from the file's own tree or, when it has errors and the language has a
    repair (C/C++ macros blanked out), from the repaired copy's if that finds more, or as
    many with fewer errors; with the tree they came from."""
    found = _definitions(compiled, root)
    repair = compiled.grammar.repair
    if not root.has_error or repair is None:
        return found, root
    repaired_tree = parse_bounded(compiled.parser, repair(source))
    if repaired_tree is None:
        return found, root
    repaired = repaired_tree.root_node
    if longest_unnamed_run(repaired) > MAX_UNNAMED_RUN:
        return found, root
    found_repaired = _definitions(compiled, repaired)
    if (len(found_repaired), -_error_bytes(repaired)) > (len(found), -_error_bytes(root)):
        return found_repaired, repaired
    return found, root


def _definitions_by_line(
    pattern: re.Pattern[bytes], source: bytes, found: list[_Found]
) -> list[_Found]:
    """``found`` and the function heads ``pattern`` finds that it lacks, in document order."""
    known = {(item.name, item.line) for item in found}
    added: list[_Found] = []
    line, counted = 1, 0  # lines are counted once, from one match to the next
    for match in pattern.finditer(source):
        name = (match.group(1) or match.group(2)).decode("utf-8", "replace")
        line += source.count(b"\n", counted, match.start())
        counted = match.start()
        if (name, line) not in known:
            known.add((name, line))
            added.append(
                _Found(name, SymbolKind.FUNCTION, match.start(), match.end(), line, line, None)
            )
    return _in_document_order(found + added) if added else found


def extract_treesitter(text: str, family: str, hooks: Hooks) -> Extracted:
    """Definitions, uses and imports of a file in a language with a grammar, and the
    findings of the rules registered on ``hooks``; a file with syntax errors keeps what the
    grammar recovered, with a note of the first error."""
    compiled = _compiled(family)
    source = text.encode("utf-8", "surrogatepass")
    tree = parse_bounded(compiled.parser, source)
    if tree is None:
        message = (
            f"{family} syntax too broken for the grammar to read in time proportional to "
            "its size; names read from tokens"
        )
        return extract_tokens(text, family, (Diagnostic(message),))
    root = tree.root_node
    run = longest_unnamed_run(root)
    if run > MAX_UNNAMED_RUN:
        return _names_only(compiled, family, root, run)
    found, definitions_root = _definitions_read_best(compiled, source, root)
    heads = compiled.grammar.function_heads
    if heads is not None and definitions_root.has_error:
        found = _definitions_by_line(heads, source, found)
    diagnostics: tuple[Diagnostic, ...] = ()
    if definitions_root.has_error:
        error = next(_errors(definitions_root), definitions_root)
        message = f"{family} syntax error; definitions may be incomplete"
        diagnostics = (Diagnostic(message, error.start_point.row + 1),)
    language = compiled.parser.language
    findings = () if language is None else hooks.on_treesitter_tree.call(family, language, root)
    return Extracted(
        symbols=tuple(_symbols(found)),
        imports=tuple(_imports(compiled, root)),
        references=tuple(_references(compiled, root)),
        diagnostics=diagnostics,
        findings=tuple(findings),
    )
