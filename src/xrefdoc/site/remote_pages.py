"""The pages rendered by Jinja (file, folder and keyword-use pages), written by the workers
of a Dask cluster (``--scheduler``, see ``core.cluster``).

A worker renders a page's body and lays it out through its frame (``frames``): it needs the
site and the frames, never Sphinx's builder, so the frames of every depth are made here
first, and the site goes to each worker once. A page no frame fits (a title that escaping
would change, a depth whose layout differs from page to page) comes back here and goes
through ``handle_page``.

Where the files live:

- a shared file system (the default): workers read the cache and the tree, and write the
  pages, at this process's paths;
- ``--no-shared-fs``: each chunk of jobs goes with what its pages read
  (``page_inputs.ShippedInputs``), and its pages come back to be written here.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import jinja2
from sphinx.util import logging as sphinx_logging

from xrefdoc.core.cluster import Cluster
from xrefdoc.site.frames import FilledPages
from xrefdoc.site.page_inputs import DiskInputs, PageInputs, ShippedInputs, cache_reader
from xrefdoc.site.render import JobKind, Page, PageJob, make_environment, render_job
from xrefdoc.site.views import SiteContext
from xrefdoc.store.cache import CacheLocation

# Jobs per task: enough that a task's cost dwarfs the scheduler's, and at most a share of
# the batch, so every worker gets some.
MAX_JOBS_PER_TASK = 64
TASKS_PER_WORKER = 4


@dataclass(frozen=True, slots=True)
class SharedDisk:
    """Where a worker on the shared file system reads: the tree, and the cache (if any)."""

    root: Path
    cache: CacheLocation | None


@dataclass(frozen=True, slots=True)
class RemoteWriter:
    """What every worker gets once: the site, the user's template folders, the frames and
    where pages go; and the disk it shares with this process (None: ``--no-shared-fs``)."""

    site: SiteContext
    templates: tuple[Path, ...]
    # The templates' digest (``buildstate.templates_digest``): a long-lived worker makes its
    # environment again when the user changed them since an earlier build.
    templates_digest: str
    filled: FilledPages
    disk: SharedDisk | None


@dataclass(frozen=True, slots=True)
class Chunk:
    """A task: page jobs, with what their pages read when the worker cannot read it."""

    jobs: list[PageJob]
    inputs: ShippedInputs | None


@dataclass(frozen=True, slots=True)
class ChunkDone:
    """What a task hands back: its log, the pages for this process to write (name, laid-out
    HTML; only without a shared file system), and those no frame fits."""

    logs: list[logging.LogRecord]
    written: list[tuple[str, str]]
    unframed: list[Page]


@functools.cache
def _environment(templates: tuple[Path, ...], digest: str) -> jinja2.Environment:
    """A worker's environment, made once per process and set of templates (it cannot
    travel: it holds a lock)."""
    return make_environment(templates)


def _write_chunk(writer: RemoteWriter, chunk: Chunk) -> ChunkDone:
    """On a worker: render and lay out a chunk's pages; write them on the shared disk."""
    environment = _environment(writer.templates, writer.templates_digest)
    collector = sphinx_logging.LogCollector()
    written: list[tuple[str, str]] = []
    unframed: list[Page] = []
    folders_made: set[Path] = set()
    with collector.collect(), ExitStack() as stack:
        inputs: PageInputs = chunk.inputs or ShippedInputs()
        if writer.disk is not None:
            cache = stack.enter_context(cache_reader(writer.disk.cache))
            inputs = DiskInputs(writer.disk.root, cache, writer.site.sources)
        for job in chunk.jobs:
            for page in render_job(environment, writer.site, inputs, job):
                name, context, _ = page
                html = writer.filled.html(name, context["title"], context["body"])
                if html is None:
                    unframed.append(page)
                elif writer.disk is None:
                    written.append((name, html))
                else:
                    writer.filled.write(name, html, folders_made)
    sphinx_logging.convert_serializable(collector.logs)
    return ChunkDone(collector.logs, written, unframed)


def _chunks(writer: RemoteWriter, parts: list[list[PageJob]], local: PageInputs) -> Iterator[Chunk]:
    """The tasks, each made as the cluster takes it (what a chunk ships is read then)."""
    for part in parts:
        if writer.disk is not None:
            yield Chunk(part, None)
            continue
        shipped = ShippedInputs()
        for kind, key in part:
            if kind == JobKind.FILE:
                shipped.add_file(writer.site, local, writer.site.index.records[key])
            elif kind == JobKind.FOLDER:
                shipped.add_folder(writer.site, local, key)
        yield Chunk(part, shipped)


def task_parts(jobs: list[PageJob], workers: int) -> list[list[PageJob]]:
    """``jobs`` cut into the cluster's tasks."""
    size = max(1, min(MAX_JOBS_PER_TASK, -(-len(jobs) // (workers * TASKS_PER_WORKER))))
    return [jobs[start : start + size] for start in range(0, len(jobs), size)]


def write_on_cluster(
    cluster: Cluster, writer: RemoteWriter, parts: list[list[PageJob]], local: PageInputs
) -> Iterator[ChunkDone]:
    """What each task of ``parts`` handed back, in order, the pages it wrote on the shared
    disk already; ``local`` is what this process reads for a worker that cannot."""
    with cluster.executor(writer, chunk=1) as executor:
        yield from executor.map(_write_chunk, _chunks(writer, parts, local))
