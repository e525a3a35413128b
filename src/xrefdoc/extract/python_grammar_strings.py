"""Strings and f-strings of the tree-sitter grammar's tree as standard-library ``ast``
nodes (``Constant``, ``JoinedStr``), placed where CPython 3.11 places them."""

from __future__ import annotations

import ast
import warnings

import tree_sitter as ts

from xrefdoc.extract.python_grammar_nodes import (
    ConverterBase,
    field_of,
    kids,
    place,
    tokens,
    unsupported,
)


class StringConverter(ConverterBase):
    """Converts strings; the expression converter extends it."""

    def __init__(self, source: bytes) -> None:
        super().__init__(source)
        self._escapes: dict[str, str | bytes] = {}

    def _string(self, node: ts.Node) -> ast.expr:
        """A string, or strings written side by side: one ``Constant``, or one
        ``JoinedStr`` when any of them is an f-string (its parts all spanning the whole,
        as CPython 3.11 places them)."""
        pieces = [node] if node.type == "string" else kids(node)
        prefixes = [self._prefix(piece) for piece in pieces]
        if any("b" in prefix for prefix in prefixes):
            if not all("b" in prefix for prefix in prefixes):
                raise unsupported(node, "bytes and strings side by side")
            value = b"".join(self._bytes(piece) for piece in pieces)
            return place(ast.Constant(value=value), node, node)
        if not any("f" in prefix for prefix in prefixes):
            text = "".join(
                self._plain(piece, prefix) for piece, prefix in zip(pieces, prefixes, strict=True)
            )
            kind = "u" if "u" in prefixes[0] else None
            return place(ast.Constant(value=text, kind=kind), node, node)
        parts: list[str | ast.FormattedValue] = []
        for piece, prefix in zip(pieces, prefixes, strict=True):
            if "f" in prefix:
                parts += self._formatted_parts(piece, "r" in prefix, node)
            else:
                parts.append(self._plain(piece, prefix))
        return place(ast.JoinedStr(values=_joined(parts, node, node)), node, node)

    def _prefix(self, piece: ts.Node) -> str:
        start = tokens(piece)[0]
        prefix = self.text(start).rstrip("'\"").lower()
        mixed = ("u" in prefix and len(prefix) > 1) or ("b" in prefix and "f" in prefix)
        if set(prefix) - set("rbuf") or mixed:
            raise unsupported(piece, f"string prefix {prefix!r}")
        return prefix

    def _plain(self, piece: ts.Node, prefix: str) -> str:
        text = self.text(piece)
        body = text[len(prefix) :]
        quote = 3 if body[:3] in ('"""', "'''") else 1
        inner = body[quote:-quote]
        if "\\" not in inner and "\r" not in inner:
            return inner
        if "r" in prefix:
            return inner.replace("\r\n", "\n").replace("\r", "\n")
        return str(self._literal(text.replace("\r\n", "\n"), piece))

    def _bytes(self, piece: ts.Node) -> bytes:
        value = self._literal(self.text(piece).replace("\r\n", "\n"), piece)
        if not isinstance(value, bytes):
            raise unsupported(piece)
        return value

    def _literal(self, text: str, node: ts.Node) -> str | bytes:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escapes are warnings, not errors
            try:
                value = ast.literal_eval(text)
            except (SyntaxError, ValueError) as error:
                raise unsupported(node, "not a Python 3 string") from error
        if not isinstance(value, (str, bytes)):
            raise unsupported(node)
        return value

    def _formatted_parts(
        self, piece: ts.Node, raw: bool, whole: ts.Node
    ) -> list[str | ast.FormattedValue]:
        parts: list[str | ast.FormattedValue] = []
        for child in tokens(piece)[1:-1]:
            if child.type == "interpolation":
                parts += self._interpolation(child, raw, whole, piece)
            elif child.type == "string_content":
                parts.append(self._content(child, raw))
            else:
                raise unsupported(child)
        # The grammar's scanner may end a raw string's text with an escaped quote in its
        # closing token (``rf'{x}\\''``).
        start, *_, end = tokens(piece)
        quote = self.text(start).lstrip("rRfF")
        closing = len(quote)
        if end.end_byte - end.start_byte > closing:
            text = self.source[end.start_byte : end.end_byte - closing].decode("utf-8")
            parts.append(text if raw else str(self._literal(f'"{text}"', end)))
        return parts

    def _content(self, node: ts.Node, raw: bool) -> str:
        """The text of an f-string between replacement fields, its escapes decoded (and
        its line ends, as Python reads source, made ``\\n``)."""
        found = []
        offset = node.start_byte
        for child in [*node.named_children, None]:
            end = node.end_byte if child is None else child.start_byte
            text = self.source[offset:end].decode("utf-8", "surrogatepass")
            found.append(text.replace("\r\n", "\n").replace("\r", "\n"))
            if child is None:
                break
            offset = child.end_byte
            escape = self.text(child)
            if child.type == "escape_interpolation":
                found.append(escape[0])
            elif raw:
                found.append(escape.replace("\r\n", "\n"))
            else:
                found.append(str(self._escape(escape.replace("\r\n", "\n"), child)))
        return "".join(found)

    def _escape(self, escape: str, node: ts.Node) -> str | bytes:
        decoded = self._escapes.get(escape)
        if decoded is None:
            decoded = self._escapes[escape] = self._literal(f'"{escape}"', node)
        return decoded

    def _interpolation(
        self, node: ts.Node, raw: bool, whole: ts.Node, piece: ts.Node
    ) -> list[str | ast.FormattedValue]:
        """``{value!r:spec}``: the formatted value, after ``{value=}``'s text."""
        parts: list[str | ast.FormattedValue] = []
        expression = field_of(node, "expression")
        children = tokens(node)
        if expression.type == "named_expression":
            return [self._walrus_lookalike(node, expression, whole, piece)]
        value = self.expression(expression)
        if expression.type in ("expression_list", "pattern_list"):
            # CPython 3.11 reads ``{a, b}`` as ``(a, b)``: the braces, or the brace and
            # what ends the value, are the tuple's parentheses.
            brace = children[0].start_point
            after = next(c for c in children if c.start_byte >= expression.end_byte)
            value.lineno, value.col_offset = brace.row + 1, brace.column
            value.end_lineno = after.start_point.row + 1
            value.end_col_offset = after.start_point.column + 1
        conversion = -1
        specifier = node.child_by_field_name("format_specifier")
        converter = node.child_by_field_name("type_conversion")
        if any(child.type == "=" for child in children):  # ``{value = }``: its text first
            end = (converter or specifier or children[-1]).start_byte
            debug_text = self.source[children[0].end_byte : end]
            parts.append(debug_text.decode("utf-8", "surrogatepass"))
            conversion = -1 if specifier is not None else ord("r")
        if converter is not None:
            conversion = ord(self.text(converter)[1])
        spec = None
        if specifier is not None:
            # CPython 3.11 places a format spec, and the text that ends it, on the one
            # string that holds it; the rest on the whole.
            spec_parts = self._specifier_parts(specifier, raw, whole, piece)
            spec = place(ast.JoinedStr(values=_joined(spec_parts, whole, piece)), piece, piece)
        formatted = ast.FormattedValue(value=value, conversion=conversion, format_spec=spec)
        parts.append(place(formatted, whole, whole))
        return parts

    def _walrus_lookalike(
        self, node: ts.Node, expression: ts.Node, whole: ts.Node, piece: ts.Node
    ) -> ast.FormattedValue:
        """``{x:=10}``: in a replacement field the colon begins the format spec (``=10``),
        where the grammar reads ``x := 10``."""
        name, walrus = tokens(expression)[:2]
        spec_text = self.source[walrus.start_byte + 1 : tokens(node)[-1].start_byte]
        if b"{" in spec_text or b"}" in spec_text or name.type != "identifier":
            raise unsupported(node, "a format spec after := in a replacement field")
        value = self.expression(name)
        constant = place(ast.Constant(value=spec_text.decode("utf-8")), piece, piece)
        spec = place(ast.JoinedStr(values=[constant]), piece, piece)
        formatted = ast.FormattedValue(value=value, conversion=-1, format_spec=spec)
        return place(formatted, whole, whole)

    def _specifier_parts(
        self, node: ts.Node, raw: bool, whole: ts.Node, piece: ts.Node
    ) -> list[str | ast.FormattedValue]:
        parts: list[str | ast.FormattedValue] = []
        offset = tokens(node)[0].end_byte  # after the colon
        for child in kids(node):
            parts.append(self.source[offset : child.start_byte].decode("utf-8", "surrogatepass"))
            parts += self._interpolation(child, raw, whole, piece)
            offset = child.end_byte
        parts.append(self.source[offset : node.end_byte].decode("utf-8", "surrogatepass"))
        return parts


def _joined(parts: list[str | ast.FormattedValue], whole: ts.Node, last: ts.Node) -> list[ast.expr]:
    """The values of a ``JoinedStr``: neighbouring texts as one constant, empty ones left
    out; each placed on ``whole``, the text after the last value on ``last``."""
    values: list[ast.expr] = []
    pending: list[str] = []
    for part in [*parts, None]:
        if isinstance(part, str):
            pending.append(part)
            continue
        text = "".join(pending)
        pending = []
        if text:
            span = whole if part is not None else last
            values.append(place(ast.Constant(value=text), span, span))
        if part is not None:
            values.append(part)
    return values
