"""The model's kinds at the edges: a ``SymbolKind`` is written as its value wherever it
leaves the program (JSON, f-strings, templates), and comes back from the record cache as
the same member."""

from __future__ import annotations

import json
from pathlib import Path

import jinja2
from helpers import write_tree

from xrefdoc.core.model import SymbolKind, variable_kind
from xrefdoc.core.settings import make_settings
from xrefdoc.pipeline.scan import scan


def test_a_kind_is_written_as_its_value() -> None:
    kind = SymbolKind.CLASS
    assert kind == "class"
    assert str(kind) == f"{kind}" == "class"
    assert json.dumps({"kind": kind, kind: 1}) == '{"kind": "class", "class": 1}'
    template = jinja2.Environment(autoescape=True).from_string("{{ kind }} {{ kind|e }}")
    assert template.render(kind=kind) == "class class"
    assert {"class": 1}[kind] == 1  # hashed as its value


def test_the_kinds_are_those_of_the_scan_contract() -> None:
    assert [kind.value for kind in SymbolKind] == [
        "class",
        "function",
        "method",
        "constant",
        "variable",
        "macro",
        "field",
        "enumerator",
        "type",
        "namespace",
        "prototype",
        "impl",
        "heading",
        "key",
    ]
    assert variable_kind("MAX_SIZE") is SymbolKind.CONSTANT
    assert variable_kind("size") is SymbolKind.VARIABLE


def test_kinds_come_back_from_the_cache_as_members(tmp_path: Path) -> None:
    write_tree(tmp_path, {"core.py": "class Engine:\n    def run(self):\n        pass\n"})
    settings = make_settings(tmp_path)
    first = scan(settings)
    again = scan(settings)

    assert (first.cache_hits, again.cache_hits) == (0, 1)
    kinds = [symbol.kind for symbol in again.index.records["core.py"].symbols]
    assert kinds == [SymbolKind.CLASS, SymbolKind.METHOD]
    assert all(type(kind) is SymbolKind for kind in kinds)
