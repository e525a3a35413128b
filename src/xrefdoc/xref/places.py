"""Where a use sits: the definition that encloses its line, and the area of its file (source,
tests, docs and examples, other), which the references of a definition are grouped by."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping

from xrefdoc.xref.index import Index, is_test_support
from xrefdoc.xref.resolve import Definition

# Kinds a line of code sits inside and that a reader names it by ("in ``Group.invoke``"):
# a Markdown line sits in its heading's section.
ENCLOSING_KINDS = frozenset({"class", "function", "method", "type", "namespace", "impl", "heading"})

# The areas, in the order references are listed: a definition's uses in code first.
AREAS = ("source", "tests", "docs", "other")
AREA_TITLES: Mapping[str, str] = {
    "source": "Source",
    "tests": "Tests",
    "docs": "Docs and examples",
    "other": "Other",
}
_DOC_FOLDERS = frozenset({"doc", "docs", "documentation", "example", "examples", "samples"})
_DOC_FAMILIES = frozenset({"markdown", "rst", "text"})
_SOURCE_FAMILIES = frozenset({"python", "c", "cpp", "go", "javascript", "typescript", "rust"})
_SOURCE_FAMILIES |= {"java", "ruby", "shell", "csharp", "kotlin", "php", "swift", "scala"}


def area_of(index: Index, path: str) -> str:
    """The area of ``path``: ``tests`` for test files and the tests' own helpers, ``docs``
    for prose and for anything under a docs or examples folder, ``source`` for code, and
    ``other`` for the rest (changelogs at the root are prose: ``docs``)."""
    record = index.records.get(path)
    folders = path.split("/")[:-1]
    if path in index.test_files or is_test_support(path):
        return "tests"
    if any(part.lower() in _DOC_FOLDERS for part in folders):
        return "docs"
    family = record.family if record is not None else ""
    if family in _DOC_FAMILIES:
        return "docs"
    if family in _SOURCE_FAMILIES or family.startswith("c"):
        return "source"
    return "other"


class Enclosing:
    """The innermost definition around a line of a file. Each file's enclosing definitions
    are sorted by first line, each with the index of the one around it, made on first use:
    a lookup bisects, then climbs out past definitions that end before the line."""

    def __init__(self, index: Index) -> None:
        self._index = index
        self._tables: dict[str, tuple[list[int], list[Definition], list[int]]] = {}

    def _table(self, path: str) -> tuple[list[int], list[Definition], list[int]]:
        table = self._tables.get(path)
        if table is None:
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
        starts, spans, parents = self._table(path)
        position = bisect_right(starts, line) - 1
        while position >= 0:
            definition = spans[position]
            if definition.symbol.end_line >= line:
                return definition
            # Neither it, its earlier siblings nor anything inside them holds the line.
            position = parents[position]
        return None
