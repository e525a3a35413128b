"""The page views of a small tree made by the real stages (walk, extraction, index): what each
page would show, before any template renders it."""

from __future__ import annotations

import pickle
import re
import zlib
from collections import Counter
from pathlib import Path

import pytest
from helpers import write_tree
from sites import hrefs

from xrefdoc.core.model import SymbolKind
from xrefdoc.core.settings import make_settings
from xrefdoc.pipeline.scan import scan
from xrefdoc.site import views
from xrefdoc.site.highlight import prepare_source
from xrefdoc.site.keyword_layout import USE_LINES_SHOWN
from xrefdoc.site.keyword_views import (
    full_keyword_page,
    keyword_entry,
    keywords_root,
    letter_page,
)
from xrefdoc.site.names import PageNames, definition_anchor
from xrefdoc.site.render import make_environment, use_links
from xrefdoc.site.views import SiteContext, docs_page, docs_view, folder_view, kw_page, make_site
from xrefdoc.xref.index import Index
from xrefdoc.xref.resolve import Definition

TREE: dict[str, str | bytes] = {
    "README.md": "# Fleet\n\nUses `Engine`.\n",
    "pkg/__init__.py": "from .core import Engine\n",
    "pkg/core.py": '''\
        """Engines that run.

        More about them."""
        import os

        LIMIT = 3


        class Engine:
            """Runs things."""

            speed = 1

            def run(self, value):
                return helper(value)


        def helper(value):
            return os.path.join(value)
    ''',
    "pkg/pumps.py": """\
        from pkg.core import Engine


        class Pump(Engine):
            def run(self):
                return Engine().run(2)
    """,
}


def make_tree_site(
    root: Path, files: dict[str, str | bytes], source_cap: int = 4096
) -> SiteContext:
    """The tree written under ``root``, scanned (no cache) and laid out as the HTML site."""
    write_tree(root, files)
    settings = make_settings(root, source_cap=source_cap)
    result = scan(settings, use_cache=False)
    return make_site(result.index, PageNames(), settings.source_cap, "fleet")


def test_a_files_page_lists_its_symbols_under_their_class_and_by_kind(tmp_path: Path) -> None:
    site = make_tree_site(tmp_path, TREE)
    view = docs_view(site, site.index.records["pkg/core.py"])

    assert view["page"] == "pkg/core.py_docs"
    assert [crumb["label"] for crumb in view["crumbs_list"]] == ["fleet", "pkg"]
    assert view["overview"] == "Engines that run."  # the docstring's first paragraph
    analysis = view["analysis"]
    (engine,) = analysis["classes"]
    assert (engine["name"], engine["kind"], engine["line"], engine["doc"]) == (
        "Engine",
        SymbolKind.CLASS,
        9,
        "Runs things.",
    )
    assert engine["href"] == "#L9"  # on the page itself
    assert engine["entry_href"] == "../keywords-e.html#kw-Engine"
    members = [(m["name"], m["kind"], m["signature"]) for m in engine["members"]]
    assert members == [("speed", "variable", ""), ("run", "method", "(self, value)")]
    assert [(f["label"], f["line"]) for f in analysis["functions"]] == [("helper", 18)]
    assert [c["label"] for c in analysis["constants"]] == ["LIMIT"]
    assert analysis["methods"] == analysis["variables"] == analysis["data_keys"] == []
    assert view["source"] is None  # each kind of page adds its own


def test_a_files_page_shows_its_imports_and_who_uses_it(tmp_path: Path) -> None:
    site = make_tree_site(tmp_path, TREE)
    view = docs_view(site, site.index.records["pkg/core.py"])

    stdlib = view["dependencies"]["stdlib"]
    assert [(d["module"], d["line"], d["target"]) for d in stdlib] == [("os", 4, None)]
    assert view["dependencies"]["in-tree"] == view["dependencies"]["third-party"] == []
    related = view["related"]
    assert [link["label"] for link in related["imported_by"]] == ["pkg/__init__.py", "pkg/pumps.py"]
    assert [link["href"] for link in related["siblings"]] == [
        "__init__.py_docs.html",
        "pumps.py_docs.html",
    ]
    used = [(u["qualname"], u["kind"], u["files"]) for u in view["used_elsewhere"]["items"]]
    assert used == [("Engine", "class", 2), ("Engine.run", "method", 1)]

    pumps = docs_view(site, site.index.records["pkg/pumps.py"])
    (in_tree,) = pumps["dependencies"]["in-tree"]
    assert in_tree["module"] == "pkg.core"
    assert in_tree["target"] == {"label": "pkg/core.py", "href": "core.py_docs.html"}


def test_a_site_sent_to_workers_is_made_again_from_its_records_in_parts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a cluster's workers are sent: the records, pickled in parts, and the settings;
    the index and layouts they make from them are the client's, and so are the pages."""
    site = make_tree_site(tmp_path, TREE)
    monkeypatch.setattr(views, "RECORDS_PER_PART", 2)  # two parts of the four files
    sent = pickle.dumps(site, pickle.HIGHEST_PROTOCOL)
    monkeypatch.setattr(views, "RECORDS_PER_PART", 10**6)
    assert len(sent) > len(pickle.dumps(site, pickle.HIGHEST_PROTOCOL))  # the parts' own memos
    loaded = pickle.loads(sent)
    assert list(loaded.index.records) == list(site.index.records)
    assert loaded.index == site.index
    assert loaded.keywords == site.keywords
    for path, record in site.index.records.items():
        text = (tmp_path / path).read_text(encoding="utf-8")
        source = prepare_source(text, record.lexer, site.source_cap)
        assert docs_page(loaded, loaded.index.records[path], source) == docs_page(
            site, record, source
        )
        assert kw_page(loaded, loaded.index.records[path]) == kw_page(site, record)


def test_a_files_source_links_each_name_to_its_definition(tmp_path: Path) -> None:
    site = make_tree_site(tmp_path, TREE)
    record = site.index.records["pkg/core.py"]
    text = (tmp_path / "pkg/core.py").read_text(encoding="utf-8")
    view = docs_page(site, record, prepare_source(text, record.lexer, site.source_cap))

    source = view["source"]
    assert source is not None
    lines = dict(re.findall(r"<li id=(L\d+)>(.*)", source["html"]))
    # ``helper(value)`` in Engine.run leads to helper's anchor on its line (with no title:
    # the card says what it is); the name where it is defined leads to its entry in the
    # A-Z index, and the line holds the definition's stable anchor.
    assert "<a href=#sym-helper>helper</a>" in lines["L15"]
    assert "href=../keywords-h.html#kw-helper>" in lines["L18"]
    assert lines["L18"].startswith("<span id=sym-helper></span>")
    assert "title=" not in source["html"]
    assert source["cut_note"] == source["cut_anchors"] == ""
    assert "xref-tree" in view["tree"]  # the folder tree beside the page


def test_a_source_cut_by_the_cap_says_where(tmp_path: Path) -> None:
    site = make_tree_site(tmp_path, TREE, source_cap=60)
    record = site.index.records["pkg/core.py"]
    text = (tmp_path / "pkg/core.py").read_text(encoding="utf-8")
    source = docs_page(site, record, prepare_source(text, record.lexer, 60))["source"]

    assert source is not None
    assert source["cut_note"] == (
        "Source cut after line 5 of 19: the file is larger than the source cap of 60 bytes."
    )
    # Lines past the cut that other pages link to (Engine's, helper's) still have a target.
    assert '<span id="L9"></span>' in source["cut_anchors"]
    assert '<span id="L18"></span>' in source["cut_anchors"]


def test_a_files_keyword_page_groups_its_names_by_kind(tmp_path: Path) -> None:
    site = make_tree_site(tmp_path, TREE)
    view = kw_page(site, site.index.records["pkg/core.py"])

    groups = {group["heading"]: group for group in view["groups"]}
    assert list(groups) == [
        "Classes",
        "Functions",
        "Methods",
        "Constants",
        "Variables",
        "Imports",
        "Identifiers",
    ]
    (run,) = groups["Methods"]["entries"]
    assert (run["name"], run["line"], run["detail"]) == ("run", 14, "Engine")
    assert run["index_href"] == "../keywords-r.html#kw-run"
    assert groups["Methods"]["section_href"] == "core.py_docs.html#detailed-analysis"
    (os_import,) = groups["Imports"]["entries"]
    assert (os_import["name"], os_import["index_href"]) == ("os", None)  # not defined here
    assert [e["name"] for e in groups["Identifiers"]["entries"]] == ["join", "os", "path"]


def test_a_folders_pages_list_its_files_subfolders_and_most_used_names(tmp_path: Path) -> None:
    site = make_tree_site(tmp_path, TREE)
    pkg = folder_view(site, "pkg")

    assert [(f["name"], f["language"], f["lines"], f["keywords"]) for f in pkg["files"]] == [
        ("__init__.py", "Python", 1, 0),
        ("core.py", "Python", 19, 5),
        ("pumps.py", "Python", 6, 2),
    ]
    assert pkg["files"][1]["docs_href"] == "core.py_docs.html"
    assert pkg["subfolders"] == []
    assert pkg["languages"] == [("Python", 3)]
    # Most used first: Engine in __init__.py once and in pumps.py three times.
    assert [(k["name"], k["uses"]) for k in pkg["top_keywords"]] == [
        ("Engine", 4),
        ("helper", 1),
        ("run", 1),
    ]
    assert [crumb["label"] for crumb in pkg["crumbs"]] == ["fleet"]

    root = folder_view(site, "")
    assert root["title"] == "fleet"
    assert root["subfolders"] == [{"name": "pkg", "files": 3, "href": "pkg/index.html"}]
    assert [f["name"] for f in root["files"]] == ["README.md"]
    assert root["languages"] == [("Python", 3), ("Markdown", 1)]


def test_a_keywords_entry_lists_its_definitions_and_its_uses_by_file(tmp_path: Path) -> None:
    site = make_tree_site(tmp_path, TREE)
    entry = keyword_entry(site, "keywords-e", "Engine", True)

    (definition,) = entry["definitions"]
    assert (definition["kind"], definition["qualname"], definition["path"], definition["line"]) == (
        SymbolKind.CLASS,
        "pkg.core.Engine",
        "pkg/core.py",
        9,
    )
    assert definition["href"] == "pkg/core.py_docs.html#sym-Engine"
    uses = {group["path"]: group["lines"] for group in entry["groups"]}
    assert list(uses) == ["README.md", "pkg/__init__.py", "pkg/pumps.py"]
    assert [(line["line"], line["textual"]) for line in uses["pkg/pumps.py"]] == [
        (1, False),
        (4, False),
        (6, False),
    ]
    # The README names it in prose: the same name, which definition it means is not known.
    assert [(line["line"], line["textual"]) for line in uses["README.md"]] == [(3, True)]
    assert (entry["uses"], entry["textual_uses"], entry["files"]) == (5, 1, 3)
    assert (entry["hidden_uses"], entry["hidden_definitions"], entry["full_href"]) == (0, 0, None)


def test_definitions_sharing_a_qualified_name_have_anchors_that_name_their_file(
    tmp_path: Path,
) -> None:
    """Two copies of a module (``a/pkg/core.py``, ``b/pkg/core.py``: both ``pkg.core``)
    define ``pkg.core.Engine`` each; a file that defines a name twice defines it twice."""
    core = "class Engine:\n    pass\n\n\nclass Engine:\n    speed = 2\n"
    files: dict[str, str | bytes] = {
        "a/pkg/__init__.py": "",
        "a/pkg/core.py": core,
        "b/pkg/__init__.py": "",
        "b/pkg/core.py": "class Engine:\n    pass\n",
    }
    entry = keyword_entry(make_tree_site(tmp_path / "one", files), "keywords-e", "Engine", True)
    anchors = {(d["path"], d["line"]): d["anchor"] for d in entry["definitions"]}
    assert len(set(anchors.values())) == 3, anchors
    a_first, a_second = anchors[("a/pkg/core.py", 1)], anchors[("a/pkg/core.py", 5)]
    assert a_first.startswith("def-pkg.core.Engine~") and a_second == a_first + "~2"
    # Lines added above the definitions do not move their anchors.
    files["a/pkg/core.py"] = "import os\n\n" + core
    again = keyword_entry(make_tree_site(tmp_path / "two", files), "keywords-e", "Engine", True)
    assert sorted(d["anchor"] for d in again["definitions"]) == sorted(anchors.values())


def eager_anchors(index: Index) -> dict[Definition, str]:
    """The anchors as they were made before they were made per keyword: all at once, in the
    index's order."""
    counts = Counter(d.qualname for found in index.definitions.values() for d in found)
    anchors: dict[Definition, str] = {}
    taken: Counter[str] = Counter()
    for found in index.definitions.values():
        for d in found:
            anchor = definition_anchor(d.qualname)
            if counts[d.qualname] > 1:
                anchor += f"~{zlib.crc32(d.path.encode('utf-8', 'surrogatepass')) & 0xFFFFFF:06x}"
                taken[anchor] += 1
                if taken[anchor] > 1:
                    anchor += f"~{taken[anchor]}"
            anchors[d] = anchor
    return anchors


def test_a_definitions_anchor_is_the_same_whichever_entries_are_made_first(
    tmp_path: Path,
) -> None:
    """Anchors are made per keyword as a build shows its entries (a rebuild shows few):
    an entry shown alone has the anchors it has among all of them."""
    files: dict[str, str | bytes] = {
        **TREE,
        "copy/pkg/__init__.py": "",
        "copy/pkg/core.py": "class Engine:\n    pass\n\n\nclass Engine:\n    pass\n",
    }
    everything = eager_anchors(make_tree_site(tmp_path / "all", files).index)
    alone = make_tree_site(tmp_path / "alone", files)
    entry = keyword_entry(alone, "keywords-e", "Engine", True)
    assert len(entry["definitions"]) == 3
    for shown in entry["definitions"]:
        [definition] = [
            d
            for d in everything
            if (d.path, d.symbol.line, d.qualname)
            == (shown["path"], shown["line"], shown["qualname"])
        ]
        assert shown["anchor"] == everything[definition]
    assert len(set(everything.values())) == len(everything)


def test_the_az_pages_list_every_defined_name(tmp_path: Path) -> None:
    site = make_tree_site(tmp_path, TREE)
    root = keywords_root(site)

    assert [letter["label"] for letter in root["letters"]] == ["E", "H", "L", "P", "R", "S"]
    assert root["total"] == 6  # Engine, helper, LIMIT, Pump, run, speed
    page_e = next(page for page in site.keywords.pages if page.letter == "e")
    letter = letter_page(site, page_e)
    assert letter["title"] == "Keywords: E"
    assert [entry["name"] for entry in letter["entries"]] == ["Engine"]
    assert ("pkg.core.Engine", "def-pkg.core.Engine") in letter["objects"]
    current = [link["label"] for link in letter["letters"] if link["current"]]
    assert current == ["E"]


def test_a_long_entry_is_cut_on_its_letter_page_and_whole_on_its_own(tmp_path: Path) -> None:
    calls = "".join(f"    helper({n})\n" for n in range(USE_LINES_SHOWN + 5))
    files = {**TREE, "pkg/busy.py": f"from pkg.core import helper\n\n\ndef busy():\n{calls}"}
    site = make_tree_site(tmp_path, files)
    page = site.keywords.page_of["helper"]

    cut = keyword_entry(site, page, "helper", True)
    shown = sum(len(group["lines"]) for group in cut["groups"])
    assert shown == USE_LINES_SHOWN
    assert cut["hidden_uses"] == cut["uses"] - USE_LINES_SHOWN > 0
    whole = full_keyword_page(site, "helper")
    assert cut["full_href"] == f"{whole['page']}.html#kw-helper"
    every = whole["entry_view"]
    assert sum(len(group["lines"]) for group in every["groups"]) == every["uses"] == cut["uses"]
    assert every["full_href"] is None and every["hidden_uses"] == 0


OVERLOADED: dict[str, str | bytes] = {
    "calc/__init__.py": "",
    "calc/numbers.py": '''\
        from typing import overload


        @overload
        def parse(value: str) -> int: ...
        @overload
        def parse(value: bytes) -> int: ...
        def parse(value):
            """Read a whole number."""
            return int(value)


        TOTAL = parse("3")
    ''',
    "calc/numbers.pyi": """\
        from typing import overload


        @overload
        def parse(value: str) -> int: ...
        @overload
        def parse(value: bytes) -> int: ...
    """,
}
# A stub's signature in Detailed Analysis, linked to the stub's line.
OVERLOAD_ITEM = (
    "<li><small>overload</small> <a href={href}>"
    "parse({value}) -&gt; int</a> "
    "<small>line {line}</small>\n"
)


def test_an_overloaded_function_is_one_definition_listing_its_signatures(tmp_path: Path) -> None:
    site = make_tree_site(tmp_path, OVERLOADED)
    record = site.index.records["calc/numbers.py"]
    text = (tmp_path / "calc/numbers.py").read_text(encoding="utf-8")
    view = docs_page(site, record, prepare_source(text, record.lexer, site.source_cap))

    (parse,) = view["analysis"]["functions"]
    assert (parse["line"], parse["end_line"], parse["signature"]) == (8, 10, "(value)")
    assert parse["overloads"] == [
        {"signature": "(value: str) -> int", "line": 5, "href": "#L5"},
        {"signature": "(value: bytes) -> int", "line": 7, "href": "#L7"},
    ]
    html = make_environment().get_template("file_docs.html").render(**view)
    for line, value in ((5, "value: str"), (7, "value: bytes")):
        assert OVERLOAD_ITEM.format(href=f"#L{line}", line=line, value=value) in html
    # Each stub's name leads to the definition; the use on line 13 too.
    source = view["source"]
    assert source is not None
    lines = dict(re.findall(r"<li id=(L\d+)>(.*)", source["html"]))
    stub_link = "<a class=nf href=#L8>parse</a>"
    assert stub_link in lines["L5"] and stub_link in lines["L7"]
    assert "<a href=#sym-parse>parse</a>" in lines["L13"]
    assert lines["L8"].startswith("<span id=sym-parse></span>")

    # The stubs alone: the first is the definition, and lists the other signature only.
    stub_file = site.index.records["calc/numbers.pyi"]
    (only_stubs,) = docs_view(site, stub_file)["analysis"]["functions"]
    assert (only_stubs["line"], only_stubs["signature"]) == (5, "(value: str) -> int")
    assert [o["line"] for o in only_stubs["overloads"]] == [7]

    # The keyword's entry: two definitions (one per file), each saying it has two overloads.
    entry = keyword_entry(site, "keywords-p", "parse", limit=True)
    assert [(d["path"], d["line"], d["overloads"]) for d in entry["definitions"]] == [
        ("calc/numbers.py", 8, 2),
        ("calc/numbers.pyi", 5, 2),
    ]
    macros = make_environment().get_template("_kwindex.html").module
    entry_html = str(macros.entry(entry, "textual"))
    assert "<small>calc/numbers.py:8 · 2 overloads</small>" in entry_html


def test_a_function_without_overloads_lists_none(tmp_path: Path) -> None:
    site = make_tree_site(tmp_path, TREE)
    view = docs_view(site, site.index.records["pkg/core.py"])
    assert [f["overloads"] for f in view["analysis"]["functions"]] == [[]]
    html = make_environment().get_template("file_docs.html").render(**view, tree="")
    assert "xref-overloads" not in html and "overload" not in html
    entry = keyword_entry(site, "keywords-h", "helper", limit=True)
    assert [d["overloads"] for d in entry["definitions"]] == [0]


TEXTUAL_RUN = '<i class=xref-textual title="textual match" role=group aria-label="textual match">'


def test_a_line_is_linked_once_and_textual_lines_are_one_italic_run(tmp_path: Path) -> None:
    """A keyword's entry links each line once for its exact uses and once for its textual
    ones, however often it uses the name there; a run of textual lines is one ``<i>``."""
    files: dict[str, str | bytes] = {
        "engine.py": "class Engine:\n    def start(self):\n        return 1\n",
        "run.py": (
            "from engine import Engine\n\n\n"
            "def go(job, other):\n"
            "    job.start(); other.start()\n"
            "    job.start()\n"
            "    Engine().start(); Engine().start()\n"
            "    job.start()\n"
        ),
    }
    site = make_tree_site(tmp_path, files)
    entry = keyword_entry(site, "keywords-s", "start", limit=True)
    (group,) = [group for group in entry["groups"] if group["path"] == "run.py"]
    listed = [(line["line"], line["textual"]) for line in group["lines"]]
    assert listed == [(5, True), (6, True), (7, False), (8, True)]  # the Markdown export's too
    macros = make_environment().get_template("_kwindex.html").module
    entry_html = str(macros.entry(entry, "textual match"))
    uses = entry_html.split('<ul class="xref-uses">', 1)[1].split("</ul>", 1)[0]
    row = next(item for item in uses.split("<li>") if "run.py_docs.html>" in item)
    # Numbers the page's script links to their lines; written as links where lines have no
    # anchors of their own (a template's ``use_links``).
    assert row.split(":", 1)[1].rstrip() == f" {TEXTUAL_RUN}5 6</i> 7 {TEXTUAL_RUN}8</i>"
    assert [link for link in hrefs(entry_html) if link.startswith("run.py_docs.html#")] == [
        f"run.py_docs.html#L{line}" for line in (5, 6, 7, 8)
    ]
    written = str(use_links(group["lines"], "textual match"))
    assert re.sub(r"<a href=run\.py_docs\.html#L(\d+)>\d+</a>", r"L\1", written) == (
        f" {TEXTUAL_RUN}L5 L6</i> L7 {TEXTUAL_RUN}L8</i>"
    )
