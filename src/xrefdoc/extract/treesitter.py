"""Extraction with tree-sitter grammars from their PyPI wheels: definitions from each
grammar's own ``queries/tags.scm`` and the patterns of ours in ``grammars``, identifier
uses, and imports or includes."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources

import tree_sitter as ts

from xrefdoc.core.model import (
    TYPE_NAMESPACE,
    UNKNOWN_MEMBER,
    Diagnostic,
    Import,
    Reference,
    Symbol,
    SymbolKind,
    variable_kind,
)
from xrefdoc.extract.c_declarators import declared_name
from xrefdoc.extract.grammars import GRAMMARS, Grammar
from xrefdoc.extract.grammars.grammar import KINDS
from xrefdoc.extract.hooks import Hooks
from xrefdoc.extract.member_types import FILE_SCOPE, Scopes, node_text, type_name
from xrefdoc.extract.parsing import parse_bounded
from xrefdoc.extract.result import Extracted
from xrefdoc.extract.tokens import extract_tokens

# Kinds any other definition of the same node takes precedence over (``int f(int);`` is
# a prototype, not a variable; ``void run();`` in a C++ class a prototype, not a field).
_WEAK_KINDS = frozenset({SymbolKind.VARIABLE, SymbolKind.CONSTANT, SymbolKind.FIELD})
_CLASS_LIKE = frozenset({SymbolKind.CLASS})
# What a function inside is a method of: a class, or a Rust ``impl`` block of its type.
_HOLDS_METHODS = frozenset({SymbolKind.CLASS, SymbolKind.IMPL, "container.class"})
# Kinds that hold no named class: a C ``typedef struct Foo {...} Foo;`` or ``struct Foo
# {...} foo;`` spans the struct, which is still a class of the file, not of the typedef.
_NOT_ENCLOSING_CLASSES = frozenset(
    {SymbolKind.TYPE, SymbolKind.VARIABLE, SymbolKind.CONSTANT, SymbolKind.FIELD}
)
# The tags query's capture of a grammar's local scopes.
_LOCAL_SCOPE = "local.function"
# The captures of a grammar's inheritance patterns: the node of a class (the same node its
# definition pattern captures) and each base or interface it names.
_BASES_OF = "bases.of"
_BASE = "base"
# Kinds that are locals inside a grammar's local scopes (a function's body).
_LOCAL_KINDS = frozenset(
    {SymbolKind.VARIABLE, SymbolKind.CONSTANT, SymbolKind.TYPE, SymbolKind.PROTOTYPE}
)

# Kinds whose ``@type`` capture is the type of their value (a prototype's is its return
# type).
_TYPED_KINDS = frozenset(
    {SymbolKind.FIELD, SymbolKind.VARIABLE, SymbolKind.CONSTANT, SymbolKind.TYPE}
)

# Kinds the file's own tree adds to those of a macro-blanked copy (see ``_with_others``).
_KEPT_FROM_THE_FILE = frozenset({SymbolKind.TYPE, SymbolKind.MACRO, SymbolKind.ENUMERATOR})

# Where a C/C++ function declarator shows that it declares a prototype (a C++ method in
# its class is a field declaration), and where it declares no function at all.
_DECLARATIONS = frozenset({"declaration", "field_declaration"})
_NOT_A_FUNCTION = frozenset(
    {"parameter_declaration", "compound_statement", "translation_unit", "type_definition"}
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
    scopes = " ".join(
        f"({kind})"
        for kind in sorted(grammar.local_scopes)
        if language.id_for_node_kind(kind, True)
    )
    # A local scope is a match of the tags query too: one walk of the tree finds both.
    local_scopes = f"[{scopes}] @{_LOCAL_SCOPE}" if scopes else ""
    return _Compiled(
        grammar,
        ts.Parser(language),
        ts.Query(language, _query_text(grammar) + "\n" + local_scopes),
        identifiers,
        frozenset(names),
        imports,
    )


def has_grammar(family: str) -> bool:
    return family in GRAMMARS


def _definition_node(node: ts.Node) -> tuple[ts.Node | None, bool]:
    """The node a definition spans, and whether it only declares: a C/C++ function
    declarator climbs to its function definition (through pointer and reference
    declarators, or what error recovery made of a macro before the return type) or to the
    declaration that makes it a prototype; one of a parameter or a typedef defines nothing."""
    if node.type != "function_declarator":
        return node, False
    current = node.parent
    for _ in range(4):
        if current is None or current.type in _NOT_A_FUNCTION:
            return None, False
        if current.type == "function_definition":
            return current, False
        if current.type in _DECLARATIONS:
            return current, True
        current = current.parent
    return None, False


@dataclass(slots=True)
class _Found:
    name: str
    kind: SymbolKind | str  # or a container's ("container.class", "container.module")
    start: int
    end: int
    line: int
    end_line: int
    scope: str | None  # a C++ ``A::run`` names its class itself
    signature: str = ""
    value_type: str = ""
    bases: tuple[str, ...] = ()


def _definitions(compiled: _Compiled, root: ts.Node, source: bytes) -> tuple[list[_Found], bool]:
    """The definitions of a tree, and whether the grammar misread some (a name that is a
    reserved word: a macro before ``int (lua_gettop) (lua_State *L)`` reads as a function
    ``int``); those are left out."""
    found: dict[tuple[int, str], _Found] = {}
    reserved = compiled.grammar.reserved
    misread = False
    ignored: set[int] = set()
    scopes: list[ts.Node] = []
    bases: dict[int, set[tuple[int, str]]] = {}
    for _, captures in ts.QueryCursor(compiled.tags).matches(root):
        if _LOCAL_SCOPE in captures:
            scopes.extend(captures[_LOCAL_SCOPE])
            continue
        if _BASES_OF in captures:
            written = bases.setdefault(captures[_BASES_OF][0].start_byte, set())
            written.update((node.start_byte, base_text(source, node)) for node in captures[_BASE])
            continue
        wrappers = captures.get("ignore.whole_file")
        if not wrappers or _holds_the_rest(wrappers[0]):
            ignored.update(node.start_byte for node in captures.get("ignore", ()))
        scope_nodes = captures.get("local.scope")
        scope = node_text(source, scope_nodes[0]) if scope_nodes else None
        for capture, nodes in captures.items():
            category, _, kind = capture.partition(".")
            if category not in ("definition", "container"):
                continue
            our_kind: SymbolKind | str | None = (
                capture if category == "container" else KINDS.get(kind)
            )
            named = _name_and_node(captures, nodes[0], our_kind)
            if named is None or our_kind is None:
                continue
            name_node, node, declares = named
            name = _definition_name(source, name_node)
            if not name:
                continue  # a name error recovery made up (a missing node)
            if name in reserved:
                misread = True
                continue
            if declares:
                our_kind = SymbolKind.PROTOTYPE
            elif our_kind == SymbolKind.VARIABLE:
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
                # annotations and a C return type on a line of its own; an ``impl``'s own
                # line (its type may wrap to the next).
                (node if our_kind == SymbolKind.IMPL else name_node).start_point.row + 1,
                node.end_point.row + 1,
                scope,
                _signature(source, captures),
                _value_type(source, captures, name) if our_kind in _TYPED_KINDS else "",
            )
    none = frozenset[tuple[str, int]]()
    if root.has_error:
        if compiled.grammar.line_definitions:
            _definitions_by_line(compiled, source, found)
        if compiled.grammar.not_definitions is not None:
            none = compiled.grammar.not_definitions(source)
    functions = Scopes(sorted(scopes, key=lambda node: node.start_byte))
    if bases:
        for item in found.values():
            of_item = bases.get(item.start)
            if of_item and item.kind in _HAS_BASES:
                item.bases = tuple(dict.fromkeys(text for _, text in sorted(of_item) if text))
    kept = [
        item
        for item in found.values()
        if item.start not in ignored
        and (item.name, item.line) not in none
        and not (
            item.kind in _LOCAL_KINDS and functions.innermost(item.start, item.end) != FILE_SCOPE
        )
    ]
    return _without_nested_duplicates(_in_document_order(kept)), misread


# Kinds whose bases a grammar's inheritance patterns give: a class, struct, interface,
# trait or Ruby module, and a Rust ``impl`` of a trait.
_HAS_BASES = frozenset({SymbolKind.CLASS, SymbolKind.IMPL})


def base_text(source: bytes, node: ts.Node) -> str:
    """A base as a reader names it: ``ns::Base`` of ``public ns::Base<T>``, ``List`` of
    ``List<String>``, on one line, without type arguments."""
    text = node_text(source, node)
    for opening in "<([":
        text = text.partition(opening)[0]
    return "".join(text.split()).removeprefix("::")


def _holds_the_rest(node: ts.Node) -> bool:
    """Whether nothing but comments follows ``node`` in its parent."""
    sibling = node.next_named_sibling
    while sibling is not None:
        if sibling.type != "comment":
            return False
        sibling = sibling.next_named_sibling
    return True


def _name_and_node(
    captures: dict[str, list[ts.Node]], node: ts.Node, kind: SymbolKind | str | None
) -> tuple[ts.Node, ts.Node, bool] | None:
    """A definition's name node, the node it spans and whether it only declares (a
    prototype); None for a match that defines nothing. A C declaration of several names
    (``int a, *b;``) defines each over its own declarator; one that declares a function
    (``int f(int);``) is that function's prototype, not a variable."""
    if kind is None:
        return None
    names = captures.get("name")
    if names:
        spanned, declares = _definition_node(node)
        return (names[0], spanned, declares) if spanned is not None else None
    declarators = captures.get("declarator")
    if not declarators:
        return None
    declarator = declarators[0]
    name = declared_name(declarator, functions=kind == SymbolKind.TYPE)
    if name is None:
        return None
    return name, (node if kind == SymbolKind.TYPE else declarator), False


def _signature(source: bytes, captures: dict[str, list[ts.Node]]) -> str:
    """A macro's parameters as written, on one line: ``(L,i)``."""
    nodes = captures.get("signature")
    return " ".join(node_text(source, nodes[0]).split()) if nodes else ""


def _value_type(source: bytes, captures: dict[str, list[ts.Node]], name: str) -> str:
    """Where a C field, variable or typedef leads: the type it names, as a target in the
    tree-wide namespace (``::CallInfo``); not a typedef's own name again."""
    nodes = captures.get("type")
    found = type_name(source, nodes[0]) if nodes else ""
    return TYPE_NAMESPACE + found if found and found != name else ""


def _in_document_order(found: list[_Found]) -> list[_Found]:
    """Sorted by start, an enclosing definition before the ones it encloses."""
    return sorted(found, key=lambda item: (item.start, -item.end))


def _takes_precedence(kind: SymbolKind | str, scope: str | None, other: _Found) -> bool:
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
    kind: SymbolKind | str
    nesting_parent: str | None  # by nesting alone, not by a named scope
    nesting_parent_kind: SymbolKind | str | None


def _symbols(found: list[_Found]) -> list[Symbol]:
    """Symbols with their parents, from how definitions nest; a function inside a class
    (or a Rust ``impl``) is a method. A class that ends where an enclosing class ends is
    that class under a second name (``X.Template = class TemplateImpl {}``): a sibling; so
    is a named class inside a typedef, variable or field (``typedef struct Foo {...} Foo``)."""
    symbols: list[Symbol] = []
    stack: list[_Enclosing] = []
    for item in found:
        while stack and stack[-1].end <= item.start:
            stack.pop()
        outer = stack[-1] if stack else None
        if outer is None:
            nesting_parent, nesting_kind = None, None
        elif item.kind in _CLASS_LIKE and (
            (outer.kind in _CLASS_LIKE and item.end == outer.end)
            or outer.kind in _NOT_ENCLOSING_CLASSES
        ):
            nesting_parent, nesting_kind = outer.nesting_parent, outer.nesting_parent_kind
        else:
            nesting_parent, nesting_kind = outer.qualname, outer.kind
        parent, parent_kind = (
            (item.scope, SymbolKind.CLASS) if item.scope else (nesting_parent, nesting_kind)
        )
        qualname = f"{parent}.{item.name}" if parent else item.name
        kind = item.kind
        if kind == SymbolKind.FUNCTION and parent_kind in _HOLDS_METHODS:
            kind = SymbolKind.METHOD
        if isinstance(kind, SymbolKind):  # a container is no symbol
            symbols.append(
                Symbol(
                    item.name,
                    kind,
                    item.line,
                    item.end_line,
                    parent,
                    signature=item.signature,
                    bases=item.bases,
                    value_type=item.value_type,
                )
            )
        stack.append(_Enclosing(item.end, qualname, kind, nesting_parent, nesting_kind))
    return symbols


def _definition_name(source: bytes, node: ts.Node) -> str:
    """A definition's name as ctags spells it: ``operator ==`` for a C++ operator, ``run``
    for a Ruby symbol ``:run`` (``alias_method :run, :call``)."""
    text = node_text(source, node)
    if node.type == "simple_symbol":
        return text.removeprefix(":")
    if node.type == "operator_name":
        symbol = text.removeprefix("operator").strip()
        return f"operator {symbol}" if symbol and not symbol[0].isalnum() else text
    return text


def _imports(compiled: _Compiled, root: ts.Node, source: bytes) -> list[Import]:
    if compiled.imports is None:
        return []
    found = []
    for node in ts.QueryCursor(compiled.imports).captures(root).get("import", []):
        spec = node_text(source, node).strip().strip("\"'`<>")
        if spec:
            found.append(Import(spec, (), node.start_point.row + 1))
    return sorted(set(found), key=lambda imp: (imp.line, imp.module))


def _references(compiled: _Compiled, root: ts.Node, source: bytes) -> list[Reference]:
    """Every identifier, as a textual use at its line and byte column; a member use whose
    target the grammar knows (C's ``p->top``) with that target: exact for a member of a
    known type, textual for one of an unknown type (``UNKNOWN_MEMBER``)."""
    members = compiled.grammar.member_targets
    language = compiled.parser.language
    targets = members(language, root, source) if members and language else {}
    found = set()
    for node in ts.QueryCursor(compiled.identifiers).captures(root).get("id", []):
        row, column = node.start_point
        target = targets.get((row + 1, column), "") if targets else ""
        exact = bool(target) and target != UNKNOWN_MEMBER
        found.add(Reference(node_text(source, node), row + 1, exact, target, column))
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


def _leaf_references(compiled: _Compiled, root: ts.Node, source: bytes) -> list[Reference]:
    """What ``_references`` finds, by a walk of the tree instead of a query."""
    kinds = compiled.identifier_kinds
    found = set()
    cursor = root.walk()
    while True:
        node = cursor.node
        assert node is not None
        if node.type in kinds:
            found.add(
                Reference(
                    node_text(source, node),
                    node.start_point.row + 1,
                    False,
                    "",
                    node.start_point.column,
                )
            )
        if cursor.goto_first_child():
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return sorted(found, key=lambda ref: (ref.line, ref.column, ref.name))


def _names_only(
    compiled: _Compiled, family: str, root: ts.Node, source: bytes, run: int
) -> Extracted:
    """A tree too broken to query (see ``MAX_UNNAMED_RUN``): its names, and why nothing more."""
    error = next(_errors(root), root)
    message = (
        f"{family} syntax error too broken to read definitions (a run of {run:,} tokens "
        "without a name); names read from the tokens of its tree"
    )
    return Extracted(
        references=tuple(_leaf_references(compiled, root, source)),
        diagnostics=(Diagnostic(message, error.start_point.row + 1),),
    )


def _definitions_read_best(
    compiled: _Compiled, source: bytes, root: ts.Node
) -> tuple[list[_Found], ts.Node]:
    """Definitions from the file's own tree or, when it has errors or misread names and the
    language has a repair (C/C++ macros blanked out), from the repaired copy's if that
    finds more, or as many with fewer errors (with those only the file's own tree finds);
    with the tree they came from."""
    found, misread = _definitions(compiled, root, source)
    repair = compiled.grammar.repair
    if not (root.has_error or misread) or repair is None:
        return found, root
    repaired_source = repair(source)
    repaired_tree = parse_bounded(compiled.parser, repaired_source)
    if repaired_tree is None:
        return found, root
    repaired = repaired_tree.root_node
    if longest_unnamed_run(repaired) > MAX_UNNAMED_RUN:
        return found, root
    found_repaired, _ = _definitions(compiled, repaired, repaired_source)
    if (len(found_repaired), -_error_bytes(repaired)) > (len(found), -_error_bytes(root)):
        return _with_others(found_repaired, found), repaired
    return found, root


def _with_others(found: list[_Found], others: list[_Found]) -> list[_Found]:
    """``found`` and those of ``others`` at a name and line it lacks: what the macro-blanked
    copy lost, where a macro was a name (``typedef LUA_INTEGER lua_Integer;``). Only kinds
    a macro cannot fake: a macro invocation reads as a prototype or a variable."""
    known = {(item.name, item.line) for item in found}
    added = [
        item
        for item in others
        if item.kind in _KEPT_FROM_THE_FILE and (item.name, item.line) not in known
    ]
    return _without_nested_duplicates(_in_document_order(found + added)) if added else found


def _definitions_by_line(
    compiled: _Compiled, source: bytes, found: dict[tuple[int, str], _Found]
) -> None:
    """Add to ``found`` the definitions the grammar's line patterns find that it lacks (by
    name and line), keyed by where each match starts."""
    known = {(item.name, item.line) for item in found.values()}
    for pattern, kind in compiled.grammar.line_definitions:
        line, counted = 1, 0  # lines are counted once, from one match to the next
        signature_group = pattern.groupindex.get("signature")
        for match in pattern.finditer(source):
            name = next(group for group in match.groups() if group).decode("utf-8", "replace")
            line += source.count(b"\n", counted, match.start())
            counted = match.start()
            if (name, line) in known:
                continue
            known.add((name, line))
            signature = match.group(signature_group) if signature_group else None
            start = match.start() + len(match.group(0)) - len(match.group(0).lstrip())
            found[(start, name)] = _Found(
                name,
                kind,
                start,
                match.end(),
                line,
                line,
                None,
                " ".join(signature.decode("utf-8", "replace").split()) if signature else "",
            )


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
        return _names_only(compiled, family, root, source, run)
    found, definitions_root = _definitions_read_best(compiled, source, root)
    diagnostics: tuple[Diagnostic, ...] = ()
    if definitions_root.has_error:
        error = next(_errors(definitions_root), definitions_root)
        message = f"{family} syntax error; definitions may be incomplete"
        diagnostics = (Diagnostic(message, error.start_point.row + 1),)
    language = compiled.parser.language
    findings = () if language is None else hooks.on_treesitter_tree.call(family, language, root)
    return Extracted(
        symbols=tuple(_symbols(found)),
        imports=tuple(_imports(compiled, root, source)),
        references=tuple(_references(compiled, root, source)),
        diagnostics=diagnostics,
        findings=tuple(findings),
    )
