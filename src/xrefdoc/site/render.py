"""Templates plus a thin driver: records and the index in, page bodies and MyST text out."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Collection, Iterable, Iterator, MutableMapping
from enum import StrEnum
from pathlib import Path
from types import CodeType
from typing import Any

import jinja2
import jinja2.bccache
from markupsafe import Markup, escape

from xrefdoc.core.model import FileRecord
from xrefdoc.core.resources import resource_dir
from xrefdoc.site.highlight import SourceHTML, prepare_source
from xrefdoc.site.kept_entries import KeptEntries
from xrefdoc.site.keyword_layout import KeywordPage
from xrefdoc.site.keyword_views import (
    TEXTUAL_TITLE,
    full_keyword_page,
    keyword_entry,
    keywords_root,
    letter_page,
)
from xrefdoc.site.names import FilePageKind, FolderPageKind, attribute
from xrefdoc.site.page_inputs import PageInputs, readme_of
from xrefdoc.site.plan import Plan
from xrefdoc.site.readme import readme_html
from xrefdoc.site.symbol_data import symbol_page
from xrefdoc.site.view_types import KwPage, ReadmeView, SymbolPageView, UseLine
from xrefdoc.site.views import SiteContext, docs_page, folder_view, kw_page

_MYST_SPECIAL = re.compile(r"([!-/:-@\[-`{-~])")


def myst_escape(value: object) -> str:
    """Text taken from the tree, made inert in MyST: every ASCII punctuation character is
    backslash-escaped (CommonMark allows it for all of them) and line breaks become spaces."""
    text = str(value).replace("\r", " ").replace("\n", " ")
    return _MYST_SPECIAL.sub(r"\\\1", text)


def raw_html_block(html: str) -> str:
    """Our own HTML as an ``xref:html`` block (see ``domain.html_block``); backticks become
    entities so no fence can close it."""
    return "````{xref:html}\n" + html.replace("`", "&#96;") + "\n````"


def objects_directive(objects: Iterable[tuple[str, str]]) -> str:
    """The ``xref:keywords`` directive registering (name, anchor) pairs with Sphinx: one JSON
    array per line, every non-ASCII character and backtick escaped, so no value from the tree
    can end the fence or be read as MyST."""
    lines = [json.dumps(list(pair)).replace("`", "\\u0060") for pair in objects]
    return "```{xref:keywords}\n" + "".join(line + "\n" for line in lines) + "```"


def html_anchor(anchor: str) -> str:
    """An empty element carrying an id (ids from ``keyword_anchor`` are ``[A-Za-z0-9_.-]``)."""
    return f'<span id="{anchor}"></span>'


class _OurTemplates(jinja2.BaseLoader):
    """Serves ``!name`` from xrefdoc's own templates, so a user's override can extend ours."""

    def __init__(self, folder: Path) -> None:
        self._inner = jinja2.FileSystemLoader(str(folder))

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str | None, Callable[[], bool] | None]:
        if not template.startswith("!"):
            raise jinja2.TemplateNotFound(template)
        return self._inner.get_source(environment, template[1:])


# What ``getattr`` finds on a plain dict: its methods, nothing of its own.
_DICT_ATTRIBUTES = frozenset(dir(dict))


class ViewEnvironment(jinja2.Environment):
    """The run's Jinja environment, with two lookups made cheaper.

    Jinja's ``a.b`` tries the attribute ``b``, then the item. Our views are plain dicts, so
    every ``entry.href`` raised and caught an AttributeError first: 8% of writing a page.
    For a plain dict, whose only attributes are dict's own, looking the item up first gives
    the same answer."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._by_name: dict[str, jinja2.Template] = {}

    def get_template(
        self,
        name: str | jinja2.Template,
        parent: str | None = None,
        globals: MutableMapping[str, Any] | None = None,
    ) -> jinja2.Template:
        """Jinja's lookup makes a cache key and asks the loader on every call (3% of
        writing a page); a run's templates never change, so a name is looked up once."""
        if not isinstance(name, str) or parent is not None or globals is not None:
            return super().get_template(name, parent, globals)
        found = self._by_name.get(name)
        if found is None:
            found = self._by_name[name] = super().get_template(name)
        return found

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                pass  # Jinja's own lookup makes the Undefined
        return super().getattr(obj, attribute)


def use_links(lines: Iterable[UseLine], textual_title: str) -> Markup:
    """The links to the lines of one file in a keyword's entry, `` <a href="…">12</a>``
    each: what a ``_kwindex.html`` written before ``use_lines`` calls."""
    return _use_runs(
        lines, textual_title, lambda line: f"<a href={attribute(line['href'])}>{line['line']}</a>"
    )


def use_lines(lines: Iterable[UseLine], textual_title: str) -> Markup:
    """The lines of one file in a keyword's entry as their numbers, `` 12 14``; the page's
    script (``xrefdoc.js``) links each number to its line (``#L12``) of the page its
    file's link (before them) names, as every line of an HTML site's file page has its
    anchor, and ``xrefdoc check`` checks those links. Written as links, each number
    repeated its file's path: half of the keywords' own pages on NumPy x10 (529.6 MiB,
    now 266.8)."""
    return _use_runs(lines, textual_title, lambda line: str(line["line"]))


def _use_runs(
    lines: Iterable[UseLine], textual_title: str, item: Callable[[UseLine], str]
) -> Markup:
    """A file's lines in a keyword's entry, each ``item`` after a space, a run of textual
    matches in one ``<i>`` that says so (its title for the pointer, a group's label for a
    screen reader), not a class and title on each: a keyword's own page lists hundreds of
    thousands of them on a large tree (the class and title on each were a sixth of these
    pages on NumPy x3)."""
    title = escape(textual_title)
    written = []
    in_textual = False
    for line in lines:
        textual = line["textual"]
        space = " "
        if textual != in_textual:
            if textual:
                space = f' <i class=xref-textual title="{title}" role=group aria-label="{title}">'
            else:
                written.append("</i>")
            in_textual = textual
        written.append(space + item(line))
    if in_textual:
        written.append("</i>")
    return Markup("".join(written))


def attribute_filter(value: object) -> Markup:
    """``names.attribute`` for a template: ``href={{ x|attribute }}``, the value quoted and
    escaped only where HTML needs it (a value already escaped is escaped once)."""
    text = value.unescape() if isinstance(value, Markup) else str(value)
    return Markup(attribute(text))


def template_loader(ours: Path, user_template_dirs: Iterable[Path] = ()) -> jinja2.BaseLoader:
    """The user's folders first, then ours (``!name`` is always ours)."""
    return jinja2.ChoiceLoader(
        [
            *(jinja2.FileSystemLoader(str(folder)) for folder in user_template_dirs),
            jinja2.FileSystemLoader(str(ours)),
            _OurTemplates(ours),
        ]
    )


class _CompiledTemplates(jinja2.BytecodeCache):
    """Each template compiled once per process, by name, file and source (Jinja's checksum):
    a site of several versions makes an environment per version, and compiling the
    templates again took 0.15 s of each. Kept in memory only: compiled code read back from
    a file could run anything planted there."""

    def __init__(self) -> None:
        self._held: dict[str, tuple[str, CodeType]] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        held = self._held.get(bucket.key)
        if held is not None and held[0] == bucket.checksum:
            bucket.code = held[1]

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.code is not None:
            self._held[bucket.key] = (bucket.checksum, bucket.code)


_COMPILED = _CompiledTemplates()


def make_environment(user_template_dirs: Iterable[Path] = ()) -> jinja2.Environment:
    """One environment per run: the user's folders first, then ours."""
    environment = ViewEnvironment(
        loader=template_loader(resource_dir("templates"), user_template_dirs),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html",), default_for_string=False),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        # One environment per run: its templates never change while it lives.
        auto_reload=False,
        bytecode_cache=_COMPILED,
    )
    environment.filters["md"] = myst_escape
    environment.filters["raw_block"] = raw_html_block
    environment.filters["html_anchor"] = html_anchor
    environment.filters["objects_directive"] = objects_directive
    environment.filters["use_links"] = use_links
    environment.filters["use_lines"] = use_lines
    environment.filters["attribute"] = attribute_filter
    return environment


def source_of(site: SiteContext, inputs: PageInputs, record: FileRecord) -> SourceHTML | None:
    """The file's highlighted source, cut at the site's cap: from the cache, where the scan
    put it, else lexed now (the cache is off, or was damaged during the run); None for a
    binary file."""
    if record.is_binary:
        return None
    stored = inputs.stored_source((record.sha256, record.lexer, site.source_cap))
    if stored is not None:
        # A row this run stored is its own; any other may have been planted since.
        found = SourceHTML.from_bytes(stored.blob, check_markup=not stored.this_run)
        if found is not None:
            return found
    return prepare_source(inputs.text(record), record.lexer, site.source_cap)


def render_file_pages(
    environment: jinja2.Environment,
    site: SiteContext,
    inputs: PageInputs,
    record: FileRecord,
) -> list[tuple[str, str, str]]:
    """(pagename, title, body HTML) of the file's _docs page and of its _kw page."""
    docs = docs_page(site, record, source_of(site, inputs, record))
    kw: KwPage = {**kw_page(site, record), "tree": site.trees.html(record.path, FilePageKind.KW)}
    return [
        (docs["page"], record.path, environment.get_template("file_docs.html").render(**docs)),
        (
            kw["page"],
            f"Keywords of {record.path}",
            environment.get_template("file_kw.html").render(**kw),
        ),
    ]


def _readme(site: SiteContext, inputs: PageInputs, folder: str, page: str) -> ReadmeView | None:
    """The folder's README as HTML for its doc page, links into the tree made relative."""
    index = site.index
    names = site.names
    record = readme_of(site, folder)
    if record is None:
        return None

    def tree_link(path: str) -> str | None:
        if path in index.records:
            return names.href(page, names.file_page(path))
        if path in index.folders or path == ".":
            return names.href(page, names.folder_page("" if path == "." else path))
        return None

    text = "" if record.is_binary else inputs.text(record)
    return {
        "name": record.name,
        "html": Markup('<div class="xref-readme">{}</div>').format(
            Markup(readme_html(record.name, text, folder, tree_link))
        ),
    }


def render_folder_pages(
    environment: jinja2.Environment, site: SiteContext, inputs: PageInputs, folder: str
) -> list[tuple[str, str, str]]:
    """(pagename, title, body HTML) of a folder's index and doc page; the root folder's index
    is Sphinx's root document instead (see ``render_myst_pages``)."""
    names = site.names
    context = folder_view(site, folder)
    pages = []
    if folder:
        page = names.folder_page(folder)
        body = environment.get_template("folder_index.html").render(**context, with_title=True)
        pages.append((page, context["title"], body))
    page = names.folder_page(folder, FolderPageKind.DOC)
    readme = _readme(site, inputs, folder, page)
    body = environment.get_template("folder_doc.html").render(**context, readme=readme)
    pages.append((page, f"{context['title']}: overview", body))
    return pages


def render_myst_pages(
    environment: jinja2.Environment,
    site: SiteContext,
    letters: Collection[str] | None = None,
    kept: KeptEntries | None = None,
) -> dict[str, Callable[[], str]]:
    """Docname → what makes its MyST text, for the documents Sphinx reads: the root folder's
    index (the site's root document) and the A-Z pages (the letter pages in ``letters``,
    when given; with ``kept``, each renders only the entries whose keyword changed since
    they were kept). Each is made when asked, so that they need not all be held at once:
    the A-Z pages of NumPy x3 held 277 MiB. The templates are loaded here, so that workers
    that make the pages (``core.generated``) inherit them compiled."""
    folder_index, root_page = (
        environment.get_template(n) for n in ("folder_index.html", "root_index.md")
    )
    letter_template = environment.get_template("keywords_letter.md")
    keywords_template = environment.get_template("keywords.md")
    references_body, references_page = (
        environment.get_template(n) for n in ("_references.html", "references.md")
    )

    def root_index() -> str:
        root_context = folder_view(site, "")
        body = folder_index.render(**root_context, with_title=False)
        return root_page.render(title=root_context["title"], body=body)

    kwindex = None if kept is None else environment.get_template("_kwindex.html")

    def entries_of(keyword_page: KeywordPage) -> list[Markup] | None:
        """A letter page's entries made one at a time by ``letter_body``'s macro, those that
        did not change taken from ``kept``; None without it (the page makes them all)."""
        if kept is None or kwindex is None:
            return None
        entry = kwindex.module.entry  # type: ignore[attr-defined]
        page = keyword_page.page
        return kept.entries(
            page,
            keyword_page.keywords,
            lambda name: Markup(entry(keyword_entry(site, page, name, True), TEXTUAL_TITLE)),
        )

    def letter(keyword_page: KeywordPage) -> Callable[[], str]:
        return lambda: letter_template.render(
            **letter_page(site, keyword_page, entries_of(keyword_page))
        )

    def keywords() -> str:
        return keywords_template.render(**keywords_root(site))

    def references() -> str:
        return references_page.render(body=references_body.render(**symbol_page_view(site)))

    pages: dict[str, Callable[[], str]] = {site.names.folder_page(""): root_index}
    for keyword_page in site.keywords.pages:
        if letters is None or keyword_page.page in letters:
            pages[keyword_page.page] = letter(keyword_page)
    pages[site.names.keywords_page()] = keywords
    pages[symbol_page(site.names)] = references
    return pages


def symbol_page_view(site: SiteContext) -> SymbolPageView:
    """The context of the symbol page's body: links from its place in the site."""
    names = site.names
    page = symbol_page(names)
    depth = page.count("/")
    return {
        "page": page,
        "title": site.title,
        "root_href": names.href(page, names.folder_page("")),
        "keywords_href": names.href(page, names.keywords_page()),
        # Sphinx's static files are at the top of the HTML output, the pages under the prefix.
        "script_href": "../" * depth + "_static/xrefdoc-refs.js",
        "css_href": "../" * depth + "_static/xrefdoc-refs.css",
    }


def render_keyword_full_page(
    environment: jinja2.Environment, site: SiteContext, name: str
) -> list[tuple[str, str, str]]:
    """(pagename, title, body HTML) of a keyword's own page of all definitions and uses."""
    context = full_keyword_page(site, name)
    body = environment.get_template("keyword_full.html").render(**context)
    return [(context["page"], context["title"], body)]


def myst_page_names(site: SiteContext) -> list[str]:
    """Every page ``render_myst_pages`` makes."""
    names = site.names
    return [
        names.folder_page(""),
        names.keywords_page(),
        *(page.page for page in site.keywords.pages),
    ]


def html_only_page_names(site: SiteContext) -> list[str]:
    """The MyST documents only the HTML site has (``render_myst_pages`` makes them too): the
    symbol page, whose script draws it from the site's data."""
    return [symbol_page(site.names)]


class JobKind(StrEnum):
    """What a page job renders, by its key: a file's two pages (its path), a folder's
    (the folder), a keyword's own page (the name). The Markdown export renders the A-Z
    index's pages as jobs too (``KEYWORDS`` with no key, ``LETTER`` by page name), which the
    HTML site has Sphinx read as MyST documents instead."""

    FILE = "file"
    FOLDER = "folder"
    KEYWORD = "keyword"
    KEYWORDS = "keywords"
    LETTER = "letter"


# (kind, key): the pages the writer renders besides the MyST documents.
PageJob = tuple[JobKind, str]


def page_jobs(site: SiteContext, plan: Plan | None) -> list[PageJob]:
    """Every page to render: all of them, or those ``plan`` names."""
    index = site.index
    files = [p for p in index.records if plan is None or p in plan.files]
    folders = [f for f in index.folders if plan is None or f in plan.folders]
    full_pages = site.keywords.full_page_of
    keywords = [
        name
        for name in sorted(full_pages)
        if plan is None or full_pages[name] in plan.keyword_pages
    ]
    return [
        *((JobKind.FILE, path) for path in files),
        *((JobKind.FOLDER, folder) for folder in folders),
        *((JobKind.KEYWORD, name) for name in keywords),
    ]


def job_pages(site: SiteContext, job: PageJob) -> list[str]:
    """The names of the pages a job writes (all in one folder)."""
    names = site.names
    kind, key = job
    if kind == JobKind.FILE:
        return [names.file_page(key), names.file_page(key, FilePageKind.KW)]
    if kind == JobKind.FOLDER:  # the root folder's index is Sphinx's root document
        return [
            *([names.folder_page(key)] if key else []),
            names.folder_page(key, FolderPageKind.DOC),
        ]
    return [site.keywords.full_page_of[key]]


# A page for Sphinx's ``handle_page``: its name, context and template.
Page = tuple[str, dict[str, Any], str]


def render_job(
    environment: jinja2.Environment, site: SiteContext, inputs: PageInputs, job: PageJob
) -> Iterator[Page]:
    """The pages of a file, folder or keyword-use job, for ``handle_page``."""
    kind, key = job
    if kind == JobKind.FILE:
        pages = render_file_pages(environment, site, inputs, site.index.records[key])
    elif kind == JobKind.FOLDER:
        pages = render_folder_pages(environment, site, inputs, key)
    else:
        pages = render_keyword_full_page(environment, site, key)
    for name, title, body in pages:
        # A theme prints the title as HTML (``title|striptags|e``): a file named
        # ``a<b>.py`` must not lose its ``<b>``.
        yield name, {"title": html.escape(title, quote=False), "body": body}, "page.html"


def collected_page_names(site: SiteContext) -> list[str]:
    """Every page the writer makes (file, folder and keyword-use pages)."""
    return [name for job in page_jobs(site, None) for name in job_pages(site, job)]
