"""What each page's template receives: the typed contract between the views and the templates.

The views (``views``, ``keyword_views``) build these; ``render`` hands them to the templates
as their variables, so a template overriding one of ours (``--templates``) finds exactly
the names listed here. They are ``TypedDict``s, plain dicts at run time: Jinja looks their
items up first (``ViewEnvironment.getattr``), the Markdown export extends them with its
own keys, and mypy checks every key a view sets and ``render`` reads.
"""

from __future__ import annotations

from typing import TypedDict

from markupsafe import Markup

from xrefdoc.core.model import FileRecord, SymbolKind


class Link(TypedDict):
    """A link with its text: a breadcrumb, a file of the tree."""

    label: str
    href: str


# --- A file's _docs page (``file_docs.html``) ---


class OverloadView(TypedDict):
    """An ``@overload`` signature of a function, linked to the line of its stub."""

    signature: str
    line: int
    href: str


class SymbolView(TypedDict):
    """A definition in Detailed Analysis: ``label`` is its name, or its qualified name when
    it is listed outside its class; ``entry_href`` leads to its keyword entry; ``overloads``
    are its ``@overload`` signatures but the one it is itself."""

    entry_href: str | None
    name: str
    label: str
    qualname: str
    kind: SymbolKind
    line: int
    end_line: int
    signature: str
    overloads: list[OverloadView]
    doc: str
    href: str
    # Its id on the _docs page (``sym-Group.invoke``, ``names.symbol_anchors``): the outline
    # links to it.
    anchor: str


class ClassView(SymbolView):
    """A class of the file, with the members listed under it."""

    members: list[SymbolView]


class SymbolGroupView(TypedDict):
    """Symbols of one kind, under a heading."""

    title: str
    items: list[SymbolView]


class AnalysisView(TypedDict):
    """Detailed Analysis: classes with their members, then what belongs to no class of
    the file, by kind (``groups``, every kind that has any; the lists by kind after it are
    kept for templates that name them)."""

    classes: list[ClassView]
    groups: list[SymbolGroupView]
    functions: list[SymbolView]
    methods: list[SymbolView]
    constants: list[SymbolView]
    variables: list[SymbolView]
    data_keys: list[SymbolView]


class SourceView(TypedDict):
    """The highlighted source (``<pre>`` HTML, names linked) and, when the source cap cut
    it, the note that says so and the anchors of the lines past the cut."""

    html: str
    cut_note: str
    cut_anchors: str


class DiagnosticView(TypedDict):
    message: str
    line: int | None
    href: str | None


class OutlineItem(TypedDict):
    """A heading of the file, in High-Level Overview."""

    level: int
    text: str
    line: int
    href: str


class ViaLink(Link):
    """A name an import brings, and the file that defines it."""

    name: str


class ImportView(TypedDict):
    """An import under Dependencies, and the file of the tree it resolves to."""

    module: str
    names: list[str]
    line: int
    line_href: str
    target: Link | None
    via: list[ViaLink]


class FindingView(TypedDict):
    """A finding of the analysis: its message in pieces, ``(is code, text)``."""

    rule: str
    line: int
    parts: list[tuple[bool, str]]
    href: str | None


class UsedItem(TypedDict):
    """A definition of the file that other files use, in how many of them."""

    qualname: str
    kind: SymbolKind
    files: int
    href: str | None


class UsedElsewhereView(TypedDict):
    items: list[UsedItem]
    more: int


class RelatedView(TypedDict):
    """Related Files: the folder's other files (the first few), imports both ways, tests."""

    siblings: list[Link]
    more_siblings: int
    imports: list[Link]
    imported_by: list[Link]
    tests: list[Link]


class DocsView(TypedDict):
    """What a file's _docs page shows on every kind of page; ``source`` is None here and
    for a binary file. ``dependencies`` is keyed ``in-tree``, ``stdlib``, ``third-party``;
    ``findings`` by the id of the section that shows them (``file-purpose``...)."""

    page: str
    record: FileRecord
    size_text: str
    crumbs_list: list[Link]
    source: SourceView | None
    diagnostics: list[DiagnosticView]
    overview: str
    outline: list[OutlineItem]
    analysis: AnalysisView
    dependencies: dict[str, list[ImportView]]
    findings: dict[str, list[FindingView]]
    more_tests: int
    related: RelatedView
    used_elsewhere: UsedElsewhereView
    kw_href: str
    folder_label: str
    folder_index_href: str
    folder_doc_href: str
    sections: tuple[tuple[str, str], ...]


class DocsPage(DocsView):
    """``file_docs.html``'s variables: the view, its source, the folder tree beside it, and
    the file's path as its forge names it (URL-quoted; the page's script makes the link to
    the forge from it and ``_xref/build.js``: the page never names the commit)."""

    tree: Markup
    forge_path: str


# --- A file's _kw page (``file_kw.html``) ---


class KeywordItem(TypedDict):
    """A keyword of the file: its line, what it belongs to (``detail``), its entry."""

    name: str
    line: int
    detail: str
    href: str
    index_href: str | None


class KeywordGroup(TypedDict):
    """The file's keywords of one kind, and the _docs section that covers them."""

    kind: str
    heading: str
    entries: list[KeywordItem]
    section: str
    section_href: str


class KwView(TypedDict):
    page: str
    record: FileRecord
    crumbs_list: list[Link]
    docs_href: str
    folder_label: str
    folder_index_href: str
    groups: list[KeywordGroup]


class KwPage(KwView):
    """``file_kw.html``'s variables: the view and the folder tree beside it."""

    tree: Markup


# --- A folder's index and doc pages (``folder_index.html``, ``folder_doc.html``) ---


class FolderFile(TypedDict):
    name: str
    language: str
    size: str
    lines: int
    keywords: int
    docs_href: str
    kw_href: str


class Subfolder(TypedDict):
    name: str
    files: int
    href: str


class FindingsFile(TypedDict):
    """A file with findings of one section: ``href`` to the section on its page,
    ``page_href`` to the page alone (Markdown headings have the forge's slugs)."""

    name: str
    count: int
    href: str
    page_href: str


class FolderFindings(TypedDict):
    """How many findings of one _docs section the folder's own files have, and where."""

    section: str
    title: str
    total: int
    files: list[FindingsFile]


class TopKeyword(TypedDict):
    name: str
    uses: int
    href: str | None


class FolderView(TypedDict):
    """What both pages of a folder show. ``folder_index.html`` also gets ``with_title``
    (False for the root folder, whose title is its MyST document's), ``folder_doc.html``
    ``readme`` (a ``ReadmeView`` or None)."""

    folder: str
    title: str
    current: str
    crumbs: list[Link]
    files: list[FolderFile]
    subfolders: list[Subfolder]
    languages: list[tuple[str, int]]
    index_href: str
    doc_href: str
    keywords_href: str
    findings: list[FolderFindings]
    top_keywords: list[TopKeyword]


class ReadmeView(TypedDict):
    """The folder's README: its file name and its HTML."""

    name: str
    html: Markup


# --- The A-Z keyword pages (``keywords.md``, ``keywords_letter.md``, ``keyword_full.html``) ---


class UseLine(TypedDict):
    """A line that uses a keyword; ``textual`` when the definition meant is not known."""

    line: int
    href: str
    textual: bool


class UseGroup(TypedDict):
    """A keyword's uses in one file."""

    path: str
    href: str
    lines: list[UseLine]


class DefinitionView(TypedDict):
    """A definition in a keyword's entry; ``overloads``: how many ``@overload`` signatures
    it has."""

    kind: SymbolKind
    qualname: str
    path: str
    line: int
    href: str
    anchor: str
    overloads: int


class SymbolPageView(TypedDict):
    """``_references.html``'s variables: the symbol page's links from its place."""

    page: str
    title: str
    root_href: str
    keywords_href: str
    script_href: str
    css_href: str


class KeywordEntry(TypedDict):
    """One keyword's entry: definitions, use counts, uses by file; on a letter page the
    lists are cut when long, and ``full_href`` leads to the keyword's own page."""

    name: str
    anchor: str
    definitions: list[DefinitionView]
    hidden_definitions: int
    uses: int
    textual_uses: int
    files: int
    groups: list[UseGroup]
    hidden_uses: int
    full_href: str | None


class NavLink(Link):
    """A letter or part of the A-Z index in its navigation bar."""

    current: bool


class LetterPageView(TypedDict):
    """``keywords_letter.md``'s variables; ``objects`` are the (name, anchor) pairs the page
    registers with Sphinx; ``references_href``: the symbol page, where the page's script
    links each definition's references (the HTML site only). ``rendered``: each entry's
    HTML, as ``_kwindex.html``'s ``entry`` made it, this build or the last
    (``site.kept_entries``), in place of ``entries`` (then empty); None with a templates
    folder, which may show any field of an entry."""

    page: str
    title: str
    letters: list[NavLink]
    parts: list[NavLink]
    entries: list[KeywordEntry]
    rendered: list[Markup] | None
    objects: list[tuple[str, str]]
    keywords_href: str
    references_href: str | None
    textual_title: str


class FullKeywordView(TypedDict):
    """``keyword_full.html``'s variables: the whole entry (``entry_view``: the template
    imports a macro named ``entry``); ``references_href`` as on a letter page."""

    page: str
    title: str
    entry_view: KeywordEntry
    letter_href: str
    keywords_href: str
    letters: list[NavLink]
    references_href: str | None
    textual_title: str


class LetterSummary(TypedDict):
    """A letter on the A-Z index's first page: its keywords, and its pages when several."""

    label: str
    href: str
    keywords: int
    parts: list[Link]


class KeywordsRootView(TypedDict):
    """``keywords.md``'s variables."""

    page: str
    letters: list[LetterSummary]
    total: int
    uses: int
    title: str
    root_href: str
