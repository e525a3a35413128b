"""The Sphinx extension: settings, page generation on ``builder-inited``, file pages."""

from __future__ import annotations

import gc
import json
import posixpath
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ConfigError
from sphinx.util import logging

from xrefdoc import __version__
from xrefdoc.core import timings
from xrefdoc.core.errors import ConfigError as XrefdocConfigError
from xrefdoc.core.fsutil import (
    MANIFEST,
    declare_coming,
    pages_intact,
    remove_stale,
    replace_generated,
    write_if_changed,
)
from xrefdoc.core.gc_pause import collector_paused
from xrefdoc.core.progress import progress_of
from xrefdoc.core.resources import resource_dir
from xrefdoc.core.settings import PROJECT_SETTINGS, Settings, layered_settings
from xrefdoc.pipeline.scan import Scan, scan, walk_tree
from xrefdoc.site.highlight import highlighted_source
from xrefdoc.site.index_json import index_part, index_parts, part_file
from xrefdoc.site.keyword_box import INDEX_SCRIPT, index_script, page_script, part_script
from xrefdoc.site.keyword_layout import keyword_sort_key
from xrefdoc.site.names import PageNames
from xrefdoc.site.plan import Plan, SiteFacts, plan_build
from xrefdoc.site.render import (
    collected_page_names,
    make_environment,
    myst_page_names,
    page_jobs,
    render_myst_pages,
)
from xrefdoc.site.views import SiteContext, make_site
from xrefdoc.site.writer import write_pages
from xrefdoc.sphinx.domain import ROLE, XrefDomain, html_block, skip_html_block, visit_html_block
from xrefdoc.sphinx.searchindex import drop_empty_terms
from xrefdoc.sphinx.theme import DARK_CSS, THEME, THEME_FOLDER, dark_highlighting_css
from xrefdoc.store.buildstate import BuildState, settings_signature, tree_signature
from xrefdoc.store.cache import CacheLocation
from xrefdoc.walk.tree import OUTPUT_MARKERS, WalkResult, skipped_report

logger = logging.getLogger(__name__)

WORK_MARKER = OUTPUT_MARKERS[1]
# In Sphinx's doctree folder: the signature of the last complete build.
STATE_FILE = "xrefdoc-build-state"
# In Sphinx's doctree folder: the pages the last build rendered into the HTML builder.
PAGES_FILE = "xrefdoc-pages"
# In Sphinx's doctree folder: what the last complete build's pages were made from.
FACTS_FILE = "xrefdoc-page-facts"
# In Sphinx's doctree folder: the parts of ``_xref/index.json`` the last build wrote.
INDEX_PARTS_FILE = "xrefdoc-index-parts"
# In the site: the index of every keyword, and its folder.
INDEX_FILE = "index.json"
INDEX_FOLDER = "_xref"
# What must outlive a stopped build: the lists of what the builds wrote into the site.
WRITTEN_LISTS = frozenset({PAGES_FILE, INDEX_PARTS_FILE})


@dataclass(slots=True)
class _Generated:
    """What ``builder-inited`` produced, kept for the page-writing phase."""

    root: Path
    cache: CacheLocation | None
    site: SiteContext
    environment: jinja2.Environment
    state: BuildState
    signature: str
    facts: SiteFacts
    plan: Plan | None
    # Every page the writer makes (``render.collected_page_names``), named once a build.
    collected: list[str]


_STATE: weakref.WeakKeyDictionary[Sphinx, _Generated] = weakref.WeakKeyDictionary()


def _root(app: Sphinx) -> Path | None:
    configured = app.config.xrefdoc_root
    if not configured:
        return None
    root = Path(configured)
    return root if root.is_absolute() else Path(app.confdir) / root


def _output_folder(app: Sphinx) -> tuple[Path, str]:
    """The folder in the Sphinx source that receives generated pages, and its page prefix.
    It must lie inside the source, and hold nothing xrefdoc did not write: generation
    replaces and deletes files there, and the user's own pages are never touched."""
    configured = str(app.config.xrefdoc_output)
    relative = configured.strip("/")
    source = Path(app.srcdir).resolve()
    folder = (source / relative).resolve()
    if Path(configured).is_absolute() or not folder.is_relative_to(source):
        raise ConfigError(
            f"xrefdoc_output must be a folder inside the Sphinx source, got {configured!r}"
        )
    if not (folder / WORK_MARKER).exists() and folder.is_dir() and any(folder.iterdir()):
        raise ConfigError(
            f"xrefdoc_output: {folder} holds files that xrefdoc did not write; "
            "name a new or empty folder for the generated pages"
        )
    return folder, _page_prefix(folder.relative_to(source).as_posix())


def _page_prefix(relative: str) -> str:
    """The start of the page names of pages in the folder ``relative`` of the source
    (``.`` for the source itself)."""
    return "" if relative == "." else f"{relative}/"


# HTML builders whose page URLs are not the html builder's ``NAME.html``, which the pages'
# links between each other assume.
PAGE_URL_BUILDERS = frozenset({"dirhtml", "singlehtml"})


# Walks done by the caller of this build in the same process (``xrefdoc build`` walks to
# see whether anything changed): taken instead of walking the tree a second time.
_PREWALKED: dict[tuple[Path, tuple[str, ...], tuple[str, ...]], WalkResult] = {}


def _walk_key(settings: Settings) -> tuple[Path, tuple[str, ...], tuple[str, ...]]:
    return settings.root, settings.include, settings.exclude


@contextmanager
def walk_offered(settings: Settings, walked: WalkResult) -> Iterator[None]:
    """Inside the block, a build of the same tree and selection takes ``walked`` instead of
    walking. Only for a walk whose ``never`` folders are that build's output and work
    folders, which the walk leaves out by their markers anyway."""
    key = _walk_key(settings)
    _PREWALKED[key] = walked
    try:
        yield
    finally:
        _PREWALKED.pop(key, None)


# Builds whose objects ``_generate`` froze, thawed when the build finishes.
_FROZEN: weakref.WeakSet[Sphinx] = weakref.WeakSet()


def _generate(app: Sphinx) -> None:
    """On ``builder-inited``: scan the tree, plan the pages, and write the MyST documents
    Sphinx reads (the other pages are written by ``_collect_pages``). What it made is then
    frozen for the garbage collector until the build finishes, or the first collections
    after the pause would walk it all the same; not when the host process froze objects
    of its own, which it may thaw when it likes. Without a tree to document (a project
    that loads the extension for its role), nothing is made and nothing frozen."""
    freeze = gc.get_freeze_count() == 0 and _root(app) is not None
    with collector_paused(freeze_after=freeze):
        _generate_pages(app)
    if freeze:
        _FROZEN.add(app)


def _thaw(app: Sphinx, exception: BaseException | None) -> None:
    """On ``build-finished``: what ``_generate`` froze can be collected again (a process
    that builds many times, such as a language server, must not keep every build)."""
    if app in _FROZEN:
        _FROZEN.discard(app)
        gc.unfreeze()


def _settings(app: Sphinx, root: Path, output: Path) -> Settings:
    """The settings of ``conf.py``; what it leaves out comes from the tree's
    ``[tool.xrefdoc]``, then the defaults."""
    given = {key: getattr(app.config, f"xrefdoc_{key}") for key in PROJECT_SETTINGS}
    names = {key: f"xrefdoc_{key}" for key in ("root", "cache_dir", *PROJECT_SETTINGS)}
    cache_dir = str(app.config.xrefdoc_cache_dir)
    given["cache_dir"] = Path(app.confdir, cache_dir) if cache_dir else None

    def warn(message: str) -> None:
        logger.warning("xrefdoc: %s", message, type="xrefdoc", subtype="config")

    never = [Path(app.outdir), Path(app.doctreedir), output]
    return layered_settings(root, given, names, never=never, warn=warn)


def _generate_pages(app: Sphinx) -> None:
    timings.lap("sphinx set-up")
    root = _root(app)
    if root is None:
        logger.info("xrefdoc: xrefdoc_root is not set; nothing to document")
        return
    if app.builder.name in PAGE_URL_BUILDERS:
        logger.warning(
            "xrefdoc: the %s builder names pages differently from the html builder, so the "
            "links between the reference's pages would not resolve; build it with html",
            app.builder.name,
            type="xrefdoc",
            subtype="builder",
        )
    try:
        output, prefix = _output_folder(app)
        settings = _settings(app, root, output)
    except XrefdocConfigError as error:
        raise ConfigError(str(error)) from error
    output.mkdir(parents=True, exist_ok=True)
    write_if_changed(output / WORK_MARKER, "Pages generated by xrefdoc; never documented.\n")
    walked = _PREWALKED.pop(_walk_key(settings), None)
    if walked is None:
        walked = walk_tree(settings)
    timings.lap("walk")
    state = BuildState(Path(app.doctreedir) / STATE_FILE)
    settings_digest = settings_signature(settings, _output_signature(app, prefix))
    signature = tree_signature(settings, walked, settings_digest)
    # What the last build wrote is only trusted while it is all there (a deleted site, a CI
    # cache that kept the work folder but not the pages: everything is rendered again).
    site_folder = Path(app.config.xrefdoc_site_folder or app.outdir)
    intact = pages_intact(site_folder, Path(app.doctreedir) / PAGES_FILE) and pages_intact(
        output, output / MANIFEST
    )
    domain = _domain(app)
    names = PageNames(prefix)
    # The A-Z pages are known once the index is made: kept from the last build if it stands;
    # an environment that never had them has the pages made again.
    domain.set_files(_tree_pages(walked.files, names))
    if intact and state.matches(signature) and domain.has_entry_pages():
        logger.info("xrefdoc: no file changed since the last complete build; pages kept")
        return
    state.forget()
    facts_file = Path(app.doctreedir) / FACTS_FILE
    old_facts = SiteFacts.load(facts_file) if intact else None
    facts_file.unlink(missing_ok=True)

    progress = progress_of(app.verbosity, "xrefdoc: extracting and highlighting... ")
    result = scan(settings, progress, derive=highlighted_source, walked=walked)
    _report(settings, result)
    environment = make_environment()
    site = make_site(
        result.index,
        names,
        settings.source_cap,
        _title(app, settings.root),
        sources=result.walked.sources,
    )
    domain.set_entry_pages(_entry_pages(site))
    facts, plan = plan_build(site, settings_digest, old_facts)
    if plan is not None:
        logger.info(
            "xrefdoc: pages to render again: %d files, %d folders, %d keyword pages",
            len(plan.files),
            len(plan.folders),
            len(plan.keyword_pages),
        )
    # Every page this build may write is listed before any is written, so a build stopped
    # part-way leaves none the next build cannot find and delete.
    collected = collected_page_names(site)
    own_documents = myst_page_names(site)
    declare_coming(
        Path(app.doctreedir) / PAGES_FILE,
        (f"{name}.html" for name in (*collected, *own_documents)),
    )
    pages = render_myst_pages(environment, site, None if plan is None else plan.keyword_pages)
    relative_pages = {name[len(prefix) :] + ".md": text for name, text in pages.items()}
    kept = [name[len(prefix) :] + ".md" for name in own_documents]
    written, deleted = replace_generated(output, relative_pages, kept)
    logger.info(
        "xrefdoc: %d files documented; keyword and root pages: %d rewritten, %d removed",
        len(result.records),
        written,
        deleted,
    )
    _STATE[app] = _Generated(
        settings.root,
        result.cache_location,
        site,
        environment,
        state,
        signature,
        facts,
        plan,
        collected,
    )
    timings.lap("render folder and keyword pages")


def _title(app: Sphinx, root: Path) -> str:
    """The reference's title: the Sphinx project's name, else the tree's folder name."""
    project = str(app.config.project or "")
    unset = Config.config_values["project"].default
    return project if project and project != unset else root.name or str(root)


def _domain(app: Sphinx) -> XrefDomain:
    domain = app.env.domains[XrefDomain.name]
    assert isinstance(domain, XrefDomain)
    return domain


def _tree_pages(files: list[str], names: PageNames) -> dict[str, str]:
    """Every documented file and folder (``.`` the root) → the page the ``kw`` role links."""
    pages = {".": names.folder_page("", "index")}
    for path in files:
        pages[path] = names.file_page(path, "docs")
        folder = path.rpartition("/")[0]
        while folder and folder not in pages:
            pages[folder] = names.folder_page(folder, "index")
            folder = folder.rpartition("/")[0]
    return pages


def _entry_pages(site: SiteContext) -> dict[str, list[tuple[tuple[str, str], str]]]:
    """The A-Z pages of each letter, as (sort key of the first keyword, page), in order."""
    pages: dict[str, list[tuple[tuple[str, str], str]]] = {}
    for page in site.keywords.pages:
        pages.setdefault(page.letter, []).append((keyword_sort_key(page.keywords[0]), page.page))
    return pages


def _report(settings: Settings, result: Scan) -> None:
    """Log what the scan left out, the files' parse problems (as warnings), and the cache."""
    for line in skipped_report(result.walked.skipped):
        logger.info("xrefdoc: %s", line)
    for record in result.records:
        for diagnostic in record.diagnostics:
            logger.warning(
                "%s",
                diagnostic.message,
                type="xrefdoc",
                subtype="parse",
                location=f"{settings.root / record.path}:{diagnostic.line or 1}",
            )
    if result.cache_note:
        logger.info("xrefdoc: %s", result.cache_note)
    logger.info(
        "xrefdoc: %d files parsed, %d taken from the cache", result.cache_misses, result.cache_hits
    )


def _collect_pages(app: Sphinx) -> Iterator[tuple[str, dict[str, Any], str]]:
    """The pages rendered by Jinja into the HTML builder; then the ones an earlier build
    wrote for files and folders that are gone are deleted."""
    timings.lap("sphinx write")
    state = _STATE.get(app)
    if state is None:
        return
    jobs = page_jobs(state.site, state.plan)
    yield from write_pages(app, state.environment, state.site, state.root, jobs, state.cache)
    # Our documents that Sphinx read count as current, so a page that moved between the two
    # kinds is never deleted after being written, and one that left the sources goes too.
    prefix = state.site.names.prefix
    current = [
        *state.collected,
        *(name for name in app.env.all_docs if name.startswith(prefix)),
    ]
    manifest = Path(app.doctreedir) / PAGES_FILE
    removed = remove_stale(Path(app.outdir), manifest, (f"{name}.html" for name in current))
    if removed:
        logger.info("xrefdoc: %d pages of files and folders no longer in the tree removed", removed)
    timings.lap("file pages")


def _output_signature(app: Sphinx, prefix: str) -> list[str]:
    """What, besides the tree, decides the pages: where they go and the output's settings."""
    build_info = getattr(app.builder, "build_info", None)
    return [
        app.builder.name,
        str(app.outdir),
        prefix,
        str(getattr(build_info, "config_hash", "")),
        str(getattr(build_info, "tags_hash", "")),
        # A build that fails on warnings must see the warnings of unchanged files again.
        str(getattr(app, "_fail_on_warnings", False)),
    ]


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")) + "\n"


def _write_index_data(app: Sphinx, state: _Generated) -> None:
    """``_xref/index.json`` and its parts (see ``export``), and the keyword box's scripts
    (see ``kwbox``): the parts of the A-Z pages this build rendered again, and the lists;
    parts of pages that are gone are deleted."""
    folder = Path(app.outdir) / INDEX_FOLDER
    layout = state.site.keywords
    plan = state.plan
    index = state.site.index
    current = [
        INDEX_FILE,
        *(part_file(page.page) for page in layout.pages),
        *(part_script(page) for page in layout.pages),
        INDEX_SCRIPT,
    ]
    manifest = Path(app.doctreedir) / INDEX_PARTS_FILE
    declare_coming(manifest, current)
    for page in layout.pages:
        if plan is None or page.page in plan.keyword_pages:
            write_if_changed(folder / part_file(page.page), _json(index_part(index, page)))
            write_if_changed(folder / part_script(page), page_script(index, page))
    write_if_changed(folder / INDEX_FILE, _json(index_parts(layout)))
    write_if_changed(folder / INDEX_SCRIPT, index_script(layout))
    remove_stale(folder, manifest, current)


def _finish(app: Sphinx, exception: BaseException | None) -> None:
    """Write ``_xref/index.json`` in the site (every keyword with its definitions and uses),
    then record the build as complete, unless it failed (warnings count when they fail it)."""
    state = _STATE.get(app)
    if state is None or exception is not None or app.builder.format != "html":
        return
    _write_index_data(app, state)
    if not (getattr(app, "_fail_on_warnings", False) and getattr(app, "_warncount", 0)):
        state.facts.save(Path(app.doctreedir) / FACTS_FILE)
        state.state.record(state.signature)


def _add_static_files(app: Sphinx, config: Config) -> None:
    config.html_static_path.append(str(resource_dir("static")))
    # Where the pages are, for the theme's links to the keyword index (as _output_folder
    # will name them; the folder is checked when the build starts).
    output = posixpath.normpath(str(config.xrefdoc_output).strip("/") or ".")
    config.html_context.setdefault("xrefdoc_prefix", _page_prefix(output))


def _clean_search_index(app: Sphinx, exception: BaseException | None) -> None:
    """Sphinx's search index without the terms of pages that are gone (see
    ``searchindex``), so a rebuild after a removal writes what a clean build does."""
    filename = getattr(app.builder, "searchindex_filename", None)
    if exception is None and app.builder.format == "html" and filename:
        drop_empty_terms(Path(app.outdir) / filename)


def _write_dark_highlighting(app: Sphinx, exception: BaseException | None) -> None:
    """The highlighting colours in the dark of xrefdoc's theme and of themes that inherit
    it (see ``theme``); written for every HTML build, since any theme may inherit it."""
    if exception is None and app.builder.format == "html":
        write_if_changed(Path(app.outdir) / "_static" / DARK_CSS, dark_highlighting_css())


def _unprefixed_role(name: str, *arguments: Any, **options: Any) -> Any:
    return XrefDomain.roles[ROLE](f"{XrefDomain.name}:{ROLE}", *arguments, **options)


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("myst_parser")
    app.add_config_value("xrefdoc_root", "", "env", str)
    # None: not set in conf.py, so taken from the tree's [tool.xrefdoc], else the default.
    for key in PROJECT_SETTINGS:
        app.add_config_value(f"xrefdoc_{key}", None, "env")
    app.add_config_value("xrefdoc_output", "_xref", "env", str)
    # Where the pages end up when not in Sphinx's output folder (``xrefdoc build`` stages
    # them there and publishes them, see ``publish``).
    app.add_config_value("xrefdoc_site_folder", "", "", str)
    # Where the record cache goes (see ``cache.cache_location``); "": the default.
    app.add_config_value("xrefdoc_cache_dir", "", "", str)
    app.connect("config-inited", _add_static_files)
    app.connect("builder-inited", _generate)
    app.connect("html-collect-pages", _collect_pages)
    app.connect("build-finished", _finish)
    app.connect("build-finished", _write_dark_highlighting)
    app.connect("build-finished", _clean_search_index)
    app.connect("build-finished", _thaw, 1000)
    app.connect("env-updated", lambda app, env: timings.lap("sphinx read"))
    app.connect("build-finished", lambda app, error: timings.lap("search index and finish"), 900)
    app.add_domain(XrefDomain)
    # ``{kw}`` and ``:kw:`` without the domain's name: the role prose uses most.
    app.add_role(ROLE, _unprefixed_role)
    skip = (skip_html_block, None)
    app.add_node(
        html_block,
        html=(visit_html_block, None),
        latex=skip,
        text=skip,
        man=skip,
        texinfo=skip,
    )
    app.add_css_file("xrefdoc.css")
    app.add_js_file("xrefdoc.js", loading_method="defer")
    app.add_html_theme(THEME, str(THEME_FOLDER))
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
