"""Python expressions of the tree-sitter grammar's tree as standard-library ``ast`` nodes,
placed where CPython's parser places them (``python_grammar`` converts the statements)."""

from __future__ import annotations

import ast
from collections.abc import Callable
from types import EllipsisType

import tree_sitter as ts

from xrefdoc.extract.python_grammar_nodes import (
    MAX_DEPTH,
    field_of,
    kids,
    place,
    set_context,
    tokens,
    unsupported,
)
from xrefdoc.extract.python_grammar_strings import StringConverter

_BINARY = {
    "+": ast.Add,
    "-": ast.Sub,
    "*": ast.Mult,
    "@": ast.MatMult,
    "/": ast.Div,
    "%": ast.Mod,
    "//": ast.FloorDiv,
    "**": ast.Pow,
    "|": ast.BitOr,
    "&": ast.BitAnd,
    "^": ast.BitXor,
    "<<": ast.LShift,
    ">>": ast.RShift,
}
# Python's binding strength of each binary operator (``**`` groups to the right).
_PRECEDENCE = {
    "|": 1,
    "^": 2,
    "&": 3,
    "<<": 4,
    ">>": 4,
    "+": 5,
    "-": 5,
    "*": 6,
    "@": 6,
    "/": 6,
    "//": 6,
    "%": 6,
    "**": 7,
}
AUGMENTED = {f"{operator}=": kind for operator, kind in _BINARY.items()}
_UNARY = {"+": ast.UAdd, "-": ast.USub, "~": ast.Invert}
_COMPARISONS = {
    "<": ast.Lt,
    "<=": ast.LtE,
    "==": ast.Eq,
    "!=": ast.NotEq,
    ">=": ast.GtE,
    ">": ast.Gt,
    "in": ast.In,
    "not in": ast.NotIn,
    "is": ast.Is,
    "is not": ast.IsNot,
}
_ConstantValue = str | bytes | bool | int | float | complex | EllipsisType | None
_CONSTANTS: dict[str, _ConstantValue] = {
    "true": True,
    "false": False,
    "none": None,
    "ellipsis": ...,
}

_STAR = ord("*")
# Expressions that begin with their first operand.
_OPERATIONS = frozenset(
    {"attribute", "call", "subscript", "binary_operator", "comparison_operator"}
    | {"boolean_operator", "conditional_expression"}
)


class ExpressionConverter(StringConverter):
    """Converts expressions; the pattern and statement converters extend it."""

    def __init__(self, source: bytes) -> None:
        super().__init__(source)
        self._loose_stars: set[int] = set()

    def expression(self, node: ts.Node) -> ast.expr:
        handler = _EXPRESSIONS.get(node.type)
        if handler is None:
            raise unsupported(node)
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise RecursionError("Python nested too deeply for the grammar converter")
        start = node.start_byte
        if (
            self.source[start] == _STAR
            and node.type in _OPERATIONS
            and start not in self._loose_stars
        ):
            converted = self._star_outside(node, handler)
        else:
            converted = handler(self, node)
        self.depth -= 1
        return converted

    def _star_outside(self, node: ts.Node, handler: _Handler) -> ast.expr:
        """``*a.b()``: the grammar binds the star to ``a`` (a starred target's form); the
        star applies to the whole operation."""
        star = node
        while star.type != "list_splat":
            star = tokens(star)[0]
        self._loose_stars.add(star.start_byte)
        value = handler(self, node)
        operand = kids(star)[0].start_point
        at_star = (star.start_point.row + 1, star.start_point.column)
        current: ast.expr | None = value
        while current is not None and (current.lineno, current.col_offset) == at_star:
            current.lineno, current.col_offset = operand.row + 1, operand.column
            current = _first_operand(current)
        return place(ast.Starred(value=value, ctx=ast.Load()), node, node)

    def target(self, node: ts.Node, context: ast.expr_context) -> ast.expr:
        return set_context(self.expression(node), context, node)

    def tuple_of(self, items: list[ts.Node], start: ts.Node, end: ts.Node) -> ast.Tuple:
        elements = [self.expression(item) for item in items]
        return place(ast.Tuple(elts=elements, ctx=ast.Load()), start, end)

    def unparenthesized(self, node: ts.Node, items: list[ts.Node]) -> ast.expr:
        """One expression, or the tuple that items separated by commas make (its span
        takes in a trailing comma, as CPython's does)."""
        commas = [child for child in tokens(node) if child.type == ","]
        if len(items) == 1 and not commas:
            return self.expression(items[0])
        last = max([items[-1], *commas], key=lambda child: child.end_byte)
        return self.tuple_of(items, items[0], last)

    # Names and atoms ---------------------------------------------------------------------

    def _name(self, node: ts.Node) -> ast.expr:
        return place(ast.Name(id=self.identifier(node), ctx=ast.Load()), node, node)

    def _constant(self, node: ts.Node) -> ast.expr:
        return place(ast.Constant(value=_CONSTANTS[node.type]), node, node)

    def _number(self, node: ts.Node) -> ast.expr:
        text = self.text(node)
        if text.isdigit() and (text[0] != "0" or text.strip("0") == ""):
            value: _ConstantValue = int(text)
        else:
            try:
                value = ast.literal_eval(text)
            except (SyntaxError, ValueError) as error:
                raise unsupported(node, f"not a Python 3 number: {text}") from error
        return place(ast.Constant(value=value), node, node)

    def _inner(self, node: ts.Node) -> ast.expr:
        """The one expression a node wraps (``type``, ``await``, ``*``, ``**``)."""
        inner = kids(node)
        if len(inner) != 1:
            raise unsupported(node)
        return self.expression(inner[0])

    def _parenthesized(self, node: ts.Node) -> ast.expr:
        """``(value)`` is ``value``, placed without its parentheses; ``(*a)`` is no
        expression."""
        inner = kids(node)
        if len(inner) != 1 or inner[0].type == "list_splat":
            raise unsupported(node)
        return self.expression(inner[0])

    # Operators ---------------------------------------------------------------------------

    def _attribute(self, node: ts.Node) -> ast.expr:
        value = self.expression(field_of(node, "object"))
        attribute = self.identifier(field_of(node, "attribute"))
        return place(ast.Attribute(value=value, attr=attribute, ctx=ast.Load()), node, node)

    def _binary(self, node: ts.Node) -> ast.expr:
        """Operands and operators written without parentheses, grouped by Python's
        precedence: the grammar ranks ``^`` above ``&`` (``a & b ^ c`` is ``(a & b) ^ c``).
        Read with stacks, so that a sum of a thousand terms is not a thousand levels
        deep."""
        sequence: list[ts.Node] = []  # operand, operator, operand, ...
        pending = [node]
        while pending:
            current = pending.pop()
            if current.type == "binary_operator":
                operator = field_of(current, "operator")
                pending += [field_of(current, "right"), operator, field_of(current, "left")]
            else:
                sequence.append(current)
        operands: list[tuple[ast.expr, ts.Node, ts.Node]] = []
        operators: list[ts.Node] = []

        def combine() -> None:
            right, _, last = operands.pop()
            left, first, _ = operands.pop()
            operator = _BINARY[operators.pop().type]()
            binary = place(ast.BinOp(left=left, op=operator, right=right), first, last)
            operands.append((binary, first, last))

        for position, part in enumerate(sequence):
            if position % 2 == 0:
                operands.append((self.expression(part), part, part))
                continue
            rank = _PRECEDENCE[part.type]
            while operators and (
                _PRECEDENCE[operators[-1].type] > rank
                or (_PRECEDENCE[operators[-1].type] == rank and part.type != "**")
            ):
                combine()
            operators.append(part)
        while operators:
            combine()
        return operands[0][0]

    def _unary(self, node: ts.Node) -> ast.expr:
        operator = _UNARY[field_of(node, "operator").type]()
        operand = self.expression(field_of(node, "argument"))
        return place(ast.UnaryOp(op=operator, operand=operand), node, node)

    def _not(self, node: ts.Node) -> ast.expr:
        operand = self.expression(field_of(node, "argument"))
        return place(ast.UnaryOp(op=ast.Not(), operand=operand), node, node)

    def _boolean(self, node: ts.Node) -> ast.expr:
        """``a or b or c`` is one ``BoolOp``; the grammar nests it to the left."""
        operator = field_of(node, "operator").type
        rights = []
        current = node
        while current.type == "boolean_operator" and field_of(current, "operator").type == operator:
            rights.append(field_of(current, "right"))
            current = field_of(current, "left")
        values = [self.expression(current)]
        values += [self.expression(right) for right in reversed(rights)]
        kind = ast.And() if operator == "and" else ast.Or()
        return place(ast.BoolOp(op=kind, values=values), node, node)

    def _comparison(self, node: ts.Node) -> ast.expr:
        operands, operators = [], []
        for child in tokens(node):
            if child.is_named:
                operands.append(self.expression(child))
            elif child.type in _COMPARISONS:
                operators.append(_COMPARISONS[child.type]())
            else:
                raise unsupported(child, f"not a Python 3 comparison: {child.type}")
        compare = ast.Compare(left=operands[0], ops=operators, comparators=operands[1:])
        return place(compare, node, node)

    def _conditional(self, node: ts.Node) -> ast.expr:
        body, test, orelse = (self.expression(part) for part in kids(node))
        return place(ast.IfExp(test=test, body=body, orelse=orelse), node, node)

    def _named(self, node: ts.Node) -> ast.expr:
        target = self.target(field_of(node, "name"), ast.Store())
        if not isinstance(target, ast.Name):
            raise unsupported(node, "not a name before :=")
        value = self.expression(field_of(node, "value"))
        return place(ast.NamedExpr(target=target, value=value), node, node)

    def _await(self, node: ts.Node) -> ast.expr:
        """``await a ** b`` is ``(await a) ** b``: the grammar ranks ``**`` above
        ``await``."""
        (inner,) = kids(node)
        if inner.type == "binary_operator" and field_of(inner, "operator").type == "**":
            base = field_of(inner, "left")
            awaited = place(ast.Await(value=self.expression(base)), node, base)
            exponent = self.expression(field_of(inner, "right"))
            return place(ast.BinOp(left=awaited, op=ast.Pow(), right=exponent), node, node)
        return place(ast.Await(value=self.expression(inner)), node, node)

    def _yield(self, node: ts.Node) -> ast.expr:
        parts = tokens(node)
        values = kids(node)
        if len(parts) > 1 and parts[1].type == "from":
            return place(ast.YieldFrom(value=self.expression(values[0])), node, node)
        value = self.expression(values[0]) if values else None
        return place(ast.Yield(value=value), node, node)

    def _lambda(self, node: ts.Node) -> ast.expr:
        parameters = node.child_by_field_name("parameters")
        arguments = self.parameters(parameters)
        body = self.expression(field_of(node, "body"))
        return place(ast.Lambda(args=arguments, body=body), node, node)

    def _starred(self, node: ts.Node) -> ast.expr:
        if node.start_byte in self._loose_stars:  # see ``_star_outside``
            return self._inner(node)
        return place(ast.Starred(value=self._inner(node), ctx=ast.Load()), node, node)

    # Calls and subscripts ----------------------------------------------------------------

    def _call(self, node: ts.Node) -> ast.expr:
        function = self.expression(field_of(node, "function"))
        arguments = field_of(node, "arguments")
        if arguments.type == "generator_expression":
            call = ast.Call(func=function, args=[self.expression(arguments)], keywords=[])
        else:
            positional, keywords = self.arguments(arguments)
            call = ast.Call(func=function, args=positional, keywords=keywords)
        return place(call, node, node)

    def arguments(self, node: ts.Node) -> tuple[list[ast.expr], list[ast.keyword]]:
        """The positional and keyword arguments of a call or a class's bases (the order
        Python's parser requires, which the grammar does not, checked)."""
        positional: list[ast.expr] = []
        keywords: list[ast.keyword] = []
        for child in kids(node):
            if keywords and child.type not in ("keyword_argument", "dictionary_splat"):
                unpacked = keywords[-1].arg is None
                if child.type != "list_splat" or unpacked:
                    raise unsupported(child, "an argument out of order")
            if child.type == "keyword_argument":
                name = self.identifier(field_of(child, "name"))
                value = self.expression(field_of(child, "value"))
                keywords.append(place(ast.keyword(arg=name, value=value), child, child))
            elif child.type == "dictionary_splat":
                value = self._inner(child)
                keywords.append(place(ast.keyword(arg=None, value=value), child, child))
            else:
                positional.append(self.expression(child))
        return positional, keywords

    def _subscript(self, node: ts.Node) -> ast.expr:
        value = self.expression(field_of(node, "value"))
        items = node.children_by_field_name("subscript")
        index = self._index(node, items, self.slice_item)
        return place(ast.Subscript(value=value, slice=index, ctx=ast.Load()), node, node)

    def _index(
        self, node: ts.Node, items: list[ts.Node], convert: Callable[[ts.Node], ast.expr]
    ) -> ast.expr:
        """What is between a subscript's brackets: one item, or the tuple that items
        separated by commas, or a starred item, make (its span takes in a trailing
        comma)."""
        elements = [convert(item) for item in items]
        commas = [child for child in tokens(node) if child.type == ","]
        if len(elements) == 1 and not commas and not isinstance(elements[0], ast.Starred):
            return elements[0]
        last = max([items[-1], *commas], key=lambda child: child.end_byte)
        return place(ast.Tuple(elts=elements, ctx=ast.Load()), items[0], last)

    def slice_item(self, node: ts.Node) -> ast.expr:
        if node.type != "slice":
            return self.expression(node)
        parts: list[ast.expr | None] = [None, None, None]
        position = 0
        for child in tokens(node):
            if child.type == ":":
                position += 1
            else:
                parts[position] = self.expression(child)
        lower, upper, step = parts
        return place(ast.Slice(lower=lower, upper=upper, step=step), node, node)

    # Displays and comprehensions ---------------------------------------------------------

    def _tuple(self, node: ts.Node) -> ast.expr:
        elements = [self.expression(child) for child in kids(node)]
        return place(ast.Tuple(elts=elements, ctx=ast.Load()), node, node)

    def _parenthesized_pattern(self, node: ts.Node) -> ast.expr:
        """``(a, b)`` as a target; ``(a)`` is only ``a``."""
        inner = kids(node)
        if len(inner) == 1 and not any(child.type == "," for child in tokens(node)):
            return self.expression(inner[0])
        return self._tuple(node)

    def _list(self, node: ts.Node) -> ast.expr:
        elements = [self.expression(child) for child in kids(node)]
        return place(ast.List(elts=elements, ctx=ast.Load()), node, node)

    def _set(self, node: ts.Node) -> ast.expr:
        elements = [self.expression(child) for child in kids(node)]
        return place(ast.Set(elts=elements), node, node)

    def _expression_list(self, node: ts.Node) -> ast.expr:
        return self.tuple_of(kids(node), node, node)

    def _dictionary(self, node: ts.Node) -> ast.expr:
        keys: list[ast.expr | None] = []
        values: list[ast.expr] = []
        for child in kids(node):
            if child.type == "pair":
                keys.append(self.expression(field_of(child, "key")))
                values.append(self.expression(field_of(child, "value")))
            else:  # ``**mapping``
                keys.append(None)
                values.append(self._inner(child))
        return place(ast.Dict(keys=keys, values=values), node, node)

    def _comprehension(self, node: ts.Node) -> ast.expr:
        body = field_of(node, "body")
        generators: list[ast.comprehension] = []
        for clause in kids(node)[1:]:
            if clause.type == "for_in_clause":
                iterables = clause.children_by_field_name("right")
                if len(iterables) != 1 or any(c.type == "," for c in tokens(clause)):
                    raise unsupported(clause, "unparenthesized tuple in a comprehension")
                is_async = int(tokens(clause)[0].type == "async")
                target = self.target(field_of(clause, "left"), ast.Store())
                iterable = self.expression(iterables[0])
                comprehension = ast.comprehension(
                    target=target, iter=iterable, ifs=[], is_async=is_async
                )
                generators.append(comprehension)
            elif clause.type == "if_clause":
                generators[-1].ifs.append(self._inner(clause))
            else:
                raise unsupported(clause)
        converted: ast.expr
        if node.type == "dictionary_comprehension":
            key = self.expression(field_of(body, "key"))
            value = self.expression(field_of(body, "value"))
            converted = ast.DictComp(key=key, value=value, generators=generators)
        else:
            kind = _COMPREHENSION_KINDS[node.type]
            converted = kind(elt=self.expression(body), generators=generators)
        return place(converted, node, node)

    # Type expressions (annotations, ``type`` statements) ---------------------------------

    def _generic_type(self, node: ts.Node) -> ast.expr:
        name, parameters = kids(node)
        index = self._index(parameters, kids(parameters), self._type_item)
        subscript = ast.Subscript(value=self._name(name), slice=index, ctx=ast.Load())
        return place(subscript, node, node)

    def _type_item(self, node: ts.Node) -> ast.expr:
        """An item between the brackets of a generic type: ``a[1:2]`` reads as a
        constrained type there, which is a slice."""
        (inner,) = kids(node)
        if inner.type != "constrained_type":
            return self.expression(inner)
        lower, upper = kids(inner)
        return place(
            ast.Slice(lower=self.expression(lower), upper=self.expression(upper), step=None),
            inner,
            inner,
        )

    def _union_type(self, node: ts.Node) -> ast.expr:
        """``A[int] | B | C``: the grammar may nest it to the right (``A[int] | (B | C)``,
        the rest read as one expression); ``|`` is left-associative."""
        operands: list[ts.Node] = []
        pending = [node]
        while pending:
            current = pending.pop()
            if current.type == "type":
                pending.append(kids(current)[0])
            elif current.type == "union_type" or (
                current.type == "binary_operator" and field_of(current, "operator").type == "|"
            ):
                pending.extend(reversed(kids(current)))
            else:
                operands.append(current)
        union = self.expression(operands[0])
        for operand in operands[1:]:
            right = self.expression(operand)
            union = place(ast.BinOp(left=union, op=ast.BitOr(), right=right), node, operand)
        return union

    def _member_type(self, node: ts.Node) -> ast.expr:
        value, name = kids(node)
        attribute = ast.Attribute(
            value=self.expression(value), attr=self.identifier(name), ctx=ast.Load()
        )
        return place(attribute, node, node)

    def _splat_type(self, node: ts.Node) -> ast.expr:
        star, name = tokens(node)
        if star.type != "*":
            raise unsupported(node, "** outside type parameters")
        return place(ast.Starred(value=self._name(name), ctx=ast.Load()), node, node)

    # Parameters (the statement converter's ``def`` and lambdas both read them) ----------

    def parameters(self, node: ts.Node | None) -> ast.arguments:
        """A ``def``'s or a lambda's parameters: positional-only ones are those before
        ``/``, keyword-only ones those after ``*`` or ``*args``."""
        positional: list[ast.arg] = []
        positional_only: list[ast.arg] = []
        keyword_only: list[ast.arg] = []
        defaults: list[ast.expr] = []
        keyword_defaults: list[ast.expr | None] = []
        variadic = keywords = None
        after_star = False
        for child in kids(node) if node is not None else []:
            kind = child.type
            if kind == "positional_separator":
                positional_only, positional = positional, []
                continue
            if kind == "keyword_separator":
                after_star = True
                continue
            name = child
            default = annotation = None
            annotation_node: ts.Node | None = None  # the span of an argument ends with it
            if kind in ("default_parameter", "typed_default_parameter"):
                name = field_of(child, "name")
                default = self.expression(field_of(child, "value"))
            if kind in ("typed_parameter", "typed_default_parameter"):
                annotation_node = field_of(child, "type")
                annotation = self.expression(annotation_node)
                if kind == "typed_parameter":
                    name = kids(child)[0]
            if name.type in ("list_splat_pattern", "dictionary_splat_pattern"):
                (identifier,) = kids(name)
                argument = place(ast.arg(arg=self.identifier(identifier)), identifier, identifier)
                argument.annotation = annotation
                if annotation_node is not None:
                    place(argument, identifier, annotation_node)
                if name.type == "list_splat_pattern":
                    variadic, after_star = argument, True
                else:
                    keywords = argument
                continue
            if name.type != "identifier":
                raise unsupported(name, "not a Python 3 parameter")
            argument = place(ast.arg(arg=self.identifier(name)), name, name)
            argument.annotation = annotation
            if annotation_node is not None:
                place(argument, name, annotation_node)
            if after_star:
                keyword_only.append(argument)
                keyword_defaults.append(default)
            elif default is not None:
                positional.append(argument)
                defaults.append(default)
            elif defaults:
                raise unsupported(name, "a parameter without a default after one with")
            else:
                positional.append(argument)
        return ast.arguments(
            posonlyargs=positional_only,
            args=positional,
            vararg=variadic,
            kwonlyargs=keyword_only,
            kw_defaults=keyword_defaults,
            kwarg=keywords,
            defaults=defaults,
        )


def _first_operand(node: ast.expr) -> ast.expr | None:
    """The operand an operation begins with, if it begins with one."""
    if isinstance(node, ast.Call):
        return node.func
    if isinstance(node, (ast.Attribute, ast.Subscript)):
        return node.value
    if isinstance(node, (ast.BinOp, ast.Compare)):
        return node.left
    if isinstance(node, ast.BoolOp):
        return node.values[0]
    if isinstance(node, ast.IfExp):
        return node.body
    return None


_COMPREHENSION_KINDS: dict[str, type[ast.ListComp | ast.SetComp | ast.GeneratorExp]] = {
    "list_comprehension": ast.ListComp,
    "set_comprehension": ast.SetComp,
    "generator_expression": ast.GeneratorExp,
}

_Handler = Callable[[ExpressionConverter, ts.Node], ast.expr]
_EXPRESSIONS: dict[str, _Handler] = {
    "identifier": ExpressionConverter._name,
    "keyword_identifier": ExpressionConverter._name,
    **dict.fromkeys(_CONSTANTS, ExpressionConverter._constant),
    "integer": ExpressionConverter._number,
    "float": ExpressionConverter._number,
    "string": ExpressionConverter._string,
    "concatenated_string": ExpressionConverter._string,
    "type": ExpressionConverter._inner,
    "parenthesized_expression": ExpressionConverter._parenthesized,
    "as_pattern_target": ExpressionConverter._inner,
    "attribute": ExpressionConverter._attribute,
    "binary_operator": ExpressionConverter._binary,
    "unary_operator": ExpressionConverter._unary,
    "not_operator": ExpressionConverter._not,
    "boolean_operator": ExpressionConverter._boolean,
    "comparison_operator": ExpressionConverter._comparison,
    "conditional_expression": ExpressionConverter._conditional,
    "named_expression": ExpressionConverter._named,
    "await": ExpressionConverter._await,
    "yield": ExpressionConverter._yield,
    "lambda": ExpressionConverter._lambda,
    "list_splat": ExpressionConverter._starred,
    "list_splat_pattern": ExpressionConverter._starred,
    "call": ExpressionConverter._call,
    "subscript": ExpressionConverter._subscript,
    "tuple": ExpressionConverter._tuple,
    "tuple_pattern": ExpressionConverter._parenthesized_pattern,
    "list": ExpressionConverter._list,
    "list_pattern": ExpressionConverter._list,
    "set": ExpressionConverter._set,
    "expression_list": ExpressionConverter._expression_list,
    "pattern_list": ExpressionConverter._expression_list,
    "dictionary": ExpressionConverter._dictionary,
    "list_comprehension": ExpressionConverter._comprehension,
    "set_comprehension": ExpressionConverter._comprehension,
    "generator_expression": ExpressionConverter._comprehension,
    "dictionary_comprehension": ExpressionConverter._comprehension,
    "generic_type": ExpressionConverter._generic_type,
    "union_type": ExpressionConverter._union_type,
    "member_type": ExpressionConverter._member_type,
    "splat_type": ExpressionConverter._splat_type,
}
