"""What a built site weighs on disk, by kind of file, and gzip-compressed (as a host that
compresses sends it; GitHub Pages' limit of 1 GB is on the site as published):

    python bench/site_size.py SITE

Kinds, by name: file pages (``*_docs.html``) and their parts (the highlighted source, the
page's frame: everything before its first section, and the rest: the analysis), the files'
keyword pages (``*_kw.html``), folder pages (``index.html``, ``doc.html``), the A-Z pages
(``keywords*.html``), the pages of a keyword's uses where its entry is cut
(``keyword-uses/``), the code-search index (``_xref/code/``), the other data of ``_xref/``,
Sphinx's search index, static files and the rest. Prints a markdown table; figures, not
verdicts. Used by ``scale.py`` on its largest tree.
"""

from __future__ import annotations

import argparse
import sys
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from xrefdoc.site.names import (
    DATA_FOLDER,
    SOURCE_SECTION,
    FilePageKind,
    FolderPageKind,
    PageNames,
    code_search_folder,
)

KINDS = (
    "file pages",
    "keyword pages of files",
    "folder pages",
    "A-Z pages",
    "keyword use pages",
    "code-search index",
    "other data (_xref)",
    "Sphinx's search index",
    "static",
    "other",
)
# The parts of a file page, in ``PART_NAMES`` order.
PART_NAMES = ("frame (header, folder tree, outline)", "highlighted source", "the rest")
_SOURCE_SECTION = f'<section id="{SOURCE_SECTION}"'.encode()
_SECTION = b"<section"
_NAMES = PageNames()


@dataclass
class Tally:
    files: int = 0
    size: int = 0
    compressed: int = 0

    def add(self, size: int, compressed: int) -> None:
        self.files += 1
        self.size += size
        self.compressed += compressed


# Folders of the site's own, first match wins.
_FOLDERS = (
    (code_search_folder(Path()).as_posix() + "/", "code-search index"),
    (f"{DATA_FOLDER}/", "other data (_xref)"),
    ("_static/", "static"),
    (_NAMES.keyword_full_page(""), "keyword use pages"),
)
_FOLDER_PAGES = {f"{kind}.html" for kind in FolderPageKind}


def kind_of(relative: str) -> str:
    name = relative.rpartition("/")[2]
    for folder, kind in _FOLDERS:
        if relative.startswith(folder):
            return kind
    if name.endswith(f"_{FilePageKind.DOCS}.html"):
        return "file pages"
    if name.endswith(f"_{FilePageKind.KW}.html"):
        return "keyword pages of files"
    if name in _FOLDER_PAGES:
        return "folder pages"
    if name.startswith(_NAMES.keywords_page()) and name.endswith(".html"):
        return "A-Z pages"
    if name == "searchindex.js":
        return "Sphinx's search index"
    return "other"


def page_parts(page: bytes) -> tuple[int, int, int]:
    """A file page's bytes before its first section (the frame), in its highlighted source's
    section, and the rest."""
    first = page.find(_SECTION)
    frame = len(page) if first < 0 else first
    start = page.find(_SOURCE_SECTION)
    if start < 0:
        return frame, 0, len(page) - frame
    end = page.find(_SECTION, start + len(_SECTION))
    source = (len(page) if end < 0 else end) - start
    return frame, source, len(page) - frame - source


def files_of(site: Path) -> Iterator[tuple[str, Path]]:
    for path in sorted(site.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield path.relative_to(site).as_posix(), path


def measure(site: Path) -> tuple[dict[str, Tally], list[int]]:
    kinds = {kind: Tally() for kind in KINDS}
    parts = [0, 0, 0]
    for relative, path in files_of(site):
        data = path.read_bytes()
        kind = kind_of(relative)
        kinds[kind].add(len(data), len(zlib.compress(data, 6)))
        if kind == "file pages":
            for at, size in enumerate(page_parts(data)):
                parts[at] += size
    return kinds, parts


def report(site: Path, kinds: dict[str, Tally], parts: list[int]) -> None:
    mib = 2**20
    total = Tally(
        sum(t.files for t in kinds.values()),
        sum(t.size for t in kinds.values()),
        sum(t.compressed for t in kinds.values()),
    )
    print(f"site size: {site}\n")
    print("| kind | files | MiB | share | gzip MiB |")
    print("| --- | --: | --: | --: | --: |")
    for kind, tally in [*kinds.items(), ("whole site", total)]:
        share = tally.size / max(total.size, 1)
        print(
            f"| {kind} | {tally.files:,} | {tally.size / mib:,.1f} | {share:.1%} "
            f"| {tally.compressed / mib:,.1f} |"
        )
    pages = kinds["file pages"].size
    print("\nFile pages by part:\n")
    print("| part | MiB | share of the file pages |")
    print("| --- | --: | --: |")
    for name, size in zip(PART_NAMES, parts, strict=True):
        print(f"| {name} | {size / mib:,.1f} | {size / max(pages, 1):.1%} |")
    print(
        f"\nWhole site {total.size / 1e9:.2f} GB ({total.size / mib:,.0f} MiB); "
        f"GitHub Pages takes a site of at most 1 GB."
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    args = parser.parse_args(argv)
    if not args.site.is_dir():
        sys.exit(f"site_size: no folder {args.site}")
    kinds, parts = measure(args.site)
    report(args.site, kinds, parts)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
