"""The pages rendered by Jinja into Sphinx's HTML builder (file, folder and keyword-use
pages), written in worker processes when there are many, or on the build's cluster.

Rendering a page and laying it out in the theme (``handle_page``) takes a few milliseconds,
and a large tree has tens of thousands of pages, so the work is split into chunks written by
forked workers (``local_executor``'s ``"fork"``), the way Sphinx's own parallel writer calls
``handle_page``. A worker inherits the index, the templates and the builder, and sends back
only its log. A build with a cluster (``--scheduler``) writes them there instead
(``remote_pages``), when its pages can all be laid out without the builder.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import jinja2
from sphinx.application import Sphinx
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.util import logging as sphinx_logging
from sphinx.util.parallel import parallel_available

from xrefdoc.core.cluster import ClusterSession
from xrefdoc.core.executor import local_executor
from xrefdoc.core.fsutil import remove_unfinished
from xrefdoc.core.progress import progress
from xrefdoc.site.frames import PageFrames
from xrefdoc.site.page_inputs import DiskInputs, cache_reader
from xrefdoc.site.remote_pages import RemoteWriter, SharedDisk, task_parts, write_on_cluster
from xrefdoc.site.render import Page, PageJob, job_pages, render_job
from xrefdoc.site.views import SiteContext
from xrefdoc.store.cache import CacheLocation

logger = sphinx_logging.getLogger(__name__)

# Below this many jobs, forking workers costs more than it saves.
PARALLEL_MIN_JOBS = 200
# Sending the site to a cluster's workers costs about a millisecond per file of the tree
# (pickled here, unpickled on each: 0.84 s and 1.14 s at 2,059 files), writing a page job
# here some ten: fewer jobs than this, or than a tenth of the files, are written here.
CLUSTER_MIN_JOBS = 50
# Few large chunks: each is a fork of a process holding the whole index, whose pages the
# worker copies as it touches them (70 chunks of 300 on 20,000 files saved only a quarter).
CHUNKS_PER_WORKER = 3
# But a worker's memory grows by about 0.2 MB for each page job it writes (measured; the
# cause is not found yet: its Python objects do not grow so), so a chunk has a ceiling:
# on 20,000 files, chunks of 3,500 jobs took a worker to 2.5 GB.
MAX_JOBS_PER_CHUNK = 1000


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


@dataclass(frozen=True, slots=True)
class OnCluster:
    """A build's cluster, for its pages: the session, the user's template folders (a worker
    makes its own environment from them), and whether the workers share this file system."""

    session: ClusterSession
    templates: tuple[Path, ...]
    templates_digest: str
    shared_fs: bool


def write_pages(
    app: Sphinx,
    environment: jinja2.Environment,
    site: SiteContext,
    root: Path,
    jobs: list[PageJob],
    cache: CacheLocation | None = None,
    cluster: OnCluster | None = None,
) -> Iterator[Page]:
    """For ``html-collect-pages``: yields the pages for Sphinx to write when they are few;
    writes them in one worker per core, or on the ``cluster`` (and yields nothing, or only
    those no frame fits) when they are many. Pages go through their theme frames where that
    is safe (see ``frames``). Highlighted sources come from the cache at ``cache``, where
    the scan put them (None: lexed here)."""
    frames = PageFrames.for_builder(app.builder, site.names.prefix)
    try:
        if cluster is not None and jobs:
            if frames is None:
                why = "the theme or the project's templates need Sphinx's builder for each page"
            elif cluster.templates and not cluster.shared_fs:
                why = "the workers cannot read the project's templates (--no-shared-fs)"
            elif not app.is_parallel_allowed("write"):
                why = "an extension does not allow writing in parallel"
            elif len(jobs) < max(CLUSTER_MIN_JOBS, len(site.index.records) // 10):
                why = f"{len(jobs)} page jobs, too few to pay for sending the site"
            else:
                try:
                    yield from _write_on_cluster(app, site, root, jobs, frames, cache, cluster)
                finally:  # its last stage: the cluster is not kept open while Sphinx goes on
                    cluster.session.close()
                return
            logger.info("xrefdoc: pages written here, not on the cluster: %s", why)
        yield from _write_pages(app, environment, site, root, jobs, frames, cache)
    finally:
        if frames is not None:
            frames.close()


def _write_on_cluster(
    app: Sphinx,
    site: SiteContext,
    root: Path,
    jobs: list[PageJob],
    frames: PageFrames,
    cache_location: CacheLocation | None,
    on: OnCluster,
) -> Iterator[Page]:
    """Write the pages on the cluster (see ``remote_pages``); yields those no frame fits."""
    frames.prepare(name for job in jobs for name in job_pages(site, job))
    disk = SharedDisk(root, cache_location) if on.shared_fs else None
    writer = RemoteWriter(site, on.templates, on.templates_digest, frames.filled, disk)
    cluster = on.session.cluster()
    parts = task_parts(jobs, cluster.workers)
    parts_progress = progress(
        parts,
        "xrefdoc: writing pages on the cluster... ",
        app.verbosity,
        lambda part: _label(part[0]),
        "chunks of pages",
    )
    with cache_reader(cache_location) as cache:
        done = write_on_cluster(cluster, writer, parts, DiskInputs(root, cache, site.sources))
        for _, chunk in zip(parts_progress, done, strict=True):
            for log in chunk.logs:
                logger.handle(log)
            for name, html in chunk.written:
                frames.write_html(name, html)
            yield from chunk.unframed
    # What a worker killed while it wrote a page left (``.NAME.PID.tmp``): its task ran
    # again elsewhere. (A build with a cluster writes nothing beside it into the folder
    # meanwhile, see ``extension._start_code_search``: none of these is another's.)
    remove_unfinished(Path(app.outdir))


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
        with cache_reader(cache_location) as cache:
            inputs = DiskInputs(root, cache, site.sources)
            for job in progress(jobs, summary, app.verbosity, _label, "pages' sources"):
                yield from _unframed(frames, render_job(environment, site, inputs, job))
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
    with collector.collect(), cache_reader(writer.cache_location) as cache:
        inputs = DiskInputs(writer.root, cache, writer.site.sources)
        for job in chunk:
            pages = render_job(writer.environment, writer.site, inputs, job)
            for name, context, template in _unframed(writer.frames, pages):
                writer.builder.handle_page(name, context, template)
    sphinx_logging.convert_serializable(collector.logs)
    return collector.logs


def _label(job: PageJob) -> str:
    return job[1] or "."
