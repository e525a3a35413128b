"""The standalone site: the same extension, run by Sphinx with our own ``conf/``."""

from __future__ import annotations

import json
import logging
import shutil
import sys
import traceback
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import sphinx

from xrefdoc.analyze import rule_names
from xrefdoc.core import stopping, timings
from xrefdoc.core.errors import BuildError, FileSystemError, XrefdocError
from xrefdoc.core.fsutil import (
    one_at_a_time,
    pages_intact,
    read_listing,
    relist,
    remove_unfinished,
    stamp_folders,
    write_if_changed,
    write_listing,
)
from xrefdoc.core.gc_pause import collector_paused
from xrefdoc.core.identity import Identity, project_identity
from xrefdoc.core.resources import resource_dir
from xrefdoc.core.settings import (
    PROJECT_SETTINGS,
    Settings,
    check_output_folder,
    command_settings,
    settings_identity,
    tree_options,
)
from xrefdoc.history.git import SiteVersion
from xrefdoc.pipeline.build import TreeBuild
from xrefdoc.site.build_data import BUILD_SCRIPT, build_script
from xrefdoc.site.git_data import STATE_FILE as GIT_STATE_FILE
from xrefdoc.site.git_data import git_source, refresh_git_data
from xrefdoc.site.names import code_search_folder
from xrefdoc.sphinx.work_files import (
    INDEX_FOLDER,
    INDEX_PARTS_FILE,
    OUTPUT_NEUTRAL_SETTINGS,
    PAGES_FILE,
    WORK_MARKER,
    WRITTEN_LISTS,
)
from xrefdoc.store.buildstate import Change, LastBuild, settings_signature

# In the work folder: the signature of the last complete standalone build.
STANDALONE_STATE_FILE = "xrefdoc-site-state"
# In the work folder: the same, by the files' contents instead of their times.
CONTENTS_STATE_FILE = "xrefdoc-site-contents"
# In the work folder: what Sphinx writes, published into the site when the build succeeds.
STAGE = "html"
# In the work folder: every file published into the site.
PUBLISHED_FILE = "xrefdoc-published"
# In the work folder: held by the build that runs (``fsutil.one_at_a_time``).
LOCK_FILE = "xrefdoc-build.lock"
# In the work folder while Sphinx runs: found at the start, the last build was killed.
UNFINISHED_FILE = "xrefdoc-build-unfinished"


def _warn(message: str) -> None:
    print(f"xrefdoc: warning: {message}", file=sys.stderr)


def default_work_dir(output: Path) -> Path:
    """Sphinx's sources and doctrees live beside the site, so the site folder stays publishable."""
    return output.parent / ".xrefdoc" / output.name


def _plain(value: object) -> object:
    """A setting as ``conf.py`` would spell it (a list, not a tuple; a path as a string)."""
    if isinstance(value, Path):
        return str(value)
    return list(value) if isinstance(value, tuple) else value


def build_site(
    source: Path,
    output: Path,
    *,
    work_dir: Path | None = None,
    options: Mapping[str, object] | None = None,
    fail_on_warning: bool = False,
    quiet: bool = False,
    verbosity: int = 0,
    jobs: int = 1,
    shown: SiteVersion | None = None,
) -> int:
    """Build the site of ``source`` into ``output`` with ``jobs`` processes (Sphinx's ``-j``);
    ``options`` are the tree's settings the command line gave (``config.tree_options``);
    ``shown``: the version of a multi-version site that ``source`` holds (its files exported
    from git). Returns the exit code."""
    timings.start()
    output = output.resolve()
    work = (work_dir or default_work_dir(output)).resolve()
    settings = command_settings(
        source, options or tree_options(), never=[output, work], rule_names=rule_names
    )
    check_output_folder(output, "--output", settings.root, "site folder")
    check_output_folder(work, "--work-dir")

    (work / "src").mkdir(parents=True, exist_ok=True)
    write_if_changed(work / WORK_MARKER, "Work folder of xrefdoc; never documented.\n")

    def wait(holder: str) -> None:
        print(
            f"xrefdoc: another build into {output} is running ({holder}); waiting for it to finish",
            file=sys.stderr,
            flush=True,
        )

    # One build at a time per work folder: a second build would take the first one's
    # unfinished marker for a killed build's and delete what the first is writing.
    with one_at_a_time(work / LOCK_FILE, wait):
        identity = settings_identity(settings, _warn)
        if shown is not None:
            identity = _at_version(identity, settings, shown)
        return _build_site(
            settings, identity, output, work, fail_on_warning, quiet, verbosity, jobs, shown
        )


def _at_version(identity: Identity, settings: Settings, shown: SiteVersion) -> Identity:
    """The identity of a version's site: its tree's name, with the commit and the forge's
    links of the work tree's repository at the version's commit. Not its version: the
    version switcher names it, from ``_xref/build.js``, so a page whose content two versions
    share is the same page, and one version's build is a rebuild of another's."""
    at = project_identity(
        shown.source,
        repository=settings.repository,
        forge=settings.forge,
        source_link_template=settings.source_link_template,
        at_commit=shown.version.commit,
        warn=_warn,
    )
    return replace(
        identity,
        version="",
        commit=at.commit,
        dirty=False,
        commit_url=at.commit_url,
        link_template=at.link_template,
        forge_title=at.forge_title,
        commit_template=at.commit_template,
        site_version=shown.version.name,
    )


def _build_site(
    settings: Settings,
    identity: Identity,
    output: Path,
    work: Path,
    fail_on_warning: bool,
    quiet: bool,
    verbosity: int,
    jobs: int,
    shown: SiteVersion | None,
) -> int:
    sources = work / "src"
    overrides = {
        "project": identity.name,
        "version": identity.version,
        "release": identity.version,
        # The project's name and version alone, not Sphinx's "NAME documentation".
        "html_title": f"{identity.name} {identity.version}".strip(),
        "xrefdoc_root": str(settings.root),
        **{f"xrefdoc_{key}": _plain(getattr(settings, key)) for key in PROJECT_SETTINGS},
        "xrefdoc_cache_dir": str(settings.cache_dir or ""),
        "xrefdoc_site_folder": str(output),
    }
    confdir = resource_dir("conf")
    # Nothing changed since the last complete build: the site stands, Sphinx is not started.
    last = LastBuild(work / STANDALONE_STATE_FILE, work / CONTENTS_STATE_FILE)
    configuration = [
        sphinx.__version__,
        (confdir / "conf.py").read_text(encoding="utf-8"),
        # Not where the work runs (``--scheduler``): it changes no page.
        json.dumps(
            {
                key: value
                for key, value in overrides.items()
                if key.removeprefix("xrefdoc_") not in OUTPUT_NEUTRAL_SETTINGS
            },
            sort_keys=True,
        ),
        str(output),
        str(fail_on_warning),
        # Not the commit: pages never name it (see ``build_data``); ``_xref/build.js`` does.
    ]
    build = TreeBuild(settings)
    intact = pages_intact(output, work / "doctrees" / PAGES_FILE)
    change, signatures = build.changes(
        last, settings_signature(settings, configuration), intact=intact
    )
    timings.lap("check for changes")
    if change is not Change.CHANGED:
        # The pages stand; the commit may be new (a commit of what was already built), and
        # with it the history of the files it touched.
        _write_build_script(identity, (output, work / STAGE))
        doctrees = work / "doctrees"
        source = git_source(settings, shown, jobs)
        found = refresh_git_data(output / INDEX_FOLDER, doctrees / GIT_STATE_FILE, source)
        # Written in the site itself: listed as the index data's parts and as published (a
        # site an older xrefdoc wrote has no list of what was published; it is made from
        # the parts when Sphinx next runs), so a later build deletes what is not current.
        relist(doctrees / INDEX_PARTS_FILE, found.before, found.after)
        if (work / PUBLISHED_FILE).exists():
            relist(
                work / PUBLISHED_FILE,
                (f"{INDEX_FOLDER}/{name}" for name in found.before),
                (f"{INDEX_FOLDER}/{name}" for name in found.after),
            )
        if not quiet:
            what = "file" if change is Change.UNCHANGED else "file's content"
            print(f"xrefdoc: no {what} changed since the last complete build of {output}")
        return 0
    published = work / PUBLISHED_FILE
    if not published.exists():  # a site an older xrefdoc wrote in place: its lists name it
        doctrees = work / "doctrees"
        parts = read_listing(doctrees / INDEX_PARTS_FILE)
        earlier = [*read_listing(doctrees / PAGES_FILE), *(f"{INDEX_FOLDER}/{p}" for p in parts)]
        write_listing(published, earlier)
    with _colour_only_on_a_terminal(), _marked_unfinished(work, output, quiet):
        status = _run_sphinx(
            build,
            identity,
            shown,
            sources,
            confdir,
            work,
            overrides,
            fail_on_warning,
            quiet,
            verbosity,
            jobs,
        )
        if status == 0:
            # The build's objects, thawed when Sphinx finished (``extension._thaw``), live
            # on until the process ends or the next version's build collects them
            # (``versions``): a full collection while publishing walked them all only to
            # find them alive, 0.9 s of a one-file rebuild at 20,590 files.
            with collector_paused(freeze_after=False):
                _publish(work, output)
                stamp_folders(output, work / "doctrees" / PAGES_FILE)
            timings.lap("publish")
    if status == 0:
        last.record(signatures)
        if not quiet:
            print(f"xrefdoc: site written to {output}/index.html")
    return status


def _write_build_script(identity: Identity, sites: tuple[Path, ...]) -> None:
    """``_xref/build.js`` (see ``build_data``) in the site and in the stage it is published
    from, when its bytes change; Sphinx, when it runs, writes it in the stage itself."""
    text = build_script(identity)
    for site in sites:
        if site.is_dir():
            try:
                write_if_changed(site / INDEX_FOLDER / BUILD_SCRIPT, text)
            except OSError as error:
                raise FileSystemError.of(error) from None


def _publish(work: Path, output: Path) -> None:
    """The staged site into ``output`` (see ``publish``): the pages of files and folders and
    the index data move; Sphinx's own documents and files stay staged for the next build."""
    from xrefdoc.sphinx.publish import publish

    doctrees = work / "doctrees"
    own_documents = {
        path.relative_to(work / "src").with_suffix(".html").as_posix()
        for path in (work / "src").rglob("*.md")
    }
    moved = {page for page in read_listing(doctrees / PAGES_FILE) if page not in own_documents}
    moved.update(f"{INDEX_FOLDER}/{part}" for part in read_listing(doctrees / INDEX_PARTS_FILE))
    try:
        # The code-search index stays staged for its next update, which replaces its
        # files by renames (``write_if_changed``), never in place: the site shares them.
        code = f"{code_search_folder(Path()).as_posix()}/"
        publish(work / STAGE, output, moved, work / PUBLISHED_FILE, replaced_whole=(code,))
    except OSError as error:
        raise FileSystemError.of(error) from None


@contextmanager
def _marked_unfinished(work: Path, output: Path, quiet: bool) -> Iterator[None]:
    """A marker in the work folder while Sphinx runs; left behind when the run does not end
    (killed, or an error). A build killed part-way leaves Sphinx's environment saying its
    documents are built while its search index and some pages are not written, and our plan
    of what changed says the same: the next build would complete nothing. So a build that
    finds the marker removes the doctrees, and Sphinx and the page writer start from
    nothing (the cache of extracted records stays), and the pages being written when the
    last build was killed (``.NAME.PID.tmp``) are removed. The lists of the pages written
    stay: they name every page the stopped build may have written (see
    ``fsutil.declare_coming``), so the next build deletes those of files now gone."""
    marker = work / UNFINISHED_FILE
    if marker.exists():
        if not quiet:
            print("xrefdoc: the last build was stopped before it finished; writing every page")
        _forget_doctrees(work / "doctrees")
        remove_unfinished(output)
        remove_unfinished(work)
    write_if_changed(marker, "A build of xrefdoc is running, or was killed.\n")
    yield
    marker.unlink(missing_ok=True)


def _forget_doctrees(doctrees: Path) -> None:
    """Everything Sphinx and we keep between builds but the lists of written pages."""
    if not doctrees.is_dir():
        return
    for entry in doctrees.iterdir():
        if entry.name in WRITTEN_LISTS:
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)


@contextmanager
def _colour_only_on_a_terminal() -> Iterator[None]:
    """As ``sphinx-build`` does: no colour codes in a log or a pipe (``NO_COLOR`` and
    ``FORCE_COLOR`` respected); the setting is Sphinx's, process-wide, so it is put back."""
    from sphinx.util.console import color_terminal, colorize, coloron, nocolor

    # With colour off, Sphinx colours a text by giving it back as it is.
    was_on = colorize("bold", "") != ""
    if not color_terminal():
        nocolor()
    try:
        yield
    finally:
        if was_on:
            coloron()


class _RaiseWriteFailures(logging.Filter):
    """Sphinx logs a page it could not write (a full disk) as a warning and goes on; the
    warning's arguments carry the error, which is raised instead, where it happened."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.WARNING and isinstance(record.args, tuple):
            for argument in record.args:
                if isinstance(argument, OSError):
                    path = next((a for a in record.args if isinstance(a, (str, Path))), None)
                    if argument.filename is None and path is not None:
                        raise OSError(argument.errno, argument.strerror, str(path))
                    raise argument
        return True


@contextmanager
def _write_failures_stop_the_build() -> Iterator[None]:
    """``_RaiseWriteFailures`` on the handlers of Sphinx's log, as Sphinx's own ``-W``
    filter works, for the block."""
    handlers = logging.getLogger("sphinx").handlers
    failures = _RaiseWriteFailures()
    for handler in handlers:
        handler.addFilter(failures)
    try:
        yield
    finally:
        for handler in handlers:
            handler.removeFilter(failures)


def _run_sphinx(
    build: TreeBuild,
    identity: Identity,
    shown: SiteVersion | None,
    sources: Path,
    confdir: Path,
    work: Path,
    overrides: dict[str, object],
    fail_on_warning: bool,
    quiet: bool,
    verbosity: int,
    jobs: int,
) -> int:
    # Imported here: a rebuild that finds nothing changed does not start Sphinx, nor import
    # it and the extension (0.4 s).
    from sphinx.errors import SphinxError, SphinxParallelError
    from sphinx.util.docutils import docutils_namespace, patch_docutils

    from xrefdoc.sphinx.extension import StandaloneSphinx

    try:
        # As sphinx-build does: docutils' registries are process-wide, keep ours apart.
        with patch_docutils(confdir), docutils_namespace():
            # The extension continues ``build``: the tree is not walked again.
            app = StandaloneSphinx(
                tree_build=build,
                identity=identity,
                shown=shown,
                srcdir=sources,
                confdir=confdir,
                outdir=work / STAGE,
                doctreedir=work / "doctrees",
                buildername="html",
                confoverrides=overrides,
                status=None if quiet else sys.stdout,
                warning=sys.stderr,
                warningiserror=fail_on_warning,
                keep_going=fail_on_warning,
                parallel=jobs,
                verbosity=verbosity,
            )
            # Sphinx would name its output folder, the stage; the site's place is said after
            # publishing.
            app.builder.epilog = ""  # type: ignore[misc]  # this build's own, not the class's
            with _write_failures_stop_the_build():
                app.build()
    except XrefdocError:
        raise
    except SphinxError as error:
        cause = getattr(error, "orig_exc", None) or error.__cause__
        if isinstance(cause, XrefdocError):
            raise cause from None
        if isinstance(cause, OSError):
            raise FileSystemError.of(cause) from None
        if isinstance(cause, SphinxParallelError):  # a page writer's, its cause in words
            raise BuildError(f"page writer failed: {cause.message}") from None
        raise BuildError(f"Sphinx build failed: {error}") from None
    except OSError as error:
        raise FileSystemError.of(error) from None
    except Exception as error:
        if stopping.stop_behind(error) is not None:
            # Not a bug: the stop, which Sphinx turned into another error as it cleaned up
            # (its parallel tasks raise KeyError); the command reports the stop.
            raise
        # A bug of ours or of an extension: keep the traceback for the report, then one line.
        traceback.print_exc(file=sys.stderr)
        raise BuildError(f"build failed: {type(error).__name__}: {error}") from None
    return int(app.statuscode)
