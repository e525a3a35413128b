"""What a browser transfers for one page of a site on a cold cache: the HTML, and every
local asset it names (stylesheets, scripts, icons, preloads, images) with what the
stylesheets name in turn (``@import``, ``url()``; of a font face only the first source in a
format browsers read). Fonts and images a stylesheet names count even if no element uses
them, so the figure is an upper bound; what scripts fetch while running is not counted.
Used by ``themes.py`` (theme against theme) and ``scale.py`` (2,000 against 20,000 files).
"""

from __future__ import annotations

import gzip
import os
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

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
