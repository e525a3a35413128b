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
        "shop/cart.py:7: use of shop.money.Price.total",
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
        "works/shop.py:7: use of works.engines.Engine.run",
        "works/shop.py:6: use (textual match: may mean any of the 2 definitions of run)",
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
