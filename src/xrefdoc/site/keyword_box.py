"""The data of the keyword box and of the source's name cards, loaded by the browser a
piece at a time: ``_xref/kw/index.js`` lists the A-Z pages by their first keyword (a few
bytes per page), and ``_xref/kw/<page>.js`` holds, for each keyword of one A-Z page, how
many definitions and uses it has, in how many files, where its first definition is, and,
when a textual match of it may mean several definitions, those candidates (the card of a
textual match lists them, so the reader chooses in one click). A box that is typed into
loads the list, then only the part its prefix falls in; nothing is loaded before the first
keystroke or hover. The candidates live here, once per keyword for the whole site, not on
the links of the pages: a large file has thousands of textual matches.

They are scripts (``data_scripts``), a part packed. Each part follows its A-Z page, so a
build rewrites only the parts of the pages it renders again.
"""

from __future__ import annotations

from xrefdoc.site.data_scripts import call_script, packed_script
from xrefdoc.site.keyword_layout import KeywordLayout, KeywordPage
from xrefdoc.site.names import PageNames
from xrefdoc.xref.index import Index

FOLDER = "kw"
INDEX_SCRIPT = f"{FOLDER}/index.js"
# A card lists at most this many candidates of a textual match, and links to the keyword's
# entry for the others.
CARD_CANDIDATES = 20


def part_script(page: KeywordPage) -> str:
    """Where one A-Z page's part lives, relative to ``_xref/``."""
    return f"{FOLDER}/{page.page.rpartition('/')[2]}.js"


def _href(page: KeywordPage) -> str:
    return f"{page.page}.html"


def index_script(layout: KeywordLayout) -> str:
    """The A-Z pages, each as [its address from the site's root, its first keyword, its
    last]; a page's keywords are sorted by their lower-cased names."""
    return call_script(
        "xrefdocKeywordIndex",
        [[_href(page), page.keywords[0], page.keywords[-1]] for page in layout.pages],
    )


def _candidates(index: Index, names: PageNames, name: str) -> list[object]:
    """[how many, [[qualified name, kind, path, line, address from the site's root], ...]]
    of the definitions a textual match of ``name`` may mean, the first ``CARD_CANDIDATES``
    in the index's order; empty when there are fewer than two (a textual match with one
    candidate links straight to it, and its title names it)."""
    found = index.textual_definitions.get(name, ())
    if len(found) < 2:
        return []
    shown = found[:CARD_CANDIDATES]
    hrefs = [names.line_href("", d.path, d.symbol.line) for d in shown]
    rows = [
        [d.qualname, d.symbol.kind, d.path, d.symbol.line, href]
        for d, href in zip(shown, hrefs, strict=True)
    ]
    return [len(found), rows]


def page_script(index: Index, page: KeywordPage, names: PageNames) -> str:
    """The part of one A-Z page: [name, definitions, uses, files using it, where its first
    definition is (``kind path:line``)] for each of its keywords, in the page's order, and
    for a keyword whose textual matches may mean several definitions, its ``_candidates``."""
    rows = []
    for name in page.keywords:
        definitions = index.definitions[name]
        uses = index.uses.get(name, ())
        first = definitions[0]
        where = f"{first.symbol.kind} {first.path}:{first.symbol.line}"
        row = [name, len(definitions), len(uses), len({use.path for use in uses}), where]
        rows.append(row + _candidates(index, names, name))
    return packed_script("xrefdocKeywordPart", [_href(page), rows])
