"""Languages with a tree-sitter grammar: definitions with parents, uses, imports, errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import extract_one, index_tree

from xrefdoc.xref.index import Index

# (file name, source, expected (kind, qualname, line, end line), expected imports)
SNIPPETS = {
    "javascript": (
        "app.js",
        """\
        import util from './util.js';
        const fs = require('fs');
        class Engine {
          run() {
            return helper();
          }
        }
        function helper() { return new Engine(); }
        const arrow = () => 1;
        function View(name) { this.name = name; }
        View.prototype.render = function render(options) {
          return options;
        };
        res.send = function send(body) {};
        const MAX_AGE = 60, routes = { home: '/' };
        """,
        [
            ("class", "Engine", 3, 7),
            ("method", "Engine.run", 4, 6),
            ("function", "helper", 8, 8),
            ("function", "arrow", 9, 9),
            ("function", "View", 10, 10),
            ("method", "View.render", 11, 13),
            ("function", "send", 14, 14),
            ("constant", "MAX_AGE", 15, 15),
            ("variable", "routes", 15, 15),
        ],
        [("./util.js", 1), ("fs", 2)],
    ),
    "typescript": (
        "app.ts",
        """\
        import { Base } from './base';
        interface Shape { area(): number }
        export class Square extends Base implements Shape {
          area(): number { return 1; }
        }
        export function make(): Square { return new Square(); }
        """,
        [
            ("class", "Shape", 2, 2),
            ("method", "Shape.area", 2, 2),
            ("class", "Square", 3, 5),
            ("method", "Square.area", 4, 4),
            ("function", "make", 6, 6),
        ],
        [("./base", 1)],
    ),
    "tsx": (
        "view.tsx",
        """\
        import React from 'react';
        export function App() {
          return <div>hi</div>;
        }
        """,
        [("function", "App", 2, 4)],
        [("react", 1)],
    ),
    "c": (
        "src/main.c",
        """\
        #include "util.h"
        #include <stdio.h>
        struct point { int x; };
        int add(int a, int b);
        static int *make(void) { return 0; }
        int add(int a, int b) {
          return a + b;
        }
        """,
        [
            ("class", "point", 3, 3),
            ("field", "point.x", 3, 3),
            ("prototype", "add", 4, 4),
            ("function", "make", 5, 5),
            ("function", "add", 6, 8),
        ],
        [("util.h", 1)],
    ),
    "cpp": (
        "engine.cu",
        """\
        #include "engine.hpp"
        namespace ns {
        class Engine {
         public:
          void run() {}
          int stop();
        };
        int Engine::stop() { return 1; }
        __global__ void kernel(float *x) {}
        void launch(float *x) { kernel<<<1, 32>>>(x); }
        }
        """,
        [
            ("namespace", "ns", 2, 11),
            ("class", "ns.Engine", 3, 7),
            ("method", "ns.Engine.run", 5, 5),
            ("prototype", "ns.Engine.stop", 6, 6),
            ("method", "Engine.stop", 8, 8),
            ("function", "ns.kernel", 9, 9),
            ("function", "ns.launch", 10, 10),
        ],
        [("engine.hpp", 1)],
    ),
    "go": (
        "cmd/main.go",
        """\
        package main

        import (
        \t"fmt"
        \t"example.com/proj/util"
        )

        type Engine struct{}

        func (e *Engine) Run() {}

        func main() {
        \tfmt.Println(util.Name)
        }
        """,
        [
            ("class", "Engine", 8, 8),
            ("method", "Engine.Run", 10, 10),
            ("function", "main", 12, 14),
        ],
        [("fmt", 4), ("example.com/proj/util", 5)],
    ),
    "rust": (
        "src/main.rs",
        """\
        use crate::util::helper;
        mod util;
        struct Engine;
        impl Engine {
            fn run(&self) {}
        }
        fn main() {
            helper();
        }
        """,
        [
            ("namespace", "util", 2, 2),
            ("class", "Engine", 3, 3),
            ("impl", "Engine", 4, 6),
            ("method", "Engine.run", 5, 5),
            ("function", "main", 7, 9),
        ],
        [("crate::util::helper", 1), ("util", 2)],
    ),
    "java": (
        "src/com/x/Engine.java",
        """\
        package com.x;
        import com.x.util.Helper;
        public class Engine {
          public Engine() {}
          void run() { Helper.go(); }
        }
        """,
        [
            ("class", "Engine", 3, 6),
            ("method", "Engine.Engine", 4, 4),
            ("method", "Engine.run", 5, 5),
        ],
        [("com.x.util.Helper", 2)],
    ),
    "ruby": (
        "lib/engine.rb",
        """\
        require 'json'
        require_relative 'util'
        module Cars
          class Engine
            def run; end
            def self.build; end
          end
        end
        """,
        [
            ("class", "Cars", 3, 8),
            ("class", "Cars.Engine", 4, 7),
            ("method", "Cars.Engine.run", 5, 5),
            ("method", "Cars.Engine.build", 6, 6),
        ],
        [("json", 1), ("util", 2)],
    ),
    "bash": (
        "scripts/build.sh",
        """\
        source ./lib.sh
        function greet() { echo hi; }
        bye() { greet; }
        """,
        [("function", "greet", 2, 2), ("function", "bye", 3, 3)],
        [("./lib.sh", 1)],
    ),
}


@pytest.mark.parametrize("family", sorted(SNIPPETS))
def test_definitions_parents_and_imports(tmp_path: Path, family: str) -> None:
    name, source, definitions, imports = SNIPPETS[family]
    record = extract_one(tmp_path, name, source)
    assert record.family == family
    assert [(s.kind, s.qualname, s.line, s.end_line) for s in record.symbols] == definitions
    assert [(imp.module, imp.line) for imp in record.imports] == imports
    assert record.diagnostics == ()


@pytest.mark.parametrize("family", sorted(SNIPPETS))
def test_uses_are_textual_identifiers_with_columns(tmp_path: Path, family: str) -> None:
    name, source, definitions, _ = SNIPPETS[family]
    record = extract_one(tmp_path, name, source)
    assert record.references and not any(ref.exact for ref in record.references)
    text = (tmp_path / name).read_text(encoding="utf-8").split("\n")
    for ref in record.references:
        line = text[ref.line - 1].encode("utf-8")
        assert line[ref.column : ref.column + len(ref.name.encode())].decode() == ref.name
    first_defined = definitions[0][1].rpartition(".")[2]
    assert first_defined in {ref.name for ref in record.references}


MALFORMED = {
    "javascript": ("bad.js", "function ok() {}\nclass {{{ broken\n"),
    "c": ("bad.c", "int ok(void) { return 0; }\nint broken( {\n"),
    "go": ("bad.go", "package main\nfunc ok() {}\nfunc broken( {\n"),
    "rust": ("bad.rs", "fn ok() {}\nfn broken( {\n"),
    "java": ("Bad.java", "class Ok { void ok() {} }\nclass {\n"),
    "ruby": ("bad.rb", "def ok; end\ndef broken(\n"),
    "bash": ("bad.sh", "ok() { echo; }\nbroken() {\n"),
}


@pytest.mark.parametrize("family", sorted(MALFORMED))
def test_malformed_file_keeps_what_the_grammar_recovers_with_a_note(
    tmp_path: Path, family: str
) -> None:
    name, source = MALFORMED[family]
    record = extract_one(tmp_path, name, source)
    assert "ok" in {symbol.name for symbol in record.symbols}
    (diagnostic,) = record.diagnostics
    assert "syntax error" in diagnostic.message and diagnostic.line is not None


def test_language_without_a_grammar_falls_back_to_lexer_tokens(tmp_path: Path) -> None:
    record = extract_one(tmp_path, "script.lua", "function greet(name)\n  print(name)\nend\n")
    assert record.language == "Lua" and record.family == "text"
    assert record.symbols == ()
    assert "greet" in {ref.name for ref in record.references}


def test_shebang_picks_the_grammar(tmp_path: Path) -> None:
    record = extract_one(tmp_path, "tool", "#!/usr/bin/env bash\nmain() { echo; }\n")
    assert record.family == "bash"
    assert [s.name for s in record.symbols] == ["main"]


def resolved(index: Index, path: str) -> list[str | None]:
    return [target.module for target in index.import_targets[path]]


def test_includes_and_imports_resolve_to_tree_files(tmp_path: Path) -> None:
    index = index_tree(
        tmp_path,
        {
            "include/proj/util.h": "int util(void);\n",
            "src/main.c": '#include "proj/util.h"\n#include "local.h"\n',
            "src/local.h": "#define X 1\n",
            "web/app.js": "import a from './lib/a';\nimport b from 'react';\n",
            "web/lib/a.ts": "export const a = 1;\n",
            "go.mod": "module example.com/proj\n",
            "cmd/main.go": 'package main\nimport "example.com/proj/util"\n',
            "util/util.go": "package util\n",
            "util/util_test.go": "package util\n",
            "src/lib.rs": "mod engine;\nuse crate::engine::run;\n",
            "src/engine/mod.rs": "pub fn run() {}\n",
            "java/com/x/Engine.java": "package com.x;\nimport com.x.util.Helper;\n",
            "java/com/x/util/Helper.java": "package com.x.util;\nclass Helper {}\n",
            "lib/engine.rb": "require_relative 'util'\nrequire 'json'\n",
            "lib/util.rb": "module Util; end\n",
            "scripts/run.sh": "source ./common.sh\n",
            "scripts/common.sh": "x=1\n",
        },
    )
    assert resolved(index, "src/main.c") == ["include/proj/util.h", "src/local.h"]
    assert resolved(index, "web/app.js") == ["web/lib/a.ts", None]
    assert resolved(index, "cmd/main.go") == ["util/util.go"]
    assert resolved(index, "src/lib.rs") == ["src/engine/mod.rs", "src/engine/mod.rs"]
    assert resolved(index, "java/com/x/Engine.java") == ["java/com/x/util/Helper.java"]
    assert resolved(index, "lib/engine.rb") == ["lib/util.rb", None]
    assert resolved(index, "scripts/run.sh") == ["scripts/common.sh"]


def test_other_languages_definitions_feed_the_index(tmp_path: Path) -> None:
    index = index_tree(
        tmp_path,
        {
            "engine.js": "class Engine { run() {} }\n",
            "main.js": "import { Engine } from './engine.js';\nnew Engine().run();\n",
        },
    )
    assert [d.qualname for d in index.definitions["Engine"]] == ["engine.js:Engine"]
    uses = {(use.path, use.line) for use in index.uses["Engine"]}
    assert ("main.js", 2) in uses
    assert all(use.definition is None for use in index.uses["Engine"]), "textual matches"


def test_cpp_operators_destructors_export_macros_and_specialisations(tmp_path: Path) -> None:
    record = extract_one(
        tmp_path,
        "api.hpp",
        """\
        struct API Approx {
          bool operator!=(const Approx&) const { return false; }
          ~Approx() {}
        };
        template <typename T> struct Format {};
        template <> struct Format<double> { static double ten(); };
        template <>
        inline double
        Format<double>::ten() { return 10; }
        INLINE_MACRO info_t *
        lookup(int key) {
          return 0;
        }
        int prototype(int key);
        """,
    )
    assert [(s.kind, s.qualname, s.line) for s in record.symbols] == [
        ("class", "Approx", 1),
        ("method", "Approx.operator !=", 2),
        ("method", "Approx.~Approx", 3),
        ("class", "Format", 5),
        ("class", "Format", 6),
        ("prototype", "Format.ten", 6),
        ("method", "Format.ten", 9),
        ("function", "lookup", 11),
        ("prototype", "prototype", 14),
    ]


def test_cpp_macros_do_not_hide_the_definitions_after_them(tmp_path: Path) -> None:
    """Real doctest/nlohmann shapes: a macro invoked at file scope, namespace macros alone
    on their lines, export and attribute macros. tree-sitter alone loses ``Timer``."""
    record = extract_one(
        tmp_path,
        "test.h",
        """\
        #define DOCTEST_INTERFACE
        #define DOCTEST_NOEXCEPT
        #define DEFINE_DECORATOR(name, type, def) struct name { type data; }
        NLOHMANN_JSON_NAMESPACE_BEGIN
        DEFINE_DECORATOR(test_suite, const char*, "");
        DEFINE_DECORATOR(skip, bool, true);
        class DOCTEST_INTERFACE Context {
        public:
          int run() DOCTEST_NOEXCEPT { return 0; }
        };
        DOCTEST_NORETURN void fail() { throw 1; }
        struct Timer { long ticks(); };
        long Timer::ticks() { return 0; }
        NLOHMANN_JSON_NAMESPACE_END
        """,
    )
    assert [(s.kind, s.qualname, s.line) for s in record.symbols] == [
        ("macro", "DOCTEST_INTERFACE", 1),
        ("macro", "DOCTEST_NOEXCEPT", 2),
        ("macro", "DEFINE_DECORATOR", 3),
        ("class", "Context", 7),
        ("method", "Context.run", 9),
        ("function", "fail", 11),
        ("class", "Timer", 12),
        ("prototype", "Timer.ticks", 12),
        ("method", "Timer.ticks", 13),
    ]
    assert {"DOCTEST_INTERFACE", "DEFINE_DECORATOR", "test_suite"} <= {
        ref.name for ref in record.references
    }, "uses still come from the file as written"


def test_javascript_class_expressions_and_constructors(tmp_path: Path) -> None:
    """webpack's shapes: ``X.Template = class Impl`` names the class twice; a constructor
    is a method; ``module.exports = class`` is the class under its own name only."""
    record = extract_one(
        tmp_path,
        "dep.js",
        """\
        class CssUrlDependency {
          constructor(request) { this.request = request; }
        }
        CssUrlDependency.Template = class CssUrlDependencyTemplate extends Base {
          apply(source) {}
        };
        module.exports = class ResolverFactory {};
        """,
    )
    assert [(s.kind, s.qualname, s.line) for s in record.symbols] == [
        ("class", "CssUrlDependency", 1),
        ("method", "CssUrlDependency.constructor", 2),
        ("class", "CssUrlDependency.Template", 4),
        ("class", "CssUrlDependencyTemplate", 4),
        ("method", "CssUrlDependencyTemplate.apply", 5),
        ("class", "ResolverFactory", 7),
    ]


def test_zsh_function_heads_survive_what_the_bash_grammar_cannot_read(tmp_path: Path) -> None:
    """ripgrep's ci/test-complete: zsh expansions turn a function into a Bash parse error;
    its head is still a definition."""
    record = extract_one(
        tmp_path,
        "ci/test-complete",
        """\
        #!/usr/bin/env zsh
        get_comp_args() {
            ( _RG_COMPLETE_LIST_ARGS=1 source $1 )
        }
        main() {
            [[ -e $rg ]] || {
                print -ru2 - "${ZSH_ARGZERO:t}: rg not found: $rg"
                return 1
            }
            help_args=( ${(f)"$(
                $rg --help
            )"} )
        }
        main "$@"
        """,
    )
    assert [(s.kind, s.name, s.line) for s in record.symbols] == [
        ("function", "get_comp_args", 2),
        ("function", "main", 5),
    ]
    assert record.diagnostics and "syntax error" in record.diagnostics[0].message
