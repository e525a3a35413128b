"""Where a use sits: the definition around its line and the area of its file."""

from __future__ import annotations

from pathlib import Path

from helpers import index_tree

from xrefdoc.xref.places import Enclosing, area_of

CORE = """\
class Command:
    def invoke(self, ctx):
        return ctx.run()


def helper():
    def inner():
        return 1

    return inner()


VALUE = helper()
"""


def test_the_innermost_definition_around_a_line_is_named(tmp_path: Path) -> None:
    index = index_tree(tmp_path, {"pkg/__init__.py": "", "pkg/core.py": CORE})
    enclosing = Enclosing(index)
    assert enclosing.of("pkg/core.py", 3).qualname == "pkg.core.Command.invoke"  # type: ignore[union-attr]
    assert enclosing.of("pkg/core.py", 1).qualname == "pkg.core.Command"  # type: ignore[union-attr]
    assert enclosing.of("pkg/core.py", 8).qualname == "pkg.core.helper.inner"  # type: ignore[union-attr]
    # After the nested function ends, the line is its parent's again.
    assert enclosing.of("pkg/core.py", 10).qualname == "pkg.core.helper"  # type: ignore[union-attr]
    assert enclosing.of("pkg/core.py", 13) is None
    assert enclosing.of("pkg/other.py", 1) is None


def test_files_fall_in_areas(tmp_path: Path) -> None:
    index = index_tree(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/core.py": CORE,
            "tests/test_core.py": "from pkg.core import helper\n\ndef test_it():\n    helper()\n",
            "tests/conftest.py": "X = 1\n",
            "docs/guide.md": "# Guide\n\nCall `helper`.\n",
            "examples/demo.py": "from pkg.core import helper\nhelper()\n",
            "CHANGES.md": "# Changes\n",
            "pyproject.toml": "[project]\nname = 'pkg'\n",
        },
    )
    areas = {path: area_of(index, path) for path in index.records}
    assert areas == {
        "pkg/core.py": "source",
        "pkg/__init__.py": "source",
        "tests/test_core.py": "tests",
        "tests/conftest.py": "tests",
        "docs/guide.md": "docs",
        "examples/demo.py": "docs",
        "CHANGES.md": "docs",
        "pyproject.toml": "other",
    }


def test_code_in_any_language_is_source_prose_is_docs_and_data_is_other(tmp_path: Path) -> None:
    """A language Pygments only highlights (PHP, Lua, CSS, HTML) is code as much as one
    extraction parses (TSX, Bash); plain text is prose; data and configuration are other."""
    index = index_tree(
        tmp_path,
        {
            "web/index.php": "<?php\nfunction helper() { return 1; }\n",
            "web/app.tsx": "export const App = () => <div>{helper()}</div>;\n",
            "web/page.html": "<p>helper</p>\n",
            "web/style.css": ".helper { color: red; }\n",
            "scripts/run.sh": "helper() {\n  echo 1\n}\nhelper\n",
            "lua/init.lua": "local function helper() return 1 end\n",
            "NOTES.txt": "Call helper first.\n",
            "README.rst": "Title\n=====\n\nhelper\n",
            "config/app.toml": "[helper]\nx = 1\n",
            "config/app.json": '{"helper": 1}\n',
            "config/app.yaml": "helper: 1\n",
            "config/app.ini": "[helper]\nx = 1\n",
            "config/app.xml": "<helper/>\n",
        },
    )
    areas = {path: area_of(index, path) for path in index.records}
    assert areas == {
        "web/index.php": "source",
        "web/app.tsx": "source",
        "web/page.html": "source",
        "web/style.css": "source",
        "scripts/run.sh": "source",
        "lua/init.lua": "source",
        "NOTES.txt": "docs",
        "README.rst": "docs",
        "config/app.toml": "other",
        "config/app.json": "other",
        "config/app.yaml": "other",
        "config/app.ini": "other",
        "config/app.xml": "other",
    }
