"""Python source tokens from tree-sitter's parse, typed as Pygments would type them.

Pygments' Python lexer tries its regular expressions one after another at every position:
about 7 ms a file, most of what highlighting a Python tree costs. tree-sitter's parser (C)
finds the same tokens in a tenth of the time. Each leaf of its tree is given the Pygments
token type, so a page keeps the classes Sphinx's ``pygments.css`` colours; where the tree
knows better (``raise E from e`` is not an import, ``@name`` is a name), it says so. A parse
with errors gives None, and Pygments lexes that file as before.
"""

from __future__ import annotations

import functools
import keyword
import re

import tree_sitter as ts
import tree_sitter_python
from pygments.lexer import words
from pygments.lexers.python import PythonLexer
from pygments.token import (
    Comment,
    Keyword,
    Name,
    Number,
    Operator,
    Punctuation,
    String,
    Text,
    _TokenType,
)

from xrefdoc.extract.parsing import parse_bounded

Tokens = list[tuple[_TokenType, str]]

_IMPORTS = frozenset({"import_statement", "import_from_statement", "future_import_statement"})
_OPERATOR_WORDS = frozenset({"and", "or", "not", "in", "is", "not in", "is not"})
_KEYWORDS = frozenset(keyword.kwlist) | frozenset(keyword.softkwlist) | {"type", "print", "exec"}
_PUNCTUATION = frozenset("()[]{},:;")
_PSEUDO_BUILTINS = frozenset({"self", "cls", "Ellipsis", "NotImplemented"})
_NUMBER_PREFIXES = {"0x": Number.Hex, "0o": Number.Oct, "0b": Number.Bin}


def _pygments_words(*states: str) -> dict[str, _TokenType]:
    """The word lists of Pygments' Python lexer (builtins, exceptions, magic names) with
    the type it gives each, so both lexers agree on them."""
    found: dict[str, _TokenType] = {}
    for state in states:
        for rule in PythonLexer.tokens.get(state, ()):
            if isinstance(rule, tuple) and isinstance(rule[0], words):
                found.update(dict.fromkeys(rule[0].words, rule[1]))
    return found


# Builtins count only where Pygments' rule does: not after a dot.
_BUILTINS = _pygments_words("builtins")
_MAGIC_NAMES = _pygments_words("magicfuncs", "magicvars")

# Leaves whose type alone says what they are.
_LEAF_TYPES: dict[str, _TokenType] = {
    "comment": Comment.Single,
    "integer": Number.Integer,
    "float": Number.Float,
    "true": Keyword.Constant,
    "false": Keyword.Constant,
    "none": Keyword.Constant,
    "ellipsis": Operator,
    "escape_sequence": String.Escape,
    "escape_interpolation": String.Escape,
    "type_conversion": String.Interpol,
    "line_continuation": Text,
    "__future__": Name.Namespace,
}

# Python's own formatting fields in a plain string ("%s", "{name!r:>10}"), which Pygments
# shows as interpolation; the patterns of its lexer, on bytes (a fill character is ASCII).
# A doubled brace is text, as for ``str.format``.
_FORMAT_FIELD = re.compile(
    rb"(?P<text>\{\{)|%(\(\w+\))?[-#0 +]*([0-9]+|[*])?(\.([0-9]+|[*]))?[hlL]?[E-GXc-giorsaux%]"
    rb"|\{((\w+)((\.\w+)|(\[[^\]]+\]))*)?(\![sra])?"
    rb"(\:([\x00-\x7f]?[<>=\^])?[-+ ]?#?0?(\d+)?,?(\.\d+)?[E-GXb-gnosx%]?)?\}"
)

Ancestry = list[tuple[str, str | None]]  # (node type, its field in its parent), outermost first


@functools.cache
def _parser() -> ts.Parser:
    return ts.Parser(ts.Language(tree_sitter_python.language()))


def python_tokens(text: str) -> Tokens | None:
    """Every piece of ``text`` in order, as (Pygments token type, text): joined, the pieces
    are ``text``. None when the text does not parse cleanly or is not plain UTF-8."""
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:
        return None
    tree = parse_bounded(_parser(), data)
    if tree is None or tree.root_node.has_error:
        return None
    return _Lexer(text, data).run(tree)


class _Lexer:
    """One walk over a tree's leaves; the text between two leaves is whitespace."""

    def __init__(self, text: str, data: bytes) -> None:
        self.data = data
        self.ascii_text = text if len(data) == len(text) else None
        self.tokens: Tokens = []
        self.done = 0  # bytes of the text emitted so far

    def piece(self, start: int, end: int) -> str:
        if self.ascii_text is not None:
            return self.ascii_text[start:end]
        return self.data[start:end].decode("utf-8")

    def emit(self, start: int, end: int, token_type: _TokenType) -> None:
        if start > self.done:
            self.tokens.append((Text, self.piece(self.done, start)))
            self.done = start
        if end > start:
            self.tokens.append((token_type, self.piece(start, end)))
            self.done = end

    def run(self, tree: ts.Tree) -> Tokens:
        self.walk(tree.root_node)
        self.emit(len(self.data), len(self.data), Text)
        return self.tokens

    def walk(self, node: ts.Node) -> None:
        """Emit the leaves under ``node``; strings are read apart (the text between their
        escapes and fields is no leaf of its own)."""
        cursor = node.walk()
        parents: Ancestry = []
        while True:
            current = cursor.node
            assert current is not None
            kind = current.type
            if kind == "string":
                self.string(current, _parent(parents))
            elif current.child_count:
                parents.append((kind, cursor.field_name))
                cursor.goto_first_child()
                continue
            else:
                self.leaf(current, kind, parents, cursor.field_name)
            while not cursor.goto_next_sibling():
                if not parents or not cursor.goto_parent():
                    return
                parents.pop()

    def leaf(self, node: ts.Node, kind: str, parents: Ancestry, field: str | None) -> None:
        start, end = node.start_byte, node.end_byte
        token_type = _LEAF_TYPES.get(kind)
        if token_type is not None:
            if kind == "comment" and start == 0 and self.data.startswith(b"#!"):
                token_type = Comment.Hashbang
            elif kind == "integer":
                token_type = _NUMBER_PREFIXES.get(self.piece(start, start + 2).lower(), token_type)
        elif kind == "identifier":
            token_type = _name_type(self.piece(start, end), parents, field)
        elif kind in _OPERATOR_WORDS:
            token_type = Operator.Word
        elif kind in ("import", "from") and _parent(parents) in _IMPORTS:
            token_type = Keyword.Namespace
        elif kind in _KEYWORDS:
            token_type = Keyword
        elif kind in _PUNCTUATION:
            token_type = Punctuation
        elif kind == "." and (_parent(parents) == "import_prefix" or _names_a_module(parents)):
            token_type = Name.Namespace
        else:
            token_type = Operator
        self.emit(start, end, token_type)

    def string(self, node: ts.Node, parent: str) -> None:
        """A string: its prefix, its quotes and text, escapes and f-string fields."""
        start = node.start_byte
        quote_at = start
        while self.data[quote_at] not in b"\"'":
            quote_at += 1
        prefix = self.data[start:quote_at].lower()
        if quote_at > start:
            self.emit(start, quote_at, String.Affix)
        triple = self.data[quote_at : quote_at + 3] in (b'"""', b"'''")
        is_docstring = parent == "expression_statement" and node.prev_sibling is None
        if triple and is_docstring and b"f" not in prefix:
            self.emit(quote_at, node.end_byte, String.Doc)
            return
        body = String.Double if self.data[quote_at] == ord('"') else String.Single
        formats = b"f" not in prefix
        for child in node.children:
            kind = child.type
            if kind == "string_content":
                self.string_content(child, body, formats)
            elif kind == "interpolation":
                self.interpolation(child, body)
            elif kind == "string_start":
                self.emit(quote_at, child.end_byte, body)
            else:
                self.emit(child.start_byte, child.end_byte, body)

    def string_content(self, node: ts.Node, body: _TokenType, formats: bool) -> None:
        position = node.start_byte
        for child in node.children:
            self.string_text(position, child.start_byte, body, formats)
            self.emit(child.start_byte, child.end_byte, _LEAF_TYPES.get(child.type, body))
            position = child.end_byte
        self.string_text(position, node.end_byte, body, formats)

    def string_text(self, start: int, end: int, body: _TokenType, formats: bool) -> None:
        """Plain text of a string; in a string that is not an f-string, the fields of
        ``%`` and ``str.format`` stand out."""
        if formats:
            for match in _FORMAT_FIELD.finditer(self.data, start, end):
                if not match.group("text"):
                    self.emit(self.done, match.start(), body)
                    self.emit(match.start(), match.end(), String.Interpol)
        self.emit(self.done, end, body)

    def interpolation(self, node: ts.Node, body: _TokenType) -> None:
        for child in node.children:
            kind = child.type
            if kind in ("{", "}", "type_conversion"):
                self.emit(child.start_byte, child.end_byte, String.Interpol)
            elif kind == "format_specifier":
                self.format_specifier(child, body)
            else:
                self.walk(child)

    def format_specifier(self, node: ts.Node, body: _TokenType) -> None:
        position = node.start_byte
        for child in node.children:
            if child.type == "format_expression":
                self.emit(position, child.start_byte, body)
                self.interpolation(child, body)
                position = child.end_byte
            elif child.type == ":":
                self.emit(child.start_byte, child.end_byte, String.Interpol)
                position = child.end_byte
        self.emit(position, node.end_byte, body)


def _name_type(text: str, parents: Ancestry, field: str | None) -> _TokenType:
    """The Pygments type of an identifier, from the nodes that hold it."""
    parent = _parent(parents)
    magic = _MAGIC_NAMES.get(text)
    if field == "name" and parent == "function_definition":
        return Name.Function.Magic if magic is Name.Function.Magic else Name.Function
    if field == "name" and parent == "class_definition":
        return Name.Class
    if parent == "attribute" and field == "attribute":
        return magic or Name
    if _in_decorator_name(parents):
        return Name.Decorator
    if parent == "dotted_name" and _names_a_module(parents):
        return Name.Namespace
    if (
        field == "alias"
        and parent == "aliased_import"
        and _grandparent(parents) == "import_statement"
    ):
        return Name.Namespace
    if magic is not None:
        return magic
    if text in _PSEUDO_BUILTINS:
        return Name.Builtin.Pseudo
    return _BUILTINS.get(text, Name)


def _parent(parents: Ancestry) -> str:
    return parents[-1][0] if parents else ""


def _grandparent(parents: Ancestry) -> str:
    return parents[-2][0] if len(parents) > 1 else ""


def _names_a_module(parents: Ancestry) -> bool:
    """Whether the innermost ``dotted_name`` is a module an import names: every name of
    ``import a.b as c``, the ``a.b`` of ``from a.b import c`` (not the names it imports)."""
    if not parents or parents[-1][0] != "dotted_name":
        return False
    holder = _grandparent(parents)
    if holder == "aliased_import":
        return len(parents) > 2 and parents[-3][0] == "import_statement"
    return holder in ("import_statement", "relative_import") or parents[-1][1] == "module_name"


def _in_decorator_name(parents: Ancestry) -> bool:
    """Whether a name is the head of a decorator's dotted name (``a`` in ``@a.b`` or in the
    callee of ``@a.b(...)``), not of its arguments."""
    depth = len(parents) - 1
    while depth >= 0 and parents[depth][0] == "attribute":
        depth -= 1
    if depth >= 0 and parents[depth][0] == "call":
        if depth + 1 < len(parents) and parents[depth + 1][1] != "function":
            return False
        depth -= 1
    return depth >= 0 and parents[depth][0] == "decorator"
