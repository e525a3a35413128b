"""Page names and links: where each page of the site lives and how pages point at each other.

A file ``a/b.py`` gets ``a/b.py_docs`` and ``a/b.py_kw``; a folder ``a`` gets ``a/index``
and ``a/doc``; the root folder gets ``index`` and ``doc``. File pages always end in ``_docs``
or ``_kw`` and folder pages are named ``index``/``doc`` inside their folder, so a real file
called ``index.md``, ``doc.md`` or ``x_kw.md`` gets ``index.md_docs`` etc. and never collides
with a generated name. The A-Z keyword pages are ``keywords`` and ``keywords-<letter>``
(``keywords-<letter>-<n>`` when a letter needs several pages), names that no file or folder
page can take; a keyword with too many uses for its entry gets ``keyword-uses/<slug>``, whose
slug ends in a hash, so it is never ``index``, ``doc`` or a name ending in ``_docs``/``_kw``.
Names have no extension: links add the site's (``.html``, or ``.md`` for the Markdown tree).
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from html import escape
from pathlib import Path
from urllib.parse import quote

from xrefdoc.codesearch.layout import FOLDER as CODE_SEARCH_FOLDER
from xrefdoc.core.model import Symbol

# The folder of the site's data, beside the pages' root: the keyword index's parts, the
# symbol data, the code-search index.
DATA_FOLDER = "_xref"


def code_search_folder(site: Path) -> Path:
    """Where a site keeps its code-search index."""
    return site / DATA_FOLDER / CODE_SEARCH_FOLDER


_ANCHOR_UNSAFE = re.compile(r"[^A-Za-z0-9_.]")


class FilePageKind(StrEnum):
    """The two pages of a file, and the end of their names (``a/b.py_docs``): its
    documentation with its source, and its keywords. A ``StrEnum``, so a page name is
    spelled with the value (see ``core.model.SymbolKind``)."""

    DOCS = "docs"
    KW = "kw"


class FolderPageKind(StrEnum):
    """The two pages of a folder, and their names inside it (``a/index``): the index of
    its files and subfolders, and its overview (README, languages, findings)."""

    INDEX = "index"
    DOC = "doc"


# The pieces of page names, as plain strings: names are made for every link, and on Python
# 3.11 formatting a ``StrEnum`` (and reading ``Kind.MEMBER``, which goes through the enum
# class's ``__getattr__``) costs a tenth of a microsecond more each time.
_FILE_PAGE_ENDS = {kind: f"_{kind.value}" for kind in FilePageKind}
_FOLDER_PAGE_NAMES = {kind: kind.value for kind in FolderPageKind}


@dataclass(frozen=True, slots=True)
class PageNames:
    """Page names of one site and how its links are spelled: ``prefix`` places the pages in
    a subfolder of a larger site, ``suffix`` is the pages' file extension (``.html``, or
    ``.md`` for the Markdown tree). A link to a line of a file goes to the line's anchor on
    the file's _docs page when pages have one on each line (``line_anchors``, the HTML
    site); else, a forge cannot anchor a line inside a code block, to the original file
    with ``#L<n>`` as forges number its lines when ``source_prefix`` leads from the site's
    top folder to the documented tree (``../../``), or else to the _docs page's source."""

    prefix: str = ""
    suffix: str = ".html"
    line_anchors: bool = True
    source_prefix: str | None = None

    def file_page(self, path: str, kind: FilePageKind = FilePageKind.DOCS) -> str:
        """The file's page of that kind: its documentation page unless told."""
        return f"{self.file_key(path)}{_FILE_PAGE_ENDS[kind]}"

    def file_key(self, path: str) -> str:
        """The file's page name before its ``_docs``/``_kw``: what its symbol scripts
        (``site.symbol_data``) are named after."""
        return f"{self.prefix}{page_stem(path)}"

    def folder_page(self, folder: str, kind: FolderPageKind = FolderPageKind.INDEX) -> str:
        """The folder's page of that kind: its index unless told."""
        name = _FOLDER_PAGE_NAMES[kind]
        return f"{self.prefix}{folder}/{name}" if folder else f"{self.prefix}{name}"

    def keywords_page(self) -> str:
        return f"{self.prefix}keywords"

    def letter_page(self, letter: str) -> str:
        return f"{self.prefix}keywords-{letter}"

    def keyword_full_page(self, slug: str) -> str:
        return f"{self.prefix}keyword-uses/{slug}"

    def href(self, from_page: str, to_page: str, anchor: str | None = None) -> str:
        """A relative, URL-quoted link from one page to another; to a place on the same page,
        the place alone (``#L7``)."""
        if anchor and to_page == from_page:
            return f"#{anchor}"
        link = _page_url(_folder_of(from_page), to_page, self.suffix)
        return f"{link}#{anchor}" if anchor else link

    def line_href(self, from_page: str, path: str, line: int) -> str:
        """A link from a page to line ``line`` of the file ``path`` (see the class)."""
        if self.line_anchors:
            return self.href(from_page, self.file_page(path), line_anchor(line))
        if self.source_prefix is None:
            return self.href(from_page, self.file_page(path), SOURCE_SECTION)
        url = _source_url(_folder_of(from_page), self.source_prefix + path)
        query = "?plain=1" if _rendered_by_forges(path) else ""
        return f"{url}{query}#{line_anchor(line)}"

    def line_hrefs(self, from_page: str, path: str, lines: Iterable[int]) -> list[str]:
        """``line_href`` for many lines of one file: the way to its page is found once (a
        keyword's own page lists hundreds of thousands of lines on a large tree)."""
        if self.line_anchors:
            to_page = self.file_page(path)
            page = self.href(from_page, to_page) if to_page != from_page else ""
            return [f"{page}#{line_anchor(line)}" for line in lines]
        return [self.line_href(from_page, path, line) for line in lines]

    def source_href(self, from_page: str, path: str) -> str | None:
        """A link from a page to the original file ``path``, when the site knows the way."""
        if self.source_prefix is None:
            return None
        return _source_url(_folder_of(from_page), self.source_prefix + path)


# The _docs page's section holding the file's source (its HTML id and its Markdown heading's
# slug alike).
SOURCE_SECTION = "original-source"

# Extensions of files a forge shows rendered (documents; data as a table, a map, a notebook
# or an image) rather than as numbered lines: a line link asks for their source
# (``?plain=1``, GitHub's and GitLab's spelling), or ``#L<n>`` would lead nowhere.
RENDERED_BY_FORGES = frozenset(
    {"md", "markdown", "mdown", "mkdn", "mkd", "rst", "adoc", "asciidoc", "org", "textile"}
    | {"rdoc", "creole", "mediawiki", "wiki", "pod"}
    | {"ipynb", "csv", "tsv", "svg", "geojson", "topojson"}
)


def keyword_letter(name: str) -> str:
    """The A-Z page a keyword is listed on: its first letter, ``_`` or ``other``."""
    first = name[:1].lower()
    if "a" <= first <= "z":
        return first
    return "underscore" if first == "_" else "other"


# What an attribute's value written without quotes may not hold (HTML's unquoted syntax),
# and "&", which only an escaped value holds.
_NEEDS_QUOTES = re.compile("[\\s\"'=<>`&]")


def attribute(value: str) -> str:
    """An attribute's value as a page writes it: without quotes where HTML allows that (a
    link such as ``../core.py_docs.html#L7``: two bytes less on each of millions), else
    quoted and escaped."""
    if value and not _NEEDS_QUOTES.search(value):
        return value
    return f'"{escape(value)}"'


def _anchor_text(text: str) -> str:
    if text.isascii():  # one translation instead of a call per character to replace
        return text.translate(_ASCII_ANCHOR)
    return _ANCHOR_UNSAFE.sub(lambda match: f"-{ord(match.group()):x}-", text)


# ``_ANCHOR_UNSAFE``'s replacement of every ASCII character, as a translation table.
_ASCII_ANCHOR = {code: f"-{code:x}-" for code in range(128) if _ANCHOR_UNSAFE.fullmatch(chr(code))}


def keyword_anchor(name: str) -> str:
    """A stable HTML id for a keyword's entry, distinct for every distinct name."""
    return "kw-" + _anchor_text(name)


def definition_anchor(qualname: str) -> str:
    """A stable HTML id for one definition in a keyword's entry (``def-pkg.mod.Class``)."""
    return "def-" + _anchor_text(qualname)


def line_anchor(line: int) -> str:
    return f"L{line}"


def symbol_anchors(symbols: Iterable[Symbol]) -> dict[tuple[str, int], str]:
    """A stable HTML id for each definition of a file, keyed by its qualified name within
    the file and its line (``sym-Group.invoke``): it names the symbol, not the line, so a
    link to it survives edits above it. A name defined again in the same file (a property's
    setter, a redefinition) takes ``~2``, ``~3``... in the order of its lines."""
    anchors: dict[tuple[str, int], str] = {}
    seen: dict[str, int] = {}
    for symbol in sorted(symbols, key=lambda s: (s.line, s.qualname)):
        base = symbol_anchor_base(symbol.qualname)
        count = seen[base] = seen.get(base, 0) + 1
        anchors[(symbol.qualname, symbol.line)] = base if count == 1 else f"{base}~{count}"
    return anchors


def symbol_anchor_base(qualname: str) -> str:
    """The anchor of a file's first definition of ``qualname`` (see ``symbol_anchors``)."""
    return "sym-" + _anchor_text(qualname)


# The longest file name a page's own part of its name may take, in bytes. A file system takes
# 255 bytes a name; a page adds ``_docs`` and ``.html``, a page written through a frame has
# a temporary name ``.<name>.<pid>.tmp`` beside it, and a little is left for what else
# Sphinx or a deploy tool may add.
PAGE_NAME_BYTES = 200
# A longer name keeps this many bytes of its start, then ``~`` and a hash of the whole name.
_KEPT_BYTES = 180


@lru_cache(maxsize=1 << 16)
def page_stem(path: str) -> str:
    """The page name of the file ``path`` before its ``_docs``/``_kw``: the path itself,
    except that a file name longer than ``PAGE_NAME_BYTES`` is cut and given a hash of the
    full name, so the page's file and its temporary file can be made (``[Errno 36] File
    name too long`` otherwise), the same name on every build. Folders keep their names: a
    folder of the tree is a folder of the site, and its pages' names (``index``, ``doc``)
    are short. Titles and breadcrumbs show the full path."""
    folder, slash, name = path.rpartition("/")
    if len(name) * 4 <= PAGE_NAME_BYTES:  # no UTF-8 character is longer than 4 bytes
        return path
    encoded = name.encode("utf-8", "surrogateescape")
    if len(encoded) <= PAGE_NAME_BYTES:
        return path
    kept = encoded[:_KEPT_BYTES].decode("utf-8", "ignore")  # whole characters only
    digest = hashlib.blake2b(encoded, digest_size=8).hexdigest()
    return f"{folder}{slash}{kept}~{digest}"


@lru_cache(maxsize=1 << 16)
def _page_url(start: str, to_page: str, suffix: str) -> str:
    """The quoted relative URL of a page from a folder; cached, since every page links to
    the same few targets (its folder, the keyword pages) many times."""
    return quoted(relative_path(to_page + suffix, start))


def quoted(name: str) -> str:
    """A page's or file's name URL-quoted as the site's links are (``/`` kept)."""
    return quote(name, safe="/")


def relative_path(target: str, start: str) -> str:
    """``posixpath.relpath(target, start)`` for the site's names, which are relative and
    have no ``.`` or ``..`` parts (``start`` may be ``.``): the same answer without
    resolving both against the working folder (5% of writing a page)."""
    if start == ".":
        return target or "."
    start_parts = start.split("/")
    target_parts = target.split("/")
    common = 0
    for mine, theirs in zip(start_parts, target_parts, strict=False):
        if mine != theirs:
            break
        common += 1
    return "/".join([".."] * (len(start_parts) - common) + target_parts[common:]) or "."


@lru_cache(maxsize=1 << 16)
def _source_url(start: str, source: str) -> str:
    """The quoted URL of an original file (``source`` relative to the site's top folder,
    starting with its ``../``) from a folder of the site: one ``../`` per level of
    ``start`` (no ``relpath``, which would resolve the leading ``../`` against the working
    folder)."""
    depth = 0 if start == "." else start.count("/") + 1
    return quoted("../" * depth + source)


def _rendered_by_forges(path: str) -> bool:
    stem, dot, extension = path.rpartition("/")[2].rpartition(".")
    return bool(dot and stem) and extension.lower() in RENDERED_BY_FORGES


@lru_cache(maxsize=1 << 12)
def _folder_of(page: str) -> str:
    return posixpath.dirname(page) or "."


def breadcrumbs(path: str, root_label: str) -> list[tuple[str, str]]:
    """(label, folder) pairs from the root to the folder ``path``, both included."""
    crumbs = [(root_label, "")]
    parts = path.split("/") if path else []
    for depth in range(1, len(parts) + 1):
        crumbs.append((parts[depth - 1], "/".join(parts[:depth])))
    return crumbs
