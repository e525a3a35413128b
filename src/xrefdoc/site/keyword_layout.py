"""Where each keyword is listed in the A-Z index, and the name Sphinx knows each definition by.

A keyword's entry on its letter page shows a bounded number of definitions and uses; a
keyword with more gets a page of its own with all of them, linked from the entry. A letter
is split into several pages when its entries would exceed the entry limit or the row
budget, so no page grows with the size of the tree.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from xrefdoc.site.names import PageNames, definition_anchor, keyword_letter
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
    definition_anchors: DefinitionAnchors


class DefinitionAnchors(Mapping[Definition, str]):
    """An anchor distinct for each definition in a keyword entry: ``def-`` and its qualified
    name; when several definitions share that name (a tree's copies of one module), with
    ``~`` and a checksum of its file's path added, and ``~2``, ``~3``... for a file's
    second and later. A link to one names its file, not its line, so it survives edits
    above it; at 20,570 files the place written out (``(path:line)``) was 15 MiB of the
    keyword pages.

    Made per keyword as its entries are shown: a rebuild shows few (the anchors of every
    definition took 0.35 s of a one-file rebuild at 20,570 files). A qualified name belongs
    to the keyword of its last name, so the anchors of one keyword are those of the whole
    index; where an index has a qualified name under two keywords, they are made all at
    once, in the index's order, as the numbers after ``~`` then depend on it."""

    def __init__(self, index: Index) -> None:
        self._index = index
        self._counts: Counter[str] = Counter()
        keyword_of: dict[str, str] = {}
        spans_keywords = False
        for name, found in index.definitions.items():
            for d in found:
                self._counts[d.qualname] += 1
                spans_keywords = spans_keywords or keyword_of.setdefault(d.qualname, name) != name
        self._anchors: dict[Definition, str] = {}
        self._made: set[str] = set()
        # Whether the anchors of one keyword may follow the definitions of another.
        self.spans_keywords = spans_keywords
        if spans_keywords:
            self._make(list(index.definitions))

    def _make(self, keywords: list[str]) -> None:
        taken: Counter[str] = Counter()
        for name in keywords:
            self._made.add(name)
            for d in self._index.definitions.get(name, ()):
                anchor = definition_anchor(d.qualname)
                if self._counts[d.qualname] > 1:
                    anchor += (
                        f"~{zlib.crc32(d.path.encode('utf-8', 'surrogatepass')) & 0xFFFFFF:06x}"
                    )
                    taken[anchor] += 1
                    if taken[anchor] > 1:
                        anchor += f"~{taken[anchor]}"
                self._anchors[d] = anchor

    def __getitem__(self, definition: Definition) -> str:
        name = definition.symbol.name
        if name not in self._made:
            self._make([name])
        return self._anchors[definition]

    def __iter__(self) -> Iterator[Definition]:
        self._make([name for name in self._index.definitions if name not in self._made])
        return iter(self._anchors)

    def __len__(self) -> int:
        return sum(len(found) for found in self._index.definitions.values())


def keyword_sort_key(name: str) -> tuple[str, str]:
    return (name.lower(), name)


def full_page_slug(name: str) -> str:
    """A file name for a keyword's own page: readable, and distinct even on file systems
    that ignore case (``Run`` and ``run`` differ by the hash)."""
    readable = _SLUG_UNSAFE.sub("-", name.lower()).strip("-")[:40] or "name"
    digest = hashlib.sha1(name.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"{readable}-{digest}"


def is_cut(index: Index, name: str) -> bool:
    """True when the keyword's entry cannot show everything on its letter page. Its uses'
    files are counted only when they may be too many: they are no more than its uses."""
    uses = index.uses.get(name, ())
    if len(index.definitions.get(name, ())) > DEFINITIONS_SHOWN or len(uses) > USE_LINES_SHOWN:
        return True
    return len(uses) > USE_FILES_SHOWN and len({use.path for use in uses}) > USE_FILES_SHOWN


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
    return KeywordLayout(tuple(pages), page_of, full_page_of, DefinitionAnchors(index))
