"""Files in syntax newer than the interpreter (PEP 695 type parameters and ``type``
statements, PEP 701 f-strings) get the exact links other files get."""

from __future__ import annotations

import pytest
from helpers import index_tree

from xrefdoc.xref.index import Index

ENGINES = """\
class Engine:
    def start(self) -> None: ...


class T:
    \"\"\"A class named like a type parameter.\"\"\"


class Base:
    def run(self) -> None: ...


class Entry:
    \"\"\"A module-level class that a class-level one of the same name hides.\"\"\"
"""

GENERIC = """\
from pkg.engines import Base, Engine, Entry, T

type Engines = list[Engine]
type Pair[T] = tuple[T, T]
DEFAULT = T()


class Box[T: Engine](Base):
    def get(self, item: T) -> T:
        return item


class Registry[K]:
    class Entry:
        pass

    def find[V](self, key: K, default: V) -> Entry:
        return Entry()


def first[T](items: list[T]) -> T:
    return items[0]


def label(engine: Engine) -> str:
    return f"{Engine.start.__name__ + "!"} {engine!r}"


def pick(engines: Engines) -> Pair[Engine]:
    return engines[0], engines[1]
"""


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Index:
    files = {"pkg/__init__.py": "", "pkg/engines.py": ENGINES, "pkg/generic.py": GENERIC}
    return index_tree(tmp_path_factory.mktemp("tree"), files)


def uses(index: Index, name: str) -> list[tuple[int, int, str | None]]:
    """(line, column, qualified name meant or None for textual) of each use of ``name``."""
    return sorted(
        (use.line, use.column, use.definition.qualname if use.definition else None)
        for use in index.uses_in["pkg/generic.py"]
        if use.name == name
    )


def test_the_file_is_read_without_the_grammar_fallback(index: Index) -> None:
    record = index.records["pkg/generic.py"]
    assert record.diagnostics == ()
    assert [(s.qualname, s.kind, s.line) for s in record.symbols] == [
        ("Engines", "variable", 3),
        ("Pair", "variable", 4),
        ("DEFAULT", "constant", 5),
        ("Box", "class", 8),
        ("Box.get", "method", 9),
        ("Registry", "class", 13),
        ("Registry.Entry", "class", 14),
        ("Registry.find", "method", 17),
        ("first", "function", 21),
        ("label", "function", 25),
        ("pick", "function", 29),
    ]


def test_type_statements_define_their_name_and_use_their_value(index: Index) -> None:
    assert uses(index, "Engine") == [
        (1, 30, "pkg.engines.Engine"),
        (3, 20, "pkg.engines.Engine"),  # in ``type Engines = list[Engine]``
        (8, 13, "pkg.engines.Engine"),  # the bound of ``T``
        (25, 18, "pkg.engines.Engine"),
        (26, 14, "pkg.engines.Engine"),  # inside a PEP 701 f-string
        (29, 35, "pkg.engines.Engine"),
    ]
    assert uses(index, "Engines") == [(29, 18, "pkg.generic.Engines")]
    assert uses(index, "Pair") == [(29, 30, "pkg.generic.Pair")]


def test_a_type_parameter_shadows_a_module_class_of_its_name(index: Index) -> None:
    # ``T`` is the imported class at module level, and the parameter inside ``Pair``,
    # ``Box`` and ``first``: those uses are of no definition of the tree.
    assert uses(index, "T") == [(1, 45, "pkg.engines.T"), (5, 10, "pkg.engines.T")]
    assert uses(index, "K") == uses(index, "V") == []


def test_bases_and_members_of_a_generic_class_resolve(index: Index) -> None:
    assert uses(index, "Base") == [(1, 24, "pkg.engines.Base"), (8, 21, "pkg.engines.Base")]
    box = next(s for s in index.records["pkg/generic.py"].symbols if s.name == "Box")
    assert box.bases == ("pkg.engines.Base",)
    assert uses(index, "start") == [(26, 21, "pkg.engines.Engine.start")]


def test_a_generic_methods_annotations_see_its_class_and_its_body_does_not(
    index: Index,
) -> None:
    assert uses(index, "Entry") == [
        (1, 38, "pkg.engines.Entry"),
        (17, 45, "pkg.generic.Registry.Entry"),  # the annotation: the class-level one
        (18, 15, "pkg.engines.Entry"),  # the body: class scope is not visible there
    ]
