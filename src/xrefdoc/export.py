"""The index as plain JSON data: ``_xref/index.json`` beside the site, and ``lookup --json``."""

from __future__ import annotations

from typing import Any

from xrefdoc.xref import Index

FORMAT_VERSION = 1


def keyword_data(index: Index, name: str) -> dict[str, Any]:
    """A keyword's definitions and uses (``exact`` is false for a textual match)."""
    return {
        "definitions": [
            {
                "path": d.path,
                "line": d.symbol.line,
                "end_line": d.symbol.end_line,
                "kind": d.symbol.kind,
                "qualname": d.qualname,
            }
            for d in index.definitions.get(name, ())
        ],
        "uses": [
            {
                "path": use.path,
                "line": use.line,
                "exact": use.definition is not None,
                **({"qualname": use.definition.qualname} if use.definition else {}),
            }
            for use in index.uses.get(name, ())
        ],
    }


def index_data(index: Index) -> dict[str, Any]:
    """Every keyword, sorted, with its definitions and uses; no absolute paths or times."""
    return {
        "version": FORMAT_VERSION,
        "keywords": {name: keyword_data(index, name) for name in sorted(index.definitions)},
    }
