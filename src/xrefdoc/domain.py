"""The ``xref`` Sphinx domain: every definition as a ``keyword`` object, so Sphinx's search
shows it, ``objects.inv`` lists it, and ``{any}`` references resolve to it."""

from __future__ import annotations

import json
from collections.abc import Iterable, Set
from typing import Any, ClassVar

from docutils import nodes
from docutils.nodes import Element
from docutils.parsers.rst import Directive
from sphinx.addnodes import pending_xref
from sphinx.builders import Builder
from sphinx.domains import Domain, ObjType
from sphinx.environment import BuildEnvironment
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import make_refnode

logger = logging.getLogger(__name__)

OBJECT_TYPE = "keyword"


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
    """Keyword objects: name → (document, anchor)."""

    name = "xref"
    label = "xrefdoc"
    object_types: ClassVar[dict[str, ObjType]] = {OBJECT_TYPE: ObjType("keyword", "kw")}
    directives: ClassVar[dict[str, type[Directive]]] = {
        "keywords": KeywordsDirective,
        "html": HtmlDirective,
    }
    initial_data: ClassVar[dict[str, Any]] = {"objects": {}}
    data_version = 1

    @property
    def objects(self) -> dict[str, tuple[str, str]]:
        objects: dict[str, tuple[str, str]] = self.data.setdefault("objects", {})
        return objects

    def add_object(self, name: str, docname: str, anchor: str) -> None:
        self.objects[name] = (docname, anchor)

    def clear_doc(self, docname: str) -> None:
        for name, (found_in, _) in list(self.objects.items()):
            if found_in == docname:
                del self.objects[name]

    def merge_domaindata(self, docnames: Set[str], otherdata: dict[str, Any]) -> None:
        for name, (docname, anchor) in otherdata["objects"].items():
            if docname in docnames:
                self.objects[name] = (docname, anchor)

    def get_objects(self) -> Iterable[tuple[str, str, str, str, str, int]]:
        for name, (docname, anchor) in sorted(self.objects.items()):
            yield name, name, OBJECT_TYPE, docname, anchor, 1

    def find(self, target: str) -> str | None:
        """The object named ``target``, else the first whose name ends with ``.target``."""
        if target in self.objects:
            return target
        suffix = "." + target
        matches = sorted(name for name in self.objects if name.endswith(suffix))
        return matches[0] if matches else None

    def _reference(
        self, builder: Builder, fromdocname: str, name: str, contnode: Element
    ) -> nodes.reference:
        docname, anchor = self.objects[name]
        return make_refnode(builder, fromdocname, docname, anchor, contnode, name)

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
        name = self.find(target)
        return self._reference(builder, fromdocname, name, contnode) if name else None

    def resolve_any_xref(
        self,
        env: BuildEnvironment,
        fromdocname: str,
        builder: Builder,
        target: str,
        node: pending_xref,
        contnode: Element,
    ) -> list[tuple[str, nodes.reference]]:
        name = self.find(target)
        if name is None:
            return []
        return [("xref:kw", self._reference(builder, fromdocname, name, contnode))]
