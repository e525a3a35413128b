"""The ctags recall bench (``bench/ctags_recall.py``): which ctags tags it counts as definitions,
which it sets aside and why (an include guard, a package clause), and how it tallies xrefdoc's
answers per kind. The tests that run Universal Ctags skip when it is not installed."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from helpers import load_bench, write_tree

bench = load_bench("ctags_recall")


def universal_ctags() -> bool:
    if shutil.which("ctags") is None:
        return False
    version = subprocess.run(["ctags", "--version"], capture_output=True, text=True).stdout
    return "Universal Ctags" in version


needs_ctags = pytest.mark.skipif(not universal_ctags(), reason="Universal Ctags is not installed")

COUNTER_H = """
/*
 * counter.h: a bounded counter.
 */

#ifndef COUNTER_H
#define COUNTER_H

#include <stddef.h>

#define COUNTER_MAX 64
#define COUNTER_FULL(c) ((c)->count >= COUNTER_MAX)

enum counter_state { COUNTER_EMPTY, COUNTER_PARTIAL };

typedef struct counter {
    size_t count;
    enum counter_state state;
} Counter;

extern int counter_total;

int counter_add(Counter *c, int n);

#endif
"""

COUNTER_C = """
#include "counter.h"

int counter_total = 0;

int counter_add(Counter *c, int n) {
    typedef int step_t;
    step_t step = 1;
    if (COUNTER_FULL(c))
        goto full;
    c->count += n * step;
    counter_total += n;
    return 0;
full:
    return -1;
}
"""

COUNTER_GO = """
package counter

import str "strings"

// Counter counts words.
type Counter struct {
    Count int
}

func (c *Counter) Add(text string) {
    words := str.Fields(text)
    c.Count += len(words)
}
"""


@pytest.fixture
def counter_tree(tmp_path: Path) -> Path:
    return write_tree(
        tmp_path / "counter",
        {"counter.h": COUNTER_H, "counter.c": COUNTER_C, "go/counter.go": COUNTER_GO},
    )


@needs_ctags
def test_c_definitions_of_every_kind_are_counted_and_the_include_guard_set_aside(
    counter_tree: Path,
) -> None:
    header = bench.run_ctags(counter_tree, ["counter.h"], "C/C++ header", "C++")
    source = bench.run_ctags(counter_tree, ["counter.c"], "C", "C")

    kinds = {tag.name: tag.kind for tag in header.tags + source.tags}
    assert kinds["COUNTER_MAX"] == "macro"
    assert kinds["COUNTER_FULL"] == "macro"
    assert kinds["count"] == "member"
    assert kinds["COUNTER_PARTIAL"] == "enumerator"
    assert kinds["Counter"] == "typedef"
    assert kinds["counter_total"] in {"externvar", "variable"}
    assert {
        (tag.path, tag.kind) for tag in header.tags + source.tags if tag.name == "counter_add"
    } == {
        ("counter.h", "prototype"),
        ("counter.c", "function"),
    }
    assert ("counter.h", "counter_total", 20, "externvar") in {
        (tag.path, tag.name, tag.line, tag.kind) for tag in header.tags
    }
    # The guard is set aside and counted; locals, parameters and labels are never tags.
    assert "COUNTER_H" not in kinds
    assert header.set_aside == Counter({"include guard": 1})
    assert not {"step", "c", "n", "full"} & kinds.keys()
    # A typedef in a function body is a local, which ctags tags: set aside and counted.
    assert "step_t" not in kinds
    assert source.set_aside == Counter(
        {"local (a typedef, variable or prototype in a function body)": 1}
    )


@needs_ctags
def test_go_package_clause_and_import_alias_are_set_aside(counter_tree: Path) -> None:
    result = bench.run_ctags(counter_tree, ["go/counter.go"], "Go", "Go")

    assert {(tag.name, tag.kind) for tag in result.tags} >= {
        ("Counter", "struct"),
        ("Count", "member"),
        ("Add", "func"),
    }
    assert result.set_aside == Counter({"package clause": 1, "import alias": 1})
    assert "words" not in {tag.name for tag in result.tags}


SERVER_JS = """
var express = require('express')
  , app = express();

describe('app', function () {
  it('answers', function () {
    var req = { method: 'GET' };
    app.handle(req);
  });
});

module.exports = {
  listen: function (port) { return app.listen(port); },
};
"""

LIMITS_TEST_TS = """
import { z } from "zod";

export const LIMIT = 10_000;

test("parses", () => {
  const schema = z.string().max(LIMIT);
  schema.parse("x");
});
"""


@needs_ctags
def test_script_imports_locals_and_object_literals_are_set_aside(tmp_path: Path) -> None:
    tree = write_tree(tmp_path, {"server.js": SERVER_JS, "limits.test.ts": LIMITS_TEST_TS})

    script = bench.run_ctags(tree, ["server.js"], "JavaScript", "JavaScript")
    typed = bench.run_ctags(tree, ["limits.test.ts"], "TypeScript", "TypeScript")

    # A comma-continued declaration and a module.exports member are definitions.
    assert {(tag.name, tag.line) for tag in script.tags} == {("app", 2), ("listen", 12)}
    assert script.set_aside == Counter(
        {
            "anonymous name": 2,
            "require() binding (an import)": 1,
            "object literal or this. use called a class": 2,
            "member of an object literal": 1,
        }
    )
    # The test callback's const is a local; ctags' ``_000`` (from ``10_000``) is its error.
    assert [(tag.name, tag.kind) for tag in typed.tags] == [("LIMIT", "constant")]
    assert typed.set_aside == Counter(
        {
            "local (ctags tags declarations in function bodies)": 1,
            "ctags error: no declaration of the name on its line": 1,
        }
    )


LOGGER_RS = """
const LOGGER: &'static Logger = &Logger(());
static COUNT: usize = 0;

fn choices() -> usize {
    static CHOICES: usize = 3;
    CHOICES
}
"""

SCHEMA_TS = """
import { type Infer, parse } from "./core";

export type Schema = { name: string };

test("infers", () => {
  type Out = Infer<Schema>;
});
"""


@needs_ctags
def test_rust_and_typescript_misreadings_and_locals_are_set_aside(tmp_path: Path) -> None:
    tree = write_tree(tmp_path, {"logger.rs": LOGGER_RS, "schema.ts": SCHEMA_TS})

    rust = bench.run_ctags(tree, ["logger.rs"], "Rust", "Rust")
    typed = bench.run_ctags(tree, ["schema.ts"], "TypeScript", "TypeScript")

    # ctags tags ``Logger`` (the type) for ``const LOGGER``; a static in a fn is a local.
    assert {(tag.name, tag.kind) for tag in rust.tags} >= {("COUNT", "variable")}
    assert "Logger" not in {tag.name for tag in rust.tags}
    assert "CHOICES" not in {tag.name for tag in rust.tags}
    assert rust.set_aside["ctags error: the type of a const or static read as its name"] == 1
    assert rust.set_aside["local (a typedef, variable or prototype in a function body)"] == 1
    # ``import { type Infer }`` is an import; a type alias in a test callback a local.
    assert [(tag.name, tag.kind) for tag in typed.tags if tag.kind == "alias"] == [
        ("Schema", "alias")
    ]
    assert typed.set_aside["import or export of a type (import {type X})"] == 1
    assert typed.set_aside["local (ctags tags declarations in function bodies)"] == 1


POOL_JS = """
class Pool {
  #closed = false
  static [Symbol.hasInstance] (value) {
    return true
  }
}
"""


@needs_ctags
def test_private_names_keep_their_hash_and_computed_names_are_set_aside(
    tmp_path: Path,
) -> None:
    tree = write_tree(tmp_path, {"pool.js": POOL_JS})
    script = bench.run_ctags(tree, ["pool.js"], "JavaScript", "JavaScript")
    names = {tag.name for tag in script.tags}
    assert "#closed" in names and "closed" not in names, "named as uses write it"
    assert script.set_aside["computed member name (an expression: [Symbol.iterator])"] == 1


@pytest.mark.parametrize(
    ("text", "guard"),
    [
        ("/* lstate.h */\n#ifndef lstate_h\n#define lstate_h\n\nint x;\n", ("lstate_h", 3)),
        ("// ok\n#if !defined(FMT_H_)\n#  define FMT_H_ // guard\n", ("FMT_H_", 3)),
        # A default value is a setting, not a guard.
        ("#ifndef BUF_SIZE\n#define BUF_SIZE 512\n#endif\n", None),
        # A guard-like pair after other code is a plain macro.
        ("#include <stdio.h>\n#ifndef DEBUG\n#define DEBUG\n#endif\n", None),
        ("#ifndef A_H\n#define B_H\n", None),
    ],
)
def test_include_guard_is_the_headers_first_ifndef_and_define_of_one_name(
    tmp_path: Path, text: str, guard: tuple[str, int] | None
) -> None:
    header = tmp_path / "any.h"
    header.write_text(text, encoding="utf-8")

    assert bench.include_guard(header) == guard


def test_tally_counts_found_tags_per_kind_with_the_xrefdoc_kinds_they_had() -> None:
    tags = [
        bench.Tag("lstate.h", "top", 10, "member"),
        bench.Tag("lstate.h", "stack", 11, "member"),
        bench.Tag("lstate.h", "LUA_MINSTACK", 3, "macro"),
    ]
    found = {("lstate.h", "top", 10): {"field"}, ("lstate.h", "LUA_MINSTACK", 3): {"constant"}}

    tallies = bench.tally(tags, found)

    assert (tallies["member"].tags, tallies["member"].found) == (2, 1)
    assert tallies["member"].misses == [tags[1]]
    assert tallies["member"].kinds_found() == "field 1"
    assert (tallies[bench.ALL].tags, tallies[bench.ALL].found) == (3, 2)
    assert bench.below_goal("C", bench.ALL, tallies[bench.ALL]) == "C 0.667 < 0.95"
    # A kind of 50 tags or fewer is held to no goal of its own.
    assert bench.below_goal("C", "member", tallies["member"]) is None


@needs_ctags
def test_the_bench_reports_each_kind_and_writes_every_miss(
    counter_tree: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    misses = tmp_path / "misses.txt"

    status = bench.main([str(counter_tree), "--misses", str(misses)])

    output = capsys.readouterr().out
    assert status in {0, 1}
    assert "| C | function | 1 | 1 | 1.000 | function 1 |" in output
    assert "| C/C++ header | include guard | 1 |" in output
    assert "| Go | package clause | 1 |" in output
    lines = misses.read_text(encoding="utf-8").splitlines()
    assert all(
        re.fullmatch(rf"{re.escape(str(counter_tree))}/\S+:\d+ \w+ \w+", line) for line in lines
    )
    assert not any(" COUNTER_H " in line or " step " in line for line in lines)


def test_a_macro_call_ctags_reads_as_a_function_head_is_set_aside() -> None:
    header = bench.CtagsResult(
        [
            bench.Tag("test.h", "TEST_BEGIN", 12, "macro", "/^#define TEST_BEGIN(f) \\\\$/"),
            bench.Tag(
                "test.h", "lua_pop", 14, "macro", "/^#define lua_pop(L,n) lua_settop(L, -(n)-1)$/"
            ),
        ],
        Counter(),
    )
    source = bench.CtagsResult(
        [
            bench.Tag("mallocx.c", "TEST_BEGIN", 64, "function", "/^TEST_BEGIN(test_overflow) {$/"),
            # A function may share a macro's name: its line names a return type first.
            bench.Tag(
                "lapi.c",
                "lua_pop",
                80,
                "function",
                "/^LUA_API void (lua_pop) (lua_State *L, int n) {$/",
            ),
        ],
        Counter(),
    )

    bench.set_aside_macro_calls({"C/C++ header": header, "C": source})

    assert [tag.name for tag in source.tags] == ["lua_pop"]
    assert source.set_aside == Counter({"ctags error: a macro call read as a function": 1})
    assert len(header.tags) == 2


HEADERS_RB = """
module Rack
  class Headers < Hash
    CACHE_CONTROL = 'cache-control'

    def has_key?(key)
      super(key.downcase)
    end
    alias member? has_key?
    def self.start_hook; end

    def to_env
      {
        CACHE_CONTROL => self[CACHE_CONTROL],
      }
    end
  end
end
"""

HEADERS_SPEC_RB = """
describe Rack::Headers do
  context 'with a key' do
    it 'finds it' do
      expect(Rack::Headers.new).not_to be_nil
    end
  end
end
"""


@needs_ctags
def test_ruby_hash_keys_and_rspec_blocks_are_set_aside_and_aliases_keep_their_names(
    tmp_path: Path,
) -> None:
    tree = write_tree(tmp_path, {"headers.rb": HEADERS_RB, "headers_spec.rb": HEADERS_SPEC_RB})

    result = bench.run_ctags(tree, ["headers.rb", "headers_spec.rb"], "Ruby", "Ruby")

    assert {(tag.name, tag.line, tag.kind) for tag in result.tags} == {
        ("Rack", 1, "module"),
        ("Headers", 2, "class"),
        ("CACHE_CONTROL", 3, "constant"),
        ("has_key?", 5, "method"),
        ("member?", 8, "alias"),
        ("start_hook", 9, "singletonMethod"),
        ("to_env", 11, "method"),
    }
    assert result.set_aside == Counter(
        {
            "ctags error: a constant used as a hash key": 1,
            "RSpec describe block": 1,
            "RSpec context block": 1,
        }
    )
