"""Pages written through theme frames are the pages Sphinx's ``handle_page`` writes, and a
theme that lays pages out differently turns frames off."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest
from helpers import write_tree
from sphinx.cmd.build import build_main

from xrefdoc.commands.cli import main
from xrefdoc.site import frames, writer

TREE = {
    "pkg/__init__.py": "from pkg.core import Engine\n",
    "pkg/core.py": "class Engine:\n    def run(self):\n        return 1\n",
    "pkg/deep/er/still/leaf.py": "from pkg.core import Engine\n\nEngine().run()\n",
    "docs/guide.md": "# Guide\n\nCall `pkg.core.Engine.run`.\n",
    "odd name with spaces.py": "VALUE = 1\n",
    "pkg/a+b.py": "PLUS = 1\n",
    "pkg/café #1 50%.py": "CAFE = 1\n",
    "test cases/common/1 trivial/main.py": "MAIN = 1\n",
    "_sources/beside_sphinx.py": "BESIDE = 1\n",
    "top.py": "import pkg\n",
}


def html_pages(output: Path) -> dict[str, bytes]:
    return {
        path.relative_to(output).as_posix(): path.read_bytes() for path in output.rglob("*.html")
    }


def framed_pages(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records each page written through a frame."""
    written: list[str] = []
    real_write = frames.PageFrames.write

    def write(self: frames.PageFrames, pagename: str, title: str, body: str) -> bool:
        done = real_write(self, pagename, title, body)
        if done:
            written.append(pagename)
        return done

    monkeypatch.setattr(frames.PageFrames, "write", write)
    return written


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_framed_pages_are_the_pages_sphinx_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: str
) -> None:
    tree = write_tree(tmp_path / "tree", TREE)
    monkeypatch.setattr(writer, "PARALLEL_MIN_JOBS", 1)
    written = framed_pages(monkeypatch)
    assert main(["build", str(tree), "-o", str(tmp_path / "framed"), "-q", "-j", jobs]) == 0
    if jobs == "1":  # the workers' records stay in the workers
        assert "pkg/deep/er/still/leaf.py_docs" in written
        # xrefdoc's theme does not print a page's name, so it need not be plain.
        assert "odd name with spaces.py_docs" in written
        assert "pkg/a+b.py_docs" in written
        assert "pkg/café #1 50%.py_docs" in written
        assert "test cases/common/1 trivial/main.py_docs" in written
        assert "test cases/common/1 trivial/index" in written
        assert "_sources/beside_sphinx.py_docs" not in written, "beside Sphinx's own folder"
    monkeypatch.setattr(frames, "frames_allowed", lambda builder: False)
    assert main(["build", str(tree), "-o", str(tmp_path / "full"), "-q", "-j", jobs]) == 0
    framed, full = html_pages(tmp_path / "framed"), html_pages(tmp_path / "full")
    assert framed.keys() == full.keys()
    assert [page for page in framed if framed[page] != full[page]] == []


def sphinx_project(tmp_path: Path, tree: Path, extra_conf: str) -> Path:
    return write_tree(
        tmp_path / "docs",
        {
            "conf.py": (
                "extensions = ['myst_parser', 'xrefdoc.sphinx']\n"
                f"xrefdoc_root = {str(tree)!r}\n{extra_conf}"
            ),
            "index.md": "# Project\n\n```{toctree}\n_xref/index\n```\n",
            "_templates/page.html": (
                '{% extends "!page.html" %}\n{% block body %}'
                "{% if pagename.startswith('_xref/pkg/') %}<p>IN-PKG</p>{% endif %}"
                "{{ super() }}{% endblock %}\n"
            ),
        },
    )


def sphinx_build(project: Path, output: Path) -> int:
    with contextlib.redirect_stdout(io.StringIO()):
        return build_main(["-q", "-b", "html", str(project), str(output)])


@pytest.mark.parametrize(
    "extra_conf, framed, odd_names_framed",
    [
        # A sidebar with the project's table of contents: its links depend on depth only.
        ("html_sidebars = {'**': ['navigation.html', 'searchbox.html']}\n", True, True),
        # With a canonical URL holding each page's name, URL-quoted: a name that quoting
        # changes is laid out by handle_page.
        ("html_baseurl = 'https://example.org/docs/'\n", True, False),
        # Templates of the project's own (this one branches on the page's name): no frames.
        ("templates_path = ['_templates']\n", False, False),
        # A page-context handler in conf.py: it may change any page, no frames.
        (
            "def setup(app):\n    app.connect('html-page-context', lambda *args: None)\n",
            False,
            False,
        ),
        # Sidebars chosen by page name: frames are not even tried.
        ("html_sidebars = {'_xref/pkg/**': ['searchbox.html']}\n", False, False),
    ],
    ids=["toctree-sidebar", "base-url", "own-templates", "conf-handler", "sidebars-by-name"],
)
def test_inside_a_sphinx_project_frames_are_used_only_where_safe(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    extra_conf: str,
    framed: bool,
    odd_names_framed: bool,
) -> None:
    tree = write_tree(tmp_path / "tree", TREE)
    project = sphinx_project(tmp_path, tree, extra_conf)
    written = framed_pages(monkeypatch)
    assert sphinx_build(project, tmp_path / "framed") == 0
    assert bool(written) == framed
    odd = {
        "_xref/odd name with spaces.py_docs",
        "_xref/pkg/a+b.py_docs",
        "_xref/pkg/café #1 50%.py_docs",
        "_xref/test cases/common/1 trivial/main.py_docs",
    }
    assert (odd <= set(written)) == odd_names_framed
    assert odd & set(written) in (set(), odd)
    monkeypatch.setattr(frames, "frames_allowed", lambda builder: False)
    assert sphinx_build(project, tmp_path / "full") == 0
    pages, full = html_pages(tmp_path / "framed"), html_pages(tmp_path / "full")
    assert pages.keys() == full.keys()
    assert [page for page in pages if pages[page] != full[page]] == []
    leaf = pages["_xref/pkg/deep/er/still/leaf.py_docs.html"].decode()
    if "templates_path" in extra_conf:
        assert "<p>IN-PKG</p>" in leaf
    if "html_baseurl" in extra_conf:
        canonical = "https://example.org/docs/_xref/pkg/deep/er/still/leaf.py_docs.html"
        assert f'<link rel="canonical" href="{canonical}"' in leaf
    if "navigation.html" in extra_conf:  # the toctree's entry: the site's root, _xref/index
        assert '<a class="reference internal" href="../../../../index.html">tree</a>' in leaf
