"""Checks a built site: every internal link points at an existing page and anchor.

The symbol page draws the definition its fragment names (``#<file key>/<symbol anchor>``)
from the site's data (``site.symbol_data``), so a link to it is checked against that data:
the file's ``_xref/sym/<key>.js`` exists and holds the anchor. The links a keyword page's
script makes from the numbers of its lines of use (``render.use_lines``) are checked as
the links they become."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from xrefdoc.site.data_scripts import script_value
from xrefdoc.site.names import DATA_FOLDER, FilePageKind, definition_anchor, line_anchor
from xrefdoc.site.symbol_data import FRAGMENTS_ATTRIBUTE, SYM_FOLDER

# What a keyword page's list of entries names the symbol page with (templates/_kwindex.html),
# how its definitions' ids start, and how a file page's name ends.
REFERENCES_ATTRIBUTE = "data-references"
# A keyword entry's list of uses by file, whose numbers the page's script links to lines.
USES_CLASS = "xref-uses"
_NUMBER = re.compile(r"[0-9]+")
_DEFINITION_ID = definition_anchor("")
_FILE_PAGE_END = f"_{FilePageKind.DOCS}.html"


class _PageScan(HTMLParser):
    """Collects the ids a page defines and the links it makes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []
        # The site's root from this page (Sphinx's ``data-content_root``), and whether the
        # page's fragments name definitions of the symbol data rather than ids.
        self.content_root = ""
        self.symbol_fragments = False
        # A keyword page's link to the symbol page, and its definitions' links: its script
        # links each of those to the definition's references there.
        self.references_page = ""
        self.definition_links: list[str] = []
        self._in_definition = False
        # A keyword's lines of use: in each item of its list, the file's link, then the
        # numbers of its lines, which the page's script links to them.
        self._in_uses = False
        self._use_page: str | None = None
        self._in_link = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "dl" and values.get(REFERENCES_ATTRIBUTE):
            self.references_page = values[REFERENCES_ATTRIBUTE] or ""
        elif tag == "ul":
            self._in_uses = USES_CLASS in (values.get("class") or "").split()
        elif tag == "li":
            self._in_definition = (values.get("id") or "").startswith(_DEFINITION_ID)
            self._use_page = None
        elif tag == "a":
            self._in_link = True
            href = values.get("href")
            if href and self._in_definition:
                self.definition_links.append(href)
                self._in_definition = False
            if href and self._in_uses and self._use_page is None:
                self._use_page = href.partition("#")[0]
        for name, value in attrs:
            if name == "data-content_root" and tag == "html" and value is not None:
                self.content_root = value
            elif name == FRAGMENTS_ATTRIBUTE:
                self.symbol_fragments = True
            if value is None:
                continue
            if name in ("id", "name"):
                self.ids.add(value)
            elif name == "href" and tag in ("a", "link"):
                self.links.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self._in_link = False
        elif tag == "ul":
            self._in_uses = False

    def handle_data(self, data: str) -> None:
        if self._in_uses and self._use_page and not self._in_link:
            page = self._use_page
            self.links += [f"{page}#{line_anchor(int(n))}" for n in _NUMBER.findall(data)]


def page_links(html: str) -> list[str]:
    """The links of a page's HTML, in order, with those its script makes from a keyword's
    lines of use: what a reader with scripts on can follow."""
    scanner = _PageScan()
    scanner.feed(html)
    return scanner.links


def _scan(page: Path, cache: dict[Path, _PageScan]) -> _PageScan:
    if page not in cache:
        scanner = _PageScan()
        scanner.feed(page.read_text(encoding="utf-8", errors="replace"))
        cache[page] = scanner
    return cache[page]


@dataclass(frozen=True, slots=True)
class SiteCheck:
    """What ``check_site`` found: pages and internal links read, and the broken ones."""

    pages: int
    links: int
    broken: list[str]


def check_site(site: Path) -> SiteCheck:
    """Every internal link of every page of ``site``, and those a keyword page's script
    makes to the symbol page; ``page: link (reason)`` for each whose file or anchor does
    not exist. Links to other sites are not followed."""
    site = site.resolve()
    cache: dict[Path, _PageScan] = {}
    anchors: dict[Path, frozenset[str]] = {}
    problems: list[str] = []
    pages = links = 0
    for page in sorted(site.rglob("*.html")):
        pages += 1
        this = _scan(page, cache)
        for link in this.links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or link.startswith("//"):
                continue
            links += 1
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if target.is_dir():
                target = target / "index.html"
            where = f"{page.relative_to(site).as_posix()}: {link}"
            if not target.is_relative_to(site) or not target.is_file():
                problems.append(f"{where} (no such file)")
            elif parts.fragment and target.suffix == ".html":
                scanned = _scan(target, cache)
                if unquote(parts.fragment) in scanned.ids:
                    continue
                if not scanned.symbol_fragments:
                    problems.append(f"{where} (no such anchor)")
                else:
                    key, _, anchor = unquote(parts.fragment).rpartition("/")
                    if not _symbol_known(
                        target.parent / scanned.content_root, key, anchor, anchors
                    ):
                        problems.append(f"{where} (no such definition)")
        if this.references_page:
            problems += _references_problems(page, site, this, anchors)
            links += len(this.definition_links)
    return SiteCheck(pages, links, problems)


def _references_problems(
    page: Path, site: Path, scanned: _PageScan, anchors: dict[Path, frozenset[str]]
) -> list[str]:
    """The broken ones of the links a keyword page's script makes from its definitions'
    links to their references on the symbol page (xrefdoc.js); a definition's link it can
    make none from is one, as the reader gets no link."""
    root = (page.parent / scanned.content_root).resolve()
    symbol_page = (page.parent / unquote(urlsplit(scanned.references_page).path)).is_file()
    problems = []
    for link in scanned.definition_links:
        where = f"{page.relative_to(site).as_posix()}: references of {link}"
        named = _references_of(page, root, link)
        if named is None:
            problems.append(f"{where} (no symbol anchor of a file page: no link made)")
        elif not symbol_page:
            problems.append(f"{where} (no such file)")
        elif not _symbol_known(root, *named, anchors):
            problems.append(f"{where} (no such definition)")
    return problems


def _references_of(page: Path, root: Path, link: str) -> tuple[str, str] | None:
    """The file key and symbol anchor of the symbol page's link that a keyword page's script
    makes from a definition's link (``…/<file key>_docs.html#<symbol anchor>``) on a page
    of the site at ``root``, as xrefdoc.js does; None for a link it makes none from."""
    parts = urlsplit(link)
    if parts.scheme or parts.netloc or not parts.fragment.startswith("sym-"):
        return None
    if not parts.path.endswith(_FILE_PAGE_END):
        return None
    target = (page.parent / unquote(parts.path)).resolve()
    if not target.is_relative_to(root):
        return None
    key = target.relative_to(root).as_posix()[: -len(_FILE_PAGE_END)]
    return key, unquote(parts.fragment)


def _symbol_known(root: Path, key: str, anchor: str, anchors: dict[Path, frozenset[str]]) -> bool:
    """Whether the anchor names a definition in the symbol data of file ``key`` under
    ``root``; each file's anchors are read once into ``anchors`` (a site links its files'
    data from every line of theirs that a page cites)."""
    if not key:
        return False
    data = (root / DATA_FOLDER / SYM_FOLDER / f"{key}.js").resolve()
    known = anchors.get(data)
    if known is None:
        known = anchors[data] = _script_anchors(data)
    return anchor in known


def _script_anchors(data: Path) -> frozenset[str]:
    """The definitions a ``sym/<key>.js`` script holds (``xrefdocSymbols({..., d: {anchor:
    [...]}})``); none when it is missing or not such a script."""
    try:
        text = data.read_text(encoding="utf-8")
    except OSError:
        return frozenset()
    try:
        value = script_value(text)
    except ValueError:
        return frozenset()
    rows = value.get("d") if isinstance(value, dict) else None
    return frozenset(rows) if isinstance(rows, dict) else frozenset()


def broken_links(site: Path) -> list[str]:
    """``page: link (reason)`` for every internal link whose file or anchor does not exist."""
    return check_site(site).broken
