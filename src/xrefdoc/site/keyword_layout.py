"""Where each keyword is listed in the A-Z index, and the name Sphinx knows each definition by.

A keyword's entry on its letter page shows a bounded number of definitions and uses; a
keyword with more gets a page of its own with all of them, linked from the entry. A letter
is split into several pages when its entries would exceed the entry limit or the row
budget, so no page grows with the size of the tree.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass

from xrefdoc.site.names import PageNames, keyword_letter
from xrefdoc.xref.index import Index
from xrefdoc.xref.resolve import Definition

PAGE_ENTRY_LIMIT = 1500
# About 150 bytes of HTML a row: a letter page stays under about a megabyte.
PAGE_ROW_BUDGET = 6000
DEFINITIONS_SHOWN = 10
USE_FILES_SHOWN = 8
USE_LINES_SHOWN = 40

_SLUG_UNSAFE = re.compile(r"[^a-z0-9_]+")


@dataclass(frozen=True, slots=True)
class KeywordPage:
    """One page of the A-Z index: its name, letter, part number and keywords (sorted)."""

    page: str
    letter: str
    part: int
    parts: int
    keywords: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class KeywordLayout:
    """The pages of the A-Z index, and for each keyword the page that lists it and, when
    its entry is cut, the page that lists all its definitions and uses."""

    pages: tuple[KeywordPage, ...]
    page_of: dict[str, str]
    full_page_of: dict[str, str]
    definition_ids: dict[Definition, str]


def definition_ids(index: Index) -> dict[Definition, str]:
    """A name distinct for each definition, for its anchor in a keyword entry: its
    qualified name, with its place added when several definitions share it."""
    counts = Counter(d.qualname for found in index.definitions.values() for d in found)
    return {
        d: d.qualname if counts[d.qualname] == 1 else f"{d.qualname} ({d.path}:{d.symbol.line})"
        for found in index.definitions.values()
        for d in found
    }


def keyword_sort_key(name: str) -> tuple[str, str]:
    return (name.lower(), name)


def full_page_slug(name: str) -> str:
    """A file name for a keyword's own page: readable, and distinct even on file systems
    that ignore case (``Run`` and ``run`` differ by the hash)."""
    readable = _SLUG_UNSAFE.sub("-", name.lower()).strip("-")[:40] or "name"
    digest = hashlib.sha1(name.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"{readable}-{digest}"


def is_cut(index: Index, name: str) -> bool:
    """True when the keyword's entry cannot show everything on its letter page."""
    uses = index.uses.get(name, ())
    files = {use.path for use in uses}
    return (
        len(index.definitions.get(name, ())) > DEFINITIONS_SHOWN
        or len(files) > USE_FILES_SHOWN
        or len(uses) > USE_LINES_SHOWN
    )


def _rows(index: Index, name: str) -> int:
    uses = len(index.uses.get(name, ()))
    return 1 + min(len(index.definitions[name]), DEFINITIONS_SHOWN) + min(uses, USE_LINES_SHOWN)


def keyword_layout(index: Index, names: PageNames) -> KeywordLayout:
    """Split the keywords into letter pages; pure and deterministic."""
    by_letter: dict[str, list[str]] = {}
    for name in sorted(index.definitions, key=keyword_sort_key):
        by_letter.setdefault(keyword_letter(name), []).append(name)
    pages: list[KeywordPage] = []
    page_of: dict[str, str] = {}
    full_page_of: dict[str, str] = {}
    for letter, keywords in by_letter.items():
        chunks: list[list[str]] = [[]]
        rows = 0
        for name in keywords:
            cost = _rows(index, name)
            full = len(chunks[-1]) >= PAGE_ENTRY_LIMIT or rows + cost > PAGE_ROW_BUDGET
            if chunks[-1] and full:
                chunks.append([])
                rows = 0
            chunks[-1].append(name)
            rows += cost
        for part, chunk in enumerate(chunks, start=1):
            page = names.letter_page(letter if part == 1 else f"{letter}-{part}")
            pages.append(KeywordPage(page, letter, part, len(chunks), tuple(chunk)))
            for name in chunk:
                page_of[name] = page
                if is_cut(index, name):
                    full_page_of[name] = names.keyword_full_page(full_page_slug(name))
    return KeywordLayout(tuple(pages), page_of, full_page_of, definition_ids(index))
