"""Uses outside Python: a name's one macro, enumerator or constant links exactly; a member
use of unknown type means fields and methods only; the new kinds stay in their language."""

from __future__ import annotations

from pathlib import Path

from helpers import index_tree

from xrefdoc.xref.index import Index, Use, textual_candidates

TREE: dict[str, str | bytes] = {
    "c/store.h": """\
        #define STORE_MAX 64
        enum mode { MODE_FAST, MODE_SAFE };
        struct store { int data; int mode; };
        int store_size(struct store *s);
        """,
    "c/store.c": """\
        #include "store.h"
        int data(void) { return STORE_MAX; }
        int store_size(struct store *s) { return s->data + MODE_FAST; }
        int peek(void *p) { return ((struct other *)p)->data + unknown->data; }
        """,
    "c/other.c": """\
        #define LOCAL_LIMIT 8
        #define T 1
        int other(void) { return LOCAL_LIMIT; }
        """,
    "c/user.cc": "template <typename T> T twice(T v) { return v + LOCAL_LIMIT; }\n",
    "web/store.js": "class Store {\n  data = 1;\n  mode = 'fast';\n}\n",
    "app.py": "def show(record):\n    return record.data, record.mode\n",
}


def uses_on(index: Index, path: str, line: int, name: str) -> list[Use]:
    return [use for use in index.uses_in[path] if use.line == line and use.name == name]


def test_a_unique_macro_and_enumerator_link_exactly(tmp_path: Path) -> None:
    index = index_tree(tmp_path, TREE)
    [macro] = uses_on(index, "c/store.c", 2, "STORE_MAX")
    assert macro.definition is not None and macro.definition.path == "c/store.h"
    assert macro.definition.symbol.kind == "macro"
    [enumerator] = uses_on(index, "c/store.c", 3, "MODE_FAST")
    assert enumerator.definition is not None
    assert enumerator.definition.qualname == "c/store.h:mode.MODE_FAST"


def test_a_source_file_s_macro_links_exactly_only_in_that_file(tmp_path: Path) -> None:
    index = index_tree(tmp_path, TREE)
    [own] = uses_on(index, "c/other.c", 3, "LOCAL_LIMIT")
    assert own.definition is not None and own.definition.path == "c/other.c"
    # Another file cannot include a .c file's macros, and ``T`` is a template parameter.
    [elsewhere] = uses_on(index, "c/user.cc", 1, "LOCAL_LIMIT")
    assert elsewhere.definition is None
    assert all(use.definition is None for use in index.uses_in["c/user.cc"] if use.name == "T")


def test_a_member_of_a_declared_type_links_to_its_field(tmp_path: Path) -> None:
    index = index_tree(tmp_path, TREE)
    [field] = uses_on(index, "c/store.c", 3, "data")
    assert field.definition is not None
    assert field.definition.qualname == "c/store.h:store.data"


def test_a_member_of_unknown_type_means_fields_of_its_language_only(tmp_path: Path) -> None:
    index = index_tree(tmp_path, TREE)
    casts, unknown = uses_on(index, "c/store.c", 4, "data")
    # ``struct other`` has no field data: a textual member use, as is ``unknown->data``.
    for use in (casts, unknown):
        assert use.definition is None and use.member
        assert [d.qualname for d in textual_candidates(index, use)] == ["c/store.h:store.data"], (
            "not the function data() of store.c, not the JavaScript field"
        )


def test_python_uses_do_not_mean_fields_of_other_languages(tmp_path: Path) -> None:
    index = index_tree(tmp_path, TREE)
    # A class or function of any language may be meant (a binding); a field is not.
    [data] = uses_on(index, "app.py", 2, "data")
    assert [d.qualname for d in textual_candidates(index, data)] == ["c/store.c:data"]
    [mode] = uses_on(index, "app.py", 2, "mode")
    assert [d.qualname for d in textual_candidates(index, mode)] == ["c/store.h:mode"]


GO_TREE: dict[str, str | bytes] = {
    "server/config.go": """\
        package server

        type Config struct {
        \tName string
        \tnext *Config
        }
        """,
    "server/run.go": """\
        package server

        import "fmt"

        func (c *Config) Run(other *Config) {
        \tfmt.Println(c.Name, other.next.Name)
        }
        """,
    "client/config.go": "package client\n\ntype Config struct {\n\tName string\n}\n",
}


def test_a_go_member_of_a_written_type_links_to_its_package_s_field(tmp_path: Path) -> None:
    index = index_tree(tmp_path, GO_TREE)
    receiver, chained = uses_on(index, "server/run.go", 6, "Name")
    for use in (receiver, chained):
        assert use.definition is not None, use
        assert use.definition.qualname == "server/config.go:Config.Name", "not client's"
    [through] = uses_on(index, "server/run.go", 6, "next")
    assert through.definition is not None and through.definition.symbol.kind == "field"
    # A package's function: nothing says what fmt is, so no member restriction.
    assert all(use.definition is None for use in uses_on(index, "server/run.go", 6, "Println"))


def test_scoped_names_of_other_languages_are_textual_matches(tmp_path: Path) -> None:
    index = index_tree(
        tmp_path,
        {
            "src/lowargs.rs": "pub enum EncodingMode {\n    Some(String),\n    Auto,\n}\n",
            "src/build.rs": "fn main() {\n    let x = Some(1);\n}\n",
            "a/enum.ts": "enum Colors { Red, Green }\n",
            "b/enum.ts": "const MyEnum = { Values: { Red: 1 } };\nMyEnum.Values.Red;\n",
        },
    )
    assert all(use.definition is None for use in uses_on(index, "src/build.rs", 2, "Some"))
    assert all(use.definition is None for use in uses_on(index, "b/enum.ts", 2, "Red"))


def test_typedefs_that_name_each_other_lead_nowhere_quickly(tmp_path: Path) -> None:
    headers = {f"h{n}.h": "typedef struct A B;\ntypedef struct B A;\n" for n in range(4)}
    index = index_tree(tmp_path, {**headers, "u.c": "int f(B *p) { return p->x + p->y; }\n"})
    assert all(use.definition is None for use in index.uses_in["u.c"])


def test_a_go_closure_sees_the_types_of_its_function(tmp_path: Path) -> None:
    index = index_tree(
        tmp_path,
        {
            "srv/engine.go": """\
                package srv

                type Engine struct {
                \tName string
                }

                func Serve(e *Engine) func() string {
                \treturn func() string { return e.Name }
                }
                """,
        },
    )
    [use] = uses_on(index, "srv/engine.go", 8, "Name")
    assert use.definition is not None and use.definition.qualname == "srv/engine.go:Engine.Name"


def test_a_cpp_method_use_leads_to_its_body_not_its_declaration(tmp_path: Path) -> None:
    index = index_tree(
        tmp_path,
        {
            "e.h": "class Engine {\n public:\n  int count;\n  int run();\n};\n",
            "e.cc": '#include "e.h"\nint Engine::run() { return this->count; }\n',
            "main.cc": '#include "e.h"\nint go(Engine *e) { return e->run(); }\n',
        },
    )
    [call] = uses_on(index, "main.cc", 2, "run")
    assert call.definition is not None
    assert (call.definition.path, call.definition.symbol.kind) == ("e.cc", "method")
    [field] = uses_on(index, "e.cc", 2, "count")
    assert field.definition is not None and field.definition.qualname == "e.h:Engine.count"
