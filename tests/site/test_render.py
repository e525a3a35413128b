"""Rendering with the user's templates: a folder searched before ours, where a template that
extends ours (``"!file_docs.html"``) replaces one block, through each of the three places the
``templates`` setting is given; and the blocks each template offers, as documented."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path
from typing import Any

import pytest
from helpers import write_tree
from sphinx.cmd.build import build_main

from xrefdoc.commands.cli import main
from xrefdoc.site.render import make_environment

TREE: dict[str, str | bytes] = {
    "pkg/__init__.py": "from .core import Engine\n",
    "pkg/core.py": '''\
        """Engines."""


        class Engine:
            def run(self):
                return 1
    ''',
}

# Replaces the Detailed Analysis section of every file's page, and nothing else.
OVERRIDE = '{% extends "!file_docs.html" %}\n{% block detailed_analysis %}CUSTOM{% endblock %}\n'
PAGE = "pkg/core.py_docs.html"


def build(tree: Path, site: Path, *options: str) -> None:
    assert main(["build", str(tree), "-o", str(site), "-q", "-j", "1", *options]) == 0


def page(site: Path, name: str = PAGE) -> str:
    return (site / name).read_text(encoding="utf-8")


def replaced_section(html: str, section: str, text: str) -> str:
    """The page with one section (and the blank line before it, which its block holds)
    replaced by ``text``: what a block overridden with ``text`` leaves."""
    start = html.index(f'\n\n<section id="{section}">')
    end = html.index("</section>", start) + len("</section>")
    return html[:start] + text + html[end:]


def test_a_user_template_replaces_one_block_and_keeps_the_rest(tmp_path: Path) -> None:
    tree = write_tree(tmp_path / "tree", TREE)
    mine = write_tree(tmp_path / "mine", {"file_docs.html": OVERRIDE})
    build(tree, tmp_path / "ours")
    build(tree, tmp_path / "theirs", "--templates", str(mine))

    ours = page(tmp_path / "ours")
    assert '<section id="detailed-analysis">' in ours
    assert page(tmp_path / "theirs") == replaced_section(ours, "detailed-analysis", "CUSTOM")
    # Only file_docs.html was overridden: the keyword pages and folder pages are ours.
    for name in ("pkg/core.py_kw.html", "pkg/index.html", "pkg/doc.html", "keywords-e.html"):
        assert page(tmp_path / "theirs", name) == page(tmp_path / "ours", name), name


def test_editing_a_user_template_renders_the_pages_again(tmp_path: Path) -> None:
    tree = write_tree(tmp_path / "tree", TREE)
    mine = write_tree(tmp_path / "mine", {"file_docs.html": OVERRIDE})
    site = tmp_path / "site"
    build(tree, site, "--templates", str(mine))
    (mine / "file_docs.html").write_text(OVERRIDE.replace("CUSTOM", "EDITED"), encoding="utf-8")
    build(tree, site, "--templates", str(mine))

    assert "EDITED" in page(site)
    assert "CUSTOM" not in page(site)


def test_a_second_environment_of_the_process_compiles_no_template_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A site of several versions makes an environment per version: the templates are
    compiled once (an edited one again: see the test above)."""
    import jinja2

    mine = write_tree(tmp_path / "mine", {"file_docs.html": OVERRIDE})
    make_environment([mine]).get_template("file_docs.html")
    compiled: list[str | None] = []
    compile_template = jinja2.Environment.compile

    def counting(self: jinja2.Environment, source: Any, name: str | None = None, **k: Any) -> Any:
        compiled.append(name)
        return compile_template(self, source, name, **k)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    again = make_environment([mine]).get_template("file_docs.html")
    assert compiled == []
    assert again.filename == str(mine / "file_docs.html")


def test_the_trees_pyproject_names_a_folder_relative_to_the_tree(tmp_path: Path) -> None:
    tree = write_tree(
        tmp_path / "tree",
        {
            **TREE,
            "pyproject.toml": '[tool.xrefdoc]\ntemplates = "site-templates"\n',
            "site-templates/file_docs.html": OVERRIDE,
        },
    )
    build(tree, tmp_path / "site")

    html = page(tmp_path / "site")
    assert "CUSTOM" in html
    assert 'id="detailed-analysis"' not in html
    assert '<section id="file-metadata">' in html  # the other sections are ours


def sphinx_build(source: Path, output: Path) -> tuple[int, str]:
    errors = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(errors):
        code = build_main(["-q", "-b", "html", str(source), str(output)])
    return code, errors.getvalue()


def sphinx_project(tmp_path: Path, templates: str) -> Path:
    """A Sphinx project beside the tree, whose conf.py names a folder of templates beside
    itself."""
    write_tree(tmp_path / "tree", TREE)
    return write_tree(
        tmp_path / "docs",
        {
            "conf.py": (
                "extensions = ['xrefdoc.sphinx']\n"
                "xrefdoc_root = '../tree'\n"
                f"xrefdoc_templates = {templates!r}\n"
            ),
            "index.md": "# Guide\n\n```{toctree}\n_xref/index\n```\n",
            "mine/file_docs.html": OVERRIDE,
        },
    )


def test_conf_py_names_a_folder_relative_to_itself(tmp_path: Path) -> None:
    docs = sphinx_project(tmp_path, "mine")
    code, errors = sphinx_build(docs, tmp_path / "html")

    assert code == 0, errors
    html = page(tmp_path / "html", f"_xref/{PAGE}")
    assert "CUSTOM" in html
    assert 'id="detailed-analysis"' not in html
    assert '<section id="file-metadata">' in html


def test_a_missing_folder_in_conf_py_stops_the_build_naming_the_setting(tmp_path: Path) -> None:
    docs = sphinx_project(tmp_path, "missing")
    code, errors = sphinx_build(docs, tmp_path / "html")

    assert code != 0
    assert f"xrefdoc_templates: no such folder of templates: {docs / 'missing'}" in errors
    assert not (tmp_path / "html" / "_xref" / PAGE).exists()


@pytest.mark.parametrize("where", ["command line", "pyproject.toml"])
def test_a_missing_folder_is_one_line_naming_the_setting(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], where: str
) -> None:
    files = dict(TREE)
    options = []
    if where == "command line":
        options = ["--templates", str(tmp_path / "missing")]
    else:
        files["pyproject.toml"] = '[tool.xrefdoc]\ntemplates = "missing"\n'
    tree = write_tree(tmp_path / "tree", files)
    site = tmp_path / "site"

    assert main(["build", str(tree), "-o", str(site), "-q", *options]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    setting = "--templates" if where == "command line" else "[tool.xrefdoc] templates"
    assert len(lines) == 1
    assert lines[0].startswith("xrefdoc: error: ")
    assert setting in lines[0]
    assert "no such folder of templates" in lines[0]
    assert not site.exists()


def test_a_file_is_no_folder_of_templates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tree = write_tree(tmp_path / "tree", TREE)
    mine = write_tree(tmp_path / "mine", {"file_docs.html": OVERRIDE}) / "file_docs.html"

    assert main(["build", str(tree), "-o", str(tmp_path / "site"), "--templates", str(mine)]) == 2
    assert "--templates: not a folder" in capsys.readouterr().err


def documented_blocks() -> dict[str, list[str]]:
    """The blocks of each template, as docs/configuration.md lists them."""
    guide = Path(__file__).parents[2] / "docs" / "configuration.md"
    found = {}
    for line in guide.read_text(encoding="utf-8").splitlines():
        row = re.match(r"\| `(\w+\.(?:html|md))` \|[^|]*\| (.*) \|$", line)
        if row:
            found[row.group(1)] = re.findall(r"`(\w+)`", row.group(2))
    return found


def test_each_template_has_the_documented_blocks() -> None:
    documented = documented_blocks()
    assert set(documented) == {
        "file_docs.html",
        "file_kw.html",
        "folder_index.html",
        "folder_doc.html",
        "keyword_full.html",
        "keywords_letter.md",
        "keywords.md",
        "root_index.md",
        "references.md",
    }
    environment = make_environment()
    for name, blocks in documented.items():
        assert list(environment.get_template(name).blocks) == blocks, name


def test_every_section_of_a_files_page_is_a_block_named_after_its_id() -> None:
    from xrefdoc.site.views import DOCS_SECTIONS

    blocks = make_environment().get_template("file_docs.html").blocks
    for section, _ in DOCS_SECTIONS:
        assert section.replace("-", "_") in blocks, section
