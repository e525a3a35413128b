"""Extraction's hooks: rules plug in on its events, and extraction imports none of them."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator

import tree_sitter as ts
from helpers import RULES

from xrefdoc.core.model import Finding
from xrefdoc.extract.file_record import extract_bytes
from xrefdoc.extract.hooks import Hooks

SCRIPT = 'import os\n\n\ndef main():\n    os.system("ls")  # xrefdoc: ignore[security]\n'


def _extract(path: str, text: str, hooks: Hooks) -> tuple[Finding, ...]:
    return extract_bytes(path, text.encode(), "0" * 64, hooks).findings


def test_importing_extraction_imports_no_rule() -> None:
    code = (
        "import sys, xrefdoc.extract, xrefdoc.extract.hooks\n"
        "print(sorted(m for m in sys.modules if m.startswith('xrefdoc.analyze')))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_without_rules_registered_a_file_has_no_findings() -> None:
    assert _extract("tool.py", SCRIPT, Hooks()) == ()
    assert _extract("vendor/run.c", 'int main() { return system("ls"); }\n', Hooks()) == ()
    # The build's rules find them (the marker silences the security one).
    assert [f.rule for f in _extract("tool.py", SCRIPT, RULES)] == [
        "pattern.typed-api",
        "performance.subprocess",
    ]
    assert [f.rule for f in _extract("vendor/run.c", "int f() { return system(0); }\n", RULES)] == [
        "purpose.vendored",
        "security.shell",
    ]


def test_each_event_hands_its_hooks_what_the_extractor_has() -> None:
    seen: list[tuple[str, str]] = []

    def on_python_tree(tree: ast.Module, text: str) -> list[Finding]:
        seen.append(("python", type(tree.body[1]).__name__))
        return [Finding("pattern.seen", "pattern", 4, "a function")]

    def on_treesitter_tree(family: str, language: ts.Language, root: ts.Node) -> Iterator[Finding]:
        seen.append((family, root.type))
        yield Finding("pattern.tree", "pattern", 1, "a tree")

    def on_file(path: str, text: str, family: str) -> list[Finding]:
        seen.append((path, family))
        return [Finding("purpose.file", "purpose", 1, f"{text.count(chr(10))} lines")]

    hooks = Hooks()
    hooks.on_python_tree.register(on_python_tree)
    hooks.on_python_tree.register(on_python_tree)  # once is enough
    hooks.on_treesitter_tree.register(on_treesitter_tree)
    hooks.on_file.register(on_file)
    assert _extract("tool.py", SCRIPT, hooks) == (
        Finding("pattern.seen", "pattern", 4, "a function"),
        Finding("purpose.file", "purpose", 1, "5 lines"),
    )
    assert _extract("lib.rs", "fn main() {}\n", hooks) == (
        Finding("pattern.tree", "pattern", 1, "a tree"),
        Finding("purpose.file", "purpose", 1, "1 lines"),
    )
    assert seen == [
        ("python", "FunctionDef"),
        ("tool.py", "python"),
        ("rust", "source_file"),
        ("lib.rs", "rust"),
    ]
    assert _extract("logo.png", "\0PNG", hooks) == (), "a binary file has no events"
    assert len(seen) == 4


def test_the_findings_event_filters_every_events_findings_last() -> None:
    hooks = Hooks()
    hooks.on_file.register(lambda path, text, family: [Finding("a.b", "a", 2, "file")])
    hooks.on_python_tree.register(lambda tree, text: [Finding("a.c", "a", 1, "tree")])
    filtered: list[tuple[Finding, ...]] = []

    def keep_first_line(found: tuple[Finding, ...], text: str) -> tuple[Finding, ...]:
        filtered.append(found)
        return tuple(f for f in found if f.line == 1)

    hooks.on_findings.register(keep_first_line)
    assert _extract("tool.py", SCRIPT, hooks) == (Finding("a.c", "a", 1, "tree"),)
    assert filtered == [(Finding("a.c", "a", 1, "tree"), Finding("a.b", "a", 2, "file"))]
