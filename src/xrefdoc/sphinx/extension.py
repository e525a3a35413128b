"""The Sphinx extension: settings, page generation on ``builder-inited``, file pages."""

from __future__ import annotations

import contextlib
import gc
import json
import logging as std_logging
import os
import posixpath
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from types import NoneType
from typing import Any

import jinja2
from sphinx.application import Sphinx
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.config import Config
from sphinx.errors import ConfigError
from sphinx.util import logging
from sphinx.util.logging import NAMESPACE as SPHINX_LOGGERS

from xrefdoc import __version__
from xrefdoc.analyze import rule_names
from xrefdoc.codesearch.writer import Written
from xrefdoc.codesearch.writer import write_index as write_code_index
from xrefdoc.core import timings
from xrefdoc.core.cluster import ClusterSession
from xrefdoc.core.errors import ConfigError as XrefdocConfigError
from xrefdoc.core.executor import Pending, in_background, local_executor
from xrefdoc.core.fsutil import (
    MANIFEST,
    declare_coming,
    pages_intact,
    relist,
    remove_stale,
    replace_generated,
    write_if_changed,
)
from xrefdoc.core.gc_pause import collector_paused
from xrefdoc.core.generated import write_generated_in_workers
from xrefdoc.core.identity import Identity
from xrefdoc.core.model import FileRecord
from xrefdoc.core.progress import progress_of
from xrefdoc.core.resources import resource_dir
from xrefdoc.core.settings import PROJECT_SETTINGS, Settings, layered_settings, settings_identity
from xrefdoc.history.git import SiteVersion
from xrefdoc.history.log import WalkStart
from xrefdoc.pipeline.build import TreeBuild
from xrefdoc.pipeline.scan import Scan, scan
from xrefdoc.site.build_data import BUILD_SCRIPT, build_script
from xrefdoc.site.data_scripts import json_line
from xrefdoc.site.git_data import STATE_FILE as GIT_STATE_FILE
from xrefdoc.site.git_data import (
    GitSource,
    GitState,
    git_files,
    git_scripts,
    git_source,
    refresh_git_data,
    update_git_data,
)
from xrefdoc.site.git_data import read_state as read_git_state
from xrefdoc.site.highlight import highlighted_source, with_token_elements
from xrefdoc.site.kept_entries import KeptEntries
from xrefdoc.site.keyword_layout import keyword_sort_key
from xrefdoc.site.names import PageNames, code_search_folder
from xrefdoc.site.plan import Plan, SiteFacts, plan_build
from xrefdoc.site.render import (
    collected_page_names,
    html_only_page_names,
    make_environment,
    myst_page_names,
    page_jobs,
    render_myst_pages,
)
from xrefdoc.site.views import SiteContext, make_site
from xrefdoc.site.writer import OnCluster, write_pages
from xrefdoc.sphinx.bundles import PYGMENTS_CSS, BundleMaker
from xrefdoc.sphinx.domain import ROLE, XrefDomain, html_block, skip_html_block, visit_html_block
from xrefdoc.sphinx.index_data import write_index_data
from xrefdoc.sphinx.searchindex import drop_empty_terms
from xrefdoc.sphinx.theme import DARK_CSS, THEME, THEME_FOLDER, dark_highlighting_css
from xrefdoc.sphinx.work_files import (
    CODE_STATE_FILE,
    CONTENTS_STATE_FILE,
    ENTRIES_FOLDER,
    FACTS_FILE,
    INDEX_FOLDER,
    INDEX_PARTS_FILE,
    OUTPUT_NEUTRAL_SETTINGS,
    PAGES_FILE,
    STATE_FILE,
    WARNINGS_FILE,
    WORK_MARKER,
)
from xrefdoc.store.buildstate import (
    Change,
    LastBuild,
    Signatures,
    settings_signature,
    templates_digest,
)
from xrefdoc.store.cache import CacheLocation
from xrefdoc.store.versions import code_identity
from xrefdoc.walk.tree import skipped_report

logger = logging.getLogger(__name__)


# The types of the settings a tree may keep in its ``[tool.xrefdoc]`` (``PROJECT_SETTINGS``)
# as ``conf.py`` gives them; None: not set there, so taken from the tree, else the default.
SETTING_TYPES: dict[str, frozenset[type]] = {
    "include": frozenset({list, tuple, NoneType}),
    "exclude": frozenset({list, tuple, NoneType}),
    "source_cap": frozenset({int, NoneType}),
    "disable_rules": frozenset({list, tuple, NoneType}),
    # A folder of templates searched before ours, relative to conf.py's folder.
    "templates": frozenset({str, NoneType}),
    # The project's identity (see ``identity``): its name and version over the tree's
    # metadata, where its files are on the forge.
    "project": frozenset({str, NoneType}),
    "version": frozenset({str, NoneType}),
    "repository": frozenset({str, NoneType}),
    "forge": frozenset({str, NoneType}),
    "source_link_template": frozenset({str, NoneType}),
    # Each file's last commits, and blame (see ``git_data``).
    "history": frozenset({bool, NoneType}),
    "blame": frozenset({bool, NoneType}),
    # A Dask cluster for the work that fans out (see ``cluster``); never changes a page.
    "scheduler": frozenset({str, NoneType}),
    "shared_fs": frozenset({bool, NoneType}),
}
# In ``html_context``: the project's name and version, for the theme's footer. Only these:
# the context is part of Sphinx's configuration hash, and a commit there would rewrite every
# page at every commit; the commit is in ``_xref/build.js`` (see ``build_data``).
IDENTITY_CONTEXT = "xrefdoc_identity"

# A warning about a file of the tree: its text and where (``path:line``).
FileWarning = tuple[str, str]


@dataclass(slots=True)
class _FoundIdentity:
    """The project's identity one Sphinx found on ``config-inited`` (None: it documents no
    tree), for its later events (the reference's title, ``_xref/build.js``). ``setup`` makes
    one for each Sphinx and hands it to the handlers it connects there, so it is that
    application's own, never a module's."""

    identity: Identity | None = None


@dataclass(slots=True, repr=False)
class _GeneratedSite:
    """What ``builder-inited`` produced, for the rest of the same build: its methods are
    connected to the build's later events, so the state is the build's own (never a module's,
    never pickled with the environment)."""

    root: Path
    cache: CacheLocation | None
    site: SiteContext
    environment: jinja2.Environment
    last: LastBuild
    signatures: Signatures
    warnings: list[FileWarning]
    facts: SiteFacts
    plan: Plan | None
    # Every page the writer makes (``render.collected_page_names``), named once a build.
    collected: list[str]
    # Where each file's history comes from (None: not wanted).
    git: GitSource | None
    # The build's cluster, for its pages (None: this machine's processes).
    cluster: OnCluster | None
    # The work done beside the pages (None: not an HTML build).
    beside: _Beside | None

    def __repr__(self) -> str:
        # Sphinx names a handler that failed by its repr, in the one line the build's error
        # is: the whole state, every page name of the tree, was hundreds of megabytes.
        return f"<xrefdoc site of {self.root}>"

    def collect_pages(self, app: Sphinx) -> Iterator[tuple[str, dict[str, Any], str]]:
        """On ``html-collect-pages``: the pages rendered by Jinja into the HTML builder; then
        the ones an earlier build wrote for files and folders that are gone are deleted."""
        timings.lap("sphinx write")
        jobs = page_jobs(self.site, self.plan)
        yield from write_pages(
            app, self.environment, self.site, self.root, jobs, self.cache, self.cluster
        )
        # Our documents that Sphinx read count as current, so a page that moved between the
        # two kinds is never deleted after being written, and one that left the sources goes.
        prefix = self.site.names.prefix
        current = [
            *self.collected,
            *(name for name in app.env.all_docs if name.startswith(prefix)),
        ]
        manifest = Path(app.doctreedir) / PAGES_FILE
        removed = remove_stale(Path(app.outdir), manifest, (f"{name}.html" for name in current))
        if removed:
            logger.info(
                "xrefdoc: %d pages of files and folders no longer in the tree removed", removed
            )
        timings.lap("file pages")

    def finish(self, app: Sphinx, exception: BaseException | None) -> None:
        """On ``build-finished``: write ``_xref/index.json`` in the site (every keyword with
        its definitions and uses), then record the build as complete unless it failed. Its
        warnings are recorded first: a later build that keeps these pages says them again, so
        a build that fails on warnings fails again (Sphinx tells an extension neither whether
        warnings fail the build nor how many there were)."""
        if self.cluster is not None:  # all the work it could do is done
            self.cluster.session.close()
        if self.beside is None:  # not HTML
            return
        if exception is not None:
            self.beside.stop()
            return
        try:
            self._finish(app, self.beside)
        except BaseException:
            self.beside.stop()
            raise

    def _finish(self, app: Sphinx, beside: _Beside) -> None:
        _release_doctrees(app)
        scripts, start = beside.git_data.result()
        _note_history(self.git, start)
        timings.lap("history")
        # The symbol data's tables live to the end of the stage, and each full collection
        # walked them again: 12% of the stage at 20,590 files, and 2.6x for 2x the files
        # (the index itself is frozen, ``_generate``). Without them, at 20,590 files and
        # -j auto: 8-19% less time there, 1-2% more peak. Forked writers inherit the pause;
        # each ends with its part.
        with collector_paused(freeze_after=False):
            write_index_data(app, self.site, self.root, self.plan, self.facts, scripts)
        timings.lap("index data")
        if beside.sphinx_indexes is not None:
            beside.sphinx_indexes.wait()
        _note_code_search(beside.code_search)
        doctrees = Path(app.doctreedir)
        write_if_changed(doctrees / WARNINGS_FILE, json_line(self.warnings))
        self.facts.save(doctrees / FACTS_FILE)
        beside.keep_git_state()
        self.last.record(self.signatures)


@dataclass(frozen=True, slots=True)
class _Beside:
    """The work of an HTML build done beside its pages, in processes forked for it when the
    build may use more than one (``_start_code_search``, ``_start_git_data``); stopped if
    the build fails before its end."""

    code_search: _CodeSearch
    git_data: _GitData
    # The git data's state, and its new one, kept only when the build completes.
    git_state: Path
    coming_git_state: Path
    sphinx_indexes: _SphinxIndexes | None

    def keep_git_state(self) -> None:
        if self.coming_git_state.exists():  # now that its scripts are the build's
            os.replace(self.coming_git_state, self.git_state)

    def stop(self) -> None:
        self.code_search.stop()
        self.git_data.stop()
        if self.sphinx_indexes is not None:
            self.sphinx_indexes.stop()
        self.coming_git_state.unlink(missing_ok=True)


class _SphinxIndexes:
    """Sphinx's search index and inventory (``searchindex.js``, ``objects.inv``: every page,
    keyword and file), written by a process forked when Sphinx would write them (its
    builder's ``handle_finish``, at the end of its writing), while this one writes the
    index data; the search index is cleaned there too (``_clean_search_index``). Written
    here, they were 1.1 s of a 8.8 s one-file rebuild of NumPy x3 (76,212 objects,
    py-spy), all of it on the way to the build's end.

    Only in ``xrefdoc build`` (``for_build``), whose site is published once the build is done:
    in a Sphinx project's own build, other extensions' handlers of ``build-finished`` may
    read these files before ``wait``. Only for Sphinx's HTML builder's own
    ``handle_finish``: an EPUB builder's packs the whole output folder."""

    def __init__(self, builder: StandaloneHTMLBuilder) -> None:
        self._write = builder.handle_finish
        self._search_index = Path(builder.outdir) / builder.searchindex_filename
        self._pending: Pending[None] | None = None
        builder.handle_finish = self._start  # type: ignore[method-assign]

    @classmethod
    def for_build(cls, app: Sphinx) -> _SphinxIndexes | None:
        """One for this build's builder, when it is ``xrefdoc build``'s HTML builder."""
        builder = app.builder
        if (
            isinstance(app, StandaloneSphinx)
            and isinstance(builder, StandaloneHTMLBuilder)
            and type(builder).handle_finish is StandaloneHTMLBuilder.handle_finish
        ):
            return cls(builder)
        return None

    @staticmethod
    def of(builder: Any) -> _SphinxIndexes | None:
        """The one writing ``builder``'s indexes, if any."""
        found = getattr(getattr(builder, "handle_finish", None), "__self__", None)
        return found if isinstance(found, _SphinxIndexes) else None

    def _start(self) -> None:
        logger.info("xrefdoc: writing the search index and object inventory beside the rest")
        self._pending = in_background(_quietly, self._write_all, None, fork=True)

    def _write_all(self) -> None:
        self._write()
        drop_empty_terms(self._search_index)

    def wait(self) -> None:
        """Once they are written (an error in their writing is raised here)."""
        if self._pending is not None:
            self._pending.result()

    def stop(self) -> None:
        if self._pending is not None:
            self._pending.stop()


def _quietly(call: Callable[[], None], _: None) -> None:
    """``call()`` saying nothing but warnings: its progress lines (Sphinx's) would cut into
    the lines this process prints meanwhile. (A warning there is said, but not counted by
    the build: Sphinx writes these indexes without any.)"""
    std_logging.getLogger(SPHINX_LOGGERS).setLevel(std_logging.WARNING)
    call()


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


def _generate(found: _FoundIdentity, app: Sphinx) -> None:
    """On ``builder-inited``: scan the tree, plan the pages, and write the MyST documents
    Sphinx reads (the other pages are written by ``_GeneratedSite.collect_pages``). What it
    made is then frozen for the garbage collector until the build finishes, or the first
    collections after the pause would walk it all the same; not when the host process froze
    objects of its own, which it may thaw when it likes. Without a tree to document (a
    project that loads the extension for its role), nothing is made and nothing frozen."""
    freeze = gc.get_freeze_count() == 0 and _root(app) is not None
    with collector_paused(freeze_after=freeze):
        generated = _generate_pages(app, found)
    if freeze:
        app.connect("build-finished", _thaw, 1000)
    if generated is not None:
        app.connect("html-collect-pages", generated.collect_pages)
        app.connect("build-finished", generated.finish)


def _release_doctrees(app: Sphinx) -> None:
    """Sphinx is done with its doctrees when it finishes, but its cache of them read keeps
    the A-Z pages' (their HTML: 56 MiB of a NumPy copy's 609, 127 MiB on NumPy x3). The
    stages after it, the symbol data and the code search, are the build's largest; they
    need not carry them. Sphinx reads a doctree from disk again when its cache misses."""
    cache = getattr(app.env, "_pickled_doctree_cache", None)
    if isinstance(cache, dict):
        cache.clear()


def _thaw(app: Sphinx, exception: BaseException | None) -> None:
    """On ``build-finished`` of a build that froze what it made: it can be collected again
    (a process that builds many times, such as a language server, must not keep every
    build)."""
    gc.unfreeze()


def _settings(app: Sphinx, root: Path, output: Path) -> Settings:
    """The settings of ``conf.py``; what it leaves out comes from the tree's
    ``[tool.xrefdoc]``, then the defaults."""
    given = {key: getattr(app.config, f"xrefdoc_{key}") for key in PROJECT_SETTINGS}
    names = {key: f"xrefdoc_{key}" for key in ("root", "cache_dir", *PROJECT_SETTINGS)}
    cache_dir = str(app.config.xrefdoc_cache_dir)
    given["cache_dir"] = Path(app.confdir, cache_dir) if cache_dir else None
    templates = app.config.xrefdoc_templates
    if isinstance(templates, (str, Path)):  # another type is named as wrong by the settings
        templates = Path(app.confdir, templates) if str(templates) else None
    given["templates"] = templates

    def warn(message: str) -> None:
        logger.warning("xrefdoc: %s", message, type="xrefdoc", subtype="config")

    never = [Path(app.outdir), Path(app.doctreedir), output]
    return layered_settings(root, given, names, rule_names=rule_names, never=never, warn=warn)


def _generate_pages(app: Sphinx, found: _FoundIdentity) -> _GeneratedSite | None:
    """Everything ``_generate`` makes; None when there is nothing to write: no tree, or no
    change since the last complete build."""
    timings.lap("sphinx set-up")
    root = _root(app)
    if root is None:
        logger.info("xrefdoc: xrefdoc_root is not set; nothing to document")
        return None
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
    build = _tree_build(app, settings)
    walked = build.walked()
    timings.lap("walk")
    doctrees = Path(app.doctreedir)
    last = LastBuild(doctrees / STATE_FILE, doctrees / CONTENTS_STATE_FILE)
    settings_digest = settings_signature(settings, _output_signature(app, prefix))
    # What the last build wrote is only trusted while it is all there (a deleted site, a CI
    # cache that kept the work folder but not the pages: everything is rendered again).
    site_folder = Path(app.config.xrefdoc_site_folder or app.outdir)
    intact = pages_intact(site_folder, doctrees / PAGES_FILE) and pages_intact(
        output, output / MANIFEST
    )
    domain = _domain(app)
    names = PageNames(prefix)
    # The A-Z pages are known once the index is made: kept from the last build if it stands;
    # an environment that never had them has the pages made again.
    domain.set_files(_tree_pages(walked.files, names))
    trusted = intact and domain.has_entry_pages()
    change, signatures = build.changes(last, settings_digest, intact=trusted)
    git = git_source(settings, _shown(app), app.parallel)
    if change is not Change.CHANGED:
        what = "file" if change is Change.UNCHANGED else "file's content"
        logger.info("xrefdoc: no %s changed since the last complete build; pages kept", what)
        _warn_about_files(_read_warnings(doctrees / WARNINGS_FILE))
        app.connect("build-finished", partial(_refresh_git_data, git))
        return None
    facts_file = doctrees / FACTS_FILE
    old_facts = SiteFacts.load(facts_file) if intact else None
    facts_file.unlink(missing_ok=True)

    with ExitStack() as stack:
        # One cluster for the build's stages, opened when one has work for it.
        session = (
            stack.enter_context(ClusterSession(settings.scheduler, code_identity))
            if settings.scheduler
            else None
        )
        progress = progress_of(app.verbosity, "xrefdoc: extracting and highlighting... ")
        # No fork while a cluster client runs its threads (``core.generated``).
        workers = 1 if session is not None else app.parallel
        html, fork = app.builder.format == "html", workers > 1
        searching: list[_CodeSearch] = []

        def start_code_search(records: Sequence[FileRecord]) -> None:
            started = _start_code_search(app, settings, records, walked.sources, fork)
            stack.callback(started.stop)
            searching.append(started)

        # As many extract as Sphinx reads and writes with (``-j``).
        result = scan(
            settings,
            progress,
            workers=max(1, app.parallel),
            derive=highlighted_source,
            walked=walked,
            cluster=session,
            extracted=start_code_search if html else None,
        )
        shown = _shown(app)
        if shown is not None and shown.scanned is not None:
            shown.scanned(result.records)
        warnings = _report(settings, result)
        templates = (settings.templates,) if settings.templates else ()
        environment = make_environment(templates)
        identity = _identity_of(found, settings)
        site = make_site(
            result.index,
            names,
            settings.source_cap,
            _title(app, settings, identity),
            sources=result.walked.sources,
        )
        domain.set_entry_pages(_entry_pages(site))
        code_search = searching[0] if searching else None
        facts, plan = plan_build(site, settings_digest, old_facts, result.rework)
        beside = None
        if code_search is not None:
            git_state = Path(app.doctreedir) / GIT_STATE_FILE
            coming = git_state.with_name(f"{git_state.name}.coming")
            git_data = _start_git_data(app, git, site, plan is None, git_state, coming, fork)
            indexes = _SphinxIndexes.for_build(app) if fork else None
            beside = _Beside(code_search, git_data, git_state, coming, indexes)
            stack.callback(beside.stop)
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
        own_documents = [*myst_page_names(site), *html_only_page_names(site)]
        declare_coming(
            doctrees / PAGES_FILE,
            (f"{name}.html" for name in (*collected, *own_documents)),
        )
        entries = _kept_entries(app, settings, site, facts)
        pages = render_myst_pages(
            environment, site, None if plan is None else plan.keyword_pages, entries
        )
        relative_pages = {name[len(prefix) :] + ".md": text for name, text in pages.items()}
        kept = [name[len(prefix) :] + ".md" for name in own_documents]
        written, deleted = replace_generated(
            output,
            relative_pages,
            kept,
            partial(write_generated_in_workers, workers=workers, what="A-Z pages"),
        )
        logger.info(
            "xrefdoc: %d files documented; keyword and root pages: %d rewritten, %d removed",
            len(result.records),
            written,
            deleted,
        )
        timings.lap("render folder and keyword pages")
        # From here the build closes the cluster, when it finishes (``finish``).
        stack.pop_all()
        return _GeneratedSite(
            settings.root,
            result.cache_location,
            site,
            environment,
            last,
            signatures,
            warnings,
            facts,
            plan,
            collected,
            git,
            None
            if session is None
            else OnCluster(
                session, templates, templates_digest(settings.templates), settings.shared_fs
            ),
            beside,
        )


def _kept_entries(
    app: Sphinx, settings: Settings, site: SiteContext, facts: SiteFacts
) -> KeptEntries | None:
    """The letter pages' entries kept from the last build (``site.kept_entries``), those of
    pages the site no longer has deleted; none with a templates folder (its letter page may
    show any field of an entry, not only the HTML ours makes) or where a definition's anchor
    may follow another keyword's definitions (``DefinitionAnchors.spans_keywords``), which
    the keyword's facts do not hold."""
    if settings.templates or site.keywords.definition_anchors.spans_keywords:
        return None
    kept = KeptEntries(
        Path(app.doctreedir) / ENTRIES_FOLDER, facts.settings, facts.keywords, facts.uses
    )
    kept.forget_others(page.page for page in site.keywords.pages)
    return kept


def _shown(app: Sphinx) -> SiteVersion | None:
    """The version of a multi-version site this build makes (see ``sphinx.versions``)."""
    return app.shown if isinstance(app, StandaloneSphinx) else None


def _note_history(source: GitSource | None, found: WalkStart | None) -> None:
    """Say why files have less history than they might: no git, or a shallow clone."""
    if source is None:
        return
    if found is None:
        logger.info("xrefdoc: %s is not in a git work tree with commits; no history", source.root)
    elif found.cut:
        # Said, not warned: a CI job's default checkout is shallow, and -W must not fail it.
        logger.info(
            "xrefdoc: a shallow clone: file histories and blame stop where its history does "
            "(fetch the whole history for them, e.g. git fetch --unshallow)"
        )


def _refresh_git_data(
    source: GitSource | None, app: Sphinx, exception: BaseException | None
) -> None:
    """On ``build-finished`` of a build whose pages all stand: the files' history and blame
    brought up to a new commit or setting (see ``git_data``), from ``source``. They are
    parts of the index data, published from the stage: the list of its parts follows, so
    that the scripts turned off leave the site and those turned on are moved there."""
    if exception is not None or app.builder.format != "html":
        return
    doctrees = Path(app.doctreedir)
    found = refresh_git_data(Path(app.outdir) / INDEX_FOLDER, doctrees / GIT_STATE_FILE, source)
    relist(doctrees / INDEX_PARTS_FILE, found.before, found.after)
    _note_history(source, found.start)


class StandaloneSphinx(Sphinx):
    """Sphinx as ``xrefdoc build`` runs it: it carries the build that already walked the tree
    (to see whether anything changed, see ``standalone``), which the extension continues."""

    def __init__(
        self,
        *arguments: Any,
        tree_build: TreeBuild,
        identity: Identity,
        shown: SiteVersion | None = None,
        **options: Any,
    ) -> None:
        # Set first: the extension takes them on ``config-inited`` and ``builder-inited``,
        # inside Sphinx's __init__. The identity too: resolved once per build (git runs).
        # ``shown``: the version of a multi-version site being built.
        self.tree_build = tree_build
        self.identity = identity
        self.shown = shown
        super().__init__(*arguments, **options)


def _tree_build(app: Sphinx, settings: Settings) -> TreeBuild:
    """The build ``xrefdoc build`` started, else a new one."""
    if isinstance(app, StandaloneSphinx) and app.tree_build.walks_like(settings):
        return app.tree_build
    return TreeBuild(settings)


def _title(app: Sphinx, settings: Settings, identity: Identity) -> str:
    """The reference's title: the ``project`` setting, else the Sphinx project's name, else
    the name the tree's metadata gives, else its folder's."""
    project = str(app.config.project or "")
    unset = Config.config_values["project"].default
    if settings.project:
        return settings.project
    return project if project and project != unset else identity.name


def _identify(found: _FoundIdentity, app: Sphinx, config: Config) -> None:
    """On ``config-inited``: the project's identity, kept for ``_xref/build.js``, and its
    name and version into ``html_context`` (see ``IDENTITY_CONTEXT``) for the footer."""
    root = _root(app)
    if root is None or not root.is_dir():
        return
    try:
        output, _ = _output_folder(app)
        settings = _settings(app, root, output)
    except XrefdocConfigError as error:
        raise ConfigError(str(error)) from error

    def warn(message: str) -> None:
        logger.warning("xrefdoc: %s", message, type="xrefdoc", subtype="config")

    if isinstance(app, StandaloneSphinx):
        identity = app.identity
    else:
        identity = settings_identity(settings, warn)
    found.identity = identity
    context = {"name": identity.name, "version": identity.version}
    # A new dictionary: the default value is shared by every Sphinx of the process.
    config.html_context = {**config.html_context, IDENTITY_CONTEXT: context}


def _identity_of(found: _FoundIdentity, settings: Settings) -> Identity:
    """The identity ``_identify`` found (the folder's name alone when it found none)."""
    return found.identity or Identity(name=settings.root.name or str(settings.root))


def _write_build_script(
    found: _FoundIdentity, app: Sphinx, exception: BaseException | None
) -> None:
    """On ``build-finished``: ``_xref/build.js``, the commit and the links to the forge (see
    ``build_data``), for every HTML build of a tree, even one whose pages all stand (the
    commit may have changed); written only when its bytes change."""
    identity = found.identity
    if exception is None and app.builder.format == "html" and identity is not None:
        write_if_changed(Path(app.outdir) / INDEX_FOLDER / BUILD_SCRIPT, build_script(identity))


def _domain(app: Sphinx) -> XrefDomain:
    domain = app.env.domains[XrefDomain.name]
    assert isinstance(domain, XrefDomain)
    return domain


def _tree_pages(files: list[str], names: PageNames) -> dict[str, str]:
    """Every documented file and folder (``.`` the root) → the page the ``kw`` role links."""
    pages = {".": names.folder_page("")}
    for path in files:
        pages[path] = names.file_page(path)
        folder = path.rpartition("/")[0]
        while folder and folder not in pages:
            pages[folder] = names.folder_page(folder)
            folder = folder.rpartition("/")[0]
    return pages


def _entry_pages(site: SiteContext) -> dict[str, list[tuple[tuple[str, str], str]]]:
    """The A-Z pages of each letter, as (sort key of the first keyword, page), in order."""
    pages: dict[str, list[tuple[tuple[str, str], str]]] = {}
    for page in site.keywords.pages:
        pages.setdefault(page.letter, []).append((keyword_sort_key(page.keywords[0]), page.page))
    return pages


def _report(settings: Settings, result: Scan) -> list[FileWarning]:
    """Log what the scan left out, the files' parse problems (as warnings, returned too), and
    the cache."""
    for line in skipped_report(result.walked.skipped):
        logger.info("xrefdoc: %s", line)
    warnings = [
        (diagnostic.message, f"{settings.root / record.path}:{diagnostic.line or 1}")
        for record in result.records
        for diagnostic in record.diagnostics
    ]
    _warn_about_files(warnings)
    if result.cache_note:
        logger.info("xrefdoc: %s", result.cache_note)
    # How many at once, when any was parsed (``processes`` also counts the files whose
    # highlighting alone was made again).
    at_once = f" (parsed {result.processes} at once)" if result.cache_misses else ""
    logger.info(
        "xrefdoc: %d files parsed, %d taken from the cache%s",
        result.cache_misses,
        result.cache_hits,
        at_once,
    )
    return warnings


def _warn_about_files(warnings: list[FileWarning]) -> None:
    """Each as a warning of type ``xrefdoc.parse`` (``suppress_warnings`` silences them)."""
    for message, location in warnings:
        logger.warning("%s", message, type="xrefdoc", subtype="parse", location=location)


def _read_warnings(path: Path) -> list[FileWarning]:
    """The warnings ``_GeneratedSite.finish`` recorded ([] when there is no list)."""
    try:
        listed = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [(str(message), str(location)) for message, location in listed]


def _output_signature(app: Sphinx, prefix: str) -> list[str]:
    """What, besides the tree, decides the pages: where they go and the output's settings."""
    build_info = getattr(app.builder, "build_info", None)
    return [
        app.builder.name,
        str(app.outdir),
        prefix,
        str(getattr(build_info, "config_hash", "")),
        str(getattr(build_info, "tags_hash", "")),
    ]


def _start_code_search(
    app: Sphinx,
    settings: Settings,
    records: Sequence[FileRecord],
    sources: Mapping[str, str],
    fork: bool,
) -> _CodeSearch:
    """``_xref/code/``: the code-search index of every text file's content (see
    ``codesearch``), its groups written again only where a file changed. It needs the files'
    records and their text alone, so when ``fork``, a process forked as soon as the files
    are extracted writes it, one group after the other: beside the index, which this process
    makes on its own, then beside the pages. Else it is written when
    ``_GeneratedSite.finish`` asks for it. (No fork with a cluster: its client runs
    threads.)"""
    workers = 1 if fork else app.parallel  # a forked process starts none of its own
    write = partial(
        write_code_index,
        code_search_folder(Path(app.outdir)),
        settings.root,
        list(records),
        settings.source_cap,
        Path(app.doctreedir) / CODE_STATE_FILE,
        lambda shared, count: local_executor(shared, size=count, min_size=2, workers=workers),
        sources,
    )
    return in_background(_timed, write, None, fork=fork)


# The code-search index as written, and how long its writing took.
_CodeSearch = Pending[tuple[Written, float]]


def _timed(write: Callable[[], Written], _: None) -> tuple[Written, float]:
    start = time.perf_counter()
    return write(), time.perf_counter() - start


def _start_git_data(
    app: Sphinx,
    source: GitSource | None,
    site: SiteContext,
    everything: bool,
    state: Path,
    coming: Path,
    fork: bool,
) -> _GitData:
    """The files' history and blame (``git_data``) brought up to ``source``, for every file
    when ``everything``. It needs the files' records and git alone, so when ``fork``, a
    process forked now does it while the build renders the pages: git's walk and blames
    were the longest work on one core after the extraction (6.9 s of a cold build at
    20,590 files). Else it is done when ``_GeneratedSite.finish`` asks for it. Gives the
    scripts the site then holds, and where the history's walk started.

    It reads its state from ``state`` and writes the new one to ``coming``, which replaces
    it when the build completes (``_Beside``): a build that fails after it would otherwise
    leave a state that says the site's scripts are of the new commit, and a rebuild with
    no change (``refresh_git_data``) would not bring them up to it."""
    coming.unlink(missing_ok=True)  # one a stopped build left
    update = partial(
        update_git_data,
        Path(app.outdir) / INDEX_FOLDER,
        coming,
        source,
        # Each file's definitions and anchors, made only for a site with history.
        partial(git_files, site.index.records.values(), site.names) if source else lambda _last: [],
        everything=everything,
    )
    return in_background(_git_data_written, update, state, fork=fork)


# The git scripts the site holds, and where the history's walk started.
_GitData = Pending[tuple[list[str], WalkStart | None]]


def _git_data_written(
    update: Callable[..., GitState], state_file: Path
) -> tuple[list[str], WalkStart | None]:
    state = update(state=read_git_state(state_file))
    return git_scripts(state), state.start


def _note_code_search(pending: _CodeSearch) -> None:
    """Wait for the code-search index (``_start_code_search``), and say what it holds."""
    written, seconds = pending.result()
    logger.info(
        "xrefdoc: code search over %d files (%.1f MB); %d left out (binary or over the "
        "source cap); %d of its files written in %.1f s",
        written.searched,
        written.text_bytes / 1e6,
        len(written.skipped),
        written.rewritten,
        seconds,
    )
    timings.lap("code search")


def _add_static_files(app: Sphinx, config: Config) -> None:
    config.html_static_path.append(str(resource_dir("static")))
    # Where the pages are, for the theme's links to the keyword index (as _output_folder
    # will name them; the folder is checked when the build starts).
    output = posixpath.normpath(str(config.xrefdoc_output).strip("/") or ".")
    config.html_context.setdefault("xrefdoc_prefix", _page_prefix(output))


def _clean_search_index(app: Sphinx, exception: BaseException | None) -> None:
    """Sphinx's search index without the terms of pages that are gone (see
    ``searchindex``), so a rebuild after a removal writes what a clean build does."""
    if _SphinxIndexes.of(app.builder) is not None:
        return  # cleaned where it is written
    filename = getattr(app.builder, "searchindex_filename", None)
    if exception is None and app.builder.format == "html" and filename:
        drop_empty_terms(Path(app.outdir) / filename)


def _write_highlighting(app: Sphinx, exception: BaseException | None) -> None:
    """The highlighting colours in the dark of xrefdoc's theme and of themes that inherit
    it (see ``theme``), written for every HTML build, since any theme may inherit it; and
    Sphinx's ``pygments.css`` styling the tokens' elements (``with_token_elements``), for
    a theme that links it as it is rather than in xrefdoc's bundle."""
    if exception is None and app.builder.format == "html":
        static = Path(app.outdir) / "_static"
        write_if_changed(static / DARK_CSS, dark_highlighting_css())
        light = static / PYGMENTS_CSS
        with contextlib.suppress(OSError, UnicodeDecodeError):
            write_if_changed(light, with_token_elements(light.read_text(encoding="utf-8")))


def _add_code_search(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """The Code tab's scripts and styles (``static/xrefdoc-code*.js``), on the search page
    only: no other page loads them."""
    if pagename == "search":
        app.add_css_file("xrefdoc-code.css")
        # After xrefdoc.js and xrefdoc-find.js (deferred, added before them): the Code tab
        # uses their window.xrefdocLoad and window.xrefdocFind, and the planner's
        # window.xrefdocCodePlan.
        app.add_js_file("xrefdoc-code-plan.js", loading_method="defer")
        app.add_js_file("xrefdoc-code.js", loading_method="defer")


def _unprefixed_role(name: str, *arguments: Any, **options: Any) -> Any:
    return XrefDomain.roles[ROLE](f"{XrefDomain.name}:{ROLE}", *arguments, **options)


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("myst_parser")
    app.add_config_value("xrefdoc_root", "", "env", str)
    for key, types in SETTING_TYPES.items():
        # Where the work runs decides no page: changing it rebuilds nothing.
        if key in OUTPUT_NEUTRAL_SETTINGS:
            app.add_config_value(f"xrefdoc_{key}", None, "", types)
        else:
            app.add_config_value(f"xrefdoc_{key}", None, "env", types)
    app.add_config_value("xrefdoc_output", "_xref", "env", str)
    # Where the pages end up when not in Sphinx's output folder (``xrefdoc build`` stages
    # them there and publishes them, see ``publish``).
    app.add_config_value("xrefdoc_site_folder", "", "", str)
    # Where the record cache goes (see ``cache.cache_location``); "": the default.
    app.add_config_value("xrefdoc_cache_dir", "", "", str)
    found = _FoundIdentity()
    app.connect("config-inited", _add_static_files)
    # After Sphinx has said which configured values have a type the setting does not declare.
    app.connect("config-inited", partial(_identify, found), priority=900)
    # It connects what the build's later events need (``_GeneratedSite``).
    app.connect("builder-inited", partial(_generate, found))
    app.connect("build-finished", _write_highlighting)
    app.connect("build-finished", partial(_write_build_script, found))
    app.connect("build-finished", _clean_search_index)
    app.connect("html-page-context", _add_code_search)
    BundleMaker().connect(app)
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
    # Deferred scripts run in this order: xrefdoc-find.js uses the two before it (their
    # window.xrefdoc* helpers and the permalink bar), xrefdoc-refs.js uses xrefdoc.js.
    app.add_js_file("xrefdoc-lines.js", loading_method="defer")
    app.add_js_file("xrefdoc-find.js", loading_method="defer")
    app.add_js_file("xrefdoc-history.js", loading_method="defer")
    app.add_html_theme(THEME, str(THEME_FOLDER))
    # No ``env_version``: the environment keeps nothing of ours outside the ``xref`` domain,
    # whose ``data_version`` Sphinx checks itself (and an extension's ``env_version`` is
    # written into every site's search index).
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
