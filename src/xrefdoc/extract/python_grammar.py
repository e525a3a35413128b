"""Python newer than the running interpreter as a standard-library ``ast.Module``.

``ast.parse`` reads only its own interpreter's grammar: on 3.11, a file with PEP 695 type
parameters or PEP 701 f-strings is a syntax error. The tree-sitter Python grammar (already
a dependency, for the highlighter and the fallback extractor) reads them; its tree is
converted here node by node into the ``ast`` nodes CPython would have made, with the
positions CPython gives them, so that the one extractor, resolver and rules read every file.
Type parameters and ``type`` statements become the nodes of ``type_params``. A tree with
errors is not converted: the caller keeps the grammar fallback and its diagnostic.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from functools import cache

import tree_sitter as ts
import tree_sitter_python

from xrefdoc.extract.parsing import parse_bounded
from xrefdoc.extract.python_grammar_expressions import AUGMENTED
from xrefdoc.extract.python_grammar_nodes import (
    GrammarSyntaxError,
    field_of,
    kids,
    place,
    tokens,
    unsupported,
)
from xrefdoc.extract.python_grammar_patterns import PatternConverter
from xrefdoc.extract.type_params import (
    ParamSpec,
    TypeAlias,
    TypeParameter,
    TypeVar,
    TypeVarTuple,
    set_type_params,
)

__all__ = ["GrammarSyntaxError", "parse_with_grammar"]


@cache
def _parser() -> ts.Parser:
    return ts.Parser(ts.Language(tree_sitter_python.language()))


def parse_with_grammar(text: str) -> ast.Module:
    """The module ``ast.parse`` would return for ``text`` if it knew every grammar.

    Raises ``GrammarSyntaxError`` (a ``SyntaxError``) when the grammar finds an error or
    reads a form that is not Python 3, and ``RecursionError`` past ``MAX_DEPTH``."""
    source = text.encode("utf-8", "surrogatepass")
    tree = parse_bounded(_parser(), source)
    if tree is None:
        raise GrammarSyntaxError("too broken for the grammar to read in time")
    root = tree.root_node
    if root.has_error:
        error = GrammarSyntaxError("syntax error")
        error.lineno = _first_error_line(root)
        raise error
    misread = _misread_type_statements(root) if _MAYBE_MISREAD.search(source) else []
    if misread:
        # The grammar reads ``type(x).y = 1`` as a ``type`` statement; with the keyword
        # spelled as another name of the same length it reads the assignment, in the same
        # places. The converter takes names from the text as written.
        patched = bytearray(source)
        for offset in misread:
            patched[offset : offset + len(b"type")] = b"typ_"
        tree = parse_bounded(_parser(), bytes(patched))
        if tree is None or tree.root_node.has_error:
            raise GrammarSyntaxError("a type statement the grammar misreads")
        root = tree.root_node
    return _Converter(source).module(root)


# A statement the grammar may misread as a ``type`` statement begins ``type(``, ``type[`` or
# ``type.``: without one, the query for them is not run.
_MAYBE_MISREAD = re.compile(rb"\btype\s*[(\[.]")


@cache
def _type_statements() -> ts.Query:
    return ts.Query(ts.Language(tree_sitter_python.language()), "(type_alias_statement) @alias")


def _misread_type_statements(root: ts.Node) -> list[int]:
    """Where the grammar read a ``type`` statement whose name is no name (a misread
    assignment)."""
    found = []
    for statement in ts.QueryCursor(_type_statements()).captures(root).get("alias", []):
        (name,) = kids(field_of(statement, "left"))
        if name.type == "generic_type":
            name = kids(name)[0]
        if name.type != "identifier":
            found.append(statement.start_byte)
    return found


def _first_error_line(root: ts.Node) -> int:
    cursor = root.walk()
    while True:
        node = cursor.node
        assert node is not None
        if node.is_error or node.is_missing:
            return node.start_point.row + 1
        if node.has_error and cursor.goto_first_child():
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return 1


class _Converter(PatternConverter):
    """Converts statements; expressions and patterns are its bases' work."""

    def module(self, root: ts.Node) -> ast.Module:
        return ast.Module(body=self.statements(root), type_ignores=[])

    def statements(self, block: ts.Node) -> list[ast.stmt]:
        found = []
        for child in kids(block):
            handler = _STATEMENTS.get(child.type)
            if handler is None:
                raise unsupported(child)
            self.depth += 1
            found.append(handler(self, child))
            self.depth -= 1
        return found

    def body(self, node: ts.Node, name: str = "body") -> list[ast.stmt]:
        found = self.statements(field_of(node, name))
        if not found:
            raise unsupported(node, "an empty block")
        return found

    # Simple statements -------------------------------------------------------------------

    def _expression_statement(self, node: ts.Node) -> ast.stmt:
        parts = kids(node)
        if len(parts) == 1 and parts[0].type == "assignment":
            return self._assignment(node, parts[0])
        if len(parts) == 1 and parts[0].type == "augmented_assignment":
            assignment = parts[0]
            target = self.single_target(field_of(assignment, "left"))
            operator = AUGMENTED[field_of(assignment, "operator").type]()
            value = self.expression(field_of(assignment, "right"))
            return place(ast.AugAssign(target=target, op=operator, value=value), node, node)
        return place(ast.Expr(value=self.unparenthesized(node, parts)), node, node)

    def _assignment(self, statement: ts.Node, node: ts.Node) -> ast.stmt:
        annotation = node.child_by_field_name("type")
        if annotation is not None:
            left = field_of(node, "left")
            target = self.single_target(left)
            right = node.child_by_field_name("right")
            value = self.expression(right) if right is not None else None
            simple = int(left.type == "identifier" and isinstance(target, ast.Name))
            annotated = ast.AnnAssign(
                target=target,
                annotation=self.expression(annotation),
                value=value,
                simple=simple,
            )
            return place(annotated, statement, statement)
        targets = []
        current = node
        while current.type == "assignment":
            if current.child_by_field_name("type") is not None:
                raise unsupported(current, "an annotation in a chain of assignments")
            targets.append(self.target(field_of(current, "left"), ast.Store()))
            current = field_of(current, "right")
        assign = ast.Assign(targets=targets, value=self.expression(current), type_comment=None)
        return place(assign, statement, statement)

    def single_target(self, node: ts.Node) -> ast.Name | ast.Attribute | ast.Subscript:
        """The target of an augmented or annotated assignment: one name, attribute or
        item."""
        target = self.target(node, ast.Store())
        if not isinstance(target, (ast.Name, ast.Attribute, ast.Subscript)):
            raise unsupported(node, "not a single target")
        return target

    def _return(self, node: ts.Node) -> ast.stmt:
        values = kids(node)
        value = self.expression(values[0]) if values else None
        return place(ast.Return(value=value), node, node)

    def _delete(self, node: ts.Node) -> ast.stmt:
        (targets,) = kids(node)
        items = kids(targets) if targets.type == "expression_list" else [targets]
        deleted = [self.target(item, ast.Del()) for item in items]
        return place(ast.Delete(targets=deleted), node, node)

    def _raise(self, node: ts.Node) -> ast.stmt:
        cause_node = node.child_by_field_name("cause")
        values = [child for child in kids(node) if child != cause_node]
        exception = self.expression(values[0]) if values else None
        cause = self.expression(cause_node) if cause_node is not None else None
        return place(ast.Raise(exc=exception, cause=cause), node, node)

    def _assert(self, node: ts.Node) -> ast.stmt:
        values = [self.expression(child) for child in kids(node)]
        message = values[1] if len(values) > 1 else None
        return place(ast.Assert(test=values[0], msg=message), node, node)

    def _keyword(self, node: ts.Node) -> ast.stmt:
        kind = {"pass_statement": ast.Pass, "break_statement": ast.Break}.get(
            node.type, ast.Continue
        )
        return place(kind(), node, node)

    def _global(self, node: ts.Node) -> ast.stmt:
        names = [self.identifier(child) for child in kids(node)]
        kind = ast.Global if node.type == "global_statement" else ast.Nonlocal
        return place(kind(names=names), node, node)

    def _dotted(self, node: ts.Node) -> str:
        return ".".join(self.identifier(part) for part in kids(node))

    def _aliases(self, names: list[ts.Node]) -> list[ast.alias]:
        found = []
        for name in names:
            if name.type == "aliased_import":
                dotted = self._dotted(field_of(name, "name"))
                alias = self.identifier(field_of(name, "alias"))
                found.append(place(ast.alias(name=dotted, asname=alias), name, name))
            else:
                found.append(place(ast.alias(name=self._dotted(name), asname=None), name, name))
        return found

    def _import(self, node: ts.Node) -> ast.stmt:
        names = self._aliases(node.children_by_field_name("name"))
        return place(ast.Import(names=names), node, node)

    def _import_from(self, node: ts.Node) -> ast.stmt:
        base = field_of(node, "module_name")
        level = 0
        module: str | None = None
        if base.type == "relative_import":
            parts = kids(base)
            level = len(kids(parts[0]) or tokens(parts[0]))
            module = self._dotted(parts[1]) if len(parts) > 1 else None
        else:
            module = self._dotted(base)
        wildcard = [child for child in kids(node) if child.type == "wildcard_import"]
        if wildcard:
            names = [place(ast.alias(name="*", asname=None), wildcard[0], wildcard[0])]
        else:
            names = self._aliases(node.children_by_field_name("name"))
        imported = ast.ImportFrom(module=module, names=names, level=level)
        return place(imported, node, node)

    def _future_import(self, node: ts.Node) -> ast.stmt:
        names = self._aliases(node.children_by_field_name("name"))
        imported = ast.ImportFrom(module="__future__", names=names, level=0)
        return place(imported, node, node)

    def _type_alias(self, node: ts.Node) -> ast.stmt:
        (left,) = kids(field_of(node, "left"))
        parameters: list[TypeParameter] = []
        if left.type == "generic_type":
            left, parameter_list = kids(left)
            parameters = self.type_parameters(parameter_list)
        if left.type != "identifier":
            raise unsupported(left, "a type alias's name")
        name = place(ast.Name(id=self.identifier(left), ctx=ast.Store()), left, left)
        value = self.expression(field_of(node, "right"))
        alias = TypeAlias(name=name, type_params=parameters, value=value)
        return place(alias, node, node)

    def type_parameters(self, node: ts.Node | None) -> list[TypeParameter]:
        """``[T: Bound, *Ts, **P]``."""
        found: list[TypeParameter] = []
        for item in kids(node) if node is not None else []:
            (parameter,) = kids(item)
            if parameter.type == "identifier":
                variable = TypeVar(name=self.identifier(parameter), bound=None)
                found.append(place(variable, item, item))
            elif parameter.type == "constrained_type":
                name, bound = kids(parameter)
                (identifier,) = kids(name)
                if identifier.type != "identifier":
                    raise unsupported(parameter, "a type parameter's name")
                variable = TypeVar(name=self.identifier(identifier), bound=self.expression(bound))
                found.append(place(variable, item, item))
            elif parameter.type == "splat_type":
                star, name = tokens(parameter)
                kind = TypeVarTuple if star.type == "*" else ParamSpec
                found.append(place(kind(name=self.identifier(name)), item, item))
            else:
                raise unsupported(parameter, "a type parameter")
        return found

    # Compound statements -----------------------------------------------------------------

    def _if(self, node: ts.Node) -> ast.stmt:
        alternatives = node.children_by_field_name("alternative")
        orelse: list[ast.stmt] = []
        if alternatives and alternatives[-1].type == "else_clause":
            orelse = self.body(alternatives.pop())
        for clause in reversed(alternatives):  # elif: an ``if`` in the ``else``
            test = self.expression(field_of(clause, "condition"))
            body = self.body(clause, "consequence")
            nested = ast.If(test=test, body=body, orelse=orelse)
            orelse = [place(nested, clause, last_token(node))]
        test = self.expression(field_of(node, "condition"))
        body = self.body(node, "consequence")
        return place(ast.If(test=test, body=body, orelse=orelse), node, last_token(node))

    def _for(self, node: ts.Node) -> ast.stmt:
        target = self.target(field_of(node, "left"), ast.Store())
        iterable = self.expression(field_of(node, "right"))
        body = self.body(node)
        alternative = node.child_by_field_name("alternative")
        orelse = self.body(alternative) if alternative is not None else []
        kind = ast.AsyncFor if tokens(node)[0].type == "async" else ast.For
        loop = kind(target=target, iter=iterable, body=body, orelse=orelse, type_comment=None)
        return place(loop, node, last_token(node))

    def _while(self, node: ts.Node) -> ast.stmt:
        test = self.expression(field_of(node, "condition"))
        body = self.body(node)
        alternative = node.child_by_field_name("alternative")
        orelse = self.body(alternative) if alternative is not None else []
        return place(ast.While(test=test, body=body, orelse=orelse), node, last_token(node))

    def _try(self, node: ts.Node) -> ast.stmt:
        body = self.body(node)
        handlers: list[ast.ExceptHandler] = []
        orelse: list[ast.stmt] = []
        final: list[ast.stmt] = []
        grouped = False
        for clause in kids(node)[1:]:
            if clause.type == "except_clause":
                grouped = grouped or tokens(clause)[1].type == "*"
                handlers.append(self._handler(clause))
            elif clause.type == "else_clause":
                orelse = self.body(clause)
            elif clause.type == "finally_clause":
                final = self.statements(kids(clause)[-1])
        kind = ast.TryStar if grouped else ast.Try
        statement = kind(body=body, handlers=handlers, orelse=orelse, finalbody=final)
        return place(statement, node, last_token(node))

    def _handler(self, clause: ts.Node) -> ast.ExceptHandler:
        values = clause.children_by_field_name("value")
        alias = clause.child_by_field_name("alias")
        if len(values) == 1 and values[0].type == "as_pattern":  # ``except (A, B) as e``
            value, alias = kids(values[0])
            values = [value]
            (alias,) = kids(alias)
        kind = None
        if len(values) == 1:
            kind = self.expression(values[0])
        elif values:  # ``except A, B:`` (Python 3.14)
            kind = self.tuple_of(values, values[0], values[-1])
        name = None
        if alias is not None:
            if alias.type != "identifier":
                raise unsupported(alias, "an exception's name")
            name = self.identifier(alias)
        body = self.statements(kids(clause)[-1])
        if not body:
            raise unsupported(clause, "an empty block")
        handler = ast.ExceptHandler(type=kind, name=name, body=body)
        return place(handler, clause, last_token(clause))

    def _with(self, node: ts.Node) -> ast.stmt:
        items = []
        for item in kids(kids(node)[0]):
            value = field_of(item, "value")
            if value.type == "parenthesized_expression" and kids(value)[0].type == "as_pattern":
                (value,) = kids(value)  # ``with (open(path)\n as file):``
            if value.type == "as_pattern":
                context, target = kids(value)
                items.append(
                    ast.withitem(
                        context_expr=self.expression(context),
                        optional_vars=self.target(target, ast.Store()),
                    )
                )
            else:
                items.append(ast.withitem(context_expr=self.expression(value), optional_vars=None))
        body = self.body(node)
        kind = ast.AsyncWith if tokens(node)[0].type == "async" else ast.With
        return place(kind(items=items, body=body, type_comment=None), node, last_token(node))

    def _function(self, node: ts.Node, decorators: list[ast.expr] | None = None) -> ast.stmt:
        name = self.identifier(field_of(node, "name"))
        parameters = self.type_parameters(node.child_by_field_name("type_parameters"))
        arguments = self.parameters(field_of(node, "parameters"))
        returns_node = node.child_by_field_name("return_type")
        returns = self.expression(returns_node) if returns_node is not None else None
        body = self.body(node)
        kind = ast.AsyncFunctionDef if tokens(node)[0].type == "async" else ast.FunctionDef
        function = kind(
            name=name,
            args=arguments,
            body=body,
            decorator_list=decorators or [],
            returns=returns,
            type_comment=None,
        )
        set_type_params(function, parameters)
        return place(function, node, last_token(node))

    def _class(self, node: ts.Node, decorators: list[ast.expr] | None = None) -> ast.stmt:
        name = self.identifier(field_of(node, "name"))
        parameters = self.type_parameters(node.child_by_field_name("type_parameters"))
        superclasses = node.child_by_field_name("superclasses")
        bases, keywords = self.arguments(superclasses) if superclasses else ([], [])
        body = self.body(node)
        definition = ast.ClassDef(
            name=name,
            bases=bases,
            keywords=keywords,
            body=body,
            decorator_list=decorators or [],
        )
        set_type_params(definition, parameters)
        return place(definition, node, last_token(node))

    def _decorated(self, node: ts.Node) -> ast.stmt:
        decorators = [self._inner(child) for child in kids(node) if child.type == "decorator"]
        definition = field_of(node, "definition")
        if definition.type == "class_definition":
            return self._class(definition, decorators)
        return self._function(definition, decorators)

    def _match(self, node: ts.Node) -> ast.stmt:
        subjects = node.children_by_field_name("subject")
        commas = [child for child in tokens(node) if child.type == ","]
        if len(subjects) == 1 and not commas:
            subject = self.expression(subjects[0])
        else:
            subject = self.tuple_of(subjects, subjects[0], max([subjects[-1], *commas], key=_end))
        cases = [
            self.case(clause)
            for clause in field_of(node, "body").children_by_field_name("alternative")
        ]
        if not cases:
            raise unsupported(node, "a match without cases")
        return place(ast.Match(subject=subject, cases=cases), node, last_token(node))

    def case(self, clause: ts.Node) -> ast.match_case:
        patterns = [child for child in kids(clause) if child.type == "case_pattern"]
        commas = [child for child in tokens(clause) if child.type == ","]
        if len(patterns) == 1 and not commas:
            pattern = self.pattern(patterns[0])
        else:
            items = [self.pattern(item) for item in patterns]
            last = max([patterns[-1], *commas], key=_end)
            pattern = place(ast.MatchSequence(patterns=items), patterns[0], last)
        guard_node = clause.child_by_field_name("guard")
        guard = self._inner(guard_node) if guard_node is not None else None
        body = self.body(clause, "consequence")
        return ast.match_case(pattern=pattern, guard=guard, body=body)


def last_token(node: ts.Node) -> ts.Node:
    """The last token of a compound statement, where CPython ends it (not a comment after
    it, which the grammar's node may hold; a semicolon after its last statement, which the
    grammar's last statement does not)."""
    current = node
    while True:
        children = tokens(current)
        if not children:
            return current
        current = children[-1]


def _end(node: ts.Node) -> int:
    return node.end_byte


def _python_2(converter: _Converter, node: ts.Node) -> ast.stmt:
    raise unsupported(node, f"Python 2's {node.type.split('_')[0]} statement")


_Handler = Callable[[_Converter, ts.Node], ast.stmt]
_STATEMENTS: dict[str, _Handler] = {
    "expression_statement": _Converter._expression_statement,
    "return_statement": _Converter._return,
    "delete_statement": _Converter._delete,
    "raise_statement": _Converter._raise,
    "assert_statement": _Converter._assert,
    "pass_statement": _Converter._keyword,
    "break_statement": _Converter._keyword,
    "continue_statement": _Converter._keyword,
    "global_statement": _Converter._global,
    "nonlocal_statement": _Converter._global,
    "import_statement": _Converter._import,
    "import_from_statement": _Converter._import_from,
    "future_import_statement": _Converter._future_import,
    "type_alias_statement": _Converter._type_alias,
    "if_statement": _Converter._if,
    "for_statement": _Converter._for,
    "while_statement": _Converter._while,
    "try_statement": _Converter._try,
    "with_statement": _Converter._with,
    "function_definition": _Converter._function,
    "class_definition": _Converter._class,
    "decorated_definition": _Converter._decorated,
    "match_statement": _Converter._match,
    "print_statement": _python_2,
    "exec_statement": _python_2,
}
