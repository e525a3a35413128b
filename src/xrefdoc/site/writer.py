"""The pages rendered by Jinja into Sphinx's HTML builder (file, folder and keyword-use
pages), written in worker processes when there are many.

Rendering a page and laying it out in the theme (``handle_page``) takes a few milliseconds,
and a large tree has tens of thousands of pages, so the work is split into chunks written by
forked workers (``local_executor``'s ``"fork"``), the way Sphinx's own parallel writer calls
``handle_page``. A worker inherits the index, the templates and the builder, and sends back
only its log.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

import jinja2
from sphinx.application import Sphinx
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.util import logging as sphinx_logging
from sphinx.util.parallel import parallel_available

from xrefdoc.core.executor import local_executor
from xrefdoc.core.progress import progress
from xrefdoc.site.frames import PageFrames
from xrefdoc.site.render import (
    PageJob,
    job_pages,
    render_file_pages,
    render_folder_pages,
    render_keyword_full_page,
)
from xrefdoc.site.views import SiteContext
from xrefdoc.store.cache import CacheLocation, RecordCache

logger = sphinx_logging.getLogger(__name__)

Page = tuple[str, dict[str, Any], str]

# Below this many jobs, forking workers costs more than it saves.
PARALLEL_MIN_JOBS = 200
# Few large chunks: each is a fork of a process holding the whole index, whose pages the
# worker copies as it touches them (70 chunks of 300 on 20,000 files saved only a quarter).
CHUNKS_PER_WORKER = 3
# But a worker's memory grows by about 0.2 MB for each page job it writes (measured; the
# cause is not found yet: its Python objects do not grow so), so a chunk has a ceiling:
# on 20,000 files, chunks of 3,500 jobs took a worker to 2.5 GB.
MAX_JOBS_PER_CHUNK = 1000


def _pages(
    environment: jinja2.Environment, site: SiteContext, root: Path, cache: RecordCache, job: PageJob
) -> Iterator[Page]:
    kind, key = job
    if kind == "file":
        pages = render_file_pages(environment, site, root, site.index.records[key], cache)
    elif kind == "folder":
        pages = render_folder_pages(environment, site, root, key)
    else:
        pages = render_keyword_full_page(environment, site, key)
    for name, title, body in pages:
        # A theme prints the title as HTML (``title|striptags|e``): a file named
        # ``a<b>.py`` must not lose its ``<b>``.
        yield name, {"title": escape(title, quote=False), "body": body}, "page.html"


def _unframed(frames: PageFrames | None, pages: Iterator[Page]) -> Iterator[Page]:
    """Writes each page through its frame (``frames``); yields those it cannot."""
    for page in pages:
        name, context, _ = page
        if frames is None or not frames.write(name, context["title"], context["body"]):
            yield page


def _representatives(site: SiteContext, jobs: list[PageJob]) -> dict[int, str]:
    """One page name of each depth the jobs write."""
    found: dict[int, str] = {}
    for job in jobs:
        name = job_pages(site, job)[-1]
        found.setdefault(name.count("/"), name)
    return found


def _reader(location: CacheLocation | None) -> RecordCache:
    return RecordCache.disabled() if location is None else RecordCache.reader(location)


def write_pages(
    app: Sphinx,
    environment: jinja2.Environment,
    site: SiteContext,
    root: Path,
    jobs: list[PageJob],
    cache: CacheLocation | None = None,
) -> Iterator[Page]:
    """For ``html-collect-pages``: yields the pages for Sphinx to write when they are few;
    writes them in one worker per core (and yields nothing) when they are many. Pages go
    through their theme frames where that is safe (see ``frames``). Highlighted sources
    come from the cache at ``cache``, where the scan put them (None: lexed here)."""
    frames = PageFrames.for_builder(app.builder, site.names.prefix)
    try:
        yield from _write_pages(app, environment, site, root, jobs, frames, cache)
    finally:
        if frames is not None:
            frames.close()


def _write_pages(
    app: Sphinx,
    environment: jinja2.Environment,
    site: SiteContext,
    root: Path,
    jobs: list[PageJob],
    frames: PageFrames | None,
    cache_location: CacheLocation | None,
) -> Iterator[Page]:
    workers = app.parallel
    summary = "xrefdoc: writing pages... "
    builder = app.builder
    if (
        not isinstance(builder, StandaloneHTMLBuilder)
        or not parallel_available
        or workers < 2
        or len(jobs) < PARALLEL_MIN_JOBS
        # As Sphinx's own writer: only when every extension says it is safe (one that
        # collects state in html-page-context would lose what the workers saw).
        or not app.is_parallel_allowed("write")
    ):
        with _reader(cache_location) as cache:
            for job in progress(jobs, summary, app.verbosity, _label, "pages' sources"):
                yield from _unframed(frames, _pages(environment, site, root, cache, job))
        return

    if frames is not None:
        frames.prepare(_representatives(site, jobs).values())

    size = min(-(-len(jobs) // (workers * CHUNKS_PER_WORKER)), MAX_JOBS_PER_CHUNK)
    chunks = [jobs[start : start + size] for start in range(0, len(jobs), size)]
    writer = _ChunkWriter(environment, site, root, frames, cache_location, builder)
    chunk_progress = progress(
        chunks, summary, app.verbosity, lambda chunk: _label(chunk[0]), "chunks of pages"
    )
    with local_executor(
        writer, size=len(jobs), min_size=PARALLEL_MIN_JOBS, start_method="fork", workers=workers
    ) as executor:
        for _, logs in zip(chunk_progress, executor.map(_write_chunk, chunks), strict=True):
            for log in logs:
                logger.handle(log)


@dataclass(frozen=True, slots=True)
class _ChunkWriter:
    """What a forked writer inherits to write its chunk of pages."""

    environment: jinja2.Environment
    site: SiteContext
    root: Path
    frames: PageFrames | None
    cache_location: CacheLocation | None
    builder: StandaloneHTMLBuilder


def _write_chunk(writer: _ChunkWriter, chunk: list[PageJob]) -> list[logging.LogRecord]:
    """Write a chunk's pages in a forked worker; what it logged, for the build to log (its
    warnings count for ``-W`` there), as Sphinx's own parallel writer does."""
    collector = sphinx_logging.LogCollector()
    with collector.collect(), _reader(writer.cache_location) as cache:
        for job in chunk:
            pages = _pages(writer.environment, writer.site, writer.root, cache, job)
            for name, context, template in _unframed(writer.frames, pages):
                writer.builder.handle_page(name, context, template)
    sphinx_logging.convert_serializable(collector.logs)
    return collector.logs


def _label(job: PageJob) -> str:
    return job[1] or "."
