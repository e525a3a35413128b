"""Uses resolved across the tree: imports of every form, re-exports, members, ambiguity."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import index_tree

import xrefdoc
from xrefdoc.xref.index import Index

TREE = {
    "pkg/__init__.py": "from .core import Engine\nfrom .api import *\n",
    "pkg/core.py": """\
        class Base:
            def stop(self):
                pass


        class Engine(Base):
            speed = 1

            def run(self):
                self.stop()
                return self.speed
        """,
    "pkg/api.py": "__all__ = ['connect']\n\n\ndef connect():\n    pass\n",
    "pkg/sub/__init__.py": "",
    "pkg/sub/deep/__init__.py": "",
    "pkg/sub/deep/leaf.py": """\
        from . import sibling
        from .. import helpers
        from ...core import Engine
        from ... import connect


        def go():
            sibling.near()
            helpers.assist()
            connect()
            return Engine().run()
        """,
    "pkg/sub/deep/sibling.py": "def near():\n    pass\n",
    "pkg/sub/helpers.py": "def assist():\n    pass\n\n\ndef run():\n    pass\n",
    "app.py": """\
        import pkg.sub.helpers as h
        from pkg import Engine, connect


        def main():
            h.assist()
            h.run()
            engine = Engine()
            engine.run()
            connect()
        """,
    # Uses ``assist`` and ``Engine`` without importing them: no use of either.
    "loose.py": "def f():\n    return assist(), Engine\n",
    "tests/test_app.py": """\
        from pkg.sub.helpers import run


        def test_run():
            run()
        """,
}


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Index:
    return index_tree(tmp_path_factory.mktemp("tree"), TREE)


def uses_in(index: Index, path: str) -> set[tuple[str, int, str | None]]:
    """(name as written, line, qualified name meant or None for textual) of a file."""
    return {
        (use.name, use.line, use.definition.qualname if use.definition else None)
        for use in index.uses_in[path]
    }


def test_relative_imports_of_every_level_reach_their_definitions(index: Index) -> None:
    found = uses_in(index, "pkg/sub/deep/leaf.py")
    assert ("near", 8, "pkg.sub.deep.sibling.near") in found, "from . import sibling"
    assert ("assist", 9, "pkg.sub.helpers.assist") in found, "from .. import helpers"
    assert ("Engine", 3, "pkg.core.Engine") in found, "from ...core import Engine"
    assert ("connect", 10, "pkg.api.connect") in found, "from ... import connect (star)"
    assert ("run", 11, "pkg.core.Engine.run") in found, "a method of a call's result"


def test_import_as_and_reexports_through_init(index: Index) -> None:
    found = uses_in(index, "app.py")
    assert ("assist", 6, "pkg.sub.helpers.assist") in found, "import a.b.c as h; h.assist"
    assert ("run", 7, "pkg.sub.helpers.run") in found
    assert ("Engine", 2, "pkg.core.Engine") in found, "re-exported by pkg/__init__.py"
    assert ("Engine", 8, "pkg.core.Engine") in found
    assert ("connect", 10, "pkg.api.connect") in found, "re-exported by a star import"
    # ``engine`` is a local bound by a constructor call: an Engine.
    assert ("run", 9, "pkg.core.Engine.run") in found


def test_ambiguous_name_keeps_all_definitions_and_imports_pick_one(index: Index) -> None:
    assert [d.qualname for d in index.definitions["run"]] == [
        "pkg.core.Engine.run",
        "pkg.sub.helpers.run",
    ]
    meant = {
        (use.path, use.line): use.definition.qualname for use in index.uses["run"] if use.definition
    }
    assert meant[("tests/test_app.py", 5)] == "pkg.sub.helpers.run"
    assert meant[("app.py", 7)] == "pkg.sub.helpers.run", "h.run, h the module"
    assert meant[("app.py", 9)] == "pkg.core.Engine.run", "engine.run, engine an Engine"


def test_members_resolve_through_self_and_base_classes(index: Index) -> None:
    found = uses_in(index, "pkg/core.py")
    assert ("stop", 10, "pkg.core.Base.stop") in found, "inherited from an in-tree base"
    assert ("speed", 11, "pkg.core.Engine.speed") in found


def test_name_used_without_import_is_no_use(index: Index) -> None:
    assert uses_in(index, "loose.py") == set()
    assert "loose.py" not in {use.path for use in index.uses["assist"]}


def test_import_graph_follows_reexports(index: Index) -> None:
    targets = index.import_targets["app.py"]
    assert targets[0].module == "pkg/sub/helpers.py"
    assert targets[1].module == "pkg/__init__.py"
    assert dict(targets[1].names) == {"Engine": "pkg/core.py", "connect": "pkg/api.py"}
    assert {"pkg/core.py", "pkg/api.py", "pkg/__init__.py"} <= set(index.imports_of["app.py"])
    assert "app.py" in index.imported_by["pkg/core.py"]


def test_tests_of_a_file_include_tests_that_use_it(index: Index) -> None:
    assert index.tests_of["pkg/sub/helpers.py"] == ["tests/test_app.py"]


def test_users_of_a_definition_are_other_files(index: Index) -> None:
    engine = index.definitions["Engine"][0]
    assert index.users[engine] == ["app.py", "pkg/__init__.py", "pkg/sub/deep/leaf.py"]


def test_alias_cycles_end(tmp_path: Path) -> None:
    index = index_tree(
        tmp_path,
        {
            "a.py": "from b import thing\n",
            "b.py": "from a import thing\n",
            "c.py": "from a import thing\n\nthing()\n",
        },
    )
    assert index.uses_in["c.py"] == []


def test_a_name_defined_again_means_the_definition_above_the_use(tmp_path: Path) -> None:
    index = index_tree(
        tmp_path,
        {
            "m.py": "def f():\n    pass\n\nf()\n\ndef f():\n    pass\n\nf()\n",
            "other.py": "from m import f\n\nf()\n",
        },
    )
    assert [(u.line, u.definition.symbol.line) for u in index.uses_in["m.py"] if u.definition] == [
        (4, 1),
        (9, 6),
    ]
    assert {u.definition.symbol.line for u in index.uses_in["other.py"] if u.definition} == {1}


OVERLOADED = {
    "shapes/__init__.py": "from .convert import to_shape\n",
    "shapes/convert.py": """\
        import typing as t


        @t.overload
        def to_shape(value: str) -> Shape: ...
        @t.overload
        def to_shape(value: dict) -> Shape: ...
        def to_shape(value):
            return Shape(value)


        class Shape:
            @t.overload
            def scale(self, factor: int) -> Shape: ...
            @t.overload
            def scale(self, factor: float) -> Shape: ...
            def scale(self, factor):
                return self
        """,
    "shapes/stubs.pyi": """\
        from typing import overload


        @overload
        def area(side: int) -> int: ...
        @overload
        def area(side: float) -> float: ...
        """,
    "app.py": """\
        from shapes import to_shape
        from shapes.convert import Shape
        from shapes.stubs import area


        def build():
            return to_shape("square").scale(2), Shape().scale(1.5), area(3)
        """,
    # Its own ``overload``: each of its three ``def``s stays a definition.
    "registry.py": """\
        def overload(function):
            return function


        @overload
        def handler(event: str) -> None: ...
        @overload
        def handler(event: int) -> None: ...
        def handler(event):
            pass


        handler("x")
        """,
}


def test_uses_of_an_overloaded_function_lead_to_its_implementation(tmp_path: Path) -> None:
    index = index_tree(tmp_path, OVERLOADED)

    meant = {
        (u.name, u.definition.path, u.definition.symbol.line)
        for u in index.uses_in["app.py"]
        if u.definition is not None and u.name in ("to_shape", "scale", "area")
    }
    assert meant == {
        ("to_shape", "shapes/convert.py", 8),
        # Through what ``Shape()`` returns.
        ("scale", "shapes/convert.py", 17),
        # Only stubs: the first stands for them.
        ("area", "shapes/stubs.pyi", 5),
    }
    # One definition each in the keyword index, not one per stub.
    assert [(d.path, d.symbol.line) for d in index.definitions["to_shape"]] == [
        ("shapes/convert.py", 8)
    ]
    assert [(d.qualname, d.symbol.line) for d in index.definitions["scale"]] == [
        ("shapes.convert.Shape.scale", 17)
    ]
    # A decorator of the project's own named ``overload`` folds nothing: the use on line 13
    # means the last ``def`` above it, as for any name defined again.
    assert [d.symbol.line for d in index.definitions["handler"]] == [6, 8, 9]
    (use,) = [u for u in index.uses_in["registry.py"] if u.name == "handler"]
    assert use.definition is not None and use.definition.symbol.line == 9


def test_a_definition_sent_to_another_process_finds_its_uses_there(tmp_path: Path) -> None:
    """A definition keeps its hash once made; one pickled for another process (a cluster's
    worker) must hash as that process's own, or its uses are not found by it there."""
    index = index_tree(tmp_path, TREE)
    engine = next(d for d in index.definitions["Engine"] if d.path == "pkg/core.py")
    script = (
        "import pickle, sys\n"
        "sent = pickle.loads(sys.stdin.buffer.read())\n"
        "from xrefdoc.xref.resolve import Definition\n"
        "own = Definition(sent.path, sent.symbol, sent.qualname)\n"
        "print({own: 'found'}.get(sent, 'missing'))\n"
    )
    environment = {
        **os.environ,
        "PYTHONHASHSEED": "12345",
        "PYTHONPATH": str(Path(xrefdoc.__file__).parents[1]),
    }
    result = subprocess.run(
        [sys.executable, "-c", script],
        input=pickle.dumps(engine),
        capture_output=True,
        env=environment,
        check=True,
    )
    assert result.stdout.decode().strip() == "found"
