"""Cross-references in a built site: source links, the A-Z index, objects, the JSON export."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path
from urllib.parse import unquote

import pytest
from helpers import write_tree
from sites import (
    anchor_line,
    hrefs,
    landing,
    main_body,
    name_links,
    page_text,
    source_line,
    source_line_html,
)

from xrefdoc.commands.check import broken_links
from xrefdoc.commands.cli import main
from xrefdoc.site import keyword_layout as kwlayout

CALLS = "".join(f"    assist({n})\n" for n in range(5))

TREE: dict[str, str | bytes] = {
    "pkg/__init__.py": "from .core import Engine\n",
    "pkg/core.py": """\
        class Base:
            def stop(self):
                pass


        class Engine(Base):
            def run(self):
                self.stop()
                return 1


        def start():
            return Engine().run()


        class Tuner:
            speed = 1

            def tune(self, speed):
                self.speed = speed
        """,
    "pkg/helpers.py": "def assist(value=0):\n    return value\n",
    "pkg/tracing.py": "def traced(function):\n    return function\n",
    "jobs.py": """\
        from pkg import tracing
        from pkg.tracing import traced


        @traced
        def nightly():
            return 1


        @tracing.traced
        def weekly():
            return 2
        """,
    "app.py": """\
        from pkg import Engine
        from pkg.helpers import assist


        def main(job):
            job.run()
            return Engine(), assist()
        """,
    "loose.py": "def f():\n    return assist, Engine\n",
    "tests/test_helpers.py": """\
        from pkg.helpers import assist


        def test_assist():
            assert assist(2) == 2
        """,
    "web/notes.js": "const engine = new Engine();\nstart();\n",
    **{
        f"many/user_{n}.py": f"from pkg.helpers import assist\n\n\ndef use_{n}():\n{CALLS}"
        for n in range(10)
    },
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tree = write_tree(tmp_path_factory.mktemp("xref-tree"), TREE)
    output = tmp_path_factory.mktemp("xref-site") / "html"
    assert main(["build", str(tree), "-o", str(output), "-q", "-W"]) == 0
    return output


def target_line(site: Path, page: Path, link: str) -> str:
    """The source text of the line a link to a _docs page's line (``…_docs.html#L<n>``) or
    symbol (``…#sym-Engine.run``) lands on."""
    path, _, anchor = link.partition("#")
    target = (page.parent / unquote(path)).resolve() if path else page
    html = page_text(target)
    return source_line(html, anchor_line(html, unquote(anchor)))


def is_place_link(link: str) -> bool:
    """Whether a link leads to a line or a symbol of a _docs page (not a keyword's entry)."""
    place = link.partition("#")[2]
    return (link.startswith("#") or "_docs.html#" in link) and (
        place.startswith("sym-") or re.fullmatch(r"L\d+", place) is not None
    )


def test_every_exact_name_link_lands_on_its_definition_line(site: Path) -> None:
    checked = 0
    for page in site.rglob("*.py_docs.html"):
        for link, name, textual in name_links(page_text(page)):
            if textual or not is_place_link(link):
                continue
            line = target_line(site, page, link)
            definition = rf"\b(def|class)\s+{re.escape(name)}\b|^\s*{re.escape(name)}\s*="
            assert re.search(definition, line), (page, name, link, line)
            checked += 1
    assert checked > 60


def test_import_alias_and_reexport_links_reach_the_real_definition(site: Path) -> None:
    page = site / "app.py_docs.html"
    links = {
        (name, landing(page, link))
        for link, name, _ in name_links(page_text(page))
        if is_place_link(link)
    }
    assert ("Engine", ("core.py", 6)) in links, "through pkg/__init__.py"
    assert ("assist", ("helpers.py", 1)) in links


def test_a_decorator_links_to_its_definition(site: Path) -> None:
    page = site / "jobs.py_docs.html"
    html = page_text(page)
    assert source_line(html, 5) == "@traced"
    for number in (5, 10):
        links = {
            (name, link, landing(page, link))
            for link, name, _ in name_links(source_line_html(html, number))
        }
        assert ("traced", "pkg/tracing.py_docs.html#sym-traced", ("tracing.py", 1)) in links


def test_a_parameter_beside_a_linked_attribute_of_the_same_name_is_no_link(site: Path) -> None:
    page = site / "pkg/core.py_docs.html"
    links = name_links(source_line_html(page_text(page), 20))
    assert [(landing(page, link), name) for link, name, _ in links] == [(("core.py", 17), "speed")]


def test_definition_names_link_to_their_keyword_entry(site: Path) -> None:
    html = page_text(site / "pkg/core.py_docs.html")
    assert re.search(
        r"<span id=sym-Engine></span><k->class</k-> "
        r"<a class=nc href=\.\./keywords-e\.html#kw-Engine>",
        html,
    )


def test_textual_matches_are_marked_and_unimported_names_are_not_links(site: Path) -> None:
    page = site / "app.py_docs.html"
    app = name_links(page_text(page))
    # job.run(): job's type is unknown; run has one definition, so the textual link goes there.
    assert ("pkg/core.py_docs.html#sym-Engine.run", "run", True) in app
    assert landing(page, "pkg/core.py_docs.html#sym-Engine.run") == ("core.py", 7)
    assert [name for _, name, _ in name_links(page_text(site / "loose.py_docs.html"))] == ["f"]
    notes = name_links(page_text(site / "web/notes.js_docs.html"))
    # A module-level JS variable is a definition: its name links to its own entry.
    assert {(name, textual) for _, name, textual in notes} == {
        ("engine", False),
        ("Engine", True),
        ("start", True),
    }


def test_entries_list_uses_by_file_linked_to_their_lines(site: Path) -> None:
    page = site / "keywords-s.html"
    body = main_body(page_text(page))
    entry = body.split('id="kw-stop"', 1)[1].split("</dd>", 1)[0]
    assert "1 definition · 1 use in 1 file" in unescape(re.sub(r"<[^>]+>", "", entry))
    definition, link = [h for h in hrefs(entry) if "_docs.html#" in h and "def-" not in h]
    assert definition == "pkg/core.py_docs.html#sym-Base.stop"
    assert "def stop(" in target_line(site, page, definition)
    assert link == "pkg/core.py_docs.html#L8"
    assert target_line(site, page, link).strip() == "self.stop()"


def test_long_use_lists_are_cut_with_a_link_to_all_of_them(site: Path) -> None:
    page = site / "keywords-a.html"
    entry = main_body(page_text(page)).split('id="kw-assist"', 1)[1].split("</dd>", 1)[0]
    shown = [h for h in hrefs(entry) if "_docs.html#L" in h]
    total_uses = 2 + 2 + 10 * 6  # app.py and the test (import, call), ten users (import, 5 calls)
    assert len(shown) < total_uses
    full = [h for h in hrefs(entry) if h.startswith("keyword-uses/")]
    assert len(full) == 1
    full_page = site / unquote(full[0].partition("#")[0])
    full_entry = main_body(page_text(full_page))
    lines = [h for h in hrefs(full_entry) if "_docs.html#L" in h]
    uses = [h for h in lines if h != "../pkg/helpers.py_docs.html#L1"]  # the definition
    assert len(uses) == total_uses, "the full page drops nothing"
    for link in uses:
        assert "assist" in target_line(site, full_page, link), link


def test_keywords_are_sphinx_objects_in_search_and_inventory(site: Path) -> None:
    from sphinx.util.inventory import InventoryFile

    inventory = InventoryFile.loads((site / "objects.inv").read_bytes(), uri="")
    keywords = inventory.data["xref:keyword"]
    assert set(keywords) >= {"pkg.core.Engine", "pkg.core.Engine.run", "pkg.helpers.assist"}
    uri = keywords["pkg.core.Engine.run"].uri
    page, _, anchor = uri.partition("#")
    assert page == "keywords-r.html" and f"id={anchor}>" in page_text(site / page)
    search = page_text(site / "searchindex.js")
    assert "pkg.core.Engine.run" in search and '"xref:keyword"' in search


def test_a_name_defined_in_several_places_is_one_object_pointing_at_its_entry(
    tmp_path: Path,
) -> None:
    from sphinx.util.inventory import InventoryFile

    module = "def helper():\n    return 1\n"
    copies = {
        f"copy{n}/pkg/{name}": text
        for n in (1, 2, 3)
        for name, text in (("__init__.py", ""), ("mod.py", module))
    }
    tree = write_tree(tmp_path / "tree", {**copies, "solo/one.py": "def lonely():\n    pass\n"})
    out = tmp_path / "out"
    assert main(["build", str(tree), "-o", str(out), "-q"]) == 0
    keywords = InventoryFile.loads((out / "objects.inv").read_bytes(), uri="").data["xref:keyword"]
    # Three definitions of pkg.mod.helper: one object, at the entry that lists all three.
    assert sorted(keywords) == ["one.lonely", "pkg.mod.helper"]
    page, _, anchor = keywords["pkg.mod.helper"].uri.partition("#")
    entry = main_body(page_text(out / page)).split(f'id="{anchor}"', 1)[1]
    assert all(f"copy{n}/pkg/mod.py" in entry for n in (1, 2, 3))
    page, _, anchor = keywords["one.lonely"].uri.partition("#")
    assert anchor.startswith("def-") and f"id={anchor}>" in page_text(out / page)


def test_search_index_holds_keywords_and_titles_not_the_pages_text(site: Path) -> None:
    index = json.loads(
        re.sub(r"^Search\.setIndex\((.*)\)\s*$", r"\1", page_text(site / "searchindex.js"))
    )
    # The letter pages list uses by file and line, under a legend: none of it is a term.
    legend_words = {"textual", "definition", "known"}
    assert not legend_words & set(index["terms"]), "a letter page's text was indexed"
    assert "Keywords: R" in index["titles"]


def test_index_json_holds_every_keyword_with_definitions_and_uses(site: Path) -> None:
    listing = json.loads(page_text(site / "_xref" / "index.json"))
    assert listing["version"] == 4
    parts = [part for part in listing["parts"] if part["first"] <= "stop" <= part["last"]]
    assert [part["file"] for part in parts] == ["index/keywords-s.json"]
    data = json.loads(page_text(site / "_xref" / parts[0]["file"]))
    assert len(data["keywords"]) == parts[0]["keywords"]
    stop = data["keywords"]["stop"]
    paths = data["paths"]
    assert [[paths[row[0]], *row[1:]] for row in stop["definitions"]] == [
        ["pkg/core.py", 2, 3, "method", "pkg.core.Base.stop"]
    ]
    assert [[paths[row[0]], *row[1:]] for row in stop["uses"]] == [["pkg/core.py", [8], 0]]
    assert str(site.parent) not in page_text(site / "_xref" / parts[0]["file"])


def test_dependencies_and_related_files_follow_reexports_and_uses(site: Path) -> None:
    body = main_body(page_text(site / "app.py_docs.html"))
    deps = body.split('id="dependencies"', 1)[1].split("</section>", 1)[0]
    text = unescape(re.sub(r"<[^>]+>", "", deps))
    assert "Engine from pkg/core.py" in text
    helpers = main_body(page_text(site / "pkg/helpers.py_docs.html"))
    related = helpers.split('id="related-files"', 1)[1]
    assert "../tests/test_helpers.py_docs.html" in hrefs(related)
    arch = helpers.split('id="architecture-design"', 1)[1].split("</section>", 1)[0]
    assert "used in 12 other files" in arch


def test_every_link_of_the_site_resolves(site: Path) -> None:
    assert broken_links(site) == []


def test_large_letters_are_split_into_pages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(kwlayout, "PAGE_ENTRY_LIMIT", 2)
    tree = write_tree(
        tmp_path / "tree",
        {"m.py": "".join(f"def item_{n}():\n    pass\n\n" for n in range(5))},
    )
    output = tmp_path / "html"
    assert main(["build", str(tree), "-o", str(output), "-q"]) == 0
    assert [p.name for p in sorted(output.glob("keywords-i*.html"))] == [
        "keywords-i-2.html",
        "keywords-i-3.html",
        "keywords-i.html",
    ]
    root = main_body(page_text(output / "keywords.html"))
    assert {"keywords-i.html", "keywords-i-2.html", "keywords-i-3.html"} <= set(hrefs(root))
    m = page_text(output / "m.py_docs.html")
    assert "../keywords-i-3.html#kw-item_4" in m or "keywords-i-3.html#kw-item_4" in m
    assert broken_links(output) == []


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_any_role_in_a_sphinx_project_links_to_a_keyword(tmp_path: Path, jobs: str) -> None:
    from sphinx.cmd.build import build_main
    from sphinx.util.inventory import InventoryFile

    tree = write_tree(
        tmp_path / "tree", {"pkg/__init__.py": "", **{"pkg/core.py": TREE["pkg/core.py"]}}
    )
    docs = write_tree(
        tmp_path / "docs",
        {
            "conf.py": f"extensions = ['xrefdoc.sphinx']\nxrefdoc_root = {str(tree)!r}\n"
            # Another extension's handler, which finds Sphinx's inventory written.
            "import shutil\n"
            "def setup(app):\n"
            "    app.connect('build-finished', lambda app, error: shutil.copy(\n"
            "        app.outdir / 'objects.inv', app.outdir / 'seen.inv'))\n",
            "index.md": "# Guide\n\nThe {any}`Engine.run` method.\n",
        },
    )
    out = tmp_path / "out"
    assert build_main(["-q", "-W", "-j", jobs, "-b", "html", str(docs), str(out)]) == 0
    inventory = InventoryFile.loads((out / "objects.inv").read_bytes(), uri="")
    assert "pkg.core.Engine.run" in inventory.data["xref:keyword"], "merged from every worker"
    assert (out / "seen.inv").read_bytes() == (out / "objects.inv").read_bytes()
    index = page_text(out / "index.html")
    assert re.search(r'href="_xref/keywords-r\.html#def-pkg\.core\.Engine\.run"', index)
    assert broken_links(out) == []
