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

FORMAT_VERSION = 3


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


def grouped_uses_data(definitions: Iterable[Definition], uses: Iterable[Use]) -> dict[str, Any]:
    """Definitions and uses as the index's parts hold them: the uses in a row of one file
    that mean the same definition (or are all textual matches) are one entry with their
    ``lines``, so a path and a qualified name are written once per file, not once per line."""
    return {
        "definitions": [definition_data(d) for d in definitions],
        "uses": [
            {
                "path": path,
                "lines": [use.line for use in group],
                "exact": qualname is not None,
                **({"qualname": qualname} if qualname is not None else {}),
            }
            for (path, qualname), group in groupby(uses, key=_file_and_meaning)
        ],
    }


def _file_and_meaning(use: Use) -> tuple[str, str | None]:
    return use.path, use.definition.qualname if use.definition else None


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
    """The keywords of one A-Z page, sorted, with their definitions and uses; no absolute
    paths or times."""
    return {
        "version": FORMAT_VERSION,
        "keywords": {
            name: grouped_uses_data(index.definitions[name], index.uses.get(name, ()))
            for name in page.keywords
        },
    }
