"""A page of xrefdoc's theme links one stylesheet and one deferred script of xrefdoc's, made
of the files it linked before in their order; another theme links those files themselves."""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable
from pathlib import Path

from sphinx.testing.util import SphinxTestApp

from xrefdoc.sphinx.bundles import CSS_PARTS, JS_PARTS, SPHINX_JS_PARTS

MakeApp = Callable[..., SphinxTestApp]
PAGE = "_xref/pkg/core.py_docs.html"


def head_links(page: Path) -> tuple[list[str], list[str]]:
    """The stylesheets and the scripts the page's head links, by address."""
    head = page.read_text("utf-8").partition("</head>")[0]
    sheets = re.findall(r'<link[^>]*rel="stylesheet"[^>]*href="([^"]+)"', head)
    scripts = re.findall(r'<script[^>]*src="([^"]+)"', head)
    return sheets, scripts


def test_the_theme_links_one_bundle_of_each_made_of_the_files_in_order(
    make_app: MakeApp, engines: Path
) -> None:
    app = make_app("html", srcdir=engines, confoverrides={"html_theme": "xrefdoc"})
    app.build()
    sheets, scripts = head_links(app.outdir / PAGE)
    assert [sheet.split("?")[0] for sheet in sheets] == ["../../_static/xrefdoc-site.css"]
    # Sphinx's scripts are at the head of the page's bundle: nothing else uses them.
    assert [script.split("?")[0] for script in scripts] == ["../../_static/xrefdoc-page.js"]
    # The search page's scripts use Sphinx's as they load: those stay apart.
    _, searching = head_links(app.outdir / "search.html")
    assert [script.split("?")[0] for script in searching[:4]] == [
        "_static/documentation_options.js",
        "_static/doctools.js",
        "_static/sphinx_highlight.js",
        "_static/xrefdoc-site.js",
    ]
    assert "_static/searchtools.js" in [script.split("?")[0] for script in searching]
    static = app.outdir / "_static"
    bundles = (
        (sheets[0], CSS_PARTS),
        (scripts[0], (*SPHINX_JS_PARTS, *JS_PARTS)),
        (searching[3], JS_PARTS),
    )
    for address, parts in bundles:
        name, _, version = address.rpartition("/")[2].partition("?v=")
        bundle = (static / name).read_text("utf-8")
        assert version == f"{zlib.crc32(bundle.encode()):08x}", "a new bundle, a new address"
        at = 0
        for part in parts:
            text = (static / part).read_text("utf-8").rstrip("\n")
            found = bundle.find(text, at)
            assert found >= at, f"{part} is in the bundle, after the parts before it"
            at = found + len(text)


def test_another_theme_links_the_files_themselves(make_app: MakeApp, engines: Path) -> None:
    app = make_app("html", srcdir=engines, confoverrides={"html_theme": "alabaster"})
    app.build()
    sheets, scripts = head_links(app.outdir / PAGE)
    assert "../../_static/xrefdoc.css" in [sheet.split("?")[0] for sheet in sheets]
    assert "../../_static/xrefdoc.js" in [script.split("?")[0] for script in scripts]
    assert not any("xrefdoc-site" in address for address in sheets + scripts)
    # Its pygments.css styles the tokens' elements (<k->) as it styles their classes.
    page = (app.outdir / PAGE).read_text("utf-8")
    assert "<k->class</k->" in page
    pygments = (app.outdir / "_static/pygments.css").read_text("utf-8")
    assert re.search(r"^\.highlight \.k, \.highlight k- \{ *color", pygments, re.M), pygments[:300]
