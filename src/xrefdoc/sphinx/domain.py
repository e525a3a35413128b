"""The ``xref`` Sphinx domain: every definition as a ``keyword`` object and every documented
file and folder as a ``file`` object, so Sphinx's search shows them, ``objects.inv`` lists
them (another project links to them through intersphinx), and prose links to them with the
``kw`` role (``{kw}`Engine.run```, ``:kw:`pkg/core.py```) or ``{any}``."""

from __future__ import annotations

import json
from bisect import bisect_right
from collections.abc import Iterable, Set
from typing import Any, ClassVar

from docutils import nodes
from docutils.nodes import Element
from docutils.parsers.rst import Directive
from sphinx.addnodes import pending_xref
from sphinx.builders import Builder
from sphinx.domains import Domain, ObjType
from sphinx.environment import BuildEnvironment
from sphinx.roles import XRefRole
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import make_refnode

from xrefdoc.site.keyword_layout import keyword_sort_key
from xrefdoc.site.names import keyword_anchor, keyword_letter

logger = logging.getLogger(__name__)

OBJECT_TYPE = "keyword"
FILE_TYPE = "file"
ROLE = "kw"
# The warning of a ``kw`` role whose target the tree does not have (type ``ref``, subtype
# ``kw``: ``suppress_warnings = ["ref.kw"]`` silences it).
DANGLING_WARNING = "xrefdoc: no keyword, file or folder named %(target)r in the documented tree"


class KeywordsDirective(SphinxDirective):
    """Registers the keyword objects of one A-Z page: one JSON ``[name, anchor]`` per line
    (written by xrefdoc, never by hand). It adds no content; the page's HTML holds the
    anchors."""

    has_content = True

    def run(self) -> list[nodes.Node]:
        domain = self.env.domains[XrefDomain.name]
        assert isinstance(domain, XrefDomain)
        for number, line in enumerate(self.content, start=1):
            if not line.strip():
                continue
            try:
                name, anchor = json.loads(line)
            except (ValueError, TypeError):
                logger.warning(
                    "xrefdoc: malformed keyword line %d in %s",
                    number,
                    self.env.docname,
                    type="xrefdoc",
                    subtype="objects",
                    location=self.get_location(),
                )
                continue
            domain.add_object(str(name), self.env.docname, str(anchor))
        return []


class html_block(nodes.General, nodes.Element):  # type: ignore[misc]
    """HTML of xrefdoc's own (a keyword page's body), written as it is by HTML builders and
    left out by the others. Unlike a ``raw`` node, Sphinx's search does not index its text:
    a letter page's uses and paths are not search terms (the keywords are, as objects)."""


class HtmlDirective(SphinxDirective):
    """``xref:html``: its content is one ``html_block`` (written by xrefdoc, never by hand)."""

    has_content = True

    def run(self) -> list[nodes.Node]:
        block = html_block()
        block["html"] = "\n".join(self.content)
        return [block]


def visit_html_block(translator: Any, node: html_block) -> None:
    translator.body.append(node["html"])
    raise nodes.SkipNode


def skip_html_block(translator: Any, node: html_block) -> None:
    raise nodes.SkipNode


class XrefDomain(Domain):
    """Keyword objects: name → (document, anchor), registered by the A-Z pages as Sphinx reads
    them; files and folders: path → page, set by the extension for the whole tree at once."""

    name = "xref"
    label = "xrefdoc"
    object_types: ClassVar[dict[str, ObjType]] = {
        OBJECT_TYPE: ObjType("keyword", ROLE),
        FILE_TYPE: ObjType("file", ROLE),
    }
    directives: ClassVar[dict[str, type[Directive]]] = {
        "keywords": KeywordsDirective,
        "html": HtmlDirective,
    }
    roles: ClassVar[dict[str, Any]] = {
        ROLE: XRefRole(innernodeclass=nodes.literal, warn_dangling=True)
    }
    dangling_warnings: ClassVar[dict[str, str]] = {ROLE: DANGLING_WARNING}
    initial_data: ClassVar[dict[str, Any]] = {"objects": {}, "files": {}, "entry_pages": None}
    data_version = 2

    @property
    def objects(self) -> dict[str, tuple[str, str]]:
        objects: dict[str, tuple[str, str]] = self.data.setdefault("objects", {})
        return objects

    @property
    def files(self) -> dict[str, str]:
        """Path of a documented file or folder (``pkg/core.py``, ``pkg``, ``.`` for the root)
        → the page that documents it."""
        files: dict[str, str] = self.data.setdefault("files", {})
        return files

    def add_object(self, name: str, docname: str, anchor: str) -> None:
        self.objects[name] = (docname, anchor)

    def set_files(self, files: dict[str, str]) -> None:
        """The documented files and folders (path → page), set on every build."""
        self.data["files"] = files

    def set_entry_pages(self, entry_pages: dict[str, list[tuple[tuple[str, str], str]]]) -> None:
        """The A-Z pages by letter as (sort key of their first keyword, page), in order; set
        when the index is made."""
        self.data["entry_pages"] = entry_pages

    def has_entry_pages(self) -> bool:
        """Whether an earlier build of this environment set them (a new one has None)."""
        return self.data.get("entry_pages") is not None

    def clear_doc(self, docname: str) -> None:
        for name, (found_in, _) in list(self.objects.items()):
            if found_in == docname:
                del self.objects[name]

    def merge_domaindata(self, docnames: Set[str], otherdata: dict[str, Any]) -> None:
        # Files are set before the documents are read, in the main process: only keywords
        # come from the workers of a parallel read.
        for name, (docname, anchor) in otherdata["objects"].items():
            if docname in docnames:
                self.objects[name] = (docname, anchor)

    def get_objects(self) -> Iterable[tuple[str, str, str, str, str, int]]:
        # Keywords rank first in Sphinx's search (priority 0: "important"), files next.
        for name, (docname, anchor) in sorted(self.objects.items()):
            yield name, name, OBJECT_TYPE, docname, anchor, 0
        for path, docname in sorted(self.files.items()):
            yield path, path, FILE_TYPE, docname, "", 1

    def find(self, target: str) -> tuple[str, str, str] | None:
        """(page, anchor, title) of ``target``: the keyword of that qualified name; else the
        file or folder of that path (``./`` and a trailing ``/`` allowed); else the keyword
        whose qualified name ends with ``.target`` (``Engine.run`` for
        ``pkg.core.Engine.run``), or, when several do, the A-Z entry that lists them all."""
        if target in self.objects:
            return (*self.objects[target], target)
        path = target.removeprefix("./").rstrip("/") or "."
        if path in self.files:
            return self.files[path], "", path
        suffix = "." + target
        matches = sorted(name for name in self.objects if name.endswith(suffix))
        if not matches:
            return None
        name = target.rpartition(".")[2]
        entry_page = self._entry_page(name) if len(matches) > 1 else None
        if entry_page is None:
            return (*self.objects[matches[0]], matches[0])
        return entry_page, keyword_anchor(name), target

    def _entry_page(self, name: str) -> str | None:
        """The A-Z page whose keywords' range holds ``name`` (pages of a letter are in
        keyword order)."""
        pages: list[tuple[tuple[str, str], str]] = (self.data.get("entry_pages") or {}).get(
            keyword_letter(name), []
        )
        at = bisect_right(pages, (keyword_sort_key(name), "\U0010ffff")) - 1
        return pages[at][1] if at >= 0 else None

    def _reference(
        self, builder: Builder, fromdocname: str, found: tuple[str, str, str], contnode: Element
    ) -> nodes.reference:
        docname, anchor, title = found
        return make_refnode(builder, fromdocname, docname, anchor, contnode, title)

    def resolve_xref(
        self,
        env: BuildEnvironment,
        fromdocname: str,
        builder: Builder,
        typ: str,
        target: str,
        node: pending_xref,
        contnode: Element,
    ) -> nodes.reference | None:
        found = self.find(target)
        return self._reference(builder, fromdocname, found, contnode) if found else None

    def resolve_any_xref(
        self,
        env: BuildEnvironment,
        fromdocname: str,
        builder: Builder,
        target: str,
        node: pending_xref,
        contnode: Element,
    ) -> list[tuple[str, nodes.reference]]:
        found = self.find(target)
        if found is None:
            return []
        return [(f"xref:{ROLE}", self._reference(builder, fromdocname, found, contnode))]
