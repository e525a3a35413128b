"""Name resolution inside one Python file: which uses are kept, and the target of each."""

from __future__ import annotations

import textwrap
from pathlib import Path

from helpers import extract_one, index_tree

from xrefdoc.core.model import Alias, FileRecord
from xrefdoc.extract.python_names import assignment_lines


def uses(record: FileRecord) -> dict[tuple[str, int], str]:
    """(name, line) → target, with ``?`` for a textual use."""
    return {(ref.name, ref.line): ref.target if ref.exact else "?" for ref in record.references}


def test_locals_parameters_and_builtins_are_not_uses(tmp_path: Path) -> None:
    record = extract_one(
        tmp_path,
        "m.py",
        """\
        def f(param):
            local = param + 1
            for item in range(local):
                print(item)
            return len([value for value in (local,)])
        """,
    )
    assert uses(record) == {}


def test_module_names_and_nested_definitions_resolve_in_the_file(tmp_path: Path) -> None:
    record = extract_one(
        tmp_path,
        "m.py",
        """\
        LIMIT = 3

        def outer():
            def inner():
                return LIMIT
            return inner()

        class Box:
            size = LIMIT

            def grow(self):
                return self.size + Box.size
        """,
    )
    assert uses(record) == {
        ("LIMIT", 5): "~LIMIT",
        ("inner", 6): "~outer.inner",
        ("LIMIT", 9): "~LIMIT",
        ("size", 12): "~Box.size",
        ("Box", 12): "~Box",
    }


def test_class_scope_is_not_visible_from_its_methods(tmp_path: Path) -> None:
    record = extract_one(
        tmp_path,
        "m.py",
        """\
        size = 1

        class Box:
            size = 2

            def area(self):
                return size
        """,
    )
    # ``size`` inside the method is the module's, not the class attribute.
    assert uses(record) == {("size", 7): "~size"}


def test_global_and_nonlocal_declarations(tmp_path: Path) -> None:
    record = extract_one(
        tmp_path,
        "m.py",
        """\
        from lib import counter

        def bump():
            global counter
            counter = counter + 1

        def make():
            total = 0
            def add():
                nonlocal total
                total += 1
                return total
            return add
        """,
    )
    found = uses(record)
    assert found[("counter", 1)] == "lib.counter"
    assert found[("counter", 5)] == "lib.counter", "global: the module's binding, an import"
    assert not [key for key in found if key[0] == "total"], "nonlocal: a local of make()"


def test_imports_give_absolute_relative_and_aliased_targets(tmp_path: Path) -> None:
    record = extract_one(
        tmp_path,
        "pkg/sub/m.py",
        """\
        import os.path
        import a.b as c
        from . import sibling
        from .. import parent_mod
        from ..core import Engine as E
        from ...top import thing

        E()
        c.tool()
        os.path.join()
        sibling.run()
        parent_mod.VALUE
        thing
        """,
    )
    found = uses(record)
    assert found[("sibling", 3)] == ".sibling"
    assert found[("parent_mod", 4)] == "..parent_mod"
    assert found[("Engine", 5)] == "..core.Engine"
    assert found[("thing", 6)] == "...top.thing"
    assert found[("E", 8)] == "..core.Engine"
    assert found[("tool", 9)] == "a.b.tool"
    assert found[("join", 10)] == "os.path.join"
    assert found[("run", 11)] == ".sibling.run"
    assert found[("VALUE", 12)] == "..parent_mod.VALUE"
    assert set(record.aliases) >= {
        Alias("c", "a.b", 2),
        Alias("os", "os", 1),
        Alias("E", "..core.Engine", 5),
    }


def test_self_leads_to_the_class_but_is_not_a_use_of_it(tmp_path: Path) -> None:
    record = extract_one(
        tmp_path,
        "m.py",
        """\
        class Engine:
            def run(self):
                return self.stop()

            @classmethod
            def make(cls):
                return cls.run

            @staticmethod
            def helper(self):
                return self.anything
        """,
    )
    assert uses(record) == {
        # self is an instance (what calling the class returns), cls the class itself.
        ("stop", 3): "~Engine().stop",
        ("run", 7): "~Engine.run",
        # A static method's first parameter is an ordinary value of unknown type.
        ("anything", 11): "?",
    }


def test_attributes_of_unknown_values_are_textual(tmp_path: Path) -> None:
    record = extract_one(
        tmp_path,
        "m.py",
        """\
        def f(job):
            job.run()
            make().finish()
        """,
    )
    # ``make`` is bound nowhere: not a use; what its call returns is of unknown type.
    assert uses(record) == {("run", 2): "?", ("finish", 3): "?"}


def test_star_import_makes_unbound_names_module_lookups(tmp_path: Path) -> None:
    with_star = extract_one(tmp_path, "a.py", "from .core import *\n\nEngine()\nlen([])\n")
    without = extract_one(tmp_path, "b.py", "Engine()\n")
    assert uses(with_star) == {("Engine", 3): "~Engine"}
    assert Alias("*", ".core", 1) in with_star.aliases
    assert uses(without) == {}, "a name bound nowhere is no use of anything"


def test_import_fallback_keeps_both_candidates(tmp_path: Path) -> None:
    record = extract_one(
        tmp_path,
        "m.py",
        """\
        try:
            from fast import speedup
        except ImportError:
            def speedup():
                pass

        speedup()
        """,
    )
    assert uses(record)[("speedup", 7)] == "fast.speedup|~speedup"


def test_class_bases_are_recorded_as_targets(tmp_path: Path) -> None:
    record = extract_one(
        tmp_path,
        "m.py",
        """\
        from .base import Base
        import typing

        class Local:
            pass

        class Child(Base, Local, typing.Generic[int], metaclass=Meta):
            pass
        """,
    )
    child = next(symbol for symbol in record.symbols if symbol.name == "Child")
    assert child.bases == (".base.Base", "~Local", "typing.Generic")


def test_comprehension_variables_do_not_leak_but_outer_names_resolve(tmp_path: Path) -> None:
    record = extract_one(
        tmp_path,
        "m.py",
        """\
        from lib import items, key

        result = [key(item) for item in items]
        """,
    )
    assert uses(record) == {
        ("items", 1): "lib.items",
        ("key", 1): "lib.key",
        ("key", 3): "lib.key",
        ("items", 3): "lib.items",
    }


def test_items_and_calls_of_self_are_values_of_unknown_type(tmp_path: Path) -> None:
    source = """\
        class Polygon:
            def rings(self):
                return self[0].rings, self().rings
        """
    found = {(ref.target, ref.column) for ref in extract_one(tmp_path, "m.py", source).references}
    assert found == {("~Polygon().[].rings", 23), ("~Polygon()().rings", 37)}
    # Polygon is no container and has no __call__: neither is its own ``rings``, both are
    # textual matches.
    index = index_tree(tmp_path / "tree", {"m.py": textwrap.dedent(source)})
    assert [(use.name, use.definition) for use in index.uses_in["m.py"]] == [
        ("rings", None),
        ("rings", None),
    ]


def test_parameter_also_bound_by_an_import_is_a_local(tmp_path: Path) -> None:
    record = extract_one(
        tmp_path,
        "m.py",
        """\
        def get_version(version=None):
            if version is None:
                from pkg import VERSION as version
            return version
        """,
    )
    assert ("version", 4) not in uses(record)


def test_each_use_carries_the_column_of_its_name(tmp_path: Path) -> None:
    record = extract_one(
        tmp_path,
        "m.py",
        "from lib import schemes, échelle\n\nx = [schemes, lib2.schemes, échelle]\n",
    )
    columns = {(ref.name, ref.line, ref.column) for ref in record.references}
    assert ("schemes", 1, 16) in columns
    assert ("schemes", 3, 5) in columns
    assert ("schemes", 3, 19) in columns, "the attribute's own column"
    # Columns count UTF-8 bytes, as ast does: é is two bytes.
    assert ("échelle", 1, 25) in columns and ("échelle", 3, 28) in columns


# Module-level names that a function binds again, each in another kind of statement, deep in
# its blocks: its uses of them are of its own locals, not of these.
_SHADOWING = """\
a = b = c = d = e = f = g = h = i = j = k = m = n = p = 0
KEPT = 1

def run(items, manager):
    if not items:  # before the bindings: the names are the function's all the same
        return a, b, c, d, e, f, g, h, i, j, m, n, p, KEPT, k
    if items:
        for a, (b, *c) in items:
            pass
        else:
            while not items:
                with manager as (d, e):
                    pass
    else:
        p = 2
    try:
        f: int
        g += 1
    except ValueError as h:
        del i
    else:
        j = [k for k in items]
    finally:
        match items:
            case [m, *n]:
                pass
"""


def test_names_bound_by_statements_deep_in_a_function_are_its_own(tmp_path: Path) -> None:
    """Without ``:=`` in the module, the names each scope binds are found in its statements'
    targets without walking its expressions: every kind of binding statement still shadows."""
    plain = extract_one(tmp_path, "plain.py", _SHADOWING)
    # ``k`` is bound in the comprehension's own scope only: its use is of the module's.
    expected = {("KEPT", 6): "~KEPT", ("k", 6): "~k"}
    assert uses(plain) == expected
    # The same with an assignment expression elsewhere: every expression walked, same uses.
    walrus = _SHADOWING + "\nif (found := KEPT):\n    pass\n"
    assert {
        key: target
        for key, target in uses(extract_one(tmp_path, "w.py", walrus)).items()
        if key[1] <= 6
    } == expected


def test_an_assignment_expression_in_a_function_binds_a_local(tmp_path: Path) -> None:
    record = extract_one(
        tmp_path,
        "m.py",
        """\
        found = size = 0

        def look(items):
            if not items:  # before the bindings: the names are the function's all the same
                return found, size
            if (found := items[0]) and [(size := len(item)) for item in items]:
                return found, size
            return KEPT, [lambda: (kept := 1) for _ in items], kept

        KEPT = kept = 1
        """,
    )
    # A comprehension's ``:=`` binds in the function around it (PEP 572), a lambda's in the
    # lambda: the last ``kept`` is the module's.
    assert uses(record) == {("KEPT", 8): "~KEPT", ("kept", 8): "~kept"}


def test_the_lines_that_may_hold_an_assignment_expression() -> None:
    """Numbered as Python numbers them and by ``\\n`` alone: a lone ``\\r`` ends a line
    for the one, not the other."""
    assert assignment_lines("a = 1\nb = 2\n") == ()
    assert assignment_lines("a = 1\nif (b := 2):\n    pass\n") == (2,)
    assert assignment_lines("a = 1\rb = 2\nc = (d := 3)\n") == (2, 3)
