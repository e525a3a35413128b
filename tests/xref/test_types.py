"""Uses reached through values whose type is known statically, as a type checker knows it:
annotations, constructor calls, return types, attributes of ``self``, ``super()``,
properties, ``with`` targets. Each rule with a lookalike that must not resolve."""

from __future__ import annotations

import textwrap
from pathlib import Path

from helpers import index_tree

from xrefdoc.xref.index import Index

CORE = """\
    from __future__ import annotations

    from dataclasses import dataclass
    from functools import cached_property
    from typing import Self


    class Config:
        verbosity = 0

        def reload(self) -> None:
            pass


    @dataclass
    class Engine:
        name: str
        config: Config

        def run(self) -> int:
            return 1

        @cached_property
        def settings(self) -> Config:
            return self.config

        def describe(self):
            return self.name

        @classmethod
        def create(cls) -> Self:
            return cls("x", Config())

        def __enter__(self):
            return self

        def __exit__(self, *args):
            pass


    def make() -> Engine:
        return Engine("a", Config())


    def build():
        return Engine("b", Config())


    def anything(value):
        return value
    """


def index_of(tmp_path: Path, files: dict[str, str]) -> Index:
    tree = {"pkg/__init__.py": "", "pkg/core.py": CORE}
    tree |= {path: textwrap.dedent(text) for path, text in files.items()}
    return index_tree(tmp_path / "tree", tree)


def meant(index: Index, path: str, line: int, name: str) -> list[str | None]:
    """What each use of ``name`` on ``line`` of ``path`` links to: the qualified name of its
    definition, or None for a textual match."""
    return [
        use.definition.qualname if use.definition else None
        for use in index.uses_in[path]
        if use.line == line and use.name == name
    ]


def test_annotated_parameters_lead_to_their_class(tmp_path: Path) -> None:
    index = index_of(
        tmp_path,
        {
            "pkg/app.py": """\
                from typing import TYPE_CHECKING, Optional

                if TYPE_CHECKING:
                    from .core import Config, Engine


                def start(engine: Engine, spare: Optional[Engine], config: "Config | None"):
                    engine.run()
                    spare.run()
                    config.reload()


                def guess(engine, config=None):
                    engine.run()
                    config.reload()
                """
        },
    )
    assert meant(index, "pkg/app.py", 8, "run") == ["pkg.core.Engine.run"]
    assert meant(index, "pkg/app.py", 9, "run") == ["pkg.core.Engine.run"], "Optional[T]"
    assert meant(index, "pkg/app.py", 10, "reload") == ["pkg.core.Config.reload"], "a string"
    # Lookalike: unannotated parameters are of unknown type, their members textual.
    assert meant(index, "pkg/app.py", 14, "run") == [None]
    assert meant(index, "pkg/app.py", 15, "reload") == [None]


def test_module_instances_and_locals_bound_by_calls(tmp_path: Path) -> None:
    index = index_of(
        tmp_path,
        {
            "pkg/shared.py": """\
                from .core import Config, Engine

                engine = Engine("shared", Config())
                """,
            "pkg/app.py": """\
                from .core import Engine, anything, build, make
                from .shared import engine


                def main(other):
                    engine.run()
                    made = make()
                    made.run()
                    built = build()
                    built.describe()
                    make().config.reload()
                    Engine.create().run()
                    made = anything(other)
                    made.run()
                """,
        },
    )
    assert meant(index, "pkg/app.py", 6, "run") == ["pkg.core.Engine.run"], "a module's instance"
    assert meant(index, "pkg/app.py", 8, "run") == ["pkg.core.Engine.run"], "-> Engine"
    assert meant(index, "pkg/app.py", 10, "describe") == ["pkg.core.Engine.describe"], "returns"
    assert meant(index, "pkg/app.py", 11, "reload") == ["pkg.core.Config.reload"], "a field"
    assert meant(index, "pkg/app.py", 12, "run") == ["pkg.core.Engine.run"], "-> Self"
    # Lookalike: rebound to what a function of unknown return type gives.
    assert meant(index, "pkg/app.py", 14, "run") == [None]


def test_attributes_of_self_are_definitions_and_typed(tmp_path: Path) -> None:
    index = index_of(
        tmp_path,
        {
            "pkg/garage.py": """\
                from .core import Config, Engine, make


                class Garage:
                    def __init__(self, config: Config) -> None:
                        self.config = config
                        self.engine = make()
                        self.engines: list[Engine] = []
                        self.note = None

                    def service(self) -> None:
                        self.config.reload()
                        self.engine.settings.reload()
                        for engine in self.engines:
                            engine.run()
                        self.engines[0].run()
                        self.note.run()
                """
        },
    )
    attributes = {d.qualname: d.symbol.line for d in index.definitions_in["pkg/garage.py"]}
    assert attributes["pkg.garage.Garage.engine"] == 7
    assert meant(index, "pkg/garage.py", 12, "config") == ["pkg.garage.Garage.config"]
    assert meant(index, "pkg/garage.py", 12, "reload") == ["pkg.core.Config.reload"]
    assert meant(index, "pkg/garage.py", 13, "reload") == ["pkg.core.Config.reload"], "property"
    assert meant(index, "pkg/garage.py", 15, "run") == ["pkg.core.Engine.run"], "an element"
    assert meant(index, "pkg/garage.py", 16, "run") == ["pkg.core.Engine.run"], "an item"
    # Lookalike: an attribute assigned only None is of unknown type.
    assert meant(index, "pkg/garage.py", 17, "run") == [None]


def test_super_finds_the_next_class_in_the_bases(tmp_path: Path) -> None:
    index = index_of(
        tmp_path,
        {
            "pkg/commands.py": """\
                class Command:
                    def invoke(self, ctx):
                        return ctx


                class Group(Command):
                    def invoke(self, ctx):
                        super().invoke(ctx)
                        super(Group, self).invoke(ctx)
                        return self.invoke(ctx)
                """,
            "pkg/more.py": """\
                from .commands import Group


                class Chain(Group):
                    def invoke(self, ctx):
                        return super().invoke(ctx)
                """,
        },
    )
    assert meant(index, "pkg/commands.py", 8, "invoke") == ["pkg.commands.Command.invoke"]
    assert meant(index, "pkg/commands.py", 9, "invoke") == ["pkg.commands.Command.invoke"]
    # Lookalike: without super(), the class's own method.
    assert meant(index, "pkg/commands.py", 10, "invoke") == ["pkg.commands.Group.invoke"]
    assert meant(index, "pkg/more.py", 6, "invoke") == ["pkg.commands.Group.invoke"]


def test_with_targets_and_caught_exceptions(tmp_path: Path) -> None:
    index = index_of(
        tmp_path,
        {
            "pkg/use.py": """\
                from .core import Config, Engine


                class Failure(Exception):
                    def explain(self):
                        return "why"


                def main(lock):
                    with Engine("w", Config()) as engine:
                        engine.run()
                    with lock as held:
                        held.run()
                    try:
                        pass
                    except Failure as error:
                        error.explain()
                """
        },
    )
    assert meant(index, "pkg/use.py", 11, "run") == ["pkg.core.Engine.run"], "__enter__: self"
    assert meant(index, "pkg/use.py", 13, "run") == [None], "a parameter of unknown type"
    assert meant(index, "pkg/use.py", 17, "explain") == ["pkg.use.Failure.explain"]


def test_a_plain_method_is_not_followed_as_a_property(tmp_path: Path) -> None:
    index = index_of(
        tmp_path,
        {
            "pkg/use.py": """\
                from .core import make


                def main():
                    make().describe.reload()
                    make().settings.reload()
                """
        },
    )
    # ``describe`` is a method: ``describe.reload`` is an attribute of a bound method.
    assert meant(index, "pkg/use.py", 5, "reload") == [None]
    assert meant(index, "pkg/use.py", 6, "reload") == ["pkg.core.Config.reload"]


def test_a_use_sees_the_binding_that_runs_before_it(tmp_path: Path) -> None:
    index = index_of(
        tmp_path,
        {
            "pkg/tools.py": "def helper():\n    return 1\n",
            "pkg/use.py": """\
                import sys


                def helper():
                    return 0


                helper()
                if sys.platform == "win32":
                    from .tools import helper
                helper()


                def later():
                    return helper()
                """,
        },
    )
    # Before the import runs, the name is the function above it.
    assert meant(index, "pkg/use.py", 8, "helper") == ["pkg.use.helper"]
    # After the ``if``, either: the import may have run.
    assert meant(index, "pkg/use.py", 11, "helper") == ["pkg.tools.helper"]
    assert meant(index, "pkg/use.py", 15, "helper") == ["pkg.tools.helper"]


def test_a_local_shadowing_a_class_is_not_that_class(tmp_path: Path) -> None:
    index = index_of(
        tmp_path,
        {
            "pkg/use.py": """\
                from .core import Engine


                def main(factory):
                    Engine = factory
                    Engine().run()
                """
        },
    )
    assert meant(index, "pkg/use.py", 6, "run") == [None]
    assert meant(index, "pkg/use.py", 6, "Engine") == []


def test_a_tests_parameters_are_the_values_of_its_fixtures(tmp_path: Path) -> None:
    index = index_of(
        tmp_path,
        {
            "tests/conftest.py": """\
                from collections.abc import Iterator

                import pytest

                from pkg.core import Config, Engine


                @pytest.fixture
                def engine():
                    return Engine("test", Config())


                @pytest.fixture
                def config() -> Iterator[Config]:
                    yield Config()
                """,
            "tests/unit/test_engine.py": """\
                import pytest


                @pytest.mark.parametrize("speed", [1, 2])
                def test_run(engine, config, speed, tmp_path, other=None):
                    result = engine.run()
                    config.reload()
                    speed.run()
                    other.run()
                """,
        },
    )
    path = "tests/unit/test_engine.py"
    assert meant(index, path, 6, "run") == ["pkg.core.Engine.run"], "returned by a conftest's"
    assert meant(index, path, 7, "reload") == ["pkg.core.Config.reload"], "yielded"
    # Lookalikes: a parametrized argument (no fixture of its name), a defaulted parameter.
    assert meant(index, path, 8, "run") == [None]
    assert meant(index, path, 9, "run") == [None]


def test_each_test_gets_the_fixture_its_own_folders_define(tmp_path: Path) -> None:
    fixture = "import pytest\n\n\nclass {0}:\n    def go(self):\n        pass\n\n\n"
    fixture += "@pytest.fixture\ndef thing():\n    return {0}()\n"
    test = "def test_thing(thing):\n    thing.go()\n"
    index = index_of(
        tmp_path,
        {
            "tests/engines/conftest.py": fixture.format("Motor"),
            "tests/engines/test_a.py": test,
            "tests/pumps/conftest.py": fixture.format("Pump"),
            "tests/pumps/test_b.py": test,
        },
    )
    assert meant(index, "tests/engines/test_a.py", 2, "go") == ["conftest.Motor.go"]
    assert meant(index, "tests/pumps/test_b.py", 2, "go") == ["conftest.Pump.go"]


def test_a_member_of_a_base_from_outside_the_tree_is_no_textual_match(tmp_path: Path) -> None:
    index = index_of(
        tmp_path,
        {
            "pkg/client.py": """\
                from werkzeug.test import Client


                class FlaskClient(Client):
                    def session_transaction(self):
                        pass

                    def run(self):
                        return self.get("/").run()
                """
        },
    )
    # ``get`` is werkzeug's: what it returns is nothing of this tree, not any ``run``.
    assert meant(index, "pkg/client.py", 9, "run") == []


def test_values_of_pythons_own_types_lead_to_nothing_of_the_tree(tmp_path: Path) -> None:
    index = index_of(
        tmp_path,
        {
            "pkg/text.py": """\
                class Joiner:
                    def join(self, parts):
                        return parts

                    def append(self, part):
                        return part


                def main(unknown):
                    words = []
                    words.append("a")
                    "-".join(words)
                    str.join("-", words)
                    label = ""
                    if words:
                        label = unknown()
                    label.join(words)
                    return Joiner().__class__.join
                """
        },
    )
    assert meant(index, "pkg/text.py", 11, "append") == [], "a list's own"
    assert meant(index, "pkg/text.py", 12, "join") == [], "a str's own"
    assert meant(index, "pkg/text.py", 13, "join") == []
    assert meant(index, "pkg/text.py", 18, "join") == [], "what every object has"
    # Lookalike: a str on one path, a value of unknown type on the other.
    assert meant(index, "pkg/text.py", 17, "join") == [None]


def test_cls_of_init_subclass_is_the_class_not_an_instance(tmp_path: Path) -> None:
    index = index_of(
        tmp_path,
        {
            "pkg/views.py": """\
                class View:
                    methods = None


                class MethodView(View):
                    def __init_subclass__(cls, **kwargs):
                        cls.methods = {"GET"}

                    def dispatch(self):
                        self.handler = None


                class GetView(MethodView):
                    pass


                GetView.methods
                """
        },
    )
    defined = {d.qualname for d in index.definitions_in["pkg/views.py"]}
    assert "pkg.views.MethodView.handler" in defined, "self.handler = … in a method"
    assert "pkg.views.MethodView.methods" not in defined, "cls.methods = … sets View's"
    assert meant(index, "pkg/views.py", 17, "methods") == ["pkg.views.View.methods"]


def test_a_decorated_function_is_what_its_decorator_returns(tmp_path: Path) -> None:
    index = index_of(
        tmp_path,
        {
            "pkg/cli.py": """\
                import functools
                import typing as t

                F = t.TypeVar("F")


                class Group:
                    def command(self):
                        pass


                def group(name: str | None = None) -> t.Callable[[t.Callable[..., t.Any]], Group]:
                    return lambda f: Group()


                def keep(f: F) -> F:
                    return f


                @group()
                def cli():
                    pass


                @keep
                @functools.lru_cache
                def plain():
                    pass


                cli.command()
                plain.command()
                """
        },
    )
    assert meant(index, "pkg/cli.py", 31, "command") == ["pkg.cli.Group.command"]
    # Lookalike: decorators that give back the function (a type variable, a cache).
    assert meant(index, "pkg/cli.py", 32, "command") == [None]


def test_a_decorated_tests_own_functions_are_still_its_own(tmp_path: Path) -> None:
    index = index_of(
        tmp_path,
        {
            "tests/test_cli.py": """\
                import pytest

                from pkg.core import Config


                def marker(f) -> Config:
                    return Config()


                @marker
                def test_group():
                    def cli():
                        pass

                    cli()
                    return test_group.reload()
                """
        },
    )
    # ``test_group`` holds a Config (its decorator's), and still defines ``cli``.
    assert meant(index, "tests/test_cli.py", 15, "cli") == ["test_cli.test_group.cli"]
    assert meant(index, "tests/test_cli.py", 16, "reload") == ["pkg.core.Config.reload"]
