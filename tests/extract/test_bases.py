"""Inheritance written in the syntax of the tree-sitter languages: each class's bases as a
reader names them (C++ base clauses, Java and TypeScript extends and implements, Ruby's
superclass and included modules, Rust's trait impls and supertraits, Go's embedded
interfaces)."""

from __future__ import annotations

from pathlib import Path

from helpers import extract_one


def bases(tmp_path: Path, name: str, source: str) -> list[tuple[str, str, tuple[str, ...]]]:
    record = extract_one(tmp_path, name, source)
    assert record.diagnostics == ()
    return [(s.kind, s.qualname, s.bases) for s in record.symbols if s.bases]


def test_cpp_base_clauses(tmp_path: Path) -> None:
    assert bases(
        tmp_path,
        "shapes.h",
        """\
        namespace geo {
        class Shape { public: virtual double area() const = 0; };
        class Circle : public Shape, private detail::Counted<Circle> {
          double area() const override;
        };
        struct Square final : Shape {};
        template <typename T> class Box : public std::vector<T> {};
        }
        """,
    ) == [
        ("class", "geo.Circle", ("Shape", "detail::Counted")),
        ("class", "geo.Square", ("Shape",)),
        ("class", "geo.Box", ("std::vector",)),
    ]


def test_java_extends_and_implements(tmp_path: Path) -> None:
    assert bases(
        tmp_path,
        "src/org/junit/runners/Suite.java",
        """\
        public class Suite extends ParentRunner<Runner>
            implements Filterable, java.io.Serializable {
          interface Builder extends Comparable<Builder>, Cloneable {}
          enum Mode implements Builder { FAST }
          record Pair(int a) implements Builder {}
        }
        """,
    ) == [
        ("class", "Suite", ("ParentRunner", "Filterable", "java.io.Serializable")),
        ("class", "Suite.Builder", ("Comparable", "Cloneable")),
        ("class", "Suite.Mode", ("Builder",)),
        ("class", "Suite.Pair", ("Builder",)),
    ]


def test_typescript_and_javascript_extends_and_implements(tmp_path: Path) -> None:
    assert bases(
        tmp_path,
        "src/types.ts",
        """\
        export interface ZodTypeDef extends Base, ns.Described<string> {}
        export abstract class ZodType<T> extends core.Schema<T> implements ZodTypeDef {}
        export class ZodString extends ZodType<string> {}
        """,
    ) == [
        ("class", "ZodTypeDef", ("Base", "ns.Described")),
        ("class", "ZodType", ("core.Schema", "ZodTypeDef")),
        ("class", "ZodString", ("ZodType",)),
    ]
    assert bases(
        tmp_path,
        "lib/router.js",
        "class Router extends EventEmitter {}\nclass Route extends mixin(Base) {}\n",
    ) == [("class", "Router", ("EventEmitter",))]


def test_ruby_superclass_and_included_modules(tmp_path: Path) -> None:
    assert bases(
        tmp_path,
        "lib/rack/request.rb",
        """\
        module Rack
          class Request < Base
            include Env
            include Helpers::Query
          end
          module Helpers
            include Enumerable
          end
        end
        """,
    ) == [
        ("class", "Rack.Request", ("Base", "Env", "Helpers::Query")),
        ("class", "Rack.Helpers", ("Enumerable",)),
    ]


def test_rust_trait_impls_and_supertraits(tmp_path: Path) -> None:
    assert bases(
        tmp_path,
        "src/de.rs",
        """\
        pub trait Deserializer<'de>: Sized + fmt::Debug {}
        pub struct Json;
        impl<'de> Deserializer<'de> for Json {}
        impl fmt::Display for Json {}
        impl Json {}
        """,
    ) == [
        ("class", "Deserializer", ("Sized", "fmt::Debug")),
        # Each ``impl`` of a trait is named after its type; an inherent one has no bases.
        ("impl", "Json", ("Deserializer",)),
        ("impl", "Json", ("fmt::Display",)),
    ]


def test_go_embedded_interfaces(tmp_path: Path) -> None:
    record = extract_one(
        tmp_path,
        "render/render.go",
        """\
        package render

        type Render interface {
        \tio.Writer
        \tCloser
        \tRender(http.ResponseWriter) error
        }

        type Number interface { int | float64 }
        """,
    )
    assert [(s.qualname, s.bases) for s in record.symbols if s.kind == "class"] == [
        ("Render", ("io.Writer", "Closer")),
        ("Number", ()),
    ]
