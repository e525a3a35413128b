"""Follows the links of a tree of Markdown pages as a forge would, with a real CommonMark
parser (markdown-it-py, with tables): every relative link must lead to a file, and its
fragment to an ``<a id>`` or a heading (by GitHub's slug) of the target page, or, on an
original file of the tree, to one of its lines (``#L<n>``)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token

from xrefdoc.site.names import RENDERED_BY_FORGES

# The only HTML the pages may hold: our empty anchors.
OUR_HTML = re.compile(r'<a id="[A-Za-z0-9_.-]+">|</a>')
_ID = re.compile(r'\bid="([^"]*)"')
# What GitHub's slugger removes from a heading's text: punctuation but ``-`` and ``_``.
_NOT_SLUG = re.compile(r"[^\w\- ]")


def parser() -> MarkdownIt:
    """CommonMark with tables, HTML let through as a forge does before sanitising it."""
    return MarkdownIt("commonmark", {"html": True}).enable("table")


def github_slug(text: str, seen: dict[str, int]) -> str:
    """The id GitHub gives a heading: lower case, punctuation dropped, spaces made ``-``, a
    repeated slug numbered (``-1``, ``-2``)."""
    slug = _NOT_SLUG.sub("", text.lower()).replace(" ", "-")
    count = seen.get(slug, 0)
    seen[slug] = count + 1
    return f"{slug}-{count}" if count else slug


def inline_text(children: list[Token]) -> str:
    """A heading's text as a reader sees it (code and link text kept, HTML tags dropped)."""
    return "".join(child.content for child in children if child.type in ("text", "code_inline"))


@dataclass
class PageLinks:
    """The links a page makes, the fragments it answers to, and its raw HTML."""

    links: list[str] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    html: list[str] = field(default_factory=list)


def scan_page(text: str) -> PageLinks:
    found = PageLinks()
    seen: dict[str, int] = {}
    tokens = parser().parse(text)
    for position, token in enumerate(tokens):
        if token.type == "heading_open":
            found.ids.add(github_slug(inline_text(tokens[position + 1].children or []), seen))
        if token.type == "html_block":
            found.html.append(token.content)
        for child in token.children or []:
            if child.type == "link_open":
                found.links.append(str(child.attrGet("href")))
            elif child.type == "html_inline":
                found.html.append(child.content)
                found.ids.update(_ID.findall(child.content))
    return found


@cache
def _scan_file(path: Path) -> PageLinks:
    return scan_page(path.read_text(encoding="utf-8"))


def _line_count(path: Path) -> int:
    data = path.read_bytes()
    return data.count(b"\n") + (0 if not data or data.endswith(b"\n") else 1)


def _rendered_by_forges(path: Path) -> bool:
    stem, dot, extension = path.name.rpartition(".")
    return bool(dot and stem) and extension.lower() in RENDERED_BY_FORGES


def broken_links(pages: Path, tree: Path | None = None) -> list[str]:
    """``page: link (why)`` for each link of the ``.md`` pages under ``pages`` that leads
    nowhere. A link out of ``pages`` must lead to an original file inside ``tree``."""
    _scan_file.cache_clear()
    pages = pages.resolve()
    problems = []
    for page in sorted(pages.rglob("*.md")):
        for link in _scan_file(page).links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc:
                continue
            where = f"{page.relative_to(pages).as_posix()}: {link}"
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if not target.is_file():
                problems.append(f"{where} (no such file)")
            elif target.is_relative_to(pages) and target.suffix == ".md":
                if parts.fragment and unquote(parts.fragment) not in _scan_file(target).ids:
                    problems.append(f"{where} (no such anchor)")
            elif tree is None or not target.is_relative_to(tree.resolve()):
                problems.append(f"{where} (outside the pages and the tree)")
            elif parts.fragment:
                line = re.fullmatch(r"L(\d+)", parts.fragment)
                if not line or not 1 <= int(line.group(1)) <= _line_count(target):
                    problems.append(f"{where} (no such line)")
                elif _rendered_by_forges(target) and parts.query != "plain=1":
                    problems.append(f"{where} (a forge shows this file rendered, without lines)")
    return problems
