"""The ctags recall bench (``bench/ctags_recall.py``): which ctags tags it counts as definitions,
which it sets aside and why (an include guard, a package clause), and how it tallies xrefdoc's
answers per kind. The tests that run Universal Ctags skip when it is not installed."""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest
from helpers import write_tree

BENCH = Path(__file__).resolve().parents[2] / "bench" / "ctags_recall.py"


def load_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("ctags_recall", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while defined
    spec.loader.exec_module(module)
    return module


bench = load_bench()


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
    int step = 1;
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
    header = bench.run_ctags(counter_tree, ["counter.h"], "C/C++ header", "C")
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
