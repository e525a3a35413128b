"""The references oracle bench (``bench/refs_oracle.py``): which tokens it asks about, where
it says they are, and how it matches jedi's answers to xrefdoc's definitions. Only the last
test runs jedi, and skips when it is not installed (``make bench-refs`` installs it)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from helpers import load_bench, write_tree

from xrefdoc.xref.index import Index

oracle = load_bench("refs_oracle")

ENGINE = '''\
"""Engines."""

import functools


class Engine:
    """Runs jobs."""

    name: str = "engine"

    def __init__(self, name: str) -> None:
        self.name = name

    @functools.cache
    def run(self, job: str) -> str:
        return job


def make(label: str = "café") -> Engine:
    engine = Engine(name=label)
    return engine


class Turbo(Engine):
    name = "turbo"

    def boost(self, boost: int) -> None:
        self.name = "boosted"


_default: Engine | None = None


def default() -> Engine:
    global _default
    if _default is None:
        _default = make()
    return _default


class Base:
    def start(self) -> None:
        self.speed = 1


class Fast(Base):
    speed = 2
'''

MAIN = """\
from pkg.engine import Engine as Motor, make

résumé = "naïve"; make().run(résumé)
for motor in [Motor("a")]:
    motor.run("b")
"""


def index_of(root: Path) -> Index:
    index: Index = oracle.index_tree(root)
    return index


def test_tokens_are_uses_of_defined_names_not_bindings(tmp_path: Path) -> None:
    tokens = oracle.name_tokens("pkg/engine.py", ENGINE, {"Engine", "name", "run", "make"})
    found = [(t.line, t.name) for t in tokens]
    # The class and function names after ``def``/``class``, the parameter ``name``, the
    # ``self.name`` assigned and the keyword argument ``name=`` are where names are bound.
    expected = [(12, "name"), (19, "Engine"), (20, "Engine"), (24, "Engine"), (31, "Engine")]
    assert found == [*expected, (34, "Engine"), (37, "make")]


def test_columns_are_characters_for_jedi_and_bytes_for_xrefdoc(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"pkg/__init__.py": "", "pkg/engine.py": ENGINE, "main.py": MAIN})
    index = index_of(root)
    tokens = oracle.name_tokens("main.py", MAIN, {"make", "run", "Engine"})
    make = next(t for t in tokens if t.line == 3 and t.name == "make")
    assert make.column == MAIN.splitlines()[2].index("make")
    assert make.byte_column == make.column + 3  # "é" twice and "ï" before it, two bytes each
    uses: dict[tuple[int, str], list[object]] = {}
    for use in index.uses_in["main.py"]:
        uses.setdefault((use.line, use.name), []).append(use)
    # The use xrefdoc records at that token is the one the bench compares with jedi's.
    found = oracle.use_at(uses, make)
    assert found is not None and found.column == make.byte_column
    assert found.definition is not None and found.definition.qualname == "pkg.engine.make"


def test_a_sample_is_the_same_for_a_seed_and_in_file_order() -> None:
    tokens = oracle.name_tokens("pkg/engine.py", ENGINE * 20, {"Engine", "name", "run"})
    first = oracle.sample_tokens(tokens, 10, seed=3)
    assert first == oracle.sample_tokens(tokens, 10, seed=3)
    assert first != oracle.sample_tokens(tokens, 10, seed=4)
    assert first == sorted(first, key=lambda t: (t.path, t.line, t.column))
    assert oracle.sample_tokens(tokens, 10_000, seed=3) == tokens


def jedi_name(root: Path, path: str, line: int, column: int, name: str, kind: str) -> object:
    """A stand-in for the ``jedi.api.classes.Name`` that the bench reads."""
    lines = (root / path).read_text(encoding="utf-8").splitlines()

    def get_line_code(before: int = 0) -> str:
        return "\n".join(lines[max(0, line - 1 - before) : line])

    return SimpleNamespace(
        module_path=root / path,
        line=line,
        column=column,
        name=name,
        type=kind,
        get_line_code=get_line_code,
    )


def test_jedi_names_match_the_definitions_they_are(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"pkg/__init__.py": "", "pkg/engine.py": ENGINE})
    index = index_of(root)
    tree = oracle.Tree.of(root, index)

    def matched(line: int, column: int, name: str, kind: str) -> list[str]:
        found = oracle.ours(jedi_name(root, "pkg/engine.py", line, column, name, kind), tree)
        return sorted(f"{d.qualname}:{d.symbol.line}" for d in found)

    # A decorated method: jedi's line is the ``def`` line, as ast's.
    assert matched(15, 8, "run", "function") == ["pkg.engine.Engine.run:15"]
    # ``self.name = …`` is the attribute the class body declares (or the nearest base's),
    # and those subclasses declare again.
    assert matched(12, 13, "name", "statement") == [
        "pkg.engine.Engine.name:9",
        "pkg.engine.Turbo.name:25",
    ]
    assert matched(28, 13, "name", "statement") == ["pkg.engine.Turbo.name:25"]
    # An attribute only a subclass declares is not the subclass's in the base: the base's
    # own first assignment to ``self.speed`` is the base's definition of it.
    assert matched(43, 13, "speed", "statement") == ["pkg.engine.Base.speed:43"]
    # A module variable rebound under ``global`` is the module's.
    assert matched(37, 8, "_default", "statement") == ["pkg.engine._default:31"]
    # A local of ``make`` is not ``make``, though inside its lines; nor is a parameter the
    # method of the same name on its line.
    assert matched(20, 4, "engine", "statement") == []
    assert matched(20, 4, "make", "statement") == []
    assert matched(27, 20, "boost", "param") == []
    assert matched(27, 8, "boost", "function") == ["pkg.engine.Turbo.boost:27"]
    elsewhere = jedi_name(root, "pkg/engine.py", 6, 6, "Engine", "class")
    assert oracle.ours(elsewhere, oracle.Tree.of(tmp_path / "other", index)) == set()


def test_an_answer_from_a_stub_jedi_carries_is_the_definition_of_its_name(
    tmp_path: Path,
) -> None:
    """jedi answers some names of Django from the ``django-stubs`` it carries: such an answer
    is the tree's definition of the same qualified name, not one outside the tree."""
    root = write_tree(tmp_path / "tree", {"pkg/__init__.py": "", "pkg/engine.py": ENGINE})
    tree = oracle.Tree.of(root, index_of(root))
    stubs = tmp_path / "site-packages" / "jedi" / "third_party" / "pkg-stubs" / "engine.pyi"

    def stubbed(full_name: str, path: Path = stubs) -> list[str]:
        name = SimpleNamespace(module_path=path, name=full_name.rpartition(".")[2],
                               full_name=full_name, line=3, column=4)  # fmt: skip
        return sorted(f"{d.qualname}:{d.symbol.line}" for d in oracle.stubbed(name, tree))

    assert stubbed("pkg.engine.Engine.run") == ["pkg.engine.Engine.run:15"]
    assert stubbed("pkg.engine.make") == ["pkg.engine.make:19"]
    # Another module's ``run``, a source file outside, a stub inside the tree: not ours.
    assert stubbed("other.Engine.run") == []
    assert stubbed("pkg.engine.Engine.run", stubs.with_suffix(".py")) == []
    assert stubbed("pkg.engine.Engine.run", root / "pkg" / "engine.pyi") == []


def test_the_bench_agrees_with_jedi_on_plain_imports_and_calls(tmp_path: Path) -> None:
    pytest.importorskip("jedi")
    root = write_tree(tmp_path, {"pkg/__init__.py": "", "pkg/engine.py": ENGINE, "main.py": MAIN})
    tally = oracle.measure(root.resolve(), size=1000, seed=1)
    # jedi sends fifteen tokens to definitions of the tree: ``Engine`` six times (imported,
    # in annotations, called, as a base), ``Base`` once, ``make`` thrice, the module
    # variables ``résumé`` once and ``_default`` twice (read under ``global``: the module's),
    # and ``run`` twice (of a call's result and of a list's element), which xrefdoc links
    # textually today.
    assert tally.referenced == 15
    assert tally.found == 15
    assert tally.exact_answered >= 13
    assert tally.exact_agreed == tally.exact_answered
