"""Go and Rust definitions a reader looks up: fields, interface method specs, constants and
variables, type aliases, enum variants, trait signatures, impl blocks and macros, each at
the line Universal Ctags gives it, and the locals a function declares left out."""

from __future__ import annotations

from pathlib import Path

from helpers import extract_one

GO_SERVER = """\
package server

import (
\t"io"
\t"net/http"
)

const Version = "1.4.0"

type Mode int

const (
\tModeDebug Mode = iota
\tModeRelease
\tModeTest
)

var (
\tErrClosed       = errors.New("server closed")
\tmaxConns, hits  = 64, 0
)

var _ http.Handler = (*Server)(nil)

type HandlerFunc = func(w http.ResponseWriter, r *http.Request)

type Server struct {
\tio.Writer
\t*Logger
\tAddr         string
\tReadTimeout, WriteTimeout time.Duration
\tonShutdown   []func()
}

type Router interface {
\tio.Closer
\tHandle(pattern string, h http.Handler)
\tRoutes() []string
}

func (s *Server) ListenAndServe() error {
\tconst retries = 3
\tvar attempts int
\ttype state struct{ open bool }
\thandler := func(w http.ResponseWriter, r *http.Request) {
\t\tvar body []byte
\t\t_ = body
\t}
\t_ = handler
\treturn nil
}

func Serve(addr string, onError func(err error)) error { return nil }
"""


def test_go_fields_method_specs_constants_variables_and_aliases(tmp_path: Path) -> None:
    record = extract_one(tmp_path, "server/server.go", GO_SERVER)
    assert [(s.kind, s.qualname, s.line) for s in record.symbols] == [
        ("constant", "Version", 8),
        ("class", "Mode", 10),
        ("constant", "ModeDebug", 13),
        ("constant", "ModeRelease", 14),
        ("constant", "ModeTest", 15),
        ("variable", "ErrClosed", 19),
        ("variable", "maxConns", 20),
        ("variable", "hits", 20),
        ("type", "HandlerFunc", 25),
        ("class", "Server", 27),
        ("field", "Server.Writer", 28),
        ("field", "Server.Logger", 29),
        ("field", "Server.Addr", 30),
        ("field", "Server.ReadTimeout", 31),
        ("field", "Server.WriteTimeout", 31),
        ("field", "Server.onShutdown", 32),
        ("class", "Router", 35),
        ("method", "Router.Handle", 37),
        ("method", "Router.Routes", 38),
        ("method", "Server.ListenAndServe", 41),
        ("function", "Serve", 53),
    ]


def test_go_generic_receiver_ties_the_method_to_its_type(tmp_path: Path) -> None:
    source = """\
package list

type List[T any] struct {
\titems []T
}

func (l *List[T]) Push(item T) { l.items = append(l.items, item) }

func (l List[T]) Len() int { return len(l.items) }
"""
    record = extract_one(tmp_path, "list/list.go", source)
    assert [(s.kind, s.qualname, s.line) for s in record.symbols] == [
        ("class", "List", 3),
        ("field", "List.items", 4),
        ("method", "List.Push", 7),
        ("method", "List.Len", 9),
    ]


RUST_SHAPES = """\
use std::fmt;

pub const MAX_SIDES: usize = 12;
static GREETING: &str = "hello";
pub type Result<T> = std::result::Result<T, Error>;

macro_rules! square {
    ($x:expr) => {
        $x * $x
    };
}

pub struct Point {
    pub x: f64,
    pub y: f64,
}

pub enum Shape {
    Circle { center: Point, radius: f64 },
    Polygon(Vec<Point>),
    Empty,
}

pub trait Area {
    const UNIT: &'static str;
    type Output;
    fn area(&self) -> Self::Output;
    fn describe(&self) -> String {
        String::from("shape")
    }
}

impl Shape {
    pub fn circle(radius: f64) -> Self {
        const ORIGIN: Point = Point { x: 0.0, y: 0.0 };
        static CALLS: u32 = 0;
        type Radius = f64;
        let scale = |factor: f64| factor * radius;
        Shape::Circle { center: ORIGIN, radius: scale(1.0) }
    }
}

impl Area for Shape {
    const UNIT: &'static str = "m2";
    type Output = f64;
    fn area(&self) -> f64 {
        0.0
    }
}

impl<'a> fmt::Display for &'a Point {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "({}, {})", self.x, self.y)
    }
}

impl Area for () {
    const UNIT: &'static str = "";
    type Output = ();
    fn area(&self) {}
}
"""


def test_rust_items_fields_variants_traits_and_impls(tmp_path: Path) -> None:
    record = extract_one(tmp_path, "src/shapes.rs", RUST_SHAPES)
    assert [(s.kind, s.qualname, s.line) for s in record.symbols] == [
        ("constant", "MAX_SIDES", 3),
        ("constant", "GREETING", 4),  # a static, in capitals as every language's constants
        ("type", "Result", 5),
        ("macro", "square", 7),
        ("class", "Point", 13),
        ("field", "Point.x", 14),
        ("field", "Point.y", 15),
        ("class", "Shape", 18),
        ("enumerator", "Shape.Circle", 19),
        ("enumerator", "Shape.Polygon", 20),
        ("enumerator", "Shape.Empty", 21),
        ("class", "Area", 24),
        ("constant", "Area.UNIT", 25),
        ("type", "Area.Output", 26),
        ("method", "Area.area", 27),
        ("method", "Area.describe", 28),
        ("impl", "Shape", 33),
        ("method", "Shape.circle", 34),
        ("impl", "Shape", 43),
        ("constant", "Shape.UNIT", 44),
        ("type", "Shape.Output", 45),
        ("method", "Shape.area", 46),
        # Named after the type behind the reference, as ctags names it.
        ("impl", "Point", 51),
        ("method", "Point.fmt", 52),
        # A unit type has no name: ctags names the impl after its trait.
        ("impl", "Area", 57),
        ("constant", "Area.UNIT", 58),
        ("type", "Area.Output", 59),
        ("method", "Area.area", 60),
    ]


def test_rust_lowercase_static_is_a_variable(tmp_path: Path) -> None:
    source = 'static mut counter: u32 = 0;\nconst default_name: &str = "main";\n'
    record = extract_one(tmp_path, "src/state.rs", source)
    assert [(s.kind, s.qualname, s.line) for s in record.symbols] == [
        ("variable", "counter", 1),
        ("constant", "default_name", 2),
    ]


def test_rust_impl_in_a_function_keeps_its_members(tmp_path: Path) -> None:
    """An ``impl`` in a function (serde's visitors) is no local: its associated type and
    methods are its type's, where the function's own ``const`` is a local."""
    source = """\
fn deserialize_vec<D: Deserializer>(deserializer: D) -> Vec<u8> {
    const LIMIT: usize = 4096;
    struct VecVisitor;

    impl Visitor for VecVisitor {
        type Value = Vec<u8>;
        fn visit_seq(self) -> Self::Value {
            Vec::new()
        }
    }
    deserializer.deserialize_seq(VecVisitor)
}
"""
    record = extract_one(tmp_path, "src/de.rs", source)
    assert [(s.kind, s.qualname, s.line) for s in record.symbols] == [
        ("function", "deserialize_vec", 1),
        ("class", "deserialize_vec.VecVisitor", 3),
        ("impl", "deserialize_vec.VecVisitor", 5),
        ("type", "deserialize_vec.VecVisitor.Value", 6),
        ("method", "deserialize_vec.VecVisitor.visit_seq", 7),
    ]


def test_go_and_rust_locals_stay_out(tmp_path: Path) -> None:
    """What a function or a closure declares, and a callback's parameters, define nothing
    a reader looks up from elsewhere."""
    go = extract_one(tmp_path, "server/server.go", GO_SERVER)
    rust = extract_one(tmp_path, "src/shapes.rs", RUST_SHAPES)
    go_names = {s.name for s in go.symbols}
    rust_names = {s.name for s in rust.symbols}
    assert not go_names & {"retries", "attempts", "state", "open", "handler", "body", "_"}
    assert not go_names & {"w", "r", "err", "onError", "addr"}
    assert not rust_names & {"ORIGIN", "CALLS", "Radius", "scale", "factor", "radius"}


def test_a_rust_module_is_a_namespace_whose_functions_stay_functions(tmp_path: Path) -> None:
    record = extract_one(
        tmp_path,
        "src/lib.rs",
        """\
        mod tests {
            fn parses() {}
            struct Probe;
        }
        """,
    )
    assert [(s.kind, s.qualname, s.line) for s in record.symbols] == [
        ("namespace", "tests", 1),
        ("function", "tests.parses", 2),
        ("class", "tests.Probe", 3),
    ]


def test_a_rust_impl_whose_type_wraps_is_at_the_impl_line(tmp_path: Path) -> None:
    record = extract_one(
        tmp_path,
        "src/walk.rs",
        """\
        impl<'s, P: ParallelVisitorBuilder<'s>>
            Builder<'s> for FnBuilder<P>
        {
            fn build(&mut self) {}
        }
        """,
    )
    assert [(s.kind, s.qualname, s.line) for s in record.symbols] == [
        ("impl", "FnBuilder", 1),
        ("method", "FnBuilder.build", 4),
    ]
