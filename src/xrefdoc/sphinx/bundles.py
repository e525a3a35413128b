"""One stylesheet and one script where a page of xrefdoc's theme would link nine files.

Every page of a site links the same stylesheets (Pygments', Sphinx's ``basic.css``, the
theme's, xrefdoc's, the colours of code in the dark) and the same deferred scripts
(``xrefdoc.js``, ``-lines``, ``-find``, ``-history``, the theme's switch): nine tags of
some ninety bytes on each of a site's pages, three pages a file. The theme's layout links
one bundle of each instead (``xrefdoc-site.css``, ``xrefdoc-site.js``), made of the same
files in the same order, so the cascade and the order the scripts run in are what they
were, and one request brings what nine did. Sphinx's own scripts stay apart: the search
page's, which are not deferred, use them as they load. Other themes link the files as
Sphinx lists them.

The bundles are made from the files Sphinx copied to ``_static/``, so the first page the
build lays out makes them, once per process (a parallel build's workers make the same
bytes, each written whole).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

from xrefdoc.core.fsutil import write_if_changed
from xrefdoc.site.highlight import with_token_elements
from xrefdoc.sphinx.theme import DARK_CSS, dark_highlighting_css

STATIC = "_static"
PYGMENTS_CSS = "pygments.css"
CSS_PARTS = (PYGMENTS_CSS, "basic.css", "xrefdoc-theme.css", "xrefdoc.css", DARK_CSS)
JS_PARTS = (
    "xrefdoc.js",
    "xrefdoc-lines.js",
    "xrefdoc-find.js",
    "xrefdoc-history.js",
    "xrefdoc-theme.js",
)
CSS_BUNDLE = "xrefdoc-site.css"
JS_BUNDLE = "xrefdoc-site.js"


@dataclass(frozen=True, slots=True)
class Bundle:
    """A bundle's address from the site's root, with its checksum as Sphinx puts one on a
    file's link (so a browser that kept the old one asks again), and the files it holds."""

    href: str
    parts: frozenset[str]


@dataclass(frozen=True, slots=True)
class Bundles:
    css: Bundle
    js: Bundle


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
    for part in (*CSS_PARTS, *JS_PARTS):
        if part not in texts:
            try:
                texts[part] = (static / part).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                return None
    # Sphinx writes its own each build; the tokens' elements are styled in the bundle too.
    texts[PYGMENTS_CSS] = with_token_elements(texts[PYGMENTS_CSS])
    css = _bundle(static, CSS_BUNDLE, CSS_PARTS, texts)
    # A script's last statement is ended, whatever the file ends with.
    return Bundles(css, _bundle(static, JS_BUNDLE, JS_PARTS, texts, end="\n;"))


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
        context["xrefdoc_bundles"] = self._bundles
