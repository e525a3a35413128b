"""Where a use sits: the definition that encloses its line, and the area of its file (source,
tests, docs and examples, other), which the references of a definition are grouped by."""

from __future__ import annotations

from bisect import bisect_left, bisect_right

from xrefdoc.core.languages import PLAIN
from xrefdoc.xref.index import Index, Use, is_test_support
from xrefdoc.xref.resolve import Definition

# Kinds a line of code sits inside and that a reader names it by ("in ``Group.invoke``"):
# a Markdown line sits in its heading's section.
ENCLOSING_KINDS = frozenset({"class", "function", "method", "type", "namespace", "impl", "heading"})

# The areas, in the order references are listed: a definition's uses in code first (the
# symbol page titles them, ``xrefdoc-refs.js``).
AREAS = ("source", "tests", "docs", "other")
# Families with no bodies of code: their definitions are headings and keys, not declarations
# with a first line, and a use in them is a reference, never a call. Pygments-only
# languages (PHP, Lua) are in ``text``: the token extractor sees no bodies in them either.
PROSE_FAMILIES = frozenset({"markdown", "rst", "text", "data", "binary"})
_DOC_FOLDERS = frozenset({"doc", "docs", "documentation", "example", "examples", "samples"})
# Prose: Markdown, reStructuredText, and plain text (``text`` read by the plain-text lexer,
# ``languages.PLAIN``; other ``text`` files are languages Pygments highlights).
_PROSE_MARKUP = frozenset({"markdown", "rst"})
_PLAIN_LEXER = PLAIN.lexer
# Data and configuration: what extraction reads as keys (``data``), and the Pygments
# languages of data files (XML, gettext catalogues, Java properties, JSON5).
_DATA_FAMILIES = frozenset({"data", "binary"})
_DATA_LEXERS = frozenset({"xml", "dtd", "pot", "properties", "json", "json5", "toml", "yaml"})


def area_of(index: Index, path: str) -> str:
    """The area of ``path``: ``tests`` for test files and the tests' own helpers, ``docs``
    for anything under a docs or examples folder and for prose (Markdown, reST, plain
    text: changelogs at the root are prose), ``other`` for data and configuration files
    (TOML, JSON, YAML, INI, XML...), ``source`` for any other code, whether extraction
    parses it (Python, TSX, Bash) or Pygments only highlights it (PHP, Lua, CSS)."""
    if path in index.test_files or is_test_support(path):
        return "tests"
    if any(part.lower() in _DOC_FOLDERS for part in path.split("/")[:-1]):
        return "docs"
    record = index.records.get(path)
    if record is None or record.family in _DATA_FAMILIES or record.lexer in _DATA_LEXERS:
        return "other"
    if record.family in _PROSE_MARKUP or (record.family == "text" and record.lexer == _PLAIN_LEXER):
        return "docs"
    return "source"


class Enclosing:
    """The innermost definition around a line of a file. Each file's enclosing definitions
    are sorted by first line, each with the index of the one around it, made on first use:
    a lookup bisects, then climbs out past definitions that end before the line."""

    def __init__(self, index: Index) -> None:
        self._index = index
        self._tables: dict[str, tuple[list[int], list[Definition], list[int]]] = {}

    def _made_table(self, path: str) -> tuple[list[int], list[Definition], list[int]]:
        """The file's table, made and kept (``of`` looks it up first)."""
        spans = sorted(
            (
                d
                for d in self._index.definitions_in.get(path, ())
                if d.symbol.kind in ENCLOSING_KINDS
            ),
            key=lambda d: (d.symbol.line, -d.symbol.end_line),
        )
        parents: list[int] = []
        open_spans: list[int] = []
        for position, definition in enumerate(spans):
            while open_spans and spans[open_spans[-1]].symbol.end_line < definition.symbol.line:
                open_spans.pop()
            parents.append(open_spans[-1] if open_spans else -1)
            open_spans.append(position)
        table = self._tables[path] = ([d.symbol.line for d in spans], spans, parents)
        return table

    def of(self, path: str, line: int) -> Definition | None:
        """The innermost definition whose lines hold ``line``, or None at the top level of
        the file (or of a Markdown file before its first heading)."""
        starts, spans, parents = self._tables.get(path) or self._made_table(path)
        position = bisect_right(starts, line) - 1
        while position >= 0:
            definition = spans[position]
            if definition.symbol.end_line >= line:
                return definition
            # Neither it, its earlier siblings nor anything inside them holds the line.
            position = parents[position]
        return None


class LineUses:
    """The uses on a line, or a span of lines, of a file: a bisection of the file's uses
    (``Index.uses_in``, sorted by line), their lines listed on first use."""

    def __init__(self, index: Index) -> None:
        self._index = index
        self._lines: dict[str, list[int]] = {}

    def between(self, path: str, first: int, last: int) -> list[Use]:
        """The uses of ``path`` from line ``first`` to ``last``, both included."""
        lines = self._lines.get(path)
        if lines is None:
            lines = self._lines[path] = [use.line for use in self._index.uses_in.get(path, ())]
        uses = self._index.uses_in.get(path, [])
        return uses[bisect_left(lines, first) : bisect_right(lines, last)]

    def on(self, path: str, line: int) -> list[Use]:
        """The uses on one line of ``path``."""
        return self.between(path, line, line)
