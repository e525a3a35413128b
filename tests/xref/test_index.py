"""The whole-tree index: import resolution, reverse edges, tests of a module, folders."""

from __future__ import annotations

from dataclasses import FrozenInstanceError, replace
from pathlib import Path

import pytest
from helpers import extract_tree, index_tree

from xrefdoc.core.model import Finding
from xrefdoc.xref.index import Index, build_index, import_category, module_names

TREE = {
    "README.md": "# Demo\n\nSee `pkg.core`.\n",
    "app.py": """\
        from __future__ import annotations
        import pkg
        import pkg.core
        from pkg import util
        from lib.mod import thing
        import lib
        from pkg.sub.helpers import assist
        import os.path
        import missingpkg
        """,
    "pkg/__init__.py": "from .core import run\n",
    "pkg/core.py": """\
        import os
        import requests
        from . import util
        from .sub import helpers
        from .missing import nothing


        def run():
            return util, helpers
        """,
    "pkg/util.py": "VALUE = 1\n",
    "pkg/sub/__init__.py": "from . import helpers\n",
    "pkg/sub/helpers.py": """\
        from .. import util
        from ..core import run as go
        from ... import beyond


        def assist():
            return go()
        """,
    # A src/ layout: src/lib is importable as lib.
    "src/lib/__init__.py": "",
    "src/lib/mod.py": "from lib import other\n\nthing = other\n",
    "src/lib/other.py": "def other():\n    pass\n",
    "tests/test_mod.py": """\
        import pytest
        from lib import mod


        def test_thing():
            assert mod.thing
        """,
    "tests/test_core.py": """\
        from pkg.core import run


        class TestRun:
            def test_it(self):
                run()
        """,
    # Named like a test, but pytest would collect nothing from it.
    "tests/test_helpers_only.py": "from pkg import util\n\ndef helper():\n    return util\n",
}


def modules(index: Index, path: str) -> list[str | None]:
    """The in-tree module each import statement of ``path`` loads."""
    return [target.module for target in index.import_targets[path]]


@pytest.fixture
def index(tmp_path: Path) -> Index:
    return index_tree(tmp_path, TREE)


def test_absolute_imports_resolve_to_tree_files(index: Index) -> None:
    assert modules(index, "app.py") == [
        None,  # __future__
        "pkg/__init__.py",  # import pkg: the package's __init__.py
        "pkg/core.py",  # import pkg.core
        "pkg/util.py",  # from pkg import util: util is a module
        "src/lib/mod.py",  # from lib.mod import thing: thing is a name, so the module
        "src/lib/__init__.py",  # import lib, from a src/ layout
        "pkg/sub/helpers.py",
        None,  # os.path: standard library
        None,  # not in the tree
    ]


def test_relative_imports_resolve_to_tree_files(index: Index) -> None:
    assert modules(index, "pkg/__init__.py") == ["pkg/core.py"]
    assert modules(index, "pkg/core.py") == [
        None,
        None,
        "pkg/util.py",  # from . import util
        "pkg/sub/helpers.py",  # from .sub import helpers
        None,  # from .missing import nothing: no such module
    ]
    assert modules(index, "pkg/sub/__init__.py") == ["pkg/sub/helpers.py"]
    assert modules(index, "pkg/sub/helpers.py") == [
        "pkg/util.py",  # from .. import util
        "pkg/core.py",  # from ..core import run as go
        None,  # from ... import beyond: no beyond.py at the tree's root
    ]


def test_src_layout_module_is_importable_without_src(index: Index) -> None:
    assert modules(index, "src/lib/mod.py") == ["src/lib/other.py"]
    assert modules(index, "tests/test_mod.py") == [None, "src/lib/mod.py"]


def test_module_names() -> None:
    files = frozenset(
        {
            "pkg/__init__.py",
            "pkg/core.py",
            "src/lib/__init__.py",
            "src/lib/mod.py",
            "scripts/tool.py",
            "src/ns/mod.py",
        }
    )
    assert module_names("pkg/core.py", files) == ["pkg.core"]
    assert module_names("pkg/__init__.py", files) == ["pkg"]
    assert set(module_names("src/lib/mod.py", files)) == {"lib.mod", "src.lib.mod"}
    assert set(module_names("src/lib/__init__.py", files)) == {"lib", "src.lib"}
    # A folder without __init__.py: by its own name, and by its path from the root.
    assert set(module_names("scripts/tool.py", files)) == {"tool", "scripts.tool"}
    # A namespace package in a src/ layout is importable without the src prefix too.
    assert "ns.mod" in module_names("src/ns/mod.py", files)


def test_imports_of_and_imported_by_are_reverse_edges(index: Index) -> None:
    assert index.imports_of["app.py"] == [
        "pkg/__init__.py",
        "pkg/core.py",
        "pkg/sub/helpers.py",
        "pkg/util.py",
        "src/lib/__init__.py",
        "src/lib/mod.py",
    ]
    assert index.imported_by["pkg/util.py"] == [
        "app.py",
        "pkg/core.py",
        "pkg/sub/helpers.py",
        "tests/test_helpers_only.py",
    ]
    assert index.imported_by["pkg/core.py"] == [
        "app.py",
        "pkg/__init__.py",
        "pkg/sub/helpers.py",
        "tests/test_core.py",
    ]
    assert index.imported_by["src/lib/other.py"] == ["src/lib/mod.py"]
    # Every edge one way is an edge the other way.
    forward = {(src, dst) for src, targets in index.imports_of.items() for dst in targets}
    backward = {(src, dst) for dst, sources in index.imported_by.items() for src in sources}
    assert forward == backward
    # Nobody imports app.py or the README.
    assert "app.py" not in index.imported_by
    assert "README.md" not in index.imported_by


def test_tests_of_a_module(index: Index) -> None:
    assert index.test_files == frozenset({"tests/test_mod.py", "tests/test_core.py"})
    assert index.tests_of["src/lib/mod.py"] == ["tests/test_mod.py"]
    assert index.tests_of["pkg/core.py"] == ["tests/test_core.py"]
    # tests/test_helpers_only.py defines no test, so pkg/util.py has no tests.
    assert "pkg/util.py" not in index.tests_of
    assert "pytest" not in index.tests_of


def test_folders_hold_their_files_and_subfolders(index: Index) -> None:
    folders = index.folders
    assert set(folders) == {"", "pkg", "pkg/sub", "src", "src/lib", "tests"}
    assert folders[""].folders == ["pkg", "src", "tests"]
    assert folders[""].files == ["README.md", "app.py"]
    assert folders["pkg"].folders == ["pkg/sub"]
    assert folders["pkg"].files == ["pkg/__init__.py", "pkg/core.py", "pkg/util.py"]
    assert folders["src"].folders == ["src/lib"]
    assert folders["src"].files == []
    assert folders["src/lib"].files == ["src/lib/__init__.py", "src/lib/mod.py", "src/lib/other.py"]
    assert folders["tests"].folders == []
    python_files = sum(1 for path in TREE if path.endswith(".py"))
    assert folders[""].languages_below == {"Python": python_files, "Markdown": 1}
    assert folders["src"].languages_below == {"Python": 3}


def test_definitions_by_name_leave_headings_out(index: Index) -> None:
    assert [(d.path, d.symbol.kind) for d in index.definitions["run"]] == [
        ("pkg/core.py", "function")
    ]
    assert [d.path for d in index.definitions["other"]] == ["src/lib/other.py"]
    assert "Demo" not in index.definitions


@pytest.mark.parametrize(
    ("module", "level", "resolved", "category"),
    [
        ("os", 0, None, "stdlib"),
        ("os.path", 0, None, "stdlib"),
        ("__future__", 0, None, "stdlib"),
        ("json", 0, None, "stdlib"),
        ("requests", 0, None, "third-party"),
        ("missingpkg.sub", 0, None, "third-party"),
        ("pkg.core", 0, "pkg/core.py", "in-tree"),
        ("..pkg.mod", 2, None, "in-tree"),  # relative: in the tree even when unresolved
        (".", 1, "pkg/util.py", "in-tree"),
    ],
)
def test_import_category(module: str, level: int, resolved: str | None, category: str) -> None:
    assert import_category(module, level, resolved) == category


def test_import_category_of_the_tree_imports(index: Index) -> None:
    record = index.records["pkg/core.py"]
    categories = [
        (imp.module, import_category(imp.module, imp.level, target))
        for imp, target in zip(record.imports, modules(index, "pkg/core.py"), strict=True)
    ]
    assert categories == [
        ("os", "stdlib"),
        ("requests", "third-party"),
        (".", "in-tree"),
        (".sub", "in-tree"),
        (".missing", "in-tree"),
    ]


def test_build_index_ignores_record_order(tmp_path: Path) -> None:
    records = list(extract_tree(tmp_path, TREE).values())
    forward = build_index(records)
    backward = build_index(list(reversed(records)))
    assert forward.import_targets == backward.import_targets
    assert forward.imported_by == backward.imported_by
    assert list(forward.records) == sorted(TREE)


def test_an_index_is_never_changed_with_records_makes_another(tmp_path: Path) -> None:
    records = extract_tree(tmp_path, TREE)
    index = build_index(records.values())
    core = records["pkg/core.py"]
    found = Finding("testing.tested-by", "testing", 1, "Tested by `tests/test_core.py`")
    analysed = replace(core, findings=(*core.findings, found))

    later = index.with_records([analysed])

    assert later.records["pkg/core.py"] is analysed
    assert index.records["pkg/core.py"] is core, "the first index still holds its record"
    assert list(later.records) == list(index.records)
    assert all(later.records[path] is index.records[path] for path in TREE if path != "pkg/core.py")
    assert later.uses is index.uses and later.imported_by is index.imported_by
    with pytest.raises(FrozenInstanceError):
        index.records = {}  # type: ignore[misc]
    with pytest.raises(KeyError, match=r"elsewhere\.py"):
        index.with_records([replace(core, path="elsewhere.py")])


def test_a_test_file_counts_its_functions_and_the_methods_of_its_test_classes(
    tmp_path: Path,
) -> None:
    from helpers import extract_one

    from xrefdoc.xref.index import collected_tests

    record = extract_one(
        tmp_path,
        "tests/test_engine.py",
        """\
        import unittest

        def helper():
            pass

        def test_starts():
            pass

        class TestEngine:
            def setup_method(self):
                pass

            def test_runs(self):
                pass

            def test_stops(self):
                pass

        class EngineCase(unittest.TestCase):
            def test_checks(self):
                pass
        """,
    )
    assert len(collected_tests(record)) == 4
