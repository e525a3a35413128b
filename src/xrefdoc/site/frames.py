"""Pages laid out in the theme without rendering the theme for each page.

Sphinx's ``handle_page`` renders the whole theme layout for every page (a few milliseconds:
about half the cost of a file page). For the pages xrefdoc writes, the layout differs from
page to page only by the page's name, its title and its body; its relative links depend only
on how deep the page is. So the layout is rendered once per depth with made-up values (a
"frame"), and each page fills its values in.

Frames are used only where nothing else can make two such pages differ: a theme whose
templates were read for it (they print the page's name and title, and compare the name only
with Sphinx's own "search" and "genindex"), no templates of the project's own
(``templates_path``), only known ``html-page-context`` handlers, sidebars the same for
every page, titles that no escaping changes, and pages in no folder that also holds a
document or Sphinx's own files (``relative_uri`` would shorten links to those). A page
whose name escaping or URL quoting would change (a space, a ``+``) is framed only where the
layout does not print the name at all (xrefdoc's theme does not; a canonical URL does).
Its depth and the folders it shares links with are the same quoted or not (quoting adds or
removes no ``/``). Half of NumPy 2.1.3's pages are under its vendored Meson's ``test
cases/``. Each frame is also checked: it is rendered
twice with two sets of made-up values, and filling the first with the second's values must
give the second byte for byte. Any other page is laid out by ``handle_page``.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.util import logging
from sphinx.util.osutil import ensuredir

from xrefdoc.core.fsutil import naming

logger = logging.getLogger(__name__)

# Modules whose ``html-page-context`` handlers change nothing between two of our pages of
# the same depth (resource paths, MathJax only on pages with equations, the theme's
# version). Another handler may (one in ``conf.py`` has no module), so it turns frames off.
KNOWN_PAGE_CONTEXT_MODULES = ("sphinx.builders.html", "sphinx.ext.mathjax", "alabaster")
# Themes whose templates were read for this (see the module's docstring).
KNOWN_THEMES = ("alabaster", "basic", "xrefdoc")
# Where Sphinx writes files of its own, beside the documents.
SPHINX_FOLDERS = ("_static", "_images", "_downloads", "_sources")

# Names that escaping and URL quoting leave as they are; what a title must not hold.
_PLAIN_NAME = re.compile(r"[A-Za-z0-9_./-]+")
_UNSAFE_IN_TITLE = re.compile(r"[<>&\"'\\\x00-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class _Values:
    pagename: str
    title: str
    body: str


@dataclass(frozen=True, slots=True)
class Frame:
    """A laid-out page cut at each of its values: ``pieces`` alternate between fixed text
    and a slot (``pagename``, ``title`` or ``body``), first and last fixed."""

    pieces: tuple[str, ...]
    # Whether the layout prints the page's name (found once, when the frame is cut).
    prints_name: bool

    def fill(self, values: _Values) -> str:
        out = []
        for position, piece in enumerate(self.pieces):
            out.append(getattr(values, piece) if position % 2 else piece)
        return "".join(out)


def _made_up(pagename_like: str, prefix: str, which: str) -> _Values:
    """Values for a page in the same folder of the site as ``pagename_like`` (under
    ``prefix``) and as deep, of letters only, found in no page by chance."""
    folders = pagename_like.count("/") - prefix.count("/")
    name = "/".join([f"xrefdocframe{which}dir"] * folders + [f"xrefdocframe{which}page"])
    return _Values(prefix + name, f"Xrefdocframe{which}title", f"xrefdocframe{which}body")


def _cut(output: str, values: _Values) -> Frame | None:
    slots = {values.pagename: "pagename", values.title: "title", values.body: "body"}
    pieces = re.split("(" + "|".join(map(re.escape, slots)) + ")", output)
    if pieces.count(values.body) != 1:
        return None
    cut = tuple(slots[p] if i % 2 else p for i, p in enumerate(pieces))
    return Frame(cut, prints_name="pagename" in cut[1::2])


def frames_allowed(builder: StandaloneHTMLBuilder) -> bool:
    """Whether this build's pages can only differ by name, title, body and depth."""
    config = builder.config
    if config.html_theme not in KNOWN_THEMES or config.templates_path:
        return False
    if any(pattern != "**" for pattern in config.html_sidebars):
        return False
    handlers = builder.events.listeners.get("html-page-context", [])
    return all(_known_handler(listener.handler) for listener in handlers)


def _known_handler(handler: object) -> bool:
    module = getattr(handler, "__module__", None) or ""
    return module.partition(".")[0] == "xrefdoc" or module in KNOWN_PAGE_CONTEXT_MODULES


def _shared_folders(builder: StandaloneHTMLBuilder, prefix: str) -> frozenset[str]:
    """The first folders under ``prefix`` that hold a document or Sphinx's own files: a
    page in one of them gets shortened links to those, which a frame does not have."""
    paths = [*builder.env.all_docs, *(f"{folder}/" for folder in SPHINX_FOLDERS)]
    return frozenset(
        rest.partition("/")[0]
        for path in paths
        if path.startswith(prefix) and "/" in (rest := path[len(prefix) :])
    )


@dataclass(frozen=True, slots=True)
class FilledPages:
    """The frames made so far (by depth) and where pages go: what fills and writes pages
    without the builder, so a process that cannot render the theme (a cluster's worker)
    writes them too. Picklable."""

    frames: dict[int, Frame | None]
    prefix: str
    # The folders under ``prefix`` whose pages are never framed (``_shared_folders``).
    shared: frozenset[str]
    outdir: Path
    suffix: str
    encoding: str

    def framable(self, pagename: str) -> bool:
        """A name under the prefix, in no folder it shares with other files."""
        if not pagename.startswith(self.prefix):
            return False
        return pagename[len(self.prefix) :].partition("/")[0] not in self.shared

    def html(self, pagename: str, title: str, body: str) -> str | None:
        """The page laid out through its frame; None when it must go through
        ``handle_page`` (see the module's docstring), or its depth has no frame made."""
        if _UNSAFE_IN_TITLE.search(title) or title != " ".join(title.split()):
            return None
        frame = self.frames.get(pagename.count("/")) if self.framable(pagename) else None
        if frame is None or (frame.prints_name and not _PLAIN_NAME.fullmatch(pagename)):
            return None
        return frame.fill(_Values(pagename, title, body))

    def write(self, pagename: str, html: str, folders_made: set[Path]) -> None:
        """Write a laid-out page where the builder would; ``folders_made``: the folders this
        process made already."""
        path = Path(self.outdir, pagename + self.suffix)  # as ``get_output_path``
        if path.parent not in folders_made:
            ensuredir(path.parent)
            folders_made.add(path.parent)
        # Written beside the page, then renamed: a reader (or a killed build) sees the old
        # page or the new one, never part of one. The name is this process's own.
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            with naming(path):
                temporary.write_text(html, encoding=self.encoding, errors="xmlcharrefreplace")
            os.replace(temporary, path)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise


class PageFrames:
    """Writes pages through frames where that is safe (see the module's docstring)."""

    def __init__(self, builder: StandaloneHTMLBuilder, prefix: str) -> None:
        """Use ``for_builder``. ``prefix``: the folder of the site every page is in."""
        self._builder = builder
        self.filled = FilledPages(
            {},
            prefix,
            _shared_folders(builder, prefix),
            Path(builder.outdir),
            builder.out_suffix,
            builder.config.html_output_encoding,
        )
        self._folders_made: set[Path] = set()
        self._scratch: Path | None = None
        self._owner = 0

    @classmethod
    def for_builder(cls, builder: object, prefix: str) -> PageFrames | None:
        """Frames for this build's pages, or None where frames are not safe at all."""
        if type(builder) is not StandaloneHTMLBuilder:  # dirhtml, singlehtml: other URLs
            return None
        if not frames_allowed(builder):
            return None
        return cls(builder, prefix)

    def write(self, pagename: str, title: str, body: str) -> bool:
        """Write the page through its frame; False when it must go through ``handle_page``."""
        if self.filled.framable(pagename):
            self._frame(pagename)
        html = self.filled.html(pagename, title, body)
        if html is None:
            return False
        self.write_html(pagename, html)
        return True

    def write_html(self, pagename: str, html: str) -> None:
        """Write a page laid out already (by ``filled``, in another process)."""
        self.filled.write(pagename, html, self._folders_made)

    def prepare(self, pagenames: Iterable[str]) -> None:
        """Make the frames these pages need now, so forked writers share them."""
        for pagename in pagenames:
            if self.filled.framable(pagename):
                self._frame(pagename)

    def close(self) -> None:
        """Remove the scratch folder (only the process that made it: workers share it)."""
        if self._scratch is not None and os.getpid() == self._owner:
            shutil.rmtree(self._scratch, ignore_errors=True)
            self._scratch = None

    def _frame(self, pagename: str) -> Frame | None:
        depth = pagename.count("/")
        frames = self.filled.frames
        if depth not in frames:
            frames[depth] = self._checked_frame(pagename)
        return frames[depth]

    def _render(self, values: _Values) -> str:
        if self._scratch is None:
            self._scratch = Path(tempfile.mkdtemp(prefix="xrefdoc-frame-"))
            self._owner = os.getpid()
        target = self._scratch / f"frame-{os.getpid()}.html"
        self._builder.handle_page(
            values.pagename, {"title": values.title, "body": values.body}, outfilename=target
        )
        return target.read_bytes().decode(self.filled.encoding)  # line breaks as written

    def _checked_frame(self, pagename: str) -> Frame | None:
        first = _made_up(pagename, self.filled.prefix, "a")
        second = _made_up(pagename, self.filled.prefix, "b")
        frame = _cut(self._render(first), first)
        if frame is None or frame.fill(second) != self._render(second):
            logger.info(
                "xrefdoc: the theme lays out pages of depth %d differently from page to page; "
                "each is rendered in full",
                pagename.count("/"),
            )
            return None
        return frame
