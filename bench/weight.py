"""What a browser transfers for one page of a site on a cold cache: the HTML, and every
local asset it names (stylesheets, scripts, icons, preloads, images) with what the
stylesheets name in turn (``@import``, ``url()``; of a font face only the first source in a
format browsers read). Fonts and images a stylesheet names count even if no element uses
them, so the figure is an upper bound; what scripts fetch while running is not counted.
Used by ``themes.py`` (theme against theme) and ``scale.py`` (2,000 against 20,000 files).

Run as a script, it gives the file pages' weight over a site and the tree it documents:
each page's (HTML bytes - 40 KB) / source bytes for the Python files above 4 KB (issue 23's
measure), with the median, p90, max and the heaviest pages::

    python bench/weight.py SITE TREE [--pattern '*.py'] [--min-bytes 4096] [--worst 10]
"""

from __future__ import annotations

import argparse
import gzip
import math
import os
import re
import statistics
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from xrefdoc.site.names import PageNames

# Link relations whose target a browser fetches with the page; the others (next, prev,
# index, search, canonical...) are pages.
FETCHED_RELS = frozenset(
    {"stylesheet", "icon", "shortcut", "preload", "modulepreload", "apple-touch-icon", "mask-icon"}
)
_CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"\s]*))\s*\)""")
_CSS_IMPORT = re.compile(r"""@import\s+(?:url\()?\s*["']?([^"')\s;]+)""")
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_FONT_FACE = re.compile(r"@font-face\s*\{([^}]*)\}", re.S)
_FONT_SRC = re.compile(r"(?:^|;|\{)\s*src\s*:([^;]*)", re.S)
_FONT_SOURCE = re.compile(
    r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"\s]*))\s*\)\s*(?:format\(\s*["']?([^"')]*))?"""
)
# Font formats no browser of today reads: it goes on to the next source.
_OLD_FONT_FORMATS = frozenset({"embedded-opentype", "svg"})
_OLD_FONT_SUFFIXES = frozenset({".eot", ".svg"})

KINDS = ("css", "js", "font", "image", "other")
_KIND_OF_SUFFIX = {
    ".css": "css",
    ".js": "js",
    ".mjs": "js",
    ".woff": "font",
    ".woff2": "font",
    ".ttf": "font",
    ".otf": "font",
    ".eot": "font",
    ".svg": "image",
    ".png": "image",
    ".jpg": "image",
    ".jpeg": "image",
    ".gif": "image",
    ".webp": "image",
    ".ico": "image",
}


@dataclass
class Page:
    """One file page of one build, measured."""

    html_bytes: int
    body_bytes: int | None  # None: the reference body is not in the page verbatim
    links: int  # <a href> in the whole page
    nav_links: int | None
    assets: dict[str, int]  # local path in the output -> bytes
    assets_gzip: int
    html_gzip: int
    missing: list[str] = field(default_factory=list)

    @property
    def chrome_bytes(self) -> int | None:
        return None if self.body_bytes is None else self.html_bytes - self.body_bytes

    @property
    def asset_bytes(self) -> int:
        return sum(self.assets.values())

    @property
    def total(self) -> int:
        return self.html_bytes + self.asset_bytes

    @property
    def total_gzip(self) -> int:
        return self.html_gzip + self.assets_gzip

    def by_kind(self) -> dict[str, int]:
        kinds = dict.fromkeys(KINDS, 0)
        for path, size in self.assets.items():
            kinds[_KIND_OF_SUFFIX.get(PurePosixPath(path).suffix.lower(), "other")] += size
        return kinds


class _Tags(HTMLParser):
    """The fetched references of an HTML page, its ``<a href>`` count and its style text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.references: list[str] = []
        self.links = 0
        self.styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "a" and "href" in values:
            self.links += 1
        elif tag == "link" and FETCHED_RELS & set(values.get("rel", "").lower().split()):
            self.references.append(values.get("href", ""))
        elif tag in ("script", "img", "source", "input") and values.get("src"):
            self.references.append(values["src"])
        if tag == "style":
            self._in_style = True
        if values.get("style"):
            self.styles.append(values["style"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.styles.append(data)


def parse_tags(html: str) -> _Tags:
    tags = _Tags()
    tags.feed(html)
    tags.close()
    return tags


def _local(reference: str, base: Path, output: Path) -> Path | None:
    """The file of the output a reference names from ``base`` (a folder), None when it is
    not a local file (another site, ``data:``, a fragment, outside the output)."""
    parts = urlsplit(reference.strip())
    if parts.scheme or parts.netloc or not parts.path:
        return None
    path = Path(os.path.normpath(base / unquote(parts.path)))
    return path if path.is_relative_to(output) else None


def _css_references(text: str) -> list[str]:
    """What a stylesheet makes a browser fetch: imports, and ``url()``s; of a font face only
    the first source of its last ``src`` in a format browsers read (not EOT or SVG)."""
    text = _CSS_COMMENT.sub("", text)
    references = _CSS_IMPORT.findall(text)

    def urls(fragment: str) -> list[str]:
        return [next(group for group in match if group) for match in _CSS_URL.findall(fragment)]

    for face in _FONT_FACE.findall(text):
        sources = _FONT_SRC.findall(face)
        read = [
            url
            for *groups, kind in _FONT_SOURCE.findall(sources[-1] if sources else "")
            if (url := next((g for g in groups if g), ""))
            and kind.strip().lower() not in _OLD_FONT_FORMATS
            and PurePosixPath(urlsplit(url).path).suffix.lower() not in _OLD_FONT_SUFFIXES
        ]
        references += read[:1]
    references += urls(_FONT_FACE.sub("", text))
    return [r for r in references if r]


def measure_page(page: Path, output: Path, body: str = "") -> Page:
    """``page`` of the site in ``output``; ``body``, when given, is the part of the page that
    is not the theme's (its links are not counted as navigation)."""
    html = page.read_text(encoding="utf-8")
    tags = parse_tags(html)
    assets: dict[str, int] = {}
    compressed = 0
    missing: list[str] = []
    pending = [(reference, page.parent) for reference in tags.references]
    pending += [(r, page.parent) for style in tags.styles for r in _css_references(style)]
    while pending:
        reference, base = pending.pop()
        path = _local(reference, base, output)
        if path is None:
            continue
        key = path.relative_to(output).as_posix()
        if key in assets or key in missing:
            continue
        if not path.is_file():
            missing.append(key)
            continue
        data = path.read_bytes()
        assets[key] = len(data)
        compressed += len(gzip.compress(data, 6))
        if path.suffix.lower() == ".css":
            text = data.decode("utf-8", "replace")
            pending += [(r, path.parent) for r in _css_references(text)]
    found = body and body in html
    body_bytes = len(body.encode()) if found else None
    nav = tags.links - parse_tags(body).links if found else None
    return Page(
        len(html.encode()),
        body_bytes,
        tags.links,
        nav,
        assets,
        compressed,
        len(gzip.compress(html.encode(), 6)),
        sorted(missing),
    )


# What a page carries whatever its file (the theme, the header, the folder tree beside the
# source), taken off before dividing by the source's size: issue 23's measure.
FIXED_PAGE_BYTES = 40 * 1024


@dataclass(frozen=True)
class Ratio:
    """One file of the tree against its _docs page."""

    path: str  # in the tree
    source_bytes: int
    page_bytes: int

    @property
    def ratio(self) -> float:
        return (self.page_bytes - FIXED_PAGE_BYTES) / self.source_bytes


def page_ratios(
    site: Path, tree: Path, pattern: str = "*.py", min_bytes: int = 4096
) -> list[Ratio]:
    """The ratio of every file of ``tree`` matching ``pattern`` above ``min_bytes`` whose
    _docs page is in ``site`` (a file the build left out has none), by path."""
    names = PageNames()
    ratios = []
    for source in sorted(tree.rglob(pattern)):
        size = source.stat().st_size if source.is_file() else 0
        if size <= min_bytes:
            continue
        path = source.relative_to(tree).as_posix()
        page = site / (names.file_page(path) + names.suffix)
        if page.is_file():
            ratios.append(Ratio(path, size, page.stat().st_size))
    return ratios


def percentile(values: list[float], fraction: float) -> float:
    """The value below which ``fraction`` of ``values`` lie (nearest rank)."""
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def ratio_report(ratios: list[Ratio], worst: int = 10) -> str:
    if not ratios:
        return "no file pages matched"
    values = [r.ratio for r in ratios]
    lines = [
        f"files: {len(ratios)}  median: {statistics.median(values):.2f}  "
        f"p90: {percentile(values, 0.9):.2f}  max: {max(values):.2f}",
        "heaviest:",
    ]
    for r in sorted(ratios, key=lambda r: -r.ratio)[:worst]:
        lines.append(
            f"  {r.ratio:6.2f}  {r.page_bytes:>10,} B page  {r.source_bytes:>9,} B source  {r.path}"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description="File pages' weight against their sources.")
    parser.add_argument("site", type=Path, help="the built site (its top folder)")
    parser.add_argument("tree", type=Path, help="the tree the site documents")
    parser.add_argument("--pattern", default="*.py", help="which files (default: *.py)")
    parser.add_argument("--min-bytes", type=int, default=4096, help="larger files only")
    parser.add_argument("--worst", type=int, default=10, help="how many heaviest to list")
    arguments = parser.parse_args()
    ratios = page_ratios(arguments.site, arguments.tree, arguments.pattern, arguments.min_bytes)
    print(ratio_report(ratios, arguments.worst))


if __name__ == "__main__":
    main()
