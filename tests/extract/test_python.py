"""Python extraction, through extract_file on files written to disk."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from helpers import extract_one

from xrefdoc.core.model import Import, Symbol
from xrefdoc.extract.reading import read_text

SAMPLE = '''\
"""Tools for shapes.

A longer description that is not the first line.
"""

import os
import a.b
from . import x
from ..pkg.mod import y as z
from collections import OrderedDict, defaultdict

MAX_SIZE = 10
_PRIVATE_LIMIT: int = 3
default_name = "shape"
first, SECOND = 1, 2


class Shape(Base, metaclass=Registry):
    """A shape on the plane.

    More words.
    """

    sides = 0
    UNIT: str = "cm"

    def area(self, scale: float = 1.0) -> float:
        """Area of the shape."""
        local_value = 2
        return 0.0

    async def refresh(self, *args, **kwargs):
        pass

    @property
    @cached
    def name(self):
        return "shape"

    class Meta:
        ordering = "name"


def outer(a, b=1, *rest, key: int, **options) -> str:
    def inner():
        def deepest():
            return 1
        return deepest()
    import json
    return inner()


@decorator
@other.decorator(with_args=True)
def decorated():
    pass


async def fetch(url):
    """Fetch a page."""
    return url


if os.environ.get("X"):
    CONDITIONAL = True
else:
    fallback = None

try:
    import tomllib
except ImportError:
    tomllib = None
'''


def line_of(text: str, fragment: str) -> int:
    """The 1-based line of the first line of ``text`` that contains ``fragment``."""
    for number, line in enumerate(text.splitlines(), start=1):
        if fragment in line:
            return number
    raise AssertionError(f"{fragment!r} not in the sample")


@pytest.fixture
def sample(tmp_path: Path):  # type: ignore[no-untyped-def]
    return extract_one(tmp_path, "shapes/geometry.py", SAMPLE)


def symbol(record, qualname: str) -> Symbol:  # type: ignore[no-untyped-def]
    found = [s for s in record.symbols if s.qualname == qualname]
    assert len(found) == 1, f"{qualname}: {found}"
    return found[0]


def test_record_basics(sample) -> None:  # type: ignore[no-untyped-def]
    assert sample.path == "shapes/geometry.py"
    assert sample.language == "Python"
    assert sample.family == "python"
    assert sample.lines == len(SAMPLE.splitlines())
    assert sample.size == len(SAMPLE.encode())
    assert sample.diagnostics == ()


def test_module_docstring_is_kept_whole(sample) -> None:  # type: ignore[no-untyped-def]
    assert (
        sample.docstring == "Tools for shapes.\n\nA longer description that is not the first line."
    )


def test_classes_and_their_lines(sample) -> None:  # type: ignore[no-untyped-def]
    shape = symbol(sample, "Shape")
    assert shape.kind == "class"
    assert shape.parent is None
    assert shape.line == line_of(SAMPLE, "class Shape(")
    # The class runs to its last statement, the nested Meta's body.
    assert shape.end_line == line_of(SAMPLE, 'ordering = "name"')
    assert shape.signature == "(Base, metaclass=Registry)"
    assert shape.doc == "A shape on the plane."

    meta = symbol(sample, "Shape.Meta")
    assert meta.kind == "class"
    assert meta.parent == "Shape"
    assert meta.signature == ""


def test_methods_have_their_class_as_parent(sample) -> None:  # type: ignore[no-untyped-def]
    area = symbol(sample, "Shape.area")
    assert area.kind == "method"
    assert area.parent == "Shape"
    assert area.line == line_of(SAMPLE, "def area(")
    assert area.end_line == line_of(SAMPLE, "return 0.0")
    assert area.signature == "(self, scale: float=1.0) -> float"
    assert area.doc == "Area of the shape."


def test_async_defs(sample) -> None:  # type: ignore[no-untyped-def]
    refresh = symbol(sample, "Shape.refresh")
    assert refresh.kind == "method"
    assert refresh.signature == "(self, *args, **kwargs)"
    fetch = symbol(sample, "fetch")
    assert fetch.kind == "function"
    assert fetch.parent is None
    assert fetch.line == line_of(SAMPLE, "async def fetch(")
    assert fetch.signature == "(url)"
    assert fetch.doc == "Fetch a page."


def test_decorated_defs_start_at_the_def_line(sample) -> None:  # type: ignore[no-untyped-def]
    decorated = symbol(sample, "decorated")
    assert decorated.line == line_of(SAMPLE, "def decorated(")
    assert decorated.line == line_of(SAMPLE, "@other.decorator") + 1
    name = symbol(sample, "Shape.name")
    assert name.kind == "method"
    assert name.line == line_of(SAMPLE, "def name(self)")


def test_nested_functions_have_the_enclosing_function_as_parent(sample) -> None:  # type: ignore[no-untyped-def]
    outer = symbol(sample, "outer")
    assert outer.kind == "function"
    assert outer.signature == "(a, b=1, *rest, key: int, **options) -> str"
    inner = symbol(sample, "outer.inner")
    assert inner.kind == "function"
    assert inner.parent == "outer"
    assert inner.line == line_of(SAMPLE, "def inner():")
    deepest = symbol(sample, "outer.inner.deepest")
    assert deepest.kind == "function"
    assert deepest.parent == "outer.inner"


def test_module_constants_and_variables(sample) -> None:  # type: ignore[no-untyped-def]
    kinds = {
        s.name: s.kind
        for s in sample.symbols
        if s.parent is None and s.kind in ("constant", "variable")
    }
    assert kinds == {
        "MAX_SIZE": "constant",
        "_PRIVATE_LIMIT": "constant",
        "default_name": "variable",
        "first": "variable",
        "SECOND": "constant",
        # Assignments in if/else and try/except blocks still run at module level.
        "CONDITIONAL": "constant",
        "fallback": "variable",
        "tomllib": "variable",
    }
    assert symbol(sample, "MAX_SIZE").line == line_of(SAMPLE, "MAX_SIZE = 10")


def test_class_attributes_but_not_function_locals(sample) -> None:  # type: ignore[no-untyped-def]
    sides = symbol(sample, "Shape.sides")
    assert (sides.kind, sides.parent) == ("variable", "Shape")
    unit = symbol(sample, "Shape.UNIT")
    assert (unit.kind, unit.parent) == ("constant", "Shape")
    ordering = symbol(sample, "Shape.Meta.ordering")
    assert ordering.parent == "Shape.Meta"
    names = {s.name for s in sample.symbols}
    assert "local_value" not in names


def test_imports(sample) -> None:  # type: ignore[no-untyped-def]
    imports = {imp.module: imp for imp in sample.imports}
    assert imports["os"] == Import("os", (), line_of(SAMPLE, "import os"), 0)
    assert imports["a.b"] == Import("a.b", (), line_of(SAMPLE, "import a.b"), 0)
    assert imports["."] == Import(".", ("x",), line_of(SAMPLE, "from . import x"), 1)
    assert imports["..pkg.mod"] == Import("..pkg.mod", ("y",), line_of(SAMPLE, "from ..pkg.mod"), 2)
    assert imports["collections"].names == ("OrderedDict", "defaultdict")
    # Imports inside a function or a try block are found too.
    assert imports["json"].line == line_of(SAMPLE, "import json")
    assert imports["tomllib"].line == line_of(SAMPLE, "import tomllib")
    assert [imp.line for imp in sample.imports] == sorted(imp.line for imp in sample.imports)
    assert len(sample.imports) == 7


def test_references_are_resolvable_uses_with_their_lines(sample) -> None:  # type: ignore[no-untyped-def]
    refs = {(ref.name, ref.line): ref for ref in sample.references}
    imported = line_of(SAMPLE, "from collections import")
    assert refs[("OrderedDict", imported)].target == "collections.OrderedDict"
    assert refs[("y", line_of(SAMPLE, "import y as z"))].target == "..pkg.mod.y"
    assert refs[("environ", line_of(SAMPLE, "os.environ.get"))].target == "os.environ"
    assert refs[("deepest", line_of(SAMPLE, "return deepest()"))].target == "~outer.inner.deepest"
    # Names bound nowhere in the file (Base, Registry) and locals are no keyword's uses.
    names = {name for name, _ in refs}
    assert not names & {"Base", "Registry", "local_value", "a", "self"}
    # An attribute of a name bound nowhere is a textual use, without a target.
    textual = [(ref.name, ref.line, ref.target) for ref in sample.references if not ref.exact]
    assert textual == [("decorator", line_of(SAMPLE, "@other.decorator"), "")]


def test_main_guard(tmp_path: Path) -> None:
    with_guard = extract_one(
        tmp_path, "tool.py", 'def main():\n    pass\n\nif __name__ == "__main__":\n    main()\n'
    )
    reversed_guard = extract_one(tmp_path, "tool2.py", "if '__main__' == __name__:\n    pass\n")
    without = extract_one(tmp_path, "lib.py", "def main():\n    pass\n")
    other_compare = extract_one(tmp_path, "other.py", 'if __name__ == "lib":\n    pass\n')
    nested = extract_one(
        tmp_path, "nested.py", 'def f():\n    if __name__ == "__main__":\n        pass\n'
    )
    assert with_guard.has_main_guard is True
    assert reversed_guard.has_main_guard is True
    assert without.has_main_guard is False
    assert other_compare.has_main_guard is False
    assert nested.has_main_guard is False


def test_syntax_error_gives_a_diagnostic_and_what_the_grammar_recovers(tmp_path: Path) -> None:
    text = "import os\n\ndef broken(:\n    return helper_value\n"
    record = extract_one(tmp_path, "broken.py", text)
    assert record.language == "Python"
    assert record.lines == 4
    assert len(record.diagnostics) == 1
    diagnostic = record.diagnostics[0]
    assert "syntax error" in diagnostic.message.lower()
    assert diagnostic.line == 3
    assert [(s.name, s.kind, s.line) for s in record.symbols] == [("broken", "function", 3)]
    assert [(imp.module, imp.line) for imp in record.imports] == [("os", 1)]
    names = {(ref.name, ref.line) for ref in record.references}
    assert ("helper_value", 4) in names
    # Found by the grammar, not resolved by ast: only textual matches.
    assert not any(ref.exact for ref in record.references)


NEWER_PYTHON = """\
from .base import Base

type Pair[T] = tuple[T, T]


class Box[T](Base):
    def get(self) -> T:
        ...


def first[T](items: list[T]) -> T:
    return items[0]
"""


def test_python_newer_than_the_interpreter_is_read_as_ast_reads_it(tmp_path: Path) -> None:
    record = extract_one(tmp_path, "pkg/newer.py", NEWER_PYTHON)
    assert [
        (s.name, s.kind, s.parent, s.line, s.end_line, s.signature) for s in record.symbols
    ] == [
        ("Pair", "variable", None, 3, 3, "[T]"),
        ("Box", "class", None, 6, 8, "[T](Base)"),
        ("get", "method", "Box", 7, 8, "(self) -> T"),
        ("first", "function", None, 11, 12, "[T](items: list[T]) -> T"),
    ]
    assert [(imp.module, imp.level, imp.line) for imp in record.imports] == [(".base", 1, 1)]
    assert record.diagnostics == ()
    assert [(s.name, s.bases) for s in record.symbols if s.kind == "class"] == [
        ("Box", (".base.Base",))
    ]
    exact = {(ref.name, ref.line, ref.target) for ref in record.references if ref.exact}
    assert exact == {("Base", 1, ".base.Base"), ("Base", 6, ".base.Base")}


@pytest.mark.skipif(sys.version_info >= (3, 13), reason="this interpreter parses PEP 696")
def test_python_the_grammar_cannot_convert_is_read_with_the_grammar(tmp_path: Path) -> None:
    # Type parameter defaults (Python 3.13) are beyond the grammar's tree-sitter-python 0.25.
    text = NEWER_PYTHON.replace("def first[T]", "def first[T = int]")
    record = extract_one(tmp_path, "pkg/newer.py", text)
    assert [(s.name, s.kind, s.parent, s.line, s.end_line) for s in record.symbols] == [
        ("Box", "class", None, 6, 8),
        ("get", "method", "Box", 7, 8),
        ("first", "function", None, 11, 12),
    ]
    assert [(imp.module, imp.level, imp.line) for imp in record.imports] == [(".base", 1, 1)]
    (diagnostic,) = record.diagnostics
    assert "tree-sitter" in diagnostic.message and "textual" in diagnostic.message
    assert diagnostic.line == (3 if sys.version_info < (3, 12) else 11)
    assert not any(ref.exact for ref in record.references)


def test_empty_file(tmp_path: Path) -> None:
    record = extract_one(tmp_path, "pkg/__init__.py", "")
    assert (record.lines, record.size, record.symbols, record.imports) == (0, 0, (), ())
    assert record.diagnostics == ()
    assert record.docstring == ""


def test_python_detected_by_shebang(tmp_path: Path) -> None:
    record = extract_one(tmp_path, "bin/run", "#!/usr/bin/env python3\nVALUE = 1\n")
    assert record.language == "Python"
    assert [(s.name, s.kind, s.line) for s in record.symbols] == [("VALUE", "constant", 2)]


def test_crlf_line_endings_give_the_same_lines(tmp_path: Path) -> None:
    record = extract_one(tmp_path, "win.py", b"A = 1\r\n\r\ndef f():\r\n    pass\r\n")
    assert record.lines == 4
    assert [(s.name, s.line, s.end_line) for s in record.symbols] == [("A", 1, 1), ("f", 3, 4)]


def test_named_lambdas_are_functions_or_methods(tmp_path: Path) -> None:
    text = (
        "square = lambda x: x * x\n"
        "\n"
        "class Box:\n"
        "    size = lambda self, scale=1: scale\n"
        "\n"
        "def make():\n"
        "    inner = lambda: 0\n"
        "    plain = 1\n"
        "    return inner, plain\n"
    )
    record = extract_one(tmp_path, "lambdas.py", text)
    found = {s.qualname: (s.kind, s.line, s.signature) for s in record.symbols}
    assert found == {
        "square": ("function", 1, "(x)"),
        "Box": ("class", 3, ""),
        "Box.size": ("method", 4, "(self, scale=1)"),
        "make": ("function", 6, "()"),
        "make.inner": ("function", 7, "()"),
    }


def test_declared_encoding_is_honoured_when_the_file_is_not_utf8(tmp_path: Path) -> None:
    text = '# -*- coding: windows-1251 -*-\nX = "\u0425"  # Cyrillic Kha\n'
    record = extract_one(tmp_path, "cp.py", text.encode("cp1251"))
    assert record.encoding == "cp1251"
    assert record.diagnostics == ()
    assert [symbol.name for symbol in record.symbols] == ["X"]
    assert 'X = "\u0425"' in read_text(tmp_path, record)
