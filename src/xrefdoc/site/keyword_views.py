"""What the A-Z keyword pages show: each keyword's definitions and its uses grouped by file."""

from __future__ import annotations

from itertools import groupby

from markupsafe import Markup

from xrefdoc.site.keyword_layout import (
    DEFINITIONS_SHOWN,
    USE_FILES_SHOWN,
    USE_LINES_SHOWN,
    KeywordPage,
)
from xrefdoc.site.names import keyword_anchor
from xrefdoc.site.symbol_data import symbol_page
from xrefdoc.site.view_types import (
    DefinitionView,
    FullKeywordView,
    KeywordEntry,
    KeywordsRootView,
    LetterPageView,
    LetterSummary,
    NavLink,
    UseGroup,
    UseLine,
)
from xrefdoc.site.views import SiteContext, definition_href
from xrefdoc.xref.index import Use
from xrefdoc.xref.resolve import Definition

# What hovering a textual use says; the page's legend says what that means, once, instead
# of on each of the hundreds of thousands of line numbers a large tree's lists hold.
TEXTUAL_TITLE = "textual match"


def letter_label(letter: str) -> str:
    return {"underscore": "_", "other": "Other"}.get(letter, letter.upper())


def _use_groups(
    site: SiteContext, page: str, uses: list[Use], limit: bool
) -> tuple[list[UseGroup], int]:
    """Uses grouped by file (files and lines in order), and how many were left out. A line
    is listed once for its exact uses and once for its textual ones, however often it uses
    the name: on NumPy x3 a line listed again was one link in eleven."""
    groups: list[UseGroup] = []
    shown = 0
    for path, in_file in groupby(uses, key=lambda use: use.path):
        file_uses = list(in_file)
        if limit and (len(groups) >= USE_FILES_SHOWN or shown >= USE_LINES_SHOWN):
            break
        if limit:
            file_uses = file_uses[: USE_LINES_SHOWN - shown]
        hrefs = site.names.line_hrefs(page, path, (use.line for use in file_uses))
        lines: list[UseLine] = []
        listed: set[tuple[int, bool]] = set()
        for use, href in zip(file_uses, hrefs, strict=True):
            key = (use.line, use.definition is None)
            if key not in listed:
                listed.add(key)
                lines.append({"line": use.line, "href": href, "textual": key[1]})
        docs = site.names.href(page, site.names.file_page(path))
        groups.append({"path": path, "href": docs, "lines": lines})
        shown += len(file_uses)
    return groups, len(uses) - shown


def references_href(site: SiteContext, page: str) -> str | None:
    """A keyword page's link to the symbol page, which only the HTML site has: its script
    links each definition to its references there (``#<file key>/<symbol anchor>``, from
    the definition's own link), as the symbol page needs a script to draw them."""
    if site.names.suffix != ".html":
        return None
    return site.names.href(page, symbol_page(site.names))


def keyword_entry(site: SiteContext, page: str, name: str, limit: bool) -> KeywordEntry:
    """One keyword: definitions, use counts, uses by file (cut on a letter page when long,
    with a link to its own page that has them all)."""
    definitions = site.index.definitions[name]
    uses = site.index.uses.get(name, [])
    shown_definitions = definitions[:DEFINITIONS_SHOWN] if limit else definitions
    definition_views: list[DefinitionView] = []
    anchors = site.keywords.definition_anchors
    for definition in shown_definitions:
        definition_views.append(
            {
                "kind": definition.symbol.kind,
                "qualname": definition.qualname,
                "path": definition.path,
                "line": definition.symbol.line,
                "href": definition_href(site, page, definition),
                "anchor": anchors[definition],
                "overloads": len(definition.symbol.overloads),
            }
        )
    groups, hidden_uses = _use_groups(site, page, uses, limit)
    full_page = site.keywords.full_page_of.get(name) if limit else None
    return {
        "name": name,
        "anchor": keyword_anchor(name),
        "definitions": definition_views,
        "hidden_definitions": len(definitions) - len(shown_definitions),
        "uses": len(uses),
        "textual_uses": sum(1 for use in uses if use.definition is None),
        "files": len({use.path for use in uses}),
        "groups": groups,
        "hidden_uses": hidden_uses,
        "full_href": site.names.href(page, full_page, keyword_anchor(name)) if full_page else None,
    }


def _letters_nav(site: SiteContext, page: str) -> list[NavLink]:
    current = next((p.letter for p in site.keywords.pages if p.page == page), None)
    return [
        {
            "label": letter_label(p.letter),
            "href": site.names.href(page, p.page),
            "current": p.letter == current,
        }
        for p in site.keywords.pages
        if p.part == 1
    ]


def _page_objects(site: SiteContext, keyword_page: KeywordPage) -> list[tuple[str, str]]:
    """(object name, anchor) of every qualified name defined on the page: one object per
    name, not per definition, so the search index and ``objects.inv`` grow with the names of
    a tree, not with its copies. A name defined once points at its definition when shown;
    one defined in several places, or cut from its entry, at the entry that lists them."""
    anchors = site.keywords.definition_anchors
    found = []
    for name in keyword_page.keywords:
        places: dict[str, list[tuple[int, Definition]]] = {}
        for position, definition in enumerate(site.index.definitions[name]):
            places.setdefault(definition.qualname, []).append((position, definition))
        for qualname, defined in places.items():
            position, definition = defined[0]
            alone_and_shown = len(defined) == 1 and position < DEFINITIONS_SHOWN
            anchor = anchors[definition] if alone_and_shown else keyword_anchor(name)
            found.append((qualname, anchor))
    return found


def _part_label(keyword_page: KeywordPage) -> str:
    first, last = keyword_page.keywords[0], keyword_page.keywords[-1]
    return first if first == last else f"{first} \u2013 {last}"


def letter_page(
    site: SiteContext, keyword_page: KeywordPage, rendered: list[Markup] | None = None
) -> LetterPageView:
    """The context of one A-Z page (a MyST document, so Sphinx indexes its objects); with
    its entries' HTML ``rendered`` (``site.kept_entries``), no entry's view is made."""
    names = site.names
    page = keyword_page.page
    label = letter_label(keyword_page.letter)
    title = f"Keywords: {label}"
    if keyword_page.parts > 1:
        title += f" ({keyword_page.part} of {keyword_page.parts})"
    entries = (
        [keyword_entry(site, page, name, True) for name in keyword_page.keywords]
        if rendered is None
        else []
    )
    siblings = [p for p in site.keywords.pages if p.letter == keyword_page.letter]
    return {
        "page": page,
        "title": title,
        "letters": _letters_nav(site, page),
        "parts": [
            {"label": _part_label(p), "href": names.href(page, p.page), "current": p.page == page}
            for p in siblings
        ]
        if len(siblings) > 1
        else [],
        "entries": entries,
        "rendered": rendered,
        "objects": _page_objects(site, keyword_page),
        "keywords_href": names.href(page, names.keywords_page()),
        "references_href": references_href(site, page),
        "textual_title": TEXTUAL_TITLE,
    }


def full_keyword_page(site: SiteContext, name: str) -> FullKeywordView:
    """The context of a keyword's own page: every definition and every use."""
    page = site.keywords.full_page_of[name]
    letter_page_name = site.keywords.page_of[name]
    return {
        "page": page,
        "title": f"Keyword {name}",
        # Not "entry": the template imports a macro of that name.
        "entry_view": keyword_entry(site, page, name, False),
        "letter_href": site.names.href(page, letter_page_name, keyword_anchor(name)),
        "keywords_href": site.names.href(page, site.names.keywords_page()),
        "letters": _letters_nav(site, page),
        "references_href": references_href(site, page),
        "textual_title": TEXTUAL_TITLE,
    }


def keywords_root(site: SiteContext) -> KeywordsRootView:
    """The context of the A-Z index's first page: letters with their parts and counts."""
    names = site.names
    page = names.keywords_page()
    letters: dict[str, LetterSummary] = {}
    for keyword_page in site.keywords.pages:
        entry = letters.setdefault(
            keyword_page.letter,
            {
                "label": letter_label(keyword_page.letter),
                "href": names.href(page, keyword_page.page),
                "keywords": 0,
                "parts": [],
            },
        )
        entry["keywords"] += len(keyword_page.keywords)
        if keyword_page.parts > 1:
            entry["parts"].append(
                {"label": _part_label(keyword_page), "href": names.href(page, keyword_page.page)}
            )
    return {
        "page": page,
        "letters": list(letters.values()),
        "total": len(site.index.definitions),
        "uses": sum(len(uses) for uses in site.index.uses.values()),
        "title": site.title,
        "root_href": names.href(page, names.folder_page("")),
    }
