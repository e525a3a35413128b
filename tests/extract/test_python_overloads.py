"""``@overload`` stubs are folded into the function they describe: one symbol, at the
implementation's lines, carrying the stubs' signatures; only typing's ``overload`` does it."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import extract_one

from xrefdoc.core.model import Overload, Symbol

PARSE_BODY = '''

@{decorator}
def parse(value: str) -> int: ...
@{decorator}
def parse(value: bytes, *, base: int = 10) -> int: ...
def parse(value, *, base=10):
    """Read a whole number from text or bytes."""
    return int(value, base)


def caller():
    return parse("12")
'''
STUBS = (Overload(4, "(value: str) -> int"), Overload(6, "(value: bytes, *, base: int=10) -> int"))


def functions(symbols: tuple[Symbol, ...], name: str) -> list[Symbol]:
    return [s for s in symbols if s.name == name]


@pytest.mark.parametrize(
    ("imports", "decorator"),
    [
        ("from typing import overload", "overload"),
        ("import typing", "typing.overload"),
        ("import typing as t", "t.overload"),
        ("import typing_extensions", "typing_extensions.overload"),
        ("from typing_extensions import overload", "overload"),
        ("from typing import overload as variant", "variant"),
        ("from typing import *", "overload"),
    ],
)
def test_stubs_fold_into_the_implementation_however_typing_is_imported(
    tmp_path: Path, imports: str, decorator: str
) -> None:
    text = imports + PARSE_BODY.format(decorator=decorator)
    record = extract_one(tmp_path, "numbers.py", text)

    (parse,) = functions(record.symbols, "parse")
    # The implementation, where it was: lines 7-9, its own signature and docstring.
    assert (parse.kind, parse.line, parse.end_line) == ("function", 7, 9)
    assert parse.signature == "(value, *, base=10)"
    assert parse.doc == "Read a whole number from text or bytes."
    assert parse.overloads == STUBS
    assert [s.name for s in record.symbols] == ["parse", "caller"]


@pytest.mark.parametrize(
    ("imports", "decorator"),
    [
        # The project's own ``overload`` (a dispatch registry, say) is not typing's.
        ("def overload(function):\n    return function\n", "overload"),
        ("from myproject.dispatch import overload", "overload"),
        ("import myproject.typing as t", "t.overload"),
        ("from typing import overload as variant", "overload"),
    ],
)
def test_a_decorator_named_overload_that_is_not_typings_folds_nothing(
    tmp_path: Path, imports: str, decorator: str
) -> None:
    text = imports + PARSE_BODY.format(decorator=decorator)
    record = extract_one(tmp_path, "numbers.py", text)

    parses = functions(record.symbols, "parse")
    assert [(s.line, s.overloads) for s in parses] == [
        (line + imports.count("\n"), ()) for line in (4, 6, 7)
    ]


def test_methods_fold_within_their_class_only(tmp_path: Path) -> None:
    text = """\
from typing import overload


class Grid:
    @overload
    def cell(self, index: int) -> str: ...
    @overload
    def cell(self, row: int, column: int) -> str: ...
    def cell(self, *where):
        return str(where)


class Sheet:
    def cell(self, name):
        return name
"""
    record = extract_one(tmp_path, "grid.py", text)

    cells = [(s.parent, s.line, s.end_line, s.overloads) for s in functions(record.symbols, "cell")]
    assert cells == [
        (
            "Grid",
            9,
            10,
            (
                Overload(6, "(self, index: int) -> str"),
                Overload(8, "(self, row: int, column: int) -> str"),
            ),
        ),
        ("Sheet", 14, 15, ()),  # the same name in another class stays its own
    ]


def test_stubs_without_an_implementation_are_their_first_stub(tmp_path: Path) -> None:
    """A ``.pyi`` file, or a protocol, has only the stubs: one definition remains, the
    first stub, listing every signature."""
    text = '''\
from typing import Protocol, overload


class Reader(Protocol):
    @overload
    def read(self) -> bytes: ...
    @overload
    def read(self, size: int) -> bytes:
        """At most ``size`` bytes."""


@overload
def open_file(path: str) -> Reader: ...
@overload
def open_file(path: bytes) -> Reader: ...
'''
    for name in ("streams.pyi", "streams.py"):
        record = extract_one(tmp_path, name, text)
        (read,) = functions(record.symbols, "read")
        assert (read.parent, read.line, read.end_line) == ("Reader", 6, 6)
        assert read.signature == "(self) -> bytes"
        assert read.overloads == (
            Overload(6, "(self) -> bytes"),
            Overload(8, "(self, size: int) -> bytes"),
        )
        assert read.doc == "At most ``size`` bytes."  # the stubs' only docstring
        (open_file,) = functions(record.symbols, "open_file")
        assert open_file.line == 13
        assert [o.line for o in open_file.overloads] == [13, 15]


def test_a_plain_redefinition_is_not_an_overload(tmp_path: Path) -> None:
    """A property's setter, or a function defined again, keep their definitions."""
    text = """\
from typing import overload


class Valve:
    @property
    def opening(self) -> float:
        return 0.0

    @opening.setter
    def opening(self, value: float) -> None:
        pass


def mode() -> str:
    return "a"


def mode() -> str:
    return "b"
"""
    record = extract_one(tmp_path, "valve.py", text)

    assert [(s.name, s.line) for s in record.symbols if s.name in ("opening", "mode")] == [
        ("opening", 6),
        ("opening", 10),
        ("mode", 14),
        ("mode", 18),
    ]
    assert all(s.overloads == () for s in record.symbols)
