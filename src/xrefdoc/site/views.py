"""What each page shows, as plain data for the templates: one function per page kind."""

from __future__ import annotations

import os
import pickle
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from html import escape
from urllib.parse import quote

from xrefdoc.core.model import FileRecord, Symbol, SymbolKind
from xrefdoc.site.folder_tree import FolderTrees
from xrefdoc.site.highlight import NameLink, SourceHTML
from xrefdoc.site.keyword_layout import KeywordLayout, keyword_layout, keyword_sort_key
from xrefdoc.site.names import (
    FilePageKind,
    FolderPageKind,
    PageNames,
    breadcrumbs,
    keyword_anchor,
    line_anchor,
    symbol_anchors,
)
from xrefdoc.site.view_types import (
    AnalysisView,
    ClassView,
    DocsPage,
    DocsView,
    FindingView,
    FolderFile,
    FolderFindings,
    FolderView,
    ImportView,
    KeywordGroup,
    KeywordItem,
    KwView,
    Link,
    RelatedView,
    SourceView,
    Subfolder,
    SymbolGroupView,
    SymbolView,
    UsedElsewhereView,
    UsedItem,
)
from xrefdoc.xref.index import Index, Use, build_index, import_category, textual_candidates
from xrefdoc.xref.resolve import Definition

# Sections of a _docs page, in the order users know from the old generator.
DOCS_SECTIONS = (
    ("file-metadata", "File Metadata"),
    ("file-purpose", "File Purpose"),
    ("original-source", "Original Source"),
    ("high-level-overview", "High-Level Overview"),
    ("detailed-analysis", "Detailed Analysis"),
    ("architecture-design", "Architecture & Design"),
    ("dependencies", "Dependencies"),
    ("code-patterns", "Code Patterns & Idioms"),
    ("performance", "Performance Considerations"),
    ("security", "Security & Safety"),
    ("testing-usage", "Testing & Usage"),
    ("related-files", "Related Files"),
    ("cross-references", "Cross-References"),
)
SECTION_TITLES = dict(DOCS_SECTIONS)
# The _docs section that shows each category of findings.
FINDING_SECTIONS = {
    "purpose": "file-purpose",
    "pattern": "code-patterns",
    "performance": "performance",
    "security": "security",
    "testing": "testing-usage",
}
# At most this many "tested by" findings on a page; Related Files lists every test file.
TESTED_BY_SHOWN = 20

# Keyword groups of a _kw page: (kind, heading, the _docs section that covers them). Those
# sections' ids are also the GitHub slugs of their headings, so the Markdown pages link to
# them the same way.
# Besides the symbols' kinds, a file's imports and the names it uses but does not define.
IMPORTS_GROUP = "import"
IDENTIFIERS_GROUP = "identifier"
KEYWORD_GROUPS: tuple[tuple[str, str, str], ...] = (
    (SymbolKind.CLASS, "Classes", "detailed-analysis"),
    (SymbolKind.FUNCTION, "Functions", "detailed-analysis"),
    (SymbolKind.METHOD, "Methods", "detailed-analysis"),
    (SymbolKind.CONSTANT, "Constants", "detailed-analysis"),
    (SymbolKind.VARIABLE, "Variables", "detailed-analysis"),
    (SymbolKind.MACRO, "Macros", "detailed-analysis"),
    (SymbolKind.TYPE, "Types", "detailed-analysis"),
    (SymbolKind.FIELD, "Fields", "detailed-analysis"),
    (SymbolKind.ENUMERATOR, "Enumerators", "detailed-analysis"),
    (SymbolKind.PROTOTYPE, "Prototypes", "detailed-analysis"),
    (SymbolKind.NAMESPACE, "Namespaces", "detailed-analysis"),
    (SymbolKind.IMPL, "Impl blocks", "detailed-analysis"),
    (SymbolKind.KEY, "Keys", "detailed-analysis"),
    (SymbolKind.HEADING, "Headings", "high-level-overview"),
    (IMPORTS_GROUP, "Imports", "dependencies"),
    (IDENTIFIERS_GROUP, "Identifiers", "original-source"),
)

# Kinds listed under their class in Detailed Analysis.
MEMBER_KINDS = frozenset(
    {
        SymbolKind.METHOD,
        SymbolKind.CLASS,
        SymbolKind.CONSTANT,
        SymbolKind.VARIABLE,
        SymbolKind.FIELD,
        SymbolKind.ENUMERATOR,
        SymbolKind.PROTOTYPE,
        SymbolKind.TYPE,
    }
)
# Detailed Analysis: what belongs to no class of the file, by kind, after the classes.
OUTSIDE_GROUPS: tuple[tuple[SymbolKind, str], ...] = (
    (SymbolKind.FUNCTION, "Functions"),
    (SymbolKind.PROTOTYPE, "Prototypes"),
    (SymbolKind.METHOD, "Methods of classes defined elsewhere"),
    (SymbolKind.MACRO, "Macros"),
    (SymbolKind.TYPE, "Types"),
    (SymbolKind.NAMESPACE, "Namespaces"),
    (SymbolKind.IMPL, "Impl blocks"),
    (SymbolKind.CONSTANT, "Constants"),
    (SymbolKind.VARIABLE, "Variables"),
    (SymbolKind.FIELD, "Fields"),
    (SymbolKind.ENUMERATOR, "Enumerators"),
    (SymbolKind.KEY, "Keys"),
)
SIBLING_LIMIT = 12
USED_ELSEWHERE_LIMIT = 30


@dataclass(frozen=True, slots=True)
class SiteContext:
    """What every page renderer needs: the index, page names, the A-Z layout, the title."""

    index: Index
    names: PageNames
    source_cap: int
    title: str
    keywords: KeywordLayout
    trees: FolderTrees
    # Files whose name on disk is not the name shown (``WalkResult.sources``).
    sources: Mapping[str, str] = field(default_factory=dict)
    # File → its symbol anchors (``names.symbol_anchors``), made when first asked for.
    anchors: dict[str, dict[tuple[str, int], str]] = field(default_factory=dict)

    def __reduce__(self) -> tuple[Callable[..., SiteContext], tuple[object, ...]]:
        """Pickled (for a cluster's workers) as what it is made from: the records, in parts
        (``_RecordsInParts``), and the page names and settings. The loading side makes the
        index and the layouts again (``build_index`` is pure), as the client made them.

        Pickling the whole site wrote an object, and kept a memo entry and often a
        temporary, for every definition and use the index holds: at 200,000 files the
        client's memory rose by 2.6 GB while it was sent. The ``anchors`` are made where
        they are needed. A site's index is always ``build_index`` of its records (what
        ``scan`` gives, the analyze stage's findings added, which it does not read)."""
        records = _RecordsInParts(tuple(self.index.records.values()))
        return _site_of, (records, self.names, self.source_cap, self.title, self.sources)


# Records per part of a pickled site: each part is pickled with a memo of its own.
RECORDS_PER_PART = 1_000


@dataclass(frozen=True, slots=True)
class _RecordsInParts:
    """Records pickled part by part, each by a pickler of its own, so that one pickler's memo
    (an entry for each object written, keeping alive the temporaries it wrote) holds only a
    part, and the whole pickle holds bytes, not objects. Loads as a list of the records."""

    records: tuple[FileRecord, ...]

    def __reduce__(self) -> tuple[Callable[[tuple[bytes, ...]], list[FileRecord]], tuple[object]]:
        parts = tuple(
            pickle.dumps(self.records[start : start + RECORDS_PER_PART], pickle.HIGHEST_PROTOCOL)
            for start in range(0, len(self.records), RECORDS_PER_PART)
        )
        return _records_of, (parts,)


def _records_of(parts: tuple[bytes, ...]) -> list[FileRecord]:
    return [record for part in parts for record in pickle.loads(part)]


def _site_of(
    records: list[FileRecord],
    names: PageNames,
    source_cap: int,
    title: str,
    sources: Mapping[str, str],
) -> SiteContext:
    return make_site(build_index(records), names, source_cap, title, sources)


def make_site(
    index: Index,
    names: PageNames,
    source_cap: int,
    title: str,
    sources: Mapping[str, str] | None = None,
) -> SiteContext:
    layout = keyword_layout(index, names)
    trees = FolderTrees(index, names, title)
    return SiteContext(index, names, source_cap, title, layout, trees, dict(sources or {}))


def keyword_href(site: SiteContext, page: str, name: str) -> str | None:
    """Link from ``page`` to a keyword's entry in the A-Z index, if it has one."""
    target = site.keywords.page_of.get(name)
    return site.names.href(page, target, keyword_anchor(name)) if target else None


def line_href(site: SiteContext, page: str, path: str, line: int) -> str:
    """Link from ``page`` to a line of a file (see ``PageNames.line_href``)."""
    return site.names.line_href(page, path, line)


def _existing_line_href(
    site: SiteContext, page: str, record: FileRecord, line: int | None
) -> str | None:
    """A link to a line of the file, or None when the file has no such line (an empty
    file's line 1): such a line is named, not linked."""
    return line_href(site, page, record.path, line) if line and line <= record.lines else None


def definition_href(site: SiteContext, page: str, definition: Definition) -> str:
    """A link to a definition: on pages with an anchor on each line, to its symbol's
    anchor at the start of its line (``core.py_docs.html#sym-Group.invoke``), which does
    not move with the lines around it, so a page that links to it stays the same when its
    file is edited above it (a version's release notes, a function added on top); else to
    its line (``PageNames.line_href``)."""
    if site.names.line_anchors:
        to_page = site.names.file_page(definition.path)
        return site.names.href(page, to_page, symbol_anchor(site, definition))
    return line_href(site, page, definition.path, definition.symbol.line)


def file_symbol_anchors(site: SiteContext, path: str) -> Mapping[tuple[str, int], str]:
    """``names.symbol_anchors`` of a file's symbols, made once per file."""
    anchors = site.anchors.get(path)
    if anchors is None:
        anchors = site.anchors[path] = symbol_anchors(site.index.records[path].symbols)
    return anchors


def symbol_anchor(site: SiteContext, definition: Definition) -> str:
    """The definition's symbol anchor in its file (``sym-Group.invoke``)."""
    anchors = file_symbol_anchors(site, definition.path)
    return anchors[(definition.symbol.qualname, definition.symbol.line)]


def human_size(size: int) -> str:
    if size < 1024:
        return f"{size:,} bytes"
    for unit in ("KB", "MB"):
        size_f = size / 1024
        if size_f < 1024:
            return f"{size_f:,.1f} {unit}"
        size = int(size_f)
    return f"{size / 1024:,.1f} GB"


def _crumbs(site: SiteContext, page: str, folder: str) -> list[Link]:
    return [
        {"label": label, "href": site.names.href(page, site.names.folder_page(path))}
        for label, path in breadcrumbs(folder, site.title)
    ]


def _file_link(site: SiteContext, page: str, path: str, label: str | None = None) -> Link:
    """A link to the file's page, labelled with its path unless told otherwise."""
    return {"label": label or path, "href": site.names.href(page, site.names.file_page(path))}


def _symbol_view(
    site: SiteContext, page: str, path: str, symbol: Symbol, anchors: Mapping[tuple[str, int], str]
) -> SymbolView:
    return {
        "entry_href": keyword_href(site, page, symbol.name),
        "name": symbol.name,
        "label": symbol.name,
        "qualname": symbol.qualname,
        "kind": symbol.kind,
        "line": symbol.line,
        "end_line": symbol.end_line,
        "signature": symbol.signature,
        "overloads": [
            {"signature": o.signature, "line": o.line, "href": line_href(site, page, path, o.line)}
            for o in symbol.overloads
            if o.line != symbol.line
        ],
        "doc": symbol.doc,
        "href": line_href(site, page, path, symbol.line),
        "anchor": anchors[(symbol.qualname, symbol.line)],
    }


def _source_view(
    site: SiteContext, record: FileRecord, source: SourceHTML, page: str
) -> SourceView:
    cut_note = ""
    cut_anchors = ""
    if source.shown_lines:
        cut_note = (
            f"Source cut after line {source.shown_lines:,} of {record.lines:,}: the file is "
            f"larger than the source cap of {site.source_cap:,} bytes."
        )
        cut_anchors = _anchors_past_the_cut(site, record, source.shown_lines)
    links = _name_links(site, record, page)
    anchors: dict[int, list[str]] = defaultdict(list)
    for (_, line), anchor in file_symbol_anchors(site, record.path).items():
        anchors[line].append(anchor)
    html = source.html(links.link_for, anchors)
    return {"html": html, "cut_note": cut_note, "cut_anchors": cut_anchors}


def _entry_link(site: SiteContext, page: str, keyword: str, textual: bool) -> NameLink | None:
    entry = keyword_href(site, page, keyword)
    if entry is None:
        return None
    if not textual:
        return NameLink(entry)
    # No use count here: it changes with every file that uses the name, and every page that
    # shows the name would have to be written again; the entry has the uses.
    count = len(site.index.definitions.get(keyword, ()))
    s = "s" if count != 1 else ""
    return NameLink(entry, f"textual match, {keyword}: {count} definition{s}", textual)


def _use_link(site: SiteContext, record: FileRecord, page: str, use: Use) -> NameLink | None:
    """Where a name in the source leads: the one definition it means, else the entry."""
    definition = use.definition
    if definition is None:
        candidates = textual_candidates(site.index, use)
        if not candidates:
            return None  # a member no struct or class of the tree has
        if len(candidates) != 1:
            return _entry_link(site, page, use.keyword, textual=True)
        definition = candidates[0]
        # Not its line: the page would change with every edit above the definition. The
        # card that shows the title names the line, from the file's symbol data.
        kind, where = definition.symbol.kind, definition.path
        title = f"textual match: {definition.qualname} ({kind}, {where})"
        return NameLink(definition_href(site, page, definition), title, textual=True)
    if _names_itself(record, use):
        return _entry_link(site, page, use.keyword, textual=False)
    return NameLink(definition_href(site, page, definition))


def _names_itself(record: FileRecord, use: Use) -> bool:
    """Whether the use is its definition's own name, where it is defined."""
    definition = use.definition
    return (
        definition is not None
        and definition.path == record.path
        and definition.symbol.line == use.line
    )


@dataclass(frozen=True, slots=True)
class _NameLinks:
    """The links of one file's names: by position for uses whose column is known, by
    (name, line) for a definition's own name and for textual matches of the lexer."""

    at: dict[tuple[int, int], tuple[str, NameLink]]
    own: dict[tuple[str, int], NameLink]
    loose: dict[tuple[str, int], NameLink]

    def link_for(self, name: str, line: int, column: int) -> NameLink | None:
        found = self.at.get((line, column))
        if found is not None and found[0] == name:
            return found[1]
        return self.own.get((name, line)) or self.loose.get((name, line))


def _name_links(site: SiteContext, record: FileRecord, page: str) -> _NameLinks:
    links = _NameLinks({}, {}, {})
    # A page's uses of one definition, or textual matches of one name, lead to one place:
    # its link is made once (NumPy x3: 1.2 million uses, 12% of writing the file pages).
    made: dict[object, NameLink | None] = {}
    for use in site.index.uses_in.get(record.path, ()):
        definition = use.definition
        if definition is None:
            key: object = (use.keyword, use.member)
        elif _names_itself(record, use):
            key = (definition, use.line)  # it links to its entry, not to itself
        else:
            key = definition
        if key in made:
            link = made[key]
        else:
            link = made[key] = _use_link(site, record, page, use)
        if link is None:
            continue
        if use.column >= 0:
            links.at[(use.line, use.column)] = (use.name, link)
        else:
            links.loose.setdefault((use.name, use.line), link)
    for symbol in record.symbols:
        if symbol.kind != SymbolKind.HEADING:
            own = _entry_link(site, page, symbol.name, textual=False)
            if own is not None:
                links.own[(symbol.name, symbol.line)] = own
        for stub in symbol.overloads:
            if stub.line != symbol.line:  # a stub's name leads to the function it describes
                href = line_href(site, page, record.path, symbol.line)
                links.own[(symbol.name, stub.line)] = NameLink(href)
    return links


def _anchors_past_the_cut(site: SiteContext, record: FileRecord, shown: int) -> str:
    """Empty ``L<n>`` targets for every line past the cut that some page links to, and the
    anchors of the symbols defined there, so such links land on the note that says the
    source was cut instead of nowhere."""
    lines = {symbol.line for symbol in record.symbols}
    lines |= {stub.line for symbol in record.symbols for stub in symbol.overloads}
    lines |= {imp.line for imp in record.imports}
    lines |= {heading.line for heading in record.headings}
    lines |= {diagnostic.line for diagnostic in record.diagnostics if diagnostic.line}
    lines |= {line for _, line, _, _, _ in record.references.rows()}
    spans = [f'<span id="{line_anchor(line)}"></span>' for line in sorted(lines) if line > shown]
    spans += (
        f'<span id="{escape(anchor)}"></span>'
        for (_, line), anchor in file_symbol_anchors(site, record.path).items()
        if line > shown
    )
    return "".join(spans)


def _analysis(site: SiteContext, record: FileRecord, page: str) -> AnalysisView:
    """Every symbol of the file, so that each group of its _kw page has a place here:
    classes with their members; then, by kind, what belongs to no class of this file (free
    and nested functions, functions in a namespace, methods of a class defined elsewhere
    such as C++ ``Engine::run``), labelled with their qualified names."""
    class_names = {s.qualname for s in record.symbols if s.kind == SymbolKind.CLASS}
    anchors = file_symbol_anchors(site, record.path)
    members: dict[str | None, list[SymbolView]] = defaultdict(list)
    for member in record.symbols:
        if member.parent in class_names and member.kind in MEMBER_KINDS:
            members[member.parent].append(_symbol_view(site, page, record.path, member, anchors))
    classes: list[ClassView] = [
        {
            **_symbol_view(site, page, record.path, s, anchors),
            "members": members.get(s.qualname, []),
        }
        for s in record.symbols
        if s.kind == SymbolKind.CLASS
    ]
    outside = [s for s in record.symbols if s.parent not in class_names]

    by_kind: dict[str, list[SymbolView]] = defaultdict(list)
    for s in outside:
        view = _symbol_view(site, page, record.path, s, anchors)
        by_kind[s.kind].append({**view, "label": s.qualname})
    groups: list[SymbolGroupView] = [
        {"title": title, "items": by_kind[kind]}
        for kind, title in OUTSIDE_GROUPS
        if kind in by_kind
    ]
    return {
        "classes": classes,
        "groups": groups,
        # By kind, for templates of users' that name them (ours read ``groups``).
        "functions": by_kind.get(SymbolKind.FUNCTION, []),
        "methods": by_kind.get(SymbolKind.METHOD, []),
        "constants": by_kind.get(SymbolKind.CONSTANT, []),
        "variables": by_kind.get(SymbolKind.VARIABLE, []),
        "data_keys": by_kind.get(SymbolKind.KEY, []),
    }


def _dependencies(site: SiteContext, record: FileRecord, page: str) -> dict[str, list[ImportView]]:
    groups: dict[str, list[ImportView]] = {"in-tree": [], "stdlib": [], "third-party": []}
    targets = site.index.import_targets[record.path]
    for imp, target in zip(record.imports, targets, strict=True):
        resolved = target.module
        groups[import_category(imp.module, imp.level, resolved, record.family)].append(
            {
                "module": imp.module,
                "names": list(imp.names),
                "line": imp.line,
                "line_href": line_href(site, page, record.path, imp.line),
                "target": _file_link(site, page, resolved) if resolved else None,
                "via": [
                    {"name": name, **_file_link(site, page, where)} for name, where in target.names
                ],
            }
        )
    return groups


def _used_elsewhere(site: SiteContext, record: FileRecord, page: str) -> UsedElsewhereView:
    """What this file defines that other files use, most used first."""
    used: list[UsedItem] = []
    for definition in site.index.definitions_in.get(record.path, ()):
        users = site.index.users.get(definition, ())
        if users:
            used.append(
                {
                    "qualname": definition.symbol.qualname,
                    "kind": definition.symbol.kind,
                    "files": len(users),
                    "href": keyword_href(site, page, definition.symbol.name),
                }
            )
    used.sort(key=lambda item: (-item["files"], item["qualname"]))
    return {
        "items": used[:USED_ELSEWHERE_LIMIT],
        "more": max(0, len(used) - USED_ELSEWHERE_LIMIT),
    }


def _related(site: SiteContext, record: FileRecord, page: str) -> RelatedView:
    index = site.index
    siblings = [p for p in index.folders[record.folder].files if p != record.path]
    return {
        # Files of the page's own folder, by name: the folder is the page's.
        "siblings": [
            _file_link(site, page, p, p.rpartition("/")[2]) for p in siblings[:SIBLING_LIMIT]
        ],
        "more_siblings": max(0, len(siblings) - SIBLING_LIMIT),
        "imports": [_file_link(site, page, p) for p in index.imports_of.get(record.path, [])],
        "imported_by": [_file_link(site, page, p) for p in index.imported_by.get(record.path, [])],
        "tests": [_file_link(site, page, p) for p in index.tests_of.get(record.path, [])],
    }


def docs_page(site: SiteContext, record: FileRecord, source: SourceHTML | None) -> DocsPage:
    """The context of a file's _docs page on the HTML site; ``source`` is None for a binary
    file."""
    view = docs_view(site, record)
    return {
        **view,
        "tree": site.trees.html(record.path),
        "source": None if source is None else _source_view(site, record, source, view["page"]),
        # The bytes of the name (one that is not UTF-8 keeps its own bytes).
        "forge_path": quote(os.fsencode(site.sources.get(record.path, record.path)), safe="/"),
    }


def _findings(
    site: SiteContext, record: FileRecord, page: str
) -> tuple[dict[str, list[FindingView]], int]:
    """The file's findings by the _docs section that shows them, each with its rule, the
    message split into text and code (``parts``: (is code, text)), and a link to its line;
    and how many "tested by" findings were left out."""
    sections: dict[str, list[FindingView]] = {s: [] for s in FINDING_SECTIONS.values()}
    tested_by = 0
    for finding in record.findings:
        section = FINDING_SECTIONS.get(finding.category)
        if section is None:
            continue
        if finding.rule == "testing.tested-by":
            tested_by += 1
            if tested_by > TESTED_BY_SHOWN:
                continue
        sections[section].append(
            {
                "rule": finding.rule,
                "line": finding.line,
                "parts": message_parts(finding.message),
                "href": _existing_line_href(site, page, record, finding.line),
            }
        )
    return sections, max(0, tested_by - TESTED_BY_SHOWN)


def message_parts(message: str) -> list[tuple[bool, str]]:
    """A finding's message as (is code, text) pieces: its `` `code` `` spans apart, so each
    kind of page marks them up its own way and escapes the rest."""
    pieces = message.split("`")
    return [(position % 2 == 1, piece) for position, piece in enumerate(pieces) if piece]


def docs_view(site: SiteContext, record: FileRecord) -> DocsView:
    """What a file's _docs page shows but its source, which each kind of page shows its own
    way (``source`` is None here)."""
    names = site.names
    page = names.file_page(record.path)
    folder = record.folder
    overview = ""
    if record.docstring:
        overview = record.docstring.strip().split("\n\n")[0]
    findings, more_tests = _findings(site, record, page)
    return {
        "page": page,
        "record": record,
        "size_text": human_size(record.size),
        "crumbs_list": _crumbs(site, page, folder),
        "source": None,
        "diagnostics": [
            {
                "message": diagnostic.message,
                "line": diagnostic.line,
                "href": _existing_line_href(site, page, record, diagnostic.line),
            }
            for diagnostic in record.diagnostics
        ],
        "overview": overview,
        "outline": [
            {
                "level": h.level,
                "text": h.text,
                "line": h.line,
                "href": line_href(site, page, record.path, h.line),
            }
            for h in record.headings
        ],
        "analysis": _analysis(site, record, page),
        "dependencies": _dependencies(site, record, page),
        "findings": findings,
        "more_tests": more_tests,
        "related": _related(site, record, page),
        "used_elsewhere": _used_elsewhere(site, record, page),
        "kw_href": names.href(page, names.file_page(record.path, FilePageKind.KW)),
        "folder_label": folder or site.title,
        "folder_index_href": names.href(page, names.folder_page(folder)),
        "folder_doc_href": names.href(page, names.folder_page(folder, FolderPageKind.DOC)),
        "sections": DOCS_SECTIONS,
    }


def _identifier_keywords(record: FileRecord) -> list[tuple[str, int]]:
    defined = {s.name for s in record.symbols}
    first_use: dict[str, int] = {}
    for name, line, _, _, _ in record.references.rows():
        if name not in defined and name not in first_use:
            first_use[name] = line
    return sorted(first_use.items(), key=lambda item: keyword_sort_key(item[0]))


def kw_page(site: SiteContext, record: FileRecord) -> KwView:
    """The context of a file's _kw page: its keywords grouped by kind, each linked twice."""
    names = site.names
    page = names.file_page(record.path, FilePageKind.KW)
    docs = names.file_page(record.path)

    def entry(name: str, line: int, detail: str = "") -> KeywordItem:
        return {
            "name": name,
            "line": line,
            "detail": detail,
            "href": line_href(site, page, record.path, line),
            "index_href": keyword_href(site, page, name),
        }

    groups: list[KeywordGroup] = []
    for kind, heading, section in KEYWORD_GROUPS:
        if kind == IMPORTS_GROUP:
            entries = []
            for imp in record.imports:
                for imported in imp.names or (imp.module,):
                    entries.append(entry(imported, imp.line, imp.module if imp.names else ""))
        elif kind == IDENTIFIERS_GROUP:
            entries = [entry(name, line) for name, line in _identifier_keywords(record)]
        else:
            entries = [
                entry(s.name, s.line, s.parent or "") for s in record.symbols if s.kind == kind
            ]
        if entries:
            section_title = SECTION_TITLES[section]
            groups.append(
                {
                    "kind": kind,
                    "heading": heading,
                    "entries": entries,
                    "section": section_title,
                    "section_href": names.href(page, docs, section),
                }
            )
    return {
        "page": page,
        "record": record,
        "crumbs_list": _crumbs(site, page, record.folder),
        "docs_href": names.href(page, docs),
        "folder_label": record.folder or site.title,
        "folder_index_href": names.href(page, names.folder_page(record.folder)),
        "groups": groups,
    }


def _folder_findings(site: SiteContext, folder: str, page: str) -> list[FolderFindings]:
    """Per findings section, how many findings the folder's own files have, and which files
    (each linked to that section of its _docs page), most first."""
    names = site.names
    counts: dict[str, Counter[str]] = {section: Counter() for section in FINDING_SECTIONS.values()}
    for path in site.index.folders[folder].files:
        for finding in site.index.records[path].findings:
            section = FINDING_SECTIONS.get(finding.category)
            if section is not None:
                counts[section][path] += 1
    return [
        {
            "section": section,
            "title": SECTION_TITLES[section],
            "total": sum(by_file.values()),
            "files": [
                {
                    "name": path.rpartition("/")[2],
                    "count": count,
                    "href": names.href(page, names.file_page(path), section),
                    # Markdown headings have the forge's slugs, not our ids: the page alone.
                    "page_href": names.href(page, names.file_page(path)),
                }
                for path, count in sorted(by_file.items(), key=lambda item: (-item[1], item[0]))
            ],
        }
        for section, by_file in counts.items()
        if by_file
    ]


def folder_view(site: SiteContext, folder: str) -> FolderView:
    """The context shared by a folder's index and doc pages (MyST documents): both sit in the
    folder itself, so every relative link is the same from either."""
    index = site.index
    names = site.names
    page = names.folder_page(folder)
    info = index.folders[folder]
    files: list[FolderFile] = []
    for path in info.files:
        record = index.records[path]
        files.append(
            {
                "name": record.name,
                "language": record.language,
                "size": human_size(record.size),
                "lines": record.lines,
                "keywords": len(record.symbols),
                "docs_href": names.href(page, names.file_page(path)),
                "kw_href": names.href(page, names.file_page(path, FilePageKind.KW)),
            }
        )
    subfolders: list[Subfolder] = [
        {
            "name": sub.rpartition("/")[2],
            "files": sum(index.folders[sub].languages_below.values()),
            "href": names.href(page, names.folder_page(sub)),
        }
        for sub in info.folders
    ]
    used: Counter[str] = Counter()
    for path in info.files:
        used.update(use.keyword for use in index.uses_in.get(path, ()))
    return {
        "folder": folder,
        "title": folder or site.title,
        "current": folder.rpartition("/")[2] or site.title,
        "crumbs": _crumbs(site, page, folder.rpartition("/")[0]) if folder else [],
        "files": files,
        "subfolders": subfolders,
        "languages": sorted(info.languages_below.items(), key=lambda item: (-item[1], item[0])),
        "index_href": names.href(page, names.folder_page(folder)),
        "doc_href": names.href(page, names.folder_page(folder, FolderPageKind.DOC)),
        "keywords_href": names.href(page, names.keywords_page()),
        "findings": _folder_findings(site, folder, page),
        "top_keywords": [
            {
                "name": name,
                "uses": count,
                "href": keyword_href(site, page, name),
            }
            for name, count in sorted(used.items(), key=lambda item: (-item[1], item[0]))[:20]
        ],
    }
