"""The type hierarchy: bases, subclasses across files, and overrides."""

from __future__ import annotations

from pathlib import Path

from helpers import index_tree

from xrefdoc.xref.hierarchy import TypeHierarchy
from xrefdoc.xref.index import Index
from xrefdoc.xref.resolve import Definition

CORE = """\
import abc


class Command(abc.ABC):
    def invoke(self, ctx):
        return None

    def parse_args(self, ctx, args):
        return args


class Group(Command):
    def invoke(self, ctx):
        return super().invoke(ctx)
"""

MULTI = """\
from pkg import core
from pkg.core import Group as BaseGroup


class MultiCommand(BaseGroup):
    def parse_args(self, ctx, args):
        return []


class CommandCollection(MultiCommand):
    def invoke(self, ctx):
        return None


class Loop(core.Command, Exception):
    pass
"""

TEST = """\
from pkg.core import Command


class FakeCommand(Command):
    def invoke(self, ctx):
        return 1
"""


def tree(tmp_path: Path) -> Index:
    return index_tree(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/core.py": CORE,
            "pkg/multi.py": MULTI,
            "tests/test_fake.py": TEST,
        },
    )


def named(index: Index, qualname: str) -> Definition:
    name = qualname.rpartition(".")[2]
    return next(d for d in index.definitions[name] if d.qualname == qualname)


def names(found: list[Definition | str]) -> list[str]:
    return [item if isinstance(item, str) else item.qualname for item in found]


def test_bases_resolve_through_imports_and_aliases(tmp_path: Path) -> None:
    index = tree(tmp_path)
    hierarchy = TypeHierarchy(index)
    assert names(hierarchy.bases(named(index, "pkg.multi.MultiCommand"))) == ["pkg.core.Group"]
    # A base from outside the tree stays as written.
    assert names(hierarchy.bases(named(index, "pkg.core.Command"))) == ["abc.ABC"]
    assert names(hierarchy.bases(named(index, "pkg.multi.Loop"))) == [
        "pkg.core.Command",
        "Exception",
    ]


def test_subclasses_across_files_transitively(tmp_path: Path) -> None:
    index = tree(tmp_path)
    hierarchy = TypeHierarchy(index)
    command = named(index, "pkg.core.Command")
    assert names(list(hierarchy.subclasses(command))) == [
        "pkg.core.Group",
        "pkg.multi.Loop",
        "test_fake.FakeCommand",
    ]
    assert [(depth, d.qualname) for depth, d in hierarchy.all_subclasses(command)] == [
        (1, "pkg.core.Group"),
        (2, "pkg.multi.MultiCommand"),
        (3, "pkg.multi.CommandCollection"),
        (1, "pkg.multi.Loop"),
        (1, "test_fake.FakeCommand"),
    ]


def test_a_method_overrides_the_nearest_base_method(tmp_path: Path) -> None:
    index = tree(tmp_path)
    hierarchy = TypeHierarchy(index)
    overrides = hierarchy.overrides(named(index, "pkg.core.Group.invoke"))
    assert overrides is not None and overrides.qualname == "pkg.core.Command.invoke"
    # Group.invoke is nearer than Command.invoke.
    nearest = hierarchy.overrides(named(index, "pkg.multi.CommandCollection.invoke"))
    assert nearest is not None and nearest.qualname == "pkg.core.Group.invoke"
    assert hierarchy.overrides(named(index, "pkg.core.Command.invoke")) is None
    assert [
        d.qualname for d in hierarchy.overridden_in(named(index, "pkg.core.Command.invoke"))
    ] == [
        "pkg.core.Group.invoke",
        "pkg.multi.CommandCollection.invoke",
        "test_fake.FakeCommand.invoke",
    ]
    assert [
        d.qualname for d in hierarchy.overridden_in(named(index, "pkg.core.Command.parse_args"))
    ] == ["pkg.multi.MultiCommand.parse_args"]


def test_a_cycle_of_bases_ends(tmp_path: Path) -> None:
    index = index_tree(
        tmp_path,
        {"loop.py": "class A(B):\n    pass\n\n\nclass B(A):\n    def run(self):\n        pass\n"},
    )
    hierarchy = TypeHierarchy(index)
    a = named(index, "loop.A")
    assert [(depth, d.qualname) for depth, d in hierarchy.all_subclasses(a)] == [(1, "loop.B")]
    assert hierarchy.overrides(named(index, "loop.B.run")) is None
