"""xrefdoc inside a user's own Sphinx project: settings, the ``kw`` role, intersphinx."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest
from helpers import write_tree
from sphinx.cmd.build import build_main
from sphinx.util.inventory import InventoryFile

from xrefdoc.commands.check import broken_links

TREE: dict[str, str | bytes] = {
    "pyproject.toml": """\
        [project]
        name = "engines"

        [tool.xrefdoc]
        exclude = ["scratch/"]
    """,
    "pkg/__init__.py": "from .core import Engine\n",
    "pkg/core.py": """\
        class Engine:
            def run(self):
                return 1
    """,
    "pkg/pumps.py": """\
        class Pump:
            def run(self):
                return 2
    """,
    "scratch/notes.py": "def scribble():\n    pass\n",
}

MYST_PAGE = """\
    # Guide

    The {kw}`Engine` class is started by {kw}`Engine.run`; its file is {kw}`pkg/core.py`,
    its folder {kw}`pkg/`, and {kw}`the pump <pkg.pumps.Pump>` runs too. Every
    {kw}`run` is listed in the index.

    ```{toctree}
    reference
    _xref/index
    ```
"""

REST_PAGE = """\
    Reference
    =========

    :kw:`Engine.run` and :xref:kw:`pkg/pumps.py` and :kw:`the tree <.>`.
"""


def sphinx_build(*arguments: str) -> tuple[int, str]:
    """``sphinx-build`` in this process: its exit code and what it wrote to stderr (without
    the colour it has when ``CI`` is set)."""
    errors = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(errors):
        code = build_main(["-q", "-b", "html", *arguments])
    return code, re.sub(r"\x1b\[[0-9;]*m", "", errors.getvalue())


def make_project(tmp_path: Path, conf: str = "", **pages: str) -> Path:
    """The tree beside a Sphinx project whose ``conf.py`` names it relative to itself."""
    write_tree(tmp_path / "tree", TREE)
    return write_tree(
        tmp_path / "docs",
        {
            "conf.py": f"extensions = ['xrefdoc.sphinx']\nxrefdoc_root = '../tree'\n{conf}",
            "index.md": MYST_PAGE,
            "reference.rst": REST_PAGE,
            **pages,
        },
    )


def links(page: Path, kind: str = "internal") -> list[str]:
    return [href for href, _ in linked(page, kind)]


def linked(page: Path, kind: str = "internal") -> list[tuple[str, str]]:
    """(target, text) of every link of ``kind`` on a page, tags taken out of the text."""
    found = re.findall(
        rf'<a class="reference {kind}" href="([^"]*)"[^>]*>(.*?)</a>', page.read_text("utf-8")
    )
    return [(href, re.sub(r"<[^>]+>", "", text)) for href, text in found]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_prose_links_to_keywords_files_and_folders_with_warnings_as_errors(
    tmp_path: Path, jobs: str
) -> None:
    project = make_project(tmp_path)
    out = tmp_path / "html"
    code, errors = sphinx_build("-W", "-j", jobs, str(project), str(out))
    assert (code, errors) == (0, "")
    guide = links(out / "index.html")
    assert "_xref/keywords-e.html#def-pkg.core.Engine" in guide
    assert "_xref/keywords-r.html#def-pkg.core.Engine.run" in guide
    assert "_xref/pkg/core.py_docs.html" in guide
    assert "_xref/pkg/index.html" in guide
    assert "_xref/keywords-p.html#def-pkg.pumps.Pump" in guide
    assert "_xref/keywords-r.html#kw-run" in guide, "a name defined twice: the entry of both"
    assert ("_xref/keywords-p.html#def-pkg.pumps.Pump", "the pump") in linked(out / "index.html")
    reference = links(out / "reference.html")
    assert reference[:3] == [
        "_xref/keywords-r.html#def-pkg.core.Engine.run",
        "_xref/pkg/pumps.py_docs.html",
        "_xref/index.html",
    ]
    assert broken_links(out) == []


def test_the_settings_come_from_the_trees_pyproject_unless_conf_py_sets_them(
    tmp_path: Path,
) -> None:
    project = make_project(tmp_path)
    out = tmp_path / "html"
    assert sphinx_build(str(project), str(out))[0] == 0
    assert (out / "_xref/pkg/core.py_docs.html").is_file()
    assert not (out / "_xref/scratch").exists(), "[tool.xrefdoc] exclude is applied"

    (project / "conf.py").write_text(
        (project / "conf.py").read_text("utf-8") + "xrefdoc_exclude = []\n", "utf-8"
    )
    assert sphinx_build(str(project), str(out))[0] == 0
    assert (out / "_xref/scratch/notes.py_docs.html").is_file(), "conf.py wins"


def test_a_missing_role_target_is_a_warning_of_its_own_type(tmp_path: Path) -> None:
    page = "# Broken\n\nSee {kw}`NoSuchEngine` and {kw}`pkg/gone.py`.\n"
    index = MYST_PAGE.replace("    reference\n", "    reference\n    broken\n")
    project = make_project(tmp_path, **{"broken.md": page, "index.md": index})
    out = tmp_path / "html"
    code, errors = sphinx_build("-W", "--keep-going", str(project), str(out))
    assert code == 1
    warnings = [line for line in errors.splitlines() if "WARNING" in line]
    assert len(warnings) == 2, errors
    assert warnings[0].startswith(f"{project / 'broken.md'}:3: WARNING: xrefdoc: no keyword")
    assert "named 'NoSuchEngine' in the documented tree [ref.kw]" in warnings[0]
    assert "named 'pkg/gone.py'" in warnings[1]

    (project / "conf.py").write_text(
        (project / "conf.py").read_text("utf-8") + "suppress_warnings = ['ref.kw']\n", "utf-8"
    )
    assert sphinx_build("-W", "-E", str(project), str(out)) == (0, "")


def test_the_generated_pages_never_replace_the_users_own(tmp_path: Path) -> None:
    own = "# API\n\nWritten by hand.\n"
    project = make_project(tmp_path, "xrefdoc_output = 'api'\n", **{"api/index.md": own})
    code, errors = sphinx_build(str(project), str(tmp_path / "html"))
    assert code == 2
    assert f"xrefdoc_output: {project / 'api'} holds files that xrefdoc did not write" in errors
    assert (project / "api/index.md").read_text("utf-8") == own
    assert sorted(p.name for p in (project / "api").iterdir()) == ["index.md"]

    (project / "conf.py").write_text(
        (project / "conf.py").read_text("utf-8") + "xrefdoc_output = '../outside'\n", "utf-8"
    )
    code, errors = sphinx_build(str(project), str(tmp_path / "html"))
    assert code == 2
    assert "xrefdoc_output must be a folder inside the Sphinx source, got '../outside'" in errors
    assert not (tmp_path / "outside").exists()


def test_a_bad_setting_is_a_configuration_error_that_names_it(tmp_path: Path) -> None:
    project = make_project(tmp_path, "xrefdoc_include = 'pkg/*.py'\n")
    code, errors = sphinx_build(str(project), str(tmp_path / "html"))
    assert code == 2
    # Sphinx reports an error of the configuration with its context; ours is its last line.
    assert (
        "ConfigError: xrefdoc_include must be a list of glob patterns, got 'pkg/*.py'\n" in errors
    )


def test_another_project_links_to_a_keyword_through_intersphinx(tmp_path: Path) -> None:
    first = make_project(tmp_path)
    first_out = tmp_path / "first-html"
    assert sphinx_build("-W", str(first), str(first_out)) == (0, "")
    inventory = InventoryFile.loads((first_out / "objects.inv").read_bytes(), uri="")
    assert "pkg/core.py" in inventory.data["xref:file"]

    second = write_tree(
        tmp_path / "second",
        {
            "conf.py": f"""\
                extensions = ['sphinx.ext.intersphinx', 'xrefdoc.sphinx']
                intersphinx_mapping = {{
                    'engines': ('https://engines.invalid/docs/', {str(first_out / "objects.inv")!r})
                }}
            """,
            "index.md": """\
                # Uses the engines

                {kw}`pkg.core.Engine.run` in {kw}`engines:pkg/core.py`.
            """,
        },
    )
    out = tmp_path / "second-html"
    assert sphinx_build("-W", str(second), str(out)) == (0, "")
    assert links(out / "index.html", "external") == [
        "https://engines.invalid/docs/_xref/keywords-r.html#def-pkg.core.Engine.run",
        "https://engines.invalid/docs/_xref/pkg/core.py_docs.html",
    ]


def test_a_builder_whose_urls_differ_is_warned_about(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    code, errors = sphinx_build("-b", "dirhtml", str(project), str(tmp_path / "html"))
    assert code == 0
    assert "xrefdoc: the dirhtml builder names pages differently" in errors
    assert errors.rstrip().endswith("[xrefdoc.builder]")
