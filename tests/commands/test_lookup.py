"""``xrefdoc lookup``: rows and JSON, checked against an independent reading with ``ast``."""

from __future__ import annotations

import ast
import json
import random
from pathlib import Path

import pytest
from helpers import write_tree

from xrefdoc.commands.cli import main
from xrefdoc.store.cache import cache_location

# Every use in this tree is an import then a use of the imported name, or of an attribute
# of an imported module, so the small ast reading below knows exactly who uses what.
TREE = {
    "shop/__init__.py": "",
    "shop/money.py": """\
        RATE = 3


        def convert(amount):
            return amount * RATE


        class Price:
            def total(self):
                return convert(1)
        """,
    "shop/cart.py": """\
        from shop.money import Price, convert
        from shop import money


        def checkout(items):
            price = Price()
            return convert(len(items)) + money.RATE + price.total()


        def empty():
            return []
        """,
    "shop/report.py": """\
        import shop.money as m
        from .cart import checkout, empty


        def summary():
            return m.convert(2), checkout([]), empty()
        """,
    "tools/run.py": """\
        from shop.cart import checkout


        def go():
            return checkout([1])
        """,
    # Uses names without importing them: none of these are uses.
    "tools/stray.py": "def stray():\n    return convert, checkout, Price\n",
    "README.md": "# Shop\n",
}


def ast_oracle(root: Path) -> tuple[dict[str, set[tuple[str, int]]], dict[str, set[str]]]:
    """Top-level definitions (name → {(path, line)}) and, per name, the files that import it
    from its module or reach it as an attribute of an imported module."""
    definitions: dict[str, set[tuple[str, int]]] = {}
    users: dict[str, set[str]] = {}
    modules = {"shop.money": "shop/money.py", "shop.cart": "shop/cart.py"}
    for path in sorted(p.relative_to(root).as_posix() for p in root.rglob("*.py")):
        tree = ast.parse((root / path).read_text())
        module_aliases: dict[str, str] = {}
        imported: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.col_offset == 0:
                definitions.setdefault(node.name, set()).add((path, node.lineno))
            elif isinstance(node, ast.Assign) and node.col_offset == 0:
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        definitions.setdefault(target.id, set()).add((path, node.lineno))
            elif isinstance(node, ast.ImportFrom):
                module = node.module or ""
                if node.level:  # the one relative import in the tree: from .cart
                    module = "shop." + module
                for alias in node.names:
                    if f"{module}.{alias.name}" in modules:
                        module_aliases[alias.asname or alias.name] = f"{module}.{alias.name}"
                    elif module in modules:
                        imported.add(alias.name)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name in modules:
                        module_aliases[alias.asname or alias.name] = alias.name
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and node.id in imported:
                users.setdefault(node.id, set()).add(path)
            elif (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in module_aliases
            ):
                users.setdefault(node.attr, set()).add(path)
        for name in imported:
            users.setdefault(name, set()).add(path)
        # Uses inside the defining module itself.
        own = {name for name, places in definitions.items() for p, _ in places if p == path}
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in own:
                users.setdefault(node.id, set()).add(path)
    return definitions, users


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_tree(tmp_path_factory.mktemp("lookup"), TREE)


def lookup_json(capsys: pytest.CaptureFixture[str], root: Path, name: str) -> dict:  # type: ignore[type-arg]
    assert main(["lookup", name, "--root", str(root), "--json"]) == 0
    return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]


def test_lookup_matches_an_independent_ast_reading(
    tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    definitions, users = ast_oracle(tree)
    names = sorted(definitions)
    sample = [*random.Random(7).sample(names, k=min(6, len(names))), "checkout", "RATE"]
    for name in sorted(set(sample)):
        found = lookup_json(capsys, tree, name)
        got_definitions = {(d["path"], d["line"]) for d in found["definitions"]}
        assert got_definitions == definitions[name], name
        exact_users = {u["path"] for u in found["uses"] if u["exact"]}
        assert exact_users == users.get(name, set()), name


def test_rows_are_path_line_and_what_is_used(
    tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["lookup", "total", "--root", str(tree)]) == 0
    rows = capsys.readouterr().out.splitlines()
    # ``price = Price()``: price is a Price, so ``price.total()`` is an exact use (textual
    # rows: see the RUNNERS tests below).
    assert rows == [
        "shop/money.py:9: definition: method shop.money.Price.total",
        "shop/cart.py:7: use of shop.money.Price.total in checkout:"
        " return convert(len(items)) + money.RATE + price.total()",
    ]


def test_qualified_name_selects_definitions_and_their_exact_uses(
    tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["lookup", "money.convert", "--root", str(tree)]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert rows[0] == "shop/money.py:4: definition: function shop.money.convert"
    assert {row.split(":")[0] for row in rows[1:]} == {
        "shop/money.py",
        "shop/cart.py",
        "shop/report.py",
    }


def test_unknown_name_exits_1_with_one_line(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lookup", "no_such_name", "--root", str(tree)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.strip().count("\n") == 0 and "no_such_name" in captured.err


def test_lookup_reads_the_cache_of_the_last_build(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_tree(tmp_path / "tree", {**TREE, "extra/skip.py": "def checkout():\n    pass\n"})
    assert (
        main(["build", str(root), "-o", str(tmp_path / "out"), "-q", "--exclude", "extra/*"]) == 0
    )
    location = cache_location(root.resolve())
    assert location.database is not None and location.database.is_file()
    found = lookup_json(capsys, root, "checkout")
    # The build's selection is remembered: the excluded file is not looked at.
    assert {d["path"] for d in found["definitions"]} == {"shop/cart.py"}


def test_lookup_without_a_previous_run_scans(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_tree(tmp_path / "fresh", TREE)
    found = lookup_json(capsys, root, "Price")
    assert [d["qualname"] for d in found["definitions"]] == ["shop.money.Price"]


def test_missing_root_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lookup", "x", "--root", str(tmp_path / "nope")]) == 2
    assert "--root" in capsys.readouterr().err


# ``machine.run()`` and ``item.limit`` are of unknown type: textual matches, which may mean
# any class's ``run`` or ``limit``. A module-level ``limit`` is not among what they may mean.
RUNNERS = {
    "works/__init__.py": "",
    "works/engines.py": """\
        class Engine:
            limit = 3

            def run(self):
                return self.limit


        class Pump:
            def run(self):
                return 2
        """,
    "works/settings.py": "limit = 10\n",
    "works/shop.py": """\
        from works.engines import Engine
        from works.settings import limit


        def start(machine, item):
            machine.run()
            Engine().run()
            return item.limit + limit
        """,
}


@pytest.fixture(scope="module")
def runners(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_tree(tmp_path_factory.mktemp("runners"), RUNNERS)


def test_a_qualified_lookup_lists_exact_uses_then_the_textual_candidates(
    runners: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["lookup", "Engine.run", "--root", str(runners)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "works/engines.py:4: definition: method works.engines.Engine.run",
        "works/shop.py:7: use of works.engines.Engine.run in start: Engine().run()",
        "works/shop.py:6: use (textual match: may mean any of the 2 definitions of run)"
        " in start: machine.run()",
    ]
    found = lookup_json(capsys, runners, "works.engines.Engine.run")
    assert [(u["line"], u["exact"], u["match"]) for u in found["uses"]] == [
        (7, True, "exact"),
        (6, False, "textual"),
    ]
    assert found["candidates"] == 2
    # Pump.run has no exact use, and the same textual one.
    found = lookup_json(capsys, runners, "Pump.run")
    assert [(u["line"], u["match"]) for u in found["uses"]] == [(6, "textual")]


def test_a_qualified_lookup_lists_no_textual_use_that_cannot_mean_it(
    runners: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # ``item.limit`` may mean Engine.limit, a class attribute, but not the module's variable.
    found = lookup_json(capsys, runners, "settings.limit")
    assert [(u["line"], u["match"]) for u in found["uses"]] == [(2, "exact"), (8, "exact")]
    assert "candidates" not in found
    found = lookup_json(capsys, runners, "Engine.limit")
    assert [(u["line"], u["match"]) for u in found["uses"]] == [(5, "exact"), (8, "textual")]
    # A bare name lists every use, exact ones first.
    found = lookup_json(capsys, runners, "limit")
    assert [(u["path"], u["line"], u["match"]) for u in found["uses"]] == [
        ("works/engines.py", 5, "exact"),
        ("works/shop.py", 2, "exact"),
        ("works/shop.py", 8, "exact"),
        ("works/shop.py", 8, "textual"),
    ]


def test_json_uses_carry_their_line_the_definition_around_them_and_their_area(
    runners: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    found = lookup_json(capsys, runners, "Engine")
    assert [
        (u["path"], u["line"], u["text"], u["enclosing"], u["area"]) for u in found["uses"]
    ] == [
        ("works/shop.py", 1, "from works.engines import Engine", None, "source"),
        ("works/shop.py", 7, "Engine().run()", "works.shop.start", "source"),
    ]


def test_a_long_line_is_cut(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    call = "value = compute(" + ", ".join(f"argument_{n}" for n in range(20)) + ")"
    root = write_tree(
        tmp_path / "long",
        {"calc.py": f"def compute(*args):\n    return 1\n\n\ndef run():\n    {call}\n"},
    )
    assert main(["lookup", "compute", "--root", str(root)]) == 0
    use = capsys.readouterr().out.splitlines()[1]
    assert use.startswith("calc.py:6: use of calc.compute in run: value = compute(argument_0, ")
    assert use.endswith("…") and len(use.partition(" in run: ")[2]) == 120


# A command hierarchy: Group.invoke calls Command.invoke through super(), a test calls it on
# an instance, and ``command.invoke()`` on a value of unknown type may mean it.
CALLS = {
    "cli/__init__.py": "",
    "cli/core.py": """\
        class Command:
            def invoke(self, ctx):
                return ctx


        class Group(Command):
            def invoke(self, ctx):
                self.prepare(ctx)
                return super().invoke(ctx)

            def prepare(self, ctx):
                return None


        def dispatch(command, ctx):
            return command.invoke(ctx)
        """,
    "tests/test_core.py": """\
        from cli.core import Command


        def test_invoke():
            assert Command().invoke(1) == 1
        """,
}


@pytest.fixture(scope="module")
def calls(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_tree(tmp_path_factory.mktemp("calls"), CALLS)


def test_callers_print_each_caller_with_its_call_lines(
    calls: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["lookup", "--callers", "Command.invoke", "--root", str(calls)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "cli/core.py:2: callers of method cli.core.Command.invoke",
        "cli/core.py:9: cli.core.Group.invoke: return super().invoke(ctx)",
        "tests/test_core.py:5: test_core.test_invoke: assert Command().invoke(1) == 1",
        "cli/core.py:16: cli.core.dispatch (textual match): return command.invoke(ctx)",
    ]


def test_callees_print_what_a_definition_calls(
    calls: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["lookup", "--callees", "Group.invoke", "--root", str(calls)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "cli/core.py:7: callees of method cli.core.Group.invoke",
        "cli/core.py:9: cli.core.Command.invoke: return super().invoke(ctx)",
        "cli/core.py:8: cli.core.Group.prepare: self.prepare(ctx)",
    ]


def test_callers_as_json(calls: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["lookup", "--callers", "cli.core.Command.invoke", "--root", str(calls), "--json"]
    assert main(argv) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["direction"] == "callers"
    [definition] = data["definitions"]
    assert definition["qualname"] == "cli.core.Command.invoke"
    assert [
        (
            edge["definition"]["qualname"] if edge["definition"] else None,
            edge["match"],
            edge["area"],
            [(call["line"], call["text"]) for call in edge["calls"]],
        )
        for edge in definition["callers"]
    ] == [
        ("cli.core.Group.invoke", "exact", "source", [(9, "return super().invoke(ctx)")]),
        (
            "test_core.test_invoke",
            "exact",
            "tests",
            [(5, "assert Command().invoke(1) == 1")],
        ),
        ("cli.core.dispatch", "textual", "source", [(16, "return command.invoke(ctx)")]),
    ]


def test_callers_of_an_unknown_name_exit_1_with_one_line(
    calls: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["lookup", "--callers", "no_such_name", "--root", str(calls)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.strip().count("\n") == 0 and "no_such_name" in captured.err


def test_a_name_and_callers_together_are_a_usage_error(
    calls: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["lookup", "invoke", "--callers", "invoke", "--root", str(calls)]) == 2
    assert "--callers" in capsys.readouterr().err
    assert main(["lookup", "--root", str(calls)]) == 2
    assert "NAME" in capsys.readouterr().err


def test_a_use_after_a_form_feed_or_a_lone_carriage_return_shows_its_own_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Lines as extraction numbers them: a form feed does not end a line, a lone ``\\r``
    does."""
    root = write_tree(
        tmp_path / "endings",
        {
            "feed.py": "def f():\n    return 1\n\x0c\ndef g():\n    return f()\n",
            "mac.py": b"from feed import f\r\r\rdef k():\r    return f() + 2\r",
        },
    )
    assert main(["lookup", "f", "--root", str(root)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "feed.py:1: definition: function feed.f",
        "feed.py:5: use of feed.f in g: return f()",
        "mac.py:1: use of feed.f: from feed import f",
        "mac.py:5: use of feed.f in k: return f() + 2",
    ]


def test_uses_in_code_of_any_language_are_in_the_source_area(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_tree(
        tmp_path / "mixed",
        {
            "app.py": "def render():\n    return 1\n",
            "web/index.php": "<?php\necho render();\n",
            "web/page.lua": "local x = render()\n",
        },
    )
    found = lookup_json(capsys, root, "render")
    areas = {use["path"]: use["area"] for use in found["uses"]}
    assert areas == {
        "web/index.php": "source",
        "web/page.lua": "source",
    }


def test_a_call_on_the_line_after_an_import_is_a_call(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """What an import names is not called; the next statement's call of it is."""
    root = write_tree(
        tmp_path / "after",
        {
            "app.py": "def main():\n    return 1\n",
            "run.py": "from app import main\nmain()\n",
            "wrapped.py": "from app import (\n    main,\n)\nmain()\n",
        },
    )
    assert main(["lookup", "--callers", "main", "--root", str(root)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "app.py:1: callers of function app.main",
        "run.py:2: <module>: main()",
        "wrapped.py:4: <module>: main()",
    ]
