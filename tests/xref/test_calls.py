"""The call hierarchy: who calls a definition from which definition, and what it calls."""

from __future__ import annotations

from pathlib import Path

from helpers import index_tree

from xrefdoc.xref.calls import Call, CallGraph
from xrefdoc.xref.index import Index
from xrefdoc.xref.resolve import Definition

CORE = """\
class Context:
    def invoke(self, callback):
        return callback()


class Command:
    def __init__(self, name):
        self.name = name

    def invoke(self, ctx: Context):
        return ctx.invoke(self.callback)

    def callback(self):
        return None

    def main(self):
        ctx = Context()
        return self.invoke(ctx)
"""

GROUPS = """\
from .core import Command, Context


class Group(Command):
    def invoke(self, ctx: Context):
        def run_sub():
            return Command.invoke(self, ctx)

        Command.invoke(self, ctx)
        return run_sub()


class MultiCommand(Group):
    pass


def make_group():
    return Group("cli")
"""

TEST = """\
from pkg.core import Command, Context


def test_invoke():
    Command("x").invoke(Context())


def test_untyped(command):
    command.invoke(None)
"""


def tree(tmp_path: Path) -> Index:
    return index_tree(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/core.py": CORE,
            "pkg/groups.py": GROUPS,
            "tests/test_core.py": TEST,
            "docs/usage.md": "# Usage\n\nCall `invoke` on a command.\n",
        },
    )


def named(index: Index, qualname: str) -> Definition:
    name = qualname.rpartition(".")[2]
    return next(d for d in index.definitions[name] if d.qualname == qualname)


def rows(calls: list[Call]) -> list[tuple[str, str, tuple[int, ...], bool]]:
    return [(call.path, call.qualname, call.lines, call.exact) for call in calls]


def test_callers_are_the_enclosing_definitions_exact_first(tmp_path: Path) -> None:
    index = tree(tmp_path)
    graph = CallGraph(index)
    assert rows(graph.callers(named(index, "pkg.core.Command.invoke"))) == [
        ("pkg/core.py", "pkg.core.Command.main", (18,), True),
        # A nested function's call is its own, not its parent's.
        ("pkg/groups.py", "pkg.groups.Group.invoke", (9,), True),
        ("pkg/groups.py", "pkg.groups.Group.invoke.run_sub", (7,), True),
        ("tests/test_core.py", "test_core.test_invoke", (5,), True),
        # ``command`` has no known type: its ``invoke`` may mean any of the tree's.
        ("tests/test_core.py", "test_core.test_untyped", (9,), False),
    ]


def test_a_class_is_called_by_its_constructions_not_by_annotations_or_bases(
    tmp_path: Path,
) -> None:
    index = tree(tmp_path)
    graph = CallGraph(index)
    # ``def invoke(self, ctx: Context)`` annotates; ``ctx = Context()`` constructs.
    assert rows(graph.callers(named(index, "pkg.core.Context"))) == [
        ("pkg/core.py", "pkg.core.Command.main", (17,), True),
        ("tests/test_core.py", "test_core.test_invoke", (5,), True),
    ]
    # ``class Group(Command)`` names a base, the imports import it, and
    # ``Command.invoke(self, ctx)`` calls the method, not the class.
    callers = graph.callers(named(index, "pkg.core.Command"))
    assert [call.qualname for call in callers] == ["test_core.test_invoke"]


def test_callees_are_the_functions_methods_and_classes_of_its_own_lines(
    tmp_path: Path,
) -> None:
    index = tree(tmp_path)
    graph = CallGraph(index)
    assert rows(graph.callees(named(index, "pkg.core.Command.main"))) == [
        ("pkg/core.py", "pkg.core.Context", (17,), True),
        ("pkg/core.py", "pkg.core.Command.invoke", (18,), True),
    ]
    # ``run_sub``'s call of Command.invoke is not Group.invoke's own.
    assert rows(graph.callees(named(index, "pkg.groups.Group.invoke"))) == [
        ("pkg/groups.py", "pkg.core.Command.invoke", (9,), True),
        ("pkg/groups.py", "pkg.groups.Group.invoke.run_sub", (10,), True),
    ]
    assert rows(graph.callees(named(index, "pkg.groups.make_group"))) == [
        ("pkg/groups.py", "pkg.groups.Group", (18,), True),
    ]


def test_a_textual_callee_counts_only_when_it_may_mean_one_definition(
    tmp_path: Path,
) -> None:
    index = tree(tmp_path)
    graph = CallGraph(index)
    # ``command.invoke`` may mean three methods: no callee is named.
    assert graph.callees(named(index, "test_core.test_untyped")) == []
    # ``ctx.invoke`` through the annotated ``ctx`` is exact.
    assert rows(graph.callees(named(index, "pkg.core.Command.invoke"))) == [
        ("pkg/core.py", "pkg.core.Context.invoke", (11,), True),
        ("pkg/core.py", "pkg.core.Command.callback", (11,), True),
    ]


def test_prose_is_no_caller(tmp_path: Path) -> None:
    index = tree(tmp_path)
    callers = CallGraph(index).callers(named(index, "pkg.core.Command.invoke"))
    assert all(not call.path.startswith("docs/") for call in callers)
