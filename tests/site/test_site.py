"""Whole-site builds with the real pipeline and Sphinx, asserting on what a reader sees."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest
from helpers import write_tree
from sites import (
    h2_titles,
    hrefs,
    landing,
    main_body,
    make_git_repository,
    name_links,
    page_text,
    source_line,
)

from xrefdoc.commands.check import broken_links
from xrefdoc.commands.cli import main

CORE = '''"""The engine: runs jobs."""

import os
import yaml

MAX_SIZE = 10


class Engine:
    """Runs jobs one by one."""

    def run(self, job: str) -> int:
        """Run one job."""
        return len(job) + MAX_SIZE

    @staticmethod
    def stop() -> None:
        pass


def helper(path: str) -> str:
    return os.path.basename(path)
'''

FILES: dict[str, str | bytes] = {
    "README.md": (
        "# Sample project\n\nThe `Engine.run` method is the entry. If You read the API docs,\n"
        "you WILL see snake_case_name and camelCase words.\n\nSee [the core](pkg/core.py)"
        " and [Usage & setup](#usage--setup) ([note](#f1)).\n\n## Usage & setup\n\nRun it.\n"
    ),
    "index.md": "# A real index.md\n\nNot the folder page.\n",
    # Methods of a class declared elsewhere and a function in a namespace: no class here.
    "native/engine.cpp": (
        '#include "engine.h"\nint Engine::stop() { return 1; }\nnamespace ns { void tick() {} }\n'
    ),
    "doc.md": "# A real doc.md\n",
    "notes_kw.md": "# Notes\n",
    "pkg/__init__.py": '"""The package."""\n\nfrom .core import Engine\n',
    "pkg/core.py": CORE,
    "pkg/util.py": (
        "from .core import Engine, helper\n\n\ndef make_engine() -> Engine:\n    return Engine()\n"
    ),
    "tests/test_core.py": (
        "from pkg.core import Engine\n\n\ndef test_run():\n    assert Engine().run('ab') == 12\n"
    ),
    "docs/guide.md": "# Guide\n\n## Install\n\nRun `make_engine`.\n\n## Use\n\nText.\n",
    "docs/hostile.md": (
        "# Hostile\n\n<script>alert('x')</script>\n\n```{raw} html\n<b>raw</b>\n```\n"
    ),
    "data.bin": b"\x00\x01\x02binary\x00",
    "broken.py": "def ok():\n    pass\n\ndef broken(:\n    pass\n",
    ".gitignore": "ignored.txt\n",
    "ignored.txt": "not documented\n",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture tree as a git repository, built twice into ``_build/html`` inside it."""
    tree = write_tree(tmp_path_factory.mktemp("tree"), FILES)
    make_git_repository(tree)
    output = tree / "_build" / "html"
    for _ in range(2):
        assert main(["build", str(tree), "-o", str(output), "-q"]) == 0
    return output


def test_root_index_is_the_root_folder_page(site: Path) -> None:
    body = main_body(page_text(site / "index.html"))
    assert "pkg/" in body
    assert "README.md_docs.html" in body


def test_every_file_has_both_pages_and_nothing_generated_is_documented(site: Path) -> None:
    for relative, _ in FILES.items():
        if relative == "ignored.txt":
            continue
        assert (site / f"{relative}_docs.html").is_file(), relative
        assert (site / f"{relative}_kw.html").is_file(), relative
    assert not (site / "ignored.txt_docs.html").exists()
    pages = [p.relative_to(site).as_posix() for p in site.rglob("*.html")]
    assert not [p for p in pages if p.startswith("_build")], "the build output was documented"
    documented = {p.removesuffix("_docs.html") for p in pages if p.endswith("_docs.html")}
    assert documented == set(FILES) - {"ignored.txt"}, "exactly the tree's files, no generated page"


def test_real_index_and_doc_files_get_their_own_pages(site: Path) -> None:
    assert "A real index.md" in page_text(site / "index.md_docs.html")
    assert "A real doc.md" in page_text(site / "doc.md_docs.html")
    assert "Notes" in page_text(site / "notes_kw.md_docs.html")
    assert "A real index.md" not in main_body(page_text(site / "index.html"))


def test_docs_sections_follow_the_seed_order(site: Path) -> None:
    order = [
        "File Metadata",
        "File Purpose",
        "Original Source",
        "High-Level Overview",
        "Detailed Analysis",
        "Architecture & Design",
        "Dependencies",
        "Code Patterns & Idioms",
        "Performance Considerations",
        "Security & Safety",
        "Testing & Usage",
        "Related Files",
        "Cross-References",
    ]
    titles = h2_titles(main_body(page_text(site / "pkg/core.py_docs.html")))
    assert titles == sorted(titles, key=order.index)
    for expected in (
        "File Metadata",
        "Original Source",
        "High-Level Overview",
        "Detailed Analysis",
        "Architecture & Design",
        "Dependencies",
        "Testing & Usage",
        "Related Files",
        "Cross-References",
    ):
        assert expected in titles


def test_empty_sections_are_left_out(site: Path) -> None:
    titles = h2_titles(main_body(page_text(site / "notes_kw.md_docs.html")))
    assert "Dependencies" not in titles
    assert "Testing & Usage" not in titles
    assert "Detailed Analysis" not in titles


def test_every_source_line_has_an_anchor(site: Path) -> None:
    html = page_text(site / "pkg/core.py_docs.html")
    lines = CORE.count("\n")
    for number in range(1, lines + 1):
        assert f"<li id=L{number}>" in html
    assert f"<li id=L{lines + 1}>" not in html
    assert source_line(html, 9) == "class Engine:"


def test_keyword_links_land_on_the_defining_line(site: Path) -> None:
    kw = page_text(site / "pkg/core.py_kw.html")
    docs = page_text(site / "pkg/core.py_docs.html")
    expected = {
        "Engine": "class Engine:",
        "run": "def run(self, job: str) -> int:",
        "helper": "def helper(path: str) -> str:",
        "MAX_SIZE": "MAX_SIZE = 10",
        "stop": "def stop() -> None:",
    }
    for name, line_text in expected.items():
        match = re.search(rf"<a href=core\.py_docs\.html#L(\d+)>{name}</a>", kw)
        assert match, name
        assert source_line(docs, int(match.group(1))).strip() == line_text


def test_keyword_links_never_point_at_the_top_of_a_page(site: Path) -> None:
    for kw_page in site.rglob("*_kw.html"):
        body = main_body(page_text(kw_page))
        if 'id="keywords-extracted"' not in body:
            continue
        section = body.split('id="keywords-extracted"', 1)[1].split('id="keyword-section-map"')[0]
        for link in hrefs(section):
            if "_docs.html" in link:
                assert "#L" in link, (kw_page, link)


def test_names_in_source_link_to_their_definition(site: Path) -> None:
    util = site / "pkg/util.py_docs.html"
    assert ("core.py_docs.html#sym-Engine", "Engine", False) in name_links(page_text(util))
    assert landing(util, "core.py_docs.html#sym-Engine") == ("core.py", 9)


def test_breadcrumbs_lead_back_to_every_ancestor(site: Path) -> None:
    body = main_body(page_text(site / "pkg/core.py_docs.html"))
    crumbs = re.search(r'<nav class="xref-crumbs".*?</nav>', body, re.S)
    assert crumbs
    assert hrefs(crumbs.group(0)) == ["../index.html", "index.html"]
    folder = main_body(page_text(site / "docs/index.html"))
    assert "../index.html" in hrefs(folder)


def test_folder_pages_list_files_with_type_size_and_keywords(site: Path) -> None:
    body = main_body(page_text(site / "pkg/index.html"))
    assert "core.py_docs.html" in body and "core.py_kw.html" in body
    assert "Python" in body and "bytes" in body
    doc = main_body(page_text(site / "doc.html"))
    assert "Sample project" in doc, "the README is rendered on the folder doc page"
    assert "pkg/core.py_docs.html" in hrefs(doc), "README links to tree files go to their pages"
    # The README's own section links (GitHub's heading ids) land on its headings.
    assert "#readme-usage--setup" in hrefs(doc) and 'id="readme-usage--setup"' in doc
    assert "#readme-f1" not in hrefs(doc), "a link to an anchor the README lacks is dropped"


def test_every_symbol_of_a_kw_page_is_in_the_detailed_analysis(site: Path) -> None:
    body = main_body(page_text(site / "native/engine.cpp_docs.html"))
    analysis = unescape(re.sub(r"<[^>]+>", "", body.split('id="detailed-analysis"')[1]))
    assert "Methods of classes defined elsewhere" in analysis and "Engine.stop" in analysis
    assert "Functions" in analysis and "ns.tick" in analysis
    kw = page_text(site / "native/engine.cpp_kw.html")
    assert "engine.cpp_docs.html#detailed-analysis" in hrefs(kw)


def test_dependencies_split_and_linked(site: Path) -> None:
    body = main_body(page_text(site / "pkg/util.py_docs.html"))
    deps = body.split('id="dependencies"')[1].split("</section>")[0]
    assert "In this tree" in deps and "core.py_docs.html" in deps
    core = main_body(page_text(site / "pkg/core.py_docs.html"))
    deps = core.split('id="dependencies"')[1].split("</section>")[0]
    assert "Standard library" in deps and "Third-party" in deps
    arch = core.split('id="architecture-design"')[1].split("</section>")[0]
    assert "util.py_docs.html" in arch and "__init__.py_docs.html" in arch


def test_test_file_gets_its_exact_command_and_others_none(site: Path) -> None:
    body = main_body(page_text(site / "tests/test_core.py_docs.html"))
    testing = body.split('id="testing-usage"')[1].split("</section>")[0]
    assert (
        "Run its test from the root of the tree with "
        "<code>python -m pytest tests/test_core.py</code>"
    ) in testing
    core = main_body(page_text(site / "pkg/core.py_docs.html"))
    assert "test_core.py_docs.html" in core.split('id="testing-usage"')[1]
    for page in site.rglob("*.md_docs.html"):
        assert "pytest" not in main_body(page_text(page)), page


def test_prose_keywords_are_identifiers_not_capitalised_words(site: Path) -> None:
    body = main_body(page_text(site / "README.md_kw.html"))
    keywords = set(re.findall(r"<code>([^<]+)</code>", body))
    assert {"Engine.run", "snake_case_name", "camelCase"} <= keywords
    assert not {"The", "If", "You", "API", "WILL", "Sample"} & keywords


def test_no_old_generator_defects(site: Path) -> None:
    boilerplate = (
        "Classs",
        "No obvious security concerns",
        "Dependency analysis not applicable",
        "No specific patterns",
        "Run it with: python docs",
        "may be located in",
    )
    for page in site.rglob("*.html"):
        text = page_text(page)
        for phrase in boilerplate:
            assert phrase not in text, (page, phrase)
    assert broken_links(site) == []


def test_binary_and_broken_files_get_pages_that_say_so(site: Path) -> None:
    binary = main_body(page_text(site / "data.bin_docs.html"))
    assert "Binary" in binary and "Original Source" not in binary
    broken = main_body(page_text(site / "broken.py_docs.html"))
    assert "Python syntax error" in broken and 'href="#L4"' in broken
    assert "Original Source" in broken


def test_documented_markup_is_shown_as_text(site: Path) -> None:
    for page in site.rglob("*.html"):
        assert "<script>alert" not in page_text(page), page
    hostile = main_body(page_text(site / "docs/hostile.md_docs.html"))
    assert "&lt;script&gt;" in hostile and "<b>raw</b>" not in hostile


def test_missing_source_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["build", str(tmp_path / "nope"), "-o", str(tmp_path / "out")]) == 2
    error = capsys.readouterr().err.strip()
    assert error.count("\n") == 0 and "does not exist" in error
    assert not (tmp_path / "out").exists()


def test_warnings_fail_the_build_when_asked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tree = write_tree(tmp_path / "tree", {"ok.py": "x = 1\n", "bad.py": "def f(:\n    pass\n"})
    assert main(["build", str(tree), "-o", str(tmp_path / "out"), "-q"]) == 0
    assert main(["build", str(tree), "-o", str(tmp_path / "out2"), "-q", "-W"]) == 1
    assert "bad.py:1" in capsys.readouterr().err


def test_large_source_is_cut_at_the_cap_with_a_note(tmp_path: Path) -> None:
    text = "".join(f"value_{number} = {number}\n" for number in range(1, 401))
    tree = write_tree(tmp_path / "tree", {"big.py": text})
    assert (
        main(["build", str(tree), "-o", str(tmp_path / "out"), "-q", "--source-cap", "1000"]) == 0
    )
    body = main_body(page_text(tmp_path / "out" / "big.py_docs.html"))
    assert "Source cut after line" in body and "of 400" in body
    source = body[body.index('<div class="highlight xref-source">') : body.index("</ol></div>")]
    assert "<li id=L1>" in source
    assert "<li id=L400>" not in source, "lines past the cap are not shown"
    assert "value_400" not in source
    # Its anchor, and its symbol's, land on the note that says the source was cut.
    note = re.search(r'<p class="xref-note" id="source-cut">.*?</p>', body, re.S)
    assert note and '<span id="L400"></span>' in note.group(0)
    assert '<span id="sym-value_400"></span>' in note.group(0)
    kw = main_body(page_text(tmp_path / "out" / "big.py_kw.html"))
    assert "value_400" in kw, "keywords still cover the whole file"
    assert broken_links(tmp_path / "out") == [], "links to lines past the cut land on the note"
