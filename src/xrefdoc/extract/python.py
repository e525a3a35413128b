"""Python extraction with the standard library's ``ast``: definitions, imports and uses."""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass, field, replace
from typing import TypeGuard

from xrefdoc.core.model import Diagnostic, Import, Symbol, SymbolKind, variable_kind
from xrefdoc.extract.hooks import Hooks
from xrefdoc.extract.python_grammar import parse_with_grammar
from xrefdoc.extract.python_names import (
    ResolvedNames,
    assignment_lines,
    import_from_base,
    resolve_names,
)
from xrefdoc.extract.python_overloads import fold_overloads, overload_stub_lines
from xrefdoc.extract.result import Extracted
from xrefdoc.extract.tokens import extract_tokens
from xrefdoc.extract.treesitter import extract_treesitter
from xrefdoc.extract.type_params import TypeAlias, type_params_of, type_params_text

# Kinds of symbols that hold a value (an attribute's type can be theirs).
_VALUES = frozenset({SymbolKind.VARIABLE, SymbolKind.CONSTANT})

# Statements whose bodies still run at the enclosing scope (module or class level).
_BLOCKS = (ast.If, ast.Try, ast.TryStar, ast.With, ast.AsyncWith, ast.For, ast.AsyncFor, ast.While)


def _first_line(doc: str | None) -> str:
    if not doc:
        return ""
    for line in doc.strip().splitlines():
        if line.strip():
            return line.strip()
    return ""


def _unparse(node: ast.AST | None) -> str:
    if node is None:
        return ""
    try:
        return ast.unparse(node)
    except (ValueError, RecursionError):
        return "…"


def _function_signature(node: ast.FunctionDef | ast.AsyncFunctionDef) -> str:
    signature = f"{type_params_text(type_params_of(node))}({_unparse(node.args)})"
    if node.returns is not None:
        signature += f" -> {_unparse(node.returns)}"
    return signature


def _class_signature(node: ast.ClassDef) -> str:
    bases = [_unparse(base) for base in node.bases]
    bases += [
        f"{kw.arg}={_unparse(kw.value)}" if kw.arg else f"**{_unparse(kw.value)}"
        for kw in node.keywords
    ]
    parameters = type_params_text(type_params_of(node))
    return f"{parameters}({', '.join(bases)})" if bases else parameters


def _assigned_names(target: ast.expr) -> list[ast.Name]:
    if isinstance(target, ast.Name):
        return [target]
    if isinstance(target, (ast.Tuple, ast.List)):
        return [name for element in target.elts for name in _assigned_names(element)]
    if isinstance(target, ast.Starred):
        return _assigned_names(target.value)
    return []


def _assigned(
    node: ast.Assign | ast.AnnAssign,
    name: str,
    kind: SymbolKind,
    parent: str | None,
    signature: str = "",
) -> Symbol:
    """The symbol an assignment to ``name`` defines, spanning the whole statement."""
    return Symbol(name, kind, node.lineno, node.end_lineno or node.lineno, parent, signature)


def _definition(
    node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef,
    kind: SymbolKind,
    parent: str | None,
    signature: str,
) -> Symbol:
    """The symbol of a ``def`` or ``class``: its span, signature and first docstring line."""
    end = node.end_lineno or node.lineno
    doc = _first_line(ast.get_docstring(node))
    return Symbol(node.name, kind, node.lineno, end, parent, signature, doc)


@dataclass
class _Collector:
    """Walks statements keeping the chain of enclosing classes and functions."""

    symbols: list[Symbol] = field(default_factory=list)
    imports: list[Import] = field(default_factory=list)

    def statements(self, body: list[ast.stmt], scope: list[tuple[str, str]]) -> None:
        for node in body:
            self.statement(node, scope)

    def statement(self, node: ast.stmt, scope: list[tuple[str, str]]) -> None:
        parent = ".".join(name for name, _ in scope) or None
        in_class = bool(scope) and scope[-1][1] == "class"
        at_definition_level = not scope or in_class
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            kind = SymbolKind.METHOD if in_class else SymbolKind.FUNCTION
            self.symbols.append(_definition(node, kind, parent, _function_signature(node)))
            self.statements(node.body, [*scope, (node.name, "function")])
        elif isinstance(node, ast.ClassDef):
            self.symbols.append(_definition(node, SymbolKind.CLASS, parent, _class_signature(node)))
            self.statements(node.body, [*scope, (node.name, "class")])
        elif isinstance(node, ast.Import):
            for alias in node.names:
                self.imports.append(Import(alias.name, (), node.lineno))
        elif isinstance(node, ast.ImportFrom):
            module = import_from_base(node)
            names = tuple(alias.name for alias in node.names)
            self.imports.append(Import(module, names, node.lineno, node.level))
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Lambda):
            # A named lambda defines a function (ctags agrees), at any depth.
            kind = SymbolKind.METHOD if in_class else SymbolKind.FUNCTION
            signature = f"({_unparse(node.value.args)})"
            for target in node.targets:
                if isinstance(target, ast.Name):
                    self.symbols.append(_assigned(node, target.id, kind, parent, signature))
        elif isinstance(node, (ast.Assign, ast.AnnAssign)) and at_definition_level:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for name in _assigned_names(target):
                    kind = variable_kind(name.id)
                    self.symbols.append(_assigned(node, name.id, kind, parent))
        elif isinstance(node, TypeAlias) and at_definition_level:  # like ``Pair = tuple[T, T]``
            defined = node.name.id
            signature = type_params_text(node.type_params)
            line, end = node.lineno, node.end_lineno or node.lineno
            symbol = Symbol(defined, variable_kind(defined), line, end, parent, signature)
            self.symbols.append(symbol)
        elif isinstance(node, _BLOCKS):
            for child_body in ("body", "orelse", "finalbody"):
                self.statements(getattr(node, child_body, []), scope)
            for handler in getattr(node, "handlers", []):
                self.statements(handler.body, scope)
        elif isinstance(node, ast.Match):
            for case in node.cases:
                self.statements(case.body, scope)
        # Imports inside function bodies are found by the walk above; nothing else defines names.


def _with_names(symbols: list[Symbol], names: ResolvedNames) -> tuple[Symbol, ...]:
    """The file's definitions with what reading its names taught: each class's bases, the
    types of variables and properties, the return types of functions, and the attributes
    its methods assign to ``self`` (definitions of their class, unless the class body
    already defines the name, whose type they then give when it has none)."""
    found: list[Symbol] = []
    for symbol in symbols:
        key = (symbol.qualname, symbol.line)
        if symbol.kind == "class":
            symbol = replace(symbol, bases=names.class_bases.get(key, ()))
        else:
            value, returned = names.value_types.get(key, ""), names.return_types.get(key, "")
            if not returned and symbol.overloads:  # the stubs', when they all agree
                stubs = {
                    names.return_types.get((symbol.qualname, o.line), "") for o in symbol.overloads
                }
                returned = stubs.pop() if len(stubs) == 1 else ""
            if value or returned:
                symbol = replace(symbol, value_type=value, return_type=returned)
        found.append(symbol)
    members: dict[tuple[str | None, str], int] = {}
    for position, symbol in enumerate(found):
        members.setdefault((symbol.parent, symbol.name), position)
    attributes: list[Symbol] = []
    for attribute in names.attributes:
        known = members.get((attribute.owner, attribute.name))
        if known is None:
            kind = variable_kind(attribute.name)
            line, end, owner = attribute.line, attribute.end_line, attribute.owner
            symbol = Symbol(attribute.name, kind, line, end, owner, value_type=attribute.value_type)
            attributes.append(symbol)
        elif found[known].kind in _VALUES and not found[known].value_type:
            found[known] = replace(found[known], value_type=attribute.value_type)
    if attributes:  # in line order among the others, after those of the same line
        found = sorted(found + attributes, key=lambda symbol: symbol.line)
    return tuple(found)


def is_main_guard(node: ast.stmt) -> TypeGuard[ast.If]:
    """``if __name__ == "__main__":``, either way round."""
    if not isinstance(node, ast.If) or not isinstance(node.test, ast.Compare):
        return False
    sides = [node.test.left, *node.test.comparators]
    has_name = any(isinstance(side, ast.Name) and side.id == "__name__" for side in sides)
    has_main = any(isinstance(side, ast.Constant) and side.value == "__main__" for side in sides)
    return has_name and has_main


def _extract_with_grammar(
    text: str, reason: str, hooks: Hooks, line: int | None = None
) -> Extracted:
    """A file this interpreter cannot parse (often Python newer than it, or nested deeper
    than its parser goes): its classes, functions, methods and imports from the tree-sitter
    grammar, its names as textual uses, and the reason on the page."""
    found = extract_treesitter(text, "python", hooks)
    imports = tuple(
        Import(imp.module, (), imp.line, len(imp.module) - len(imp.module.lstrip(".")))
        for imp in found.imports
    )
    message = (
        f"{reason}; definitions read with the tree-sitter grammar, names linked as textual matches"
    )
    return Extracted(
        symbols=found.symbols,
        imports=imports,
        references=found.references,
        diagnostics=(Diagnostic(message, line),),
    )


def extract_python(text: str, path: str, hooks: Hooks) -> Extracted:
    """Definitions, imports and name uses of a Python file, and the findings of the rules
    registered on ``hooks``; tokens when it does not parse."""
    try:
        tree = ast.parse(text, filename=path)
    except SyntaxError as error:
        try:  # syntax newer than this interpreter's, read by the grammar as ``ast`` would
            tree = parse_with_grammar(text)
        except (SyntaxError, RecursionError):
            version = f"Python {sys.version_info.major}.{sys.version_info.minor}"
            reason = f"Python syntax error: {error.msg} (for this interpreter, {version})"
            return _extract_with_grammar(text, reason, hooks, error.lineno)
    except (RecursionError, MemoryError) as error:
        # The grammar's parser is not recursive: it reads what is too deep for ``ast``, in
        # time linear in the text (the tokens of Pygments cost ten times as much).
        kind = type(error).__name__
        return _extract_with_grammar(
            text, f"Python nested too deeply for its parser ({kind})", hooks
        )
    except ValueError as error:  # a NUL byte
        message = f"Python could not be parsed: {error}; names read from tokens"
        return extract_tokens(text, "python", (Diagnostic(message),))
    collector = _Collector()
    try:
        collector.statements(tree.body, [])
        names = resolve_names(tree, assignment_lines(text))
        findings = hooks.on_python_tree.call(tree, text)
    except RecursionError:
        message = "Python nested too deeply to analyse (RecursionError); names read from tokens"
        return extract_tokens(text, "python", (Diagnostic(message),))
    symbols = fold_overloads(collector.symbols, overload_stub_lines(tree, text))
    return Extracted(
        symbols=_with_names(symbols, names),
        imports=tuple(collector.imports),
        references=names.references,
        aliases=names.aliases,
        docstring=ast.get_docstring(tree) or "",
        has_main_guard=any(is_main_guard(node) for node in tree.body),
        findings=tuple(findings),
    )
