"""What each page shows, as plain data for the templates: one function per page kind."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from xrefdoc.highlight import highlight_source
from xrefdoc.model import FileRecord, Symbol
from xrefdoc.pages import PageNames, breadcrumbs, href, keyword_anchor, keyword_letter, line_anchor
from xrefdoc.purpose import purpose_statements
from xrefdoc.xref import Index, import_category

# Sections of a _docs page, in the order users know from the old generator.
DOCS_SECTIONS = (
    ("file-metadata", "File Metadata"),
    ("file-purpose", "File Purpose"),
    ("original-source", "Original Source"),
    ("high-level-overview", "High-Level Overview"),
    ("detailed-analysis", "Detailed Analysis"),
    ("architecture-design", "Architecture & Design"),
    ("dependencies", "Dependencies"),
    ("testing-usage", "Testing & Usage"),
    ("related-files", "Related Files"),
    ("cross-references", "Cross-References"),
)

# Keyword groups of a _kw page: (kind, heading, the _docs section that covers them).
KEYWORD_GROUPS = (
    ("class", "Classes", "detailed-analysis"),
    ("function", "Functions", "detailed-analysis"),
    ("method", "Methods", "detailed-analysis"),
    ("constant", "Constants", "detailed-analysis"),
    ("variable", "Variables", "detailed-analysis"),
    ("key", "Keys", "detailed-analysis"),
    ("heading", "Headings", "high-level-overview"),
    ("import", "Imports", "dependencies"),
    ("identifier", "Identifiers", "original-source"),
)

SIBLING_LIMIT = 12

# Definitions that names in highlighted source link to.
LINKED_KINDS = frozenset({"class", "function", "method", "constant"})


@dataclass(frozen=True, slots=True)
class SiteContext:
    """What every page renderer needs: the index, page names and the tree's root."""

    index: Index
    names: PageNames
    source_cap: int
    title: str


def human_size(size: int) -> str:
    if size < 1024:
        return f"{size:,} bytes"
    for unit in ("KB", "MB", "GB"):
        size_f = size / 1024
        if size_f < 1024 or unit == "GB":
            return f"{size_f:,.1f} {unit}"
        size = int(size_f)
    return f"{size:,} bytes"


def _crumbs(site: SiteContext, page: str, folder: str) -> list[dict[str, str]]:
    return [
        {"label": label, "href": href(page, site.names.folder_page(path, "index"))}
        for label, path in breadcrumbs(folder, site.title)
    ]


def _file_link(site: SiteContext, page: str, path: str, kind: str = "docs") -> dict[str, str]:
    return {"label": path, "href": href(page, site.names.file_page(path, kind))}


def _symbol_view(site: SiteContext, page: str, path: str, symbol: Symbol) -> dict[str, Any]:
    return {
        "name": symbol.name,
        "qualname": symbol.qualname,
        "kind": symbol.kind,
        "line": symbol.line,
        "end_line": symbol.end_line,
        "signature": symbol.signature,
        "doc": symbol.doc,
        "href": href(page, site.names.file_page(path, "docs"), line_anchor(symbol.line)),
    }


def _source_view(site: SiteContext, record: FileRecord, text: str, page: str) -> dict[str, Any]:
    cut_note = ""
    cut_anchors = ""
    encoded = text.encode("utf-8", "surrogatepass")
    if len(encoded) > site.source_cap:
        kept = encoded[: site.source_cap].decode("utf-8", "ignore")
        kept = kept.rpartition("\n")[0] or kept
        shown = kept.count("\n") + 1
        cut_note = (
            f"Source cut after line {shown:,} of {record.lines:,}: the file is larger than the "
            f"source cap of {site.source_cap:,} bytes."
        )
        text = kept
        cut_anchors = _anchors_past_the_cut(record, shown)
    definitions = site.index.definitions

    def link_for(name: str, line: int) -> str | None:
        found = [d for d in definitions.get(name, ()) if d.symbol.kind in LINKED_KINDS]
        if not found:
            return None
        if len(found) == 1:
            target = found[0]
            if not (target.path == record.path and target.symbol.line == line):
                target_page = site.names.file_page(target.path, "docs")
                return href(page, target_page, line_anchor(target.symbol.line))
        return href(page, site.names.letter_page(keyword_letter(name)), keyword_anchor(name))

    return {
        "html": highlight_source(text, record.lexer, link_for),
        "cut_note": cut_note,
        "cut_anchors": cut_anchors,
    }


def _anchors_past_the_cut(record: FileRecord, shown: int) -> str:
    """Empty ``L<n>`` targets for every line past the cut that some page links to, so such
    links land on the note that says the source was cut instead of nowhere."""
    lines = {symbol.line for symbol in record.symbols}
    lines |= {imp.line for imp in record.imports}
    lines |= {heading.line for heading in record.headings}
    lines |= {diagnostic.line for diagnostic in record.diagnostics if diagnostic.line}
    lines |= {ref.line for ref in record.references}
    return "".join(
        f'<span id="{line_anchor(line)}"></span>' for line in sorted(lines) if line > shown
    )


def _analysis(site: SiteContext, record: FileRecord, page: str) -> dict[str, list[dict[str, Any]]]:
    """Classes with their members, module-level functions, constants and variables."""
    classes = []
    for symbol in record.symbols:
        if symbol.kind == "class":
            view = _symbol_view(site, page, record.path, symbol)
            view["members"] = [
                _symbol_view(site, page, record.path, member)
                for member in record.symbols
                if member.parent == symbol.qualname
                and member.kind in ("method", "class", "constant", "variable")
            ]
            classes.append(view)
    top = [s for s in record.symbols if s.parent is None]
    return {
        "classes": classes,
        "functions": [
            _symbol_view(site, page, record.path, s) for s in top if s.kind == "function"
        ],
        "constants": [
            _symbol_view(site, page, record.path, s) for s in top if s.kind == "constant"
        ],
        "variables": [
            _symbol_view(site, page, record.path, s) for s in top if s.kind == "variable"
        ],
        "data_keys": [_symbol_view(site, page, record.path, s) for s in top if s.kind == "key"],
    }


def _dependencies(
    site: SiteContext, record: FileRecord, page: str
) -> dict[str, list[dict[str, Any]]]:
    groups: dict[str, list[dict[str, Any]]] = {"in-tree": [], "stdlib": [], "third-party": []}
    for position, imp in enumerate(record.imports):
        resolved = site.index.resolved_import(record.path, position)
        groups[import_category(imp.module, imp.level, resolved)].append(
            {
                "module": imp.module,
                "names": list(imp.names),
                "line": imp.line,
                "line_href": href(
                    page, site.names.file_page(record.path, "docs"), line_anchor(imp.line)
                ),
                "target": _file_link(site, page, resolved) if resolved else None,
            }
        )
    return groups


def _related(site: SiteContext, record: FileRecord, page: str) -> dict[str, Any]:
    index = site.index
    siblings = [p for p in index.folders[record.folder].files if p != record.path]
    return {
        "siblings": [_file_link(site, page, p) for p in siblings[:SIBLING_LIMIT]],
        "more_siblings": max(0, len(siblings) - SIBLING_LIMIT),
        "imports": [_file_link(site, page, p) for p in index.imports_of.get(record.path, [])],
        "imported_by": [_file_link(site, page, p) for p in index.imported_by.get(record.path, [])],
        "tests": [_file_link(site, page, p) for p in index.tests_of.get(record.path, [])],
    }


def docs_page(site: SiteContext, record: FileRecord, text: str | None) -> dict[str, Any]:
    """The context of a file's _docs page; ``text`` is None for a binary file."""
    names = site.names
    page = names.file_page(record.path, "docs")
    folder = record.folder
    overview = ""
    if record.docstring:
        overview = record.docstring.strip().split("\n\n")[0]
    return {
        "page": page,
        "record": record,
        "size_text": human_size(record.size),
        "crumbs": _crumbs(site, page, folder),
        "purpose": purpose_statements(record, site.index),
        "source": _source_view(site, record, text, page) if text is not None else None,
        "overview": overview,
        "outline": [
            {"level": h.level, "text": h.text, "href": href(page, page, line_anchor(h.line))}
            for h in record.headings
        ],
        "analysis": _analysis(site, record, page),
        "dependencies": _dependencies(site, record, page),
        "related": _related(site, record, page),
        "is_test": record.path in site.index.test_files,
        "kw_href": href(page, names.file_page(record.path, "kw")),
        "folder_label": folder or site.title,
        "folder_index_href": href(page, names.folder_page(folder, "index")),
        "folder_doc_href": href(page, names.folder_page(folder, "doc")),
        "sections": DOCS_SECTIONS,
    }


def _identifier_keywords(record: FileRecord) -> list[tuple[str, int]]:
    defined = {s.name for s in record.symbols}
    first_use: dict[str, int] = {}
    for ref in record.references:
        if ref.name not in defined and ref.name not in first_use:
            first_use[ref.name] = ref.line
    return sorted(first_use.items(), key=lambda item: (item[0].lower(), item[0]))


def kw_page(site: SiteContext, record: FileRecord) -> dict[str, Any]:
    """The context of a file's _kw page: its keywords grouped by kind, each linked twice."""
    names = site.names
    page = names.file_page(record.path, "kw")
    docs = names.file_page(record.path, "docs")
    definitions = site.index.definitions

    def entry(name: str, line: int, detail: str = "") -> dict[str, Any]:
        in_index = name in definitions
        return {
            "name": name,
            "line": line,
            "detail": detail,
            "href": href(page, docs, line_anchor(line)),
            "index_href": href(page, names.letter_page(keyword_letter(name)), keyword_anchor(name))
            if in_index
            else None,
        }

    groups = []
    for kind, heading, section in KEYWORD_GROUPS:
        if kind == "import":
            entries = []
            for imp in record.imports:
                for imported in imp.names or (imp.module,):
                    entries.append(entry(imported, imp.line, imp.module if imp.names else ""))
        elif kind == "identifier":
            entries = [entry(name, line) for name, line in _identifier_keywords(record)]
        else:
            entries = [
                entry(s.name, s.line, s.parent or "") for s in record.symbols if s.kind == kind
            ]
        if entries:
            section_title = dict(DOCS_SECTIONS)[section]
            groups.append(
                {
                    "kind": kind,
                    "heading": heading,
                    "entries": entries,
                    "section": section_title,
                    "section_href": href(page, docs, section),
                }
            )
    return {
        "page": page,
        "record": record,
        "crumbs": _crumbs(site, page, record.folder),
        "docs_href": href(page, docs),
        "folder_label": record.folder or site.title,
        "folder_index_href": href(page, names.folder_page(record.folder, "index")),
        "groups": groups,
    }


def folder_view(site: SiteContext, folder: str) -> dict[str, Any]:
    """The context shared by a folder's index and doc pages (MyST documents): both sit in the
    folder itself, so every relative link is the same from either."""
    index = site.index
    names = site.names
    page = names.folder_page(folder, "index")
    info = index.folders[folder]
    files = []
    for path in info.files:
        record = index.records[path]
        files.append(
            {
                "name": record.name,
                "language": record.language,
                "size": human_size(record.size),
                "lines": record.lines,
                "keywords": len(record.symbols),
                "docs_href": href(page, names.file_page(path, "docs")),
                "kw_href": href(page, names.file_page(path, "kw")),
            }
        )
    subfolders = [
        {
            "name": sub.rpartition("/")[2],
            "files": sum(index.folders[sub].languages_below.values()),
            "href": href(page, names.folder_page(sub, "index")),
        }
        for sub in info.folders
    ]
    used: Counter[str] = Counter()
    for path in info.files:
        used.update(
            ref.name for ref in index.records[path].references if ref.name in index.definitions
        )
    return {
        "folder": folder,
        "title": folder or site.title,
        "current": folder.rpartition("/")[2] or site.title,
        "crumbs": _crumbs(site, page, folder.rpartition("/")[0]) if folder else [],
        "files": files,
        "subfolders": subfolders,
        "languages": sorted(info.languages_below.items(), key=lambda item: (-item[1], item[0])),
        "index_href": href(page, names.folder_page(folder, "index")),
        "doc_href": href(page, names.folder_page(folder, "doc")),
        "keywords_href": href(page, names.keywords_page()),
        "top_keywords": [
            {
                "name": name,
                "uses": count,
                "href": href(page, names.letter_page(keyword_letter(name)), keyword_anchor(name)),
            }
            for name, count in sorted(used.items(), key=lambda item: (-item[1], item[0]))[:20]
        ],
    }


def keyword_pages(site: SiteContext) -> dict[str, dict[str, Any]]:
    """Context of each A-Z page (by letter), every defined name with all its definitions."""
    names = site.names
    by_letter: dict[str, list[str]] = {}
    for name in sorted(site.index.definitions, key=lambda item: (item.lower(), item)):
        by_letter.setdefault(keyword_letter(name), []).append(name)
    pages = {}
    for letter, keywords in by_letter.items():
        page = names.letter_page(letter)
        entries = []
        for name in keywords:
            entries.append(
                {
                    "name": name,
                    "anchor": keyword_anchor(name),
                    "definitions": [
                        {
                            "kind": d.symbol.kind,
                            "qualname": d.symbol.qualname,
                            "path": d.path,
                            "line": d.symbol.line,
                            "href": href(
                                page, names.file_page(d.path, "docs"), line_anchor(d.symbol.line)
                            ),
                        }
                        for d in site.index.definitions[name]
                    ],
                }
            )
        pages[letter] = {
            "page": page,
            "letter": letter,
            "entries": entries,
            "keywords_href": href(page, names.keywords_page()),
        }
    return pages


def keywords_root(site: SiteContext, letters: list[str]) -> dict[str, Any]:
    page = site.names.keywords_page()
    return {
        "page": page,
        "letters": [
            {"letter": letter, "href": href(page, site.names.letter_page(letter))}
            for letter in letters
        ],
        "total": len(site.index.definitions),
        "title": site.title,
        "root_href": href(page, site.names.folder_page("", "index")),
    }
