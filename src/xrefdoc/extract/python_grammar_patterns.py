"""``match`` statements' patterns of the tree-sitter grammar's tree as standard-library
``ast`` patterns (``python_grammar`` converts the statements that hold them)."""

from __future__ import annotations

import ast

import tree_sitter as ts

from xrefdoc.extract.python_grammar_expressions import ExpressionConverter
from xrefdoc.extract.python_grammar_nodes import kids, place, tokens, unsupported

_SINGLETONS = {"true": True, "false": False, "none": None}


class PatternConverter(ExpressionConverter):
    """Converts patterns. The grammar leaves a simple pattern's parts unwrapped (``-1`` is
    the tokens ``-`` and ``1`` side by side), so simple patterns are read from a run of
    sibling nodes."""

    def pattern(self, node: ts.Node) -> ast.pattern:
        """A ``case_pattern``."""
        self.depth += 1
        parts = tokens(node)
        converted: ast.pattern
        if len(parts) == 1 and parts[0].type == "as_pattern":
            inner, _, name = tokens(parts[0])
            if name.type != "identifier":
                raise unsupported(name, "a pattern's name")
            captured = self.identifier(name)
            converted = ast.MatchAs(pattern=self.pattern(inner), name=captured)
            converted = place(converted, parts[0], parts[0])
        else:
            converted = self.simple_pattern(parts)
        self.depth -= 1
        return converted

    def simple_pattern(self, parts: list[ts.Node]) -> ast.pattern:
        first = parts[0]
        if len(parts) > 1:  # ``-1``
            return self._value_pattern(parts)
        kind = first.type
        if kind == "_":
            return place(ast.MatchAs(pattern=None, name=None), first, first)
        if kind in _SINGLETONS:
            return place(ast.MatchSingleton(value=_SINGLETONS[kind]), first, first)
        if kind == "dotted_name" and len(kids(first)) == 1:
            captured = self.identifier(kids(first)[0])
            return place(ast.MatchAs(pattern=None, name=captured), first, first)
        if kind == "splat_pattern":
            star, name = tokens(first)
            if star.type != "*":
                raise unsupported(first, "** outside a mapping pattern")
            star_name = None if name.type == "_" else self.identifier(name)
            return place(ast.MatchStar(name=star_name), first, first)
        if kind == "union_pattern":
            return self._union(first)
        if kind in ("list_pattern", "tuple_pattern"):
            return self._sequence(first)
        if kind == "dict_pattern":
            return self._mapping(first)
        if kind == "class_pattern":
            return self._class_pattern(first)
        return self._value_pattern(parts)

    def _value(self, parts: list[ts.Node]) -> ast.expr:
        """The value a literal or dotted pattern compares with."""
        first = parts[0]
        if first.type == "-":
            number = self.expression(parts[1])
            return place(ast.UnaryOp(op=ast.USub(), operand=number), first, parts[1])
        if first.type == "dotted_name":
            names = kids(first)
            value: ast.expr = place(
                ast.Name(id=self.identifier(names[0]), ctx=ast.Load()), names[0], names[0]
            )
            for name in names[1:]:
                attribute = ast.Attribute(value=value, attr=self.identifier(name), ctx=ast.Load())
                value = place(attribute, first, name)
            return value
        if first.type == "complex_pattern":
            pieces = tokens(first)
            left = self._value(pieces[:-2])
            operator = ast.Add() if pieces[-2].type == "+" else ast.Sub()
            right = self.expression(pieces[-1])
            return place(ast.BinOp(left=left, op=operator, right=right), first, first)
        if first.type in _SINGLETONS:
            return place(ast.Constant(value=_SINGLETONS[first.type]), first, first)
        if first.type in ("string", "concatenated_string", "integer", "float"):
            value = self.expression(first)
            if isinstance(value, ast.JoinedStr):
                raise unsupported(first, "an f-string in a pattern")
            return value
        raise unsupported(first, f"a pattern: {first.type}")

    def _value_pattern(self, parts: list[ts.Node]) -> ast.pattern:
        value = self._value(parts)
        return place(ast.MatchValue(value=value), value, value)

    def _union(self, node: ts.Node) -> ast.pattern:
        alternatives: list[ast.pattern] = []
        run: list[ts.Node] = []
        for child in [*tokens(node), None]:
            if child is None or child.type == "|":
                alternatives.append(self.simple_pattern(run))
                run = []
            else:
                run.append(child)
        return place(ast.MatchOr(patterns=alternatives), node, node)

    def _sequence(self, node: ts.Node) -> ast.pattern:
        items = kids(node)
        commas = any(child.type == "," for child in tokens(node))
        if node.type == "tuple_pattern" and len(items) == 1 and not commas:
            return self.pattern(items[0])  # ``(pattern)``: a group, not a sequence
        patterns = [self.pattern(item) for item in items]
        return place(ast.MatchSequence(patterns=patterns), node, node)

    def _mapping(self, node: ts.Node) -> ast.pattern:
        keys: list[ast.expr] = []
        patterns: list[ast.pattern] = []
        rest = None
        key: list[ts.Node] = []
        for index, child in enumerate(node.children):
            field = node.field_name_for_child(index)
            if field == "key":
                key.append(child)
            elif field == "value":
                keys.append(self._value(key))
                patterns.append(self.pattern(child))
                key = []
            elif child.type == "splat_pattern":
                star, name = tokens(child)
                if star.type != "**" or name.type != "identifier":
                    raise unsupported(child, "a mapping pattern's rest")
                rest = self.identifier(name)
        return place(ast.MatchMapping(keys=keys, patterns=patterns, rest=rest), node, node)

    def _class_pattern(self, node: ts.Node) -> ast.pattern:
        parts = tokens(node)
        cls = self._value(parts[:1])
        patterns: list[ast.pattern] = []
        names: list[str] = []
        keyword_patterns: list[ast.pattern] = []
        for child in parts[1:]:
            if child.type != "case_pattern":
                continue
            inner = tokens(child)
            captured = None
            if inner[0].type == "as_pattern":  # ``C(key=pattern as name)``, read as
                keyword, _, captured = tokens(inner[0])  # ``(key=pattern) as name``
                inner = tokens(keyword)
            if inner[0].type == "keyword_pattern":
                name, _, *value = tokens(inner[0])
                names.append(self.identifier(name))
                keyword_pattern = self.simple_pattern(value)
                if captured is not None:
                    keyword_pattern = place(
                        ast.MatchAs(pattern=keyword_pattern, name=self.identifier(captured)),
                        value[0],
                        captured,
                    )
                keyword_patterns.append(keyword_pattern)
            elif captured is not None:
                raise unsupported(child)
            elif names:
                raise unsupported(child, "a positional pattern after keyword patterns")
            else:
                patterns.append(self.pattern(child))
        matched = ast.MatchClass(
            cls=cls, patterns=patterns, kwd_attrs=names, kwd_patterns=keyword_patterns
        )
        return place(matched, node, node)
