"""The ``xref`` domain: keywords and files as objects (search, ``objects.inv``), the ``kw``
role's targets, and keywords kept right when documents are read in parallel, changed or
removed."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from sphinx.testing.util import SphinxTestApp
from sphinx.util.inventory import InventoryFile

from xrefdoc.site.keyword_layout import keyword_sort_key
from xrefdoc.sphinx.domain import XrefDomain

MakeApp = Callable[..., SphinxTestApp]

KEYWORDS = {
    "pkg.core.Engine": ("keywords-e", "def-pkg.core.Engine"),
    "pkg.core.Engine.run": ("keywords-r", "def-pkg.core.Engine.run"),
    "pkg.pumps.Pump.run": ("keywords-r", "def-pkg.pumps.Pump.run"),
}
FILES = {".": "index", "pkg": "pkg/index", "pkg/core.py": "pkg/core.py_docs"}


def domain_of(app: SphinxTestApp) -> XrefDomain:
    domain = app.env.domains[XrefDomain.name]
    assert isinstance(domain, XrefDomain)
    return domain


def hrefs(page: Path) -> list[str]:
    return re.findall(r'<a class="reference internal" href="([^"]*)"', page.read_text("utf-8"))


@pytest.mark.sphinx("html", testroot="domain", srcdir="domain-objects")
def test_keywords_and_files_are_objects_of_search_and_the_inventory(app: SphinxTestApp) -> None:
    domain_of(app).set_files(FILES)
    app.build()
    assert domain_of(app).objects == KEYWORDS
    # Keywords rank first in Sphinx's search (priority 0), files next; each kind sorted.
    assert list(domain_of(app).get_objects()) == [
        *((name, name, "keyword", page, anchor, 0) for name, (page, anchor) in KEYWORDS.items()),
        (".", ".", "file", "index", "", 1),
        ("pkg", "pkg", "file", "pkg/index", "", 1),
        ("pkg/core.py", "pkg/core.py", "file", "pkg/core.py_docs", "", 1),
    ]
    inventory = InventoryFile.loads((app.outdir / "objects.inv").read_bytes(), uri="")
    assert sorted(inventory.data["xref:keyword"]) == sorted(KEYWORDS)
    assert sorted(inventory.data["xref:file"]) == sorted(FILES)


@pytest.mark.sphinx("html", testroot="domain", srcdir="domain-roles")
def test_the_kw_role_links_a_qualified_name_its_tail_or_the_entry_of_several(
    app: SphinxTestApp,
) -> None:
    domain_of(app).set_entry_pages(
        {
            "e": [(keyword_sort_key("Engine"), "keywords-e")],
            "r": [(keyword_sort_key("run"), "keywords-r")],
        }
    )
    app.build()
    assert app.warning.getvalue() == ""
    assert hrefs(app.outdir / "prose.html") == [
        "keywords-e.html#def-pkg.core.Engine",
        "keywords-r.html#def-pkg.core.Engine.run",
        "keywords-r.html#def-pkg.pumps.Pump.run",
        "keywords-r.html#kw-run",
    ]


@pytest.mark.sphinx("html", testroot="domain", srcdir="domain-find")
def test_find_tries_the_name_then_the_path_then_the_tail(app: SphinxTestApp) -> None:
    domain = domain_of(app)
    for name, (page, anchor) in KEYWORDS.items():
        domain.add_object(name, page, anchor)
    domain.set_files(FILES)
    assert domain.find("pkg.core.Engine") == (
        "keywords-e",
        "def-pkg.core.Engine",
        "pkg.core.Engine",
    )
    assert domain.find("pkg/core.py") == ("pkg/core.py_docs", "", "pkg/core.py")
    assert domain.find("./pkg/") == ("pkg/index", "", "pkg")
    assert domain.find("./") == ("index", "", ".")
    assert domain.find("Pump.run") == ("keywords-r", "def-pkg.pumps.Pump.run", "pkg.pumps.Pump.run")
    # Without the A-Z pages (an environment that never had them), the first of several.
    assert domain.find("run") == ("keywords-r", "def-pkg.core.Engine.run", "pkg.core.Engine.run")
    domain.set_entry_pages({"r": [(keyword_sort_key("run"), "keywords-r")]})
    assert domain.find("run") == ("keywords-r", "kw-run", "run")
    assert domain.find("Engine.stop") is None
    assert domain.find("pkg/gone.py") is None


@pytest.mark.sphinx("html", testroot="domain", srcdir="domain-merge")
def test_merging_takes_the_keywords_of_the_documents_a_reader_read(app: SphinxTestApp) -> None:
    domain = domain_of(app)
    domain.add_object("pkg.core.Engine", "keywords-e", "def-pkg.core.Engine")
    domain.set_files(FILES)
    other = {
        "objects": {
            "pkg.core.Engine.run": ("keywords-r", "def-pkg.core.Engine.run"),
            "pkg.stale": ("keywords-s", "def-pkg.stale"),
        },
        "files": {"elsewhere.py": "elsewhere.py_docs"},
        "entry_pages": None,
    }
    domain.merge_domaindata({"keywords-r"}, other)
    assert domain.objects == {
        "pkg.core.Engine": ("keywords-e", "def-pkg.core.Engine"),
        "pkg.core.Engine.run": ("keywords-r", "def-pkg.core.Engine.run"),
    }, "only the documents the reader read"
    assert domain.files == FILES, "files are set once, before reading, not by readers"

    domain.clear_doc("keywords-r")
    assert domain.objects == {"pkg.core.Engine": ("keywords-e", "def-pkg.core.Engine")}


def test_keywords_read_in_parallel_are_merged_and_leave_with_their_document(
    make_app: MakeApp, rootdir: Path, tmp_path: Path
) -> None:
    source = Path(shutil.copytree(rootdir / "test-domain", tmp_path / "domain"))
    app = make_app("html", srcdir=source, parallel=2)
    app.build()
    assert domain_of(app).objects == KEYWORDS
    app.cleanup()  # Sphinx's registries of this process are the next build's

    # An edited page is read again: the keyword it no longer lists is gone.
    page = source / "keywords-r.md"
    page.write_text(
        page.read_text("utf-8").replace('["pkg.pumps.Pump.run", "def-pkg.pumps.Pump.run"]\n', "")
    )
    edited = make_app("html", srcdir=source, parallel=2)
    edited.build()
    assert set(domain_of(edited).objects) == {"pkg.core.Engine", "pkg.core.Engine.run"}
    edited.cleanup()

    # A removed page takes its keywords with it.
    (source / "keywords-e.md").unlink()
    index = source / "index.md"
    index.write_text(index.read_text("utf-8").replace("keywords-e\n", ""))
    removed = make_app("html", srcdir=source, parallel=2)
    removed.build()
    assert set(domain_of(removed).objects) == {"pkg.core.Engine.run"}
    inventory = InventoryFile.loads((removed.outdir / "objects.inv").read_bytes(), uri="")
    assert sorted(inventory.data["xref:keyword"]) == ["pkg.core.Engine.run"]


@pytest.mark.sphinx("html", testroot="domain", srcdir="domain-malformed")
def test_a_malformed_keyword_line_is_a_warning_with_its_place(app: SphinxTestApp) -> None:
    page = app.srcdir / "keywords-e.md"
    line = '["pkg.core.Engine", "def-pkg.core.Engine"]\n'
    page.write_text(page.read_text("utf-8").replace(line, line + "not json\n"), "utf-8")
    app.build()
    assert "malformed keyword line 2 in keywords-e" in app.warning.getvalue()
    assert "[xrefdoc.objects]" in app.warning.getvalue()
    assert set(domain_of(app).objects) == set(KEYWORDS), "the good lines still count"
