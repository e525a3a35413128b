"""The index as plain JSON data: ``_xref/index.json`` beside the site, and ``lookup --json``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from xrefdoc.resolve import Definition
from xrefdoc.xref import Index, Use

FORMAT_VERSION = 1


def uses_data(definitions: Iterable[Definition], uses: Iterable[Use]) -> dict[str, Any]:
    """Definitions and uses as JSON data (``exact`` is false for a textual match)."""
    return {
        "definitions": [
            {
                "path": d.path,
                "line": d.symbol.line,
                "end_line": d.symbol.end_line,
                "kind": d.symbol.kind,
                "qualname": d.qualname,
            }
            for d in definitions
        ],
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


def index_data(index: Index) -> dict[str, Any]:
    """Every keyword, sorted, with its definitions and uses; no absolute paths or times."""
    return {
        "version": FORMAT_VERSION,
        "keywords": {
            name: uses_data(index.definitions[name], index.uses.get(name, ()))
            for name in sorted(index.definitions)
        },
    }
