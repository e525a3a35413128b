"""The index as plain JSON data: ``_xref/index.json`` beside the site, and ``lookup --json``.

``index.json`` lists the parts of the index, one per page of the A-Z index, and each part
(``_xref/index/<page>.json``) holds the keywords of that page: a reader (a keyword box, a
tool) loads only the part it needs, and a build rewrites only the parts that changed.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import groupby
from typing import Any

from xrefdoc.site.keyword_layout import KeywordLayout, KeywordPage
from xrefdoc.xref.index import Index, Use
from xrefdoc.xref.resolve import Definition

FORMAT_VERSION = 4


def definition_data(definition: Definition) -> dict[str, Any]:
    """A definition as JSON data; a function with ``@overload`` stubs lists their lines and
    signatures (``overloads``), and only such a function has that key."""
    symbol = definition.symbol
    data: dict[str, Any] = {
        "path": definition.path,
        "line": symbol.line,
        "end_line": symbol.end_line,
        "kind": symbol.kind,
        "qualname": definition.qualname,
    }
    if symbol.overloads:
        data["overloads"] = [{"line": o.line, "signature": o.signature} for o in symbol.overloads]
    return data


def uses_data(definitions: Iterable[Definition], uses: Iterable[Use]) -> dict[str, Any]:
    """Definitions and uses as JSON data (``exact`` is false for a textual match)."""
    return {
        "definitions": [definition_data(d) for d in definitions],
        "uses": [
            {
                "path": use.path,
                "line": use.line,
                "exact": use.definition is not None,
                **({"qualname": use.definition.qualname} if use.definition else {}),
            }
            for use in uses
        ],
    }


def _definition_row(definition: Definition, path: int) -> list[Any]:
    """A definition as a part's row: ``[path, line, end_line, kind, qualname]``, and for a
    function with ``@overload`` stubs ``[[line, signature], ...]`` after."""
    symbol = definition.symbol
    row: list[Any] = [path, symbol.line, symbol.end_line, symbol.kind, definition.qualname]
    if symbol.overloads:
        row.append([[o.line, o.signature] for o in symbol.overloads])
    return row


def keyword_rows(
    definitions: list[Definition], uses: Iterable[Use], path_number: dict[str, int]
) -> dict[str, Any]:
    """A keyword's definitions and uses as a part's rows, each path a number in the part's
    ``paths``: the uses in a row of one file that mean the same definition (or are all
    textual matches) are one row ``[path, lines, definition]``, the definition its position
    in ``definitions`` (null for a textual match). At 20,570 files the rows took the parts
    from 40 to 17 MiB, where each row was an object naming its keys, its path and the
    qualified name meant."""
    position: dict[Definition | None, int] = {d: n for n, d in enumerate(definitions)}
    return {
        "definitions": [_definition_row(d, path_number[d.path]) for d in definitions],
        "uses": [
            [path_number[path], [use.line for use in group], position.get(meant)]
            for (path, meant), group in groupby(uses, key=_file_and_meaning)
        ],
    }


def _file_and_meaning(use: Use) -> tuple[str, Definition | None]:
    return use.path, use.definition


def part_file(page: str) -> str:
    """Where the part of the A-Z page ``page`` lives, relative to ``_xref/``."""
    return f"index/{page.rpartition('/')[2]}.json"


def index_parts(layout: KeywordLayout) -> dict[str, Any]:
    """The list of parts: each A-Z page's file, first and last keyword (in the pages' order:
    case-insensitive), and keyword count."""
    return {
        "version": FORMAT_VERSION,
        "parts": [
            {
                "file": part_file(page.page),
                "first": page.keywords[0],
                "last": page.keywords[-1],
                "keywords": len(page.keywords),
            }
            for page in layout.pages
        ],
    }


def index_part(index: Index, page: KeywordPage) -> dict[str, Any]:
    """The keywords of one A-Z page, sorted, with their definitions and uses, and the files
    they name (``paths``, sorted), which the rows give by position; no absolute paths or
    times."""
    named = {d.path for name in page.keywords for d in index.definitions[name]}
    named.update(use.path for name in page.keywords for use in index.uses.get(name, ()))
    paths = sorted(named)
    path_number = {path: n for n, path in enumerate(paths)}
    return {
        "version": FORMAT_VERSION,
        "paths": paths,
        "keywords": {
            name: keyword_rows(index.definitions[name], index.uses.get(name, ()), path_number)
            for name in page.keywords
        },
    }
