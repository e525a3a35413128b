"""The type hierarchy: bases, subclasses across files, and overrides."""

from __future__ import annotations

from pathlib import Path

import pytest
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


def tree_of(tmp_path: Path, files: dict[str, str]) -> tuple[Index, TypeHierarchy]:
    index = index_tree(tmp_path, files)
    return index, TypeHierarchy(index)


def by_path(index: Index, path: str, qualname: str) -> Definition:
    return next(d for d in index.definitions_in[path] if d.symbol.qualname == qualname)


def test_cpp_subclasses_across_headers_and_overrides(tmp_path: Path) -> None:
    index, hierarchy = tree_of(
        tmp_path,
        {
            "include/shape.h": "class Shape {\n public:\n  virtual double area() const;\n};\n",
            "include/circle.h": (
                '#include "shape.h"\n'
                "class Circle : public Shape {\n public:\n  double area() const override;\n};\n"
            ),
            "src/circle.cc": '#include "circle.h"\ndouble Circle::area() const { return 3.14; }\n',
        },
    )
    shape = by_path(index, "include/shape.h", "Shape")
    assert [d.path for d in hierarchy.subclasses(shape)] == ["include/circle.h"]
    # Named by its name alone in the C++ files: a link marked inexact.
    [(_, link)] = hierarchy.subclass_links(shape)
    assert link.exact is False
    body = by_path(index, "src/circle.cc", "Circle.area")
    overridden = hierarchy.overrides(body)
    assert overridden is not None and overridden.qualname == "include/shape.h:Shape.area"
    in_subclasses = hierarchy.overridden_in(by_path(index, "include/shape.h", "Shape.area"))
    assert [d.qualname for d in in_subclasses] == ["include/circle.h:Circle.area"]


def test_java_extends_and_implements_in_one_package(tmp_path: Path) -> None:
    index, hierarchy = tree_of(
        tmp_path,
        {
            "src/org/junit/Runner.java": "public abstract class Runner { void run() {} }\n",
            "src/org/junit/Filterable.java": "public interface Filterable { void filter(); }\n",
            "src/org/junit/Suite.java": (
                "public class Suite extends Runner implements Filterable, Serializable {\n"
                "  void run() {}\n  public void filter() {}\n}\n"
            ),
        },
    )
    suite = by_path(index, "src/org/junit/Suite.java", "Suite")
    assert [b if isinstance(b, str) else b.qualname for b in hierarchy.bases(suite)] == [
        "src/org/junit/Runner.java:Runner",
        "src/org/junit/Filterable.java:Filterable",
        "Serializable",
    ]
    # One package: the compiler's own resolution, exact.
    assert all(link.exact for link in hierarchy.base_links(suite) if link.definition)
    run = hierarchy.overrides(by_path(index, "src/org/junit/Suite.java", "Suite.run"))
    assert run is not None and run.qualname == "src/org/junit/Runner.java:Runner.run"


def test_typescript_and_ruby_subclasses(tmp_path: Path) -> None:
    index, hierarchy = tree_of(
        tmp_path,
        {
            "src/types.ts": (
                "export interface Schema { parse(x: unknown): unknown }\n"
                "export abstract class ZodType implements Schema {\n"
                "  parse(x: unknown) { return x }\n}\n"
                "export class ZodString extends ZodType {}\n"
            ),
            "lib/rack/base.rb": "module Rack\n  class Base\n  end\nend\n",
            "lib/rack/request.rb": "module Rack\n  class Request < Base\n  end\nend\n",
        },
    )
    schema = by_path(index, "src/types.ts", "Schema")
    assert [(depth, d.qualname) for depth, d in hierarchy.all_subclasses(schema)] == [
        (1, "src/types.ts:ZodType"),
        (2, "src/types.ts:ZodString"),
    ]
    base = by_path(index, "lib/rack/base.rb", "Rack.Base")
    assert [d.qualname for d in hierarchy.subclasses(base)] == ["lib/rack/request.rb:Rack.Request"]


def test_rust_trait_impls_make_their_type_a_subclass(tmp_path: Path) -> None:
    index, hierarchy = tree_of(
        tmp_path,
        {
            "src/ser.rs": "pub trait Serialize {\n    fn serialize(&self);\n}\n",
            "src/json.rs": (
                "pub struct Json;\n"
                "impl Json {\n    fn serialize(&self) {}\n}\n"
                "impl Serialize for Json {\n    fn serialize(&self) {}\n}\n"
                "impl Serialize for Vec<u8> {\n    fn serialize(&self) {}\n}\n"
            ),
        },
    )
    trait = by_path(index, "src/ser.rs", "Serialize")
    # The struct in the tree; a type from outside it (``Vec``) is its ``impl`` block.
    assert [(d.symbol.kind, d.qualname) for d in hierarchy.subclasses(trait)] == [
        ("class", "src/json.rs:Json"),
        ("impl", "src/json.rs:Vec"),
    ]
    implementations = hierarchy.overridden_in(by_path(index, "src/ser.rs", "Serialize.serialize"))
    # The trait's method in each impl of it, not the inherent ``impl Json``'s (line 3).
    assert [(d.qualname, d.symbol.line) for d in implementations] == [
        ("src/json.rs:Json.serialize", 6),
        ("src/json.rs:Vec.serialize", 9),
    ]


GIN = """\
package gin

type Engine struct{}

func (engine *Engine) ServeHTTP(w ResponseWriter, req *Request) {}
func (engine *Engine) Run() error { return nil }

type Context struct{}

func (c *Context) Next() {}
"""

HANDLER = """\
package gin

type Handler interface {
\tServeHTTP(w ResponseWriter, req *Request)
}

type Runner interface {
\tHandler
\tRun() error
}
"""


def test_go_types_implement_interfaces_their_methods_cover(tmp_path: Path) -> None:
    index, hierarchy = tree_of(tmp_path, {"gin.go": GIN, "handler.go": HANDLER})
    handler = by_path(index, "handler.go", "Handler")
    # Runner embeds Handler (written); Engine has Handler's methods, and Runner's too.
    assert [d.qualname for d in hierarchy.subclasses(handler)] == [
        "gin.go:Engine",
        "handler.go:Runner",
    ]
    engine = by_path(index, "gin.go", "Engine")
    assert [b if isinstance(b, str) else b.qualname for b in hierarchy.bases(engine)] == [
        "handler.go:Handler",
        "handler.go:Runner",
    ]
    # By method names: marked inexact.
    assert not any(link.exact for link in hierarchy.base_links(engine))
    serve = hierarchy.overrides(by_path(index, "gin.go", "Engine.ServeHTTP"))
    assert serve is not None and serve.qualname == "handler.go:Handler.ServeHTTP"
    assert hierarchy.bases(by_path(index, "gin.go", "Context")) == []


def test_bases_are_resolved_once_and_then_answer_without_resolving(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``resolve`` (run before the symbol data's workers fork) leaves nothing for a query
    to resolve; a query with nothing resolved yet resolves it all."""
    index = tree(tmp_path)
    hierarchy = TypeHierarchy(index)
    hierarchy.resolve()
    monkeypatch.setattr(TypeHierarchy, "_add_bases", _resolving_again)
    command = named(index, "pkg.core.Command")
    assert "pkg.core.Group" in names(list(hierarchy.subclasses(command)))
    fresh = TypeHierarchy(index)
    with pytest.raises(AssertionError, match="resolved again"):
        fresh.subclasses(command)


def _resolving_again(self: TypeHierarchy, definition: Definition) -> None:
    raise AssertionError("resolved again")
