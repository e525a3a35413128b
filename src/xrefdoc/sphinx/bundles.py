"""One stylesheet and one script where a page of xrefdoc's theme would link nine files.

Every page of a site links the same stylesheets (Pygments', Sphinx's ``basic.css``, the
theme's, xrefdoc's, the colours of code in the dark) and the same deferred scripts
(``xrefdoc.js``, ``-lines``, ``-find``, ``-history``, the theme's switch): nine tags of
some ninety bytes on each of a site's pages, three pages a file. The theme's layout links
one bundle of each instead (``xrefdoc-site.css``, ``xrefdoc-site.js``), made of the same
files in the same order, so the cascade and the order the scripts run in are what they
were, and one request brings what nine did. Sphinx's own scripts (its options, ``doctools``,
the highlighting of searched words) are at the head of the script bundle on a page whose
scripts are all bundled; they stay apart on the search page, whose scripts are not deferred
and use them as they load, and on a page with a script of another extension, which may.
Other themes link the files as Sphinx lists them.

The bundles are made from the files Sphinx copied to ``_static/``, so the first page the
build lays out makes them, once per process (a parallel build's workers make the same
bytes, each written whole).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

from xrefdoc.core.fsutil import write_if_changed
from xrefdoc.site.highlight import with_token_elements
from xrefdoc.sphinx.theme import DARK_CSS, dark_highlighting_css

STATIC = "_static"
SEARCH_PAGE = "search"
PYGMENTS_CSS = "pygments.css"
CSS_PARTS = (PYGMENTS_CSS, "basic.css", "xrefdoc-theme.css", "xrefdoc.css", DARK_CSS)
JS_PARTS = (
    "xrefdoc.js",
    "xrefdoc-lines.js",
    "xrefdoc-find.js",
    "xrefdoc-history.js",
    "xrefdoc-theme.js",
)
# Sphinx's scripts on every page, which only a deferred bundle's own scripts use as it loads.
SPHINX_JS_PARTS = ("documentation_options.js", "doctools.js", "sphinx_highlight.js")
CSS_BUNDLE = "xrefdoc-site.css"
JS_BUNDLE = "xrefdoc-site.js"
PAGE_JS_BUNDLE = "xrefdoc-page.js"
# What ends each script of a bundle: its last statement, whatever the file ends with.
_SCRIPT_END = "\n;"


@dataclass(frozen=True, slots=True)
class Bundle:
    """A bundle's address from the site's root, with its checksum as Sphinx puts one on a
    file's link (so a browser that kept the old one asks again), and the files it holds."""

    href: str
    parts: frozenset[str]


@dataclass(frozen=True, slots=True)
class Bundles:
    """The stylesheet, and the script bundle a page links: ``js`` on a page of xrefdoc's
    and Sphinx's scripts only, ``ours`` on another."""

    css: Bundle
    js: Bundle
    ours: Bundle

    def for_page(self, pagename: str, scripts: Iterable[Any]) -> Bundles:
        """These bundles as the page links them: ``js`` is ``ours`` unless every script of
        the page is in ``js``."""
        names = {str(getattr(script, "filename", "")) for script in scripts}
        if pagename == SEARCH_PAGE or not names <= self.js.parts:
            return replace(self, js=self.ours)
        return self


def _bundle(
    static: Path, name: str, parts: tuple[str, ...], texts: dict[str, str], end: str = ""
) -> Bundle:
    """The bundle ``name`` of ``parts``, each followed by ``end``, written into ``static``."""
    joined = "\n".join(texts[part].rstrip("\n") + end for part in parts) + "\n"
    write_if_changed(static / name, joined)
    checksum = zlib.crc32(joined.encode("utf-8"))
    held = frozenset(f"{STATIC}/{part}" for part in parts)
    return Bundle(f"{STATIC}/{name}?v={checksum:08x}", held)


def make_bundles(outdir: Path) -> Bundles | None:
    """The bundles of the files in ``outdir``'s ``_static/``, written there; None when one
    of those files is not there (the theme then links each file as Sphinx lists it)."""
    static = outdir / STATIC
    texts = {DARK_CSS: dark_highlighting_css()}
    for part in (*CSS_PARTS, *SPHINX_JS_PARTS, *JS_PARTS):
        if part not in texts:
            try:
                texts[part] = (static / part).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                return None
    # Sphinx writes its own each build; the tokens' elements are styled in the bundle too.
    texts[PYGMENTS_CSS] = with_token_elements(texts[PYGMENTS_CSS])
    css = _bundle(static, CSS_BUNDLE, CSS_PARTS, texts)
    page = _bundle(static, PAGE_JS_BUNDLE, (*SPHINX_JS_PARTS, *JS_PARTS), texts, _SCRIPT_END)
    return Bundles(css, page, _bundle(static, JS_BUNDLE, JS_PARTS, texts, _SCRIPT_END))


class BundleMaker:
    """Connected to one Sphinx (``connect``): the bundles of its build under way, made at the
    first page it lays out, after Sphinx copied the files of ``_static/``."""

    def __init__(self) -> None:
        self._made = False
        self._bundles: Bundles | None = None

    def connect(self, app: Sphinx) -> None:
        app.connect("write-started", self.forget)
        app.connect("html-page-context", self.add)

    def forget(self, app: Sphinx, builder: Any) -> None:
        """A new build's writing: its files of ``_static/`` may differ."""
        self._made = False

    def add(
        self, app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
    ) -> None:
        """``xrefdoc_bundles`` for the theme's layout."""
        if app.builder.format != "html":
            return
        if not self._made:
            self._bundles = make_bundles(Path(app.outdir))
            self._made = True
        bundles = self._bundles
        scripts = context.get("script_files", ())
        context["xrefdoc_bundles"] = bundles and bundles.for_page(pagename, scripts)
