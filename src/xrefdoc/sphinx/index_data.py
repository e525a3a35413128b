"""The index data stage, on ``build-finished``: everything under ``_xref/`` that the pages
look names up in (the A-Z index and its parts, the keyword box's scripts, the lists of names
and paths, each file's symbol data), written again only where this build's plan says it may
have changed."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from functools import partial
from pathlib import Path
from typing import TypeVar

from sphinx.application import Sphinx

from xrefdoc.core.fsutil import declare_coming, remove_stale, write_if_changed
from xrefdoc.core.generated import write_generated_in_workers
from xrefdoc.site.data_scripts import json_line
from xrefdoc.site.find_data import NAMES_SCRIPT, PATHS_SCRIPT, names_script, paths_script
from xrefdoc.site.index_json import index_part, index_parts, part_file
from xrefdoc.site.keyword_box import INDEX_SCRIPT, index_script, page_script, part_script
from xrefdoc.site.keyword_layout import KeywordPage
from xrefdoc.site.plan import Plan, SiteFacts
from xrefdoc.site.symbol_data import SymbolData, list_id, refs_script, sym_script, text_script
from xrefdoc.site.symbol_scripts import write_symbol_scripts
from xrefdoc.site.views import SiteContext
from xrefdoc.sphinx.work_files import INDEX_FILE, INDEX_FOLDER, INDEX_PARTS_FILE
from xrefdoc.xref.index import Index, candidates_of

_Fact = TypeVar("_Fact")


def write_index_data(
    app: Sphinx,
    site: SiteContext,
    root: Path,
    plan: Plan | None,
    facts: SiteFacts,
    git_scripts: list[str],
) -> None:
    """``_xref/index.json`` and its parts (see ``export``), the keyword box's scripts (see
    ``keyword_box``), the lists of names and paths (see ``find_data``) and the symbol data
    (see ``symbol_data``): the parts of the A-Z pages this build rendered again, the data of
    the files whose definitions or references may have changed, and the lists; parts of
    pages and data of files that are gone are deleted, as are ``git_scripts`` (the files'
    history and blame, see ``git_data``, written already) that are not listed."""
    folder = Path(app.outdir) / INDEX_FOLDER
    layout = site.keywords
    index = site.index
    symbols = SymbolData.for_tree(site, root)
    defining = symbols.files()
    keys = [site.names.file_key(path) for path in defining]
    manifest = Path(app.doctreedir) / INDEX_PARTS_FILE
    listed_before = facts.lists
    if plan is None:
        facts.lists = frozenset(symbols.shared_lists())
    else:
        # Only the keywords whose uses or definitions changed may have other shared lists.
        kept = {key for key in facts.lists if key[0] not in plan.keywords}
        facts.lists = frozenset(kept | symbols.shared_lists(plan.keywords))
    shared = sorted(text_script(list_id(key)) for key in facts.lists)
    current = [
        INDEX_FILE,
        *(part_file(page.page) for page in layout.pages),
        *(part_script(page) for page in layout.pages),
        INDEX_SCRIPT,
        NAMES_SCRIPT,
        PATHS_SCRIPT,
        *(sym_script(key) for key in keys),
        *(refs_script(key) for key in keys),
        *shared,
        *git_scripts,
    ]
    declare_coming(manifest, current)
    parts: dict[str, Callable[[], str]] = {}
    for page in layout.pages:
        if plan is None or page.page in plan.keyword_pages:
            parts[part_file(page.page)] = partial(_part_json, index, page)
            parts[part_script(page)] = partial(page_script, index, page, site.names)
    write_generated_in_workers(
        folder, parts, sorted(parts), workers=app.parallel, what="A-Z index parts"
    )
    write_if_changed(folder / INDEX_FILE, json_line(index_parts(layout)))
    write_if_changed(folder / INDEX_SCRIPT, index_script(layout))
    write_if_changed(folder / NAMES_SCRIPT, names_script(layout))
    write_if_changed(folder / PATHS_SCRIPT, paths_script(index, site.names))
    wanted, lists = defining, []
    shapes = symbols.outlines(defining if plan is None else plan.outlined)
    if plan is not None:
        moved = {path for path, shape in shapes.items() if shape != facts.outlines.get(path, b"")}
        changed = symbols.with_hierarchy_neighbours(plan.symbol_files, plan.outlined, moved)
        drawing = {
            path: names for path, names in _drawing(index, plan).items() if path not in changed
        }
        changed |= symbols.drawn_changed(drawing, facts.drawn)
        wanted = [path for path in defining if path in changed]
        # A shared list changes with its matches: those of the files rendered again, and
        # those gone with a removed file. One a file's data names that was not there is new.
        # One whose last match is gone is not there any more (``facts.lists``).
        relisted = plan.symbol_lists | symbols.shared_lists(plan.respelled)
        lists = sorted(key for key in relisted if key in facts.lists)
    _keep(facts.outlines, shapes)
    drawn = write_symbol_scripts(symbols, folder, wanted, app.parallel, lists, listed_before)
    _keep(facts.drawn, drawn)
    remove_stale(folder, manifest, current)


def _keep(facts: dict[str, _Fact], found: Mapping[str, _Fact]) -> None:
    """Each file's fact as this build ``found`` it, in ``facts``; a file whose fact is empty
    (no classes or methods, nothing drawn) is left out."""
    for path, fact in found.items():
        if fact:
            facts[path] = fact
        else:
            facts.pop(path, None)


def _drawing(index: Index, plan: Plan) -> dict[str, set[str]]:
    """The files whose symbol data may draw otherwise from textual matches than when it was
    last written, though the plan does not name them, with the keywords it may for: those
    defining a keyword defined again (``Plan.redefined``), and those of the definitions
    that name a shared list a file rendered again holds a match of (``Plan.symbol_lists``)."""
    found: dict[str, set[str]] = defaultdict(set)
    for name in plan.redefined:
        for definition in index.definitions.get(name, ()):
            found[definition.path].add(name)
    for key in plan.symbol_lists:
        for definition in candidates_of(index, *key):
            found[definition.path].add(key[0])
    return found


def _part_json(index: Index, page: KeywordPage) -> str:
    return json_line(index_part(index, page))
