"""``python -m xrefdoc scan``: its JSON contract and its usage errors, run as a user would."""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from helpers import assert_usage_error, run_xrefdoc, write_tree

SYMBOL_KINDS = {"class", "function", "method", "constant", "variable", "heading", "key"}

TREE = {
    "README.md": "# Demo\n\nUse `demo.core`.\n\n## Install\n\nRun it.\n",
    "demo/__init__.py": '"""The demo package."""\n\nfrom .core import Engine\n',
    "demo/core.py": """\
        import os
        from demo import util
        import yaml


        LIMIT = 3


        class Engine(object):
            speed = 1

            def start(self, fast: bool = False) -> None:
                pass


        def helper(x, *, y=2):
            return x
        """,
    "demo/util.py": "def util_function():\n    pass\n",
    "config.toml": 'name = "demo"\n\n[tool]\nkey = 1\n',
    "notes.txt": "Plain notes.\n",
    "data.bin": b"\x00\x01\x02binary",
}


def run_scan(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return run_xrefdoc("scan", *args, cwd=cwd)


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    root = tmp_path_factory.mktemp("scan") / "tree"
    write_tree(root, TREE)
    completed = run_scan(str(root))
    assert completed.returncode == 0, completed.stderr
    return root, json.loads(completed.stdout)


def by_path(output: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {entry["path"]: entry for entry in output["files"]}


def test_top_level_shape(scanned: tuple[Path, dict[str, Any]]) -> None:
    _, output = scanned
    assert set(output) == {"files"}
    assert isinstance(output["files"], list)
    paths = [entry["path"] for entry in output["files"]]
    assert paths == sorted(TREE)


def test_every_file_entry_has_the_contract_fields(scanned: tuple[Path, dict[str, Any]]) -> None:
    root, output = scanned
    for entry in output["files"]:
        assert set(entry) == {
            "path",
            "language",
            "size",
            "lines",
            "sha256",
            "symbols",
            "imports",
            "references",
            "findings",
        }
        data = (root / entry["path"]).read_bytes()
        assert entry["size"] == len(data)
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        assert isinstance(entry["language"], str) and entry["language"]
        assert isinstance(entry["lines"], int)
        for symbol in entry["symbols"]:
            assert set(symbol) == {"name", "kind", "line", "end_line", "parent", "signature"}
            assert symbol["kind"] in SYMBOL_KINDS
            assert isinstance(symbol["name"], str) and symbol["name"]
            assert 1 <= symbol["line"] <= symbol["end_line"]
            assert symbol["parent"] is None or isinstance(symbol["parent"], str)
            assert isinstance(symbol["signature"], str)
        for imp in entry["imports"]:
            assert set(imp) == {"module", "names", "line", "resolved"}
            assert isinstance(imp["names"], list)
            assert 1 <= imp["line"] <= entry["lines"]


def test_resolved_is_an_in_tree_path_or_null(scanned: tuple[Path, dict[str, Any]]) -> None:
    _, output = scanned
    files = by_path(output)
    core = files["demo/core.py"]
    assert [
        (imp["module"], imp["names"], imp["line"], imp["resolved"]) for imp in core["imports"]
    ] == [
        ("os", [], 1, None),
        ("demo", ["util"], 2, "demo/util.py"),
        ("yaml", [], 3, None),
    ]
    init = files["demo/__init__.py"]
    assert init["imports"] == [
        {"module": ".core", "names": ["Engine"], "line": 3, "resolved": "demo/core.py"}
    ]
    for entry in output["files"]:
        for imp in entry["imports"]:
            assert imp["resolved"] is None or imp["resolved"] in files


def test_python_symbols(scanned: tuple[Path, dict[str, Any]]) -> None:
    _, output = scanned
    core = by_path(output)["demo/core.py"]
    assert core["language"] == "Python"
    assert core["lines"] == 17
    assert core["symbols"] == [
        {
            "name": "LIMIT",
            "kind": "constant",
            "line": 6,
            "end_line": 6,
            "parent": None,
            "signature": "",
        },
        {
            "name": "Engine",
            "kind": "class",
            "line": 9,
            "end_line": 13,
            "parent": None,
            "signature": "(object)",
        },
        {
            "name": "speed",
            "kind": "variable",
            "line": 10,
            "end_line": 10,
            "parent": "Engine",
            "signature": "",
        },
        {
            "name": "start",
            "kind": "method",
            "line": 12,
            "end_line": 13,
            "parent": "Engine",
            "signature": "(self, fast: bool=False) -> None",
        },
        {
            "name": "helper",
            "kind": "function",
            "line": 16,
            "end_line": 17,
            "parent": None,
            "signature": "(x, *, y=2)",
        },
    ]


def test_markdown_toml_text_and_binary_entries(scanned: tuple[Path, dict[str, Any]]) -> None:
    _, output = scanned
    files = by_path(output)
    readme = files["README.md"]
    assert readme["language"] == "Markdown"
    assert [(s["name"], s["kind"], s["line"]) for s in readme["symbols"]] == [
        ("Demo", "heading", 1),
        ("Install", "heading", 5),
    ]
    assert readme["imports"] == []
    config = files["config.toml"]
    assert [(s["name"], s["kind"], s["line"]) for s in config["symbols"]] == [
        ("name", "key", 1),
        ("tool", "key", 3),
    ]
    assert files["notes.txt"]["symbols"] == []
    binary = files["data.bin"]
    assert (binary["lines"], binary["symbols"], binary["imports"]) == (0, [], [])


def test_symbols_end_within_their_file(scanned: tuple[Path, dict[str, Any]]) -> None:
    _, output = scanned
    for entry in output["files"]:
        for symbol in entry["symbols"]:
            assert symbol["end_line"] <= entry["lines"], (entry["path"], symbol)


def test_include_and_exclude_options(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "tree", TREE)
    completed = run_scan(str(root), "--include", "*.py", "--exclude", "demo/util.py")
    assert completed.returncode == 0, completed.stderr
    output = json.loads(completed.stdout)
    assert [entry["path"] for entry in output["files"]] == ["demo/__init__.py", "demo/core.py"]
    # util.py is not scanned, so "from demo import util" falls back to the package itself.
    core = by_path(output)["demo/core.py"]
    assert [imp["resolved"] for imp in core["imports"]] == [None, "demo/__init__.py", None]


def test_relative_source_path(tmp_path: Path) -> None:
    write_tree(tmp_path / "tree", {"a.py": "A = 1\n"})
    completed = run_scan("tree", cwd=tmp_path)
    assert completed.returncode == 0, completed.stderr
    assert [entry["path"] for entry in json.loads(completed.stdout)["files"]] == ["a.py"]


def test_empty_tree(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    completed = run_scan(str(tmp_path / "empty"))
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout) == {"files": []}


def test_missing_source_path(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-folder"
    assert_usage_error(run_scan(str(missing)), "does not exist", str(missing))


def test_source_that_is_a_file(tmp_path: Path) -> None:
    source = write_tree(tmp_path, {"file.py": "A = 1\n"}) / "file.py"
    assert_usage_error(run_scan(str(source)), "not a folder", str(source))


def test_unknown_option(tmp_path: Path) -> None:
    assert_usage_error(run_scan(str(tmp_path), "--no-such-option"), "--no-such-option")


def test_bad_option_value(tmp_path: Path) -> None:
    assert_usage_error(run_scan(str(tmp_path), "--source-cap", "lots"), "--source-cap")
    assert_usage_error(run_scan(str(tmp_path), "--source-cap", "0"), "--source-cap", "positive")


def test_missing_source_argument() -> None:
    assert_usage_error(run_scan(), "source")


def test_references_are_the_names_each_file_uses(scanned: tuple[Path, dict[str, Any]]) -> None:
    _, output = scanned
    files = by_path(output)
    core = {(ref["name"], ref["line"], ref["exact"]) for ref in files["demo/core.py"]["references"]}
    assert ("util", 2, True) in core, "an imported name, on its import line"
    assert not {name for name, _, _ in core} & {"self", "fast", "x", "y"}, "locals are no uses"
    init = files["demo/__init__.py"]["references"]
    assert init == [{"name": "Engine", "line": 3, "exact": True}]
    readme = files["README.md"]["references"]
    assert {"name": "demo.core", "line": 3, "exact": False} in readme
