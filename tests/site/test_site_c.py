"""A C tree's site: macros, fields, enumerators and prototypes on the pages, uses that lead
to them, and an include guard kept out of the index."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest
from helpers import write_tree
from sites import landing, main_body, name_links, page_text, source_line_html

from xrefdoc.commands.check import broken_links
from xrefdoc.commands.cli import main

TREE: dict[str, str | bytes] = {
    "src/lstate.h": """\
        #ifndef lstate_h
        #define lstate_h

        #define LUA_NUMBER_FMT "%.14g"

        typedef struct CallInfo {
          int func;
        } CallInfo;

        struct lua_State {
          int top;
          CallInfo *ci;
        };
        typedef struct lua_State lua_State;

        enum RESERVED { TK_AND = 257, TK_GOTO };

        int lua_gettop (lua_State *L);

        #endif
        """,
    "src/lapi.c": """\
        #include "lstate.h"

        int lua_gettop (lua_State *L) {
          printf(LUA_NUMBER_FMT, L->ci->func);
          if (L->top == TK_GOTO) return 0;
          return L->top + other->top;
        }
        """,
    "src/lmain.c": """\
        #include "lstate.h"

        int top (void) { return 0; }

        int main (void) {
          return lua_gettop(0);
        }
        """,
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tree = write_tree(tmp_path_factory.mktemp("c-tree"), TREE)
    output = tmp_path_factory.mktemp("c-site") / "html"
    assert main(["build", str(tree), "-o", str(output), "-q", "-W"]) == 0
    return output


def links_on_line(html: str, number: int) -> list[tuple[str, str, bool]]:
    """(name, href, textual?) of the name links on source line ``number`` of a _docs page."""
    return [
        (name, href, textual) for href, name, textual in name_links(source_line_html(html, number))
    ]


def landings(page: Path, number: int) -> list[tuple[str, str, int, bool]]:
    """(name, file, line, textual?) of the name links on source line ``number`` of the
    _docs page ``page``: the file and line each lands on."""
    return [
        (name, *landing(page, href), textual)
        for name, href, textual in links_on_line(page_text(page), number)
    ]


def test_a_macro_used_in_another_file_links_to_its_define(site: Path) -> None:
    links = landings(site / "src/lapi.c_docs.html", 4)
    assert ("LUA_NUMBER_FMT", "lstate.h", 4, False) in links


def test_a_field_through_a_typed_pointer_links_exactly(site: Path) -> None:
    page = site / "src/lapi.c_docs.html"
    assert ("func", "lstate.h", 7, False) in landings(page, 4), "L->ci->func"
    assert ("top", "lstate.h", 11, False) in landings(page, 5)
    assert ("TK_GOTO", "lstate.h", 16, False) in landings(page, 5)


def test_a_field_of_unknown_type_is_a_textual_match_of_fields_only(site: Path) -> None:
    links = landings(site / "src/lapi.c_docs.html", 6)
    # ``other->top``: not the function ``top`` of lmain.c, the one field named top.
    assert links.count(("top", "lstate.h", 11, True)) == 1
    assert ("top", "lstate.h", 11, False) in links, "L->top on the same line"


def test_a_call_leads_to_the_body_and_the_index_lists_both_places(site: Path) -> None:
    links = landings(site / "src/lmain.c_docs.html", 6)
    assert ("lua_gettop", "lapi.c", 3, True) in links
    letter = unescape(re.sub(r"<[^>]+>", " ", main_body(page_text(site / "keywords-l.html"))))
    entry = " ".join(letter.split()).split("lua_gettop", 1)[1][:200]
    assert "function src/lapi.c:lua_gettop src/lapi.c:3" in entry
    assert "prototype src/lstate.h:lua_gettop src/lstate.h:18" in entry


def test_the_new_kinds_are_grouped_on_the_keyword_page(site: Path) -> None:
    body = unescape(re.sub(r"<[^>]+>", " ", main_body(page_text(site / "src/lstate.h_kw.html"))))
    headings = re.findall(r"\b(Macros|Fields|Enumerators|Prototypes|Types|Classes)\b", body)
    assert {"Macros", "Fields", "Enumerators", "Prototypes", "Types", "Classes"} <= set(headings)


def test_an_include_guard_stays_out_of_the_index(site: Path) -> None:
    every_index_page = "".join(page_text(page) for page in site.glob("keywords*.html"))
    assert "LUA_NUMBER_FMT" in every_index_page
    assert "lstate_h" not in every_index_page
    keywords = page_text(site / "src/lstate.h_kw.html")
    macros = keywords.split('id="kw-group-macro"', 1)[1].split("</section>", 1)[0]
    assert "LUA_NUMBER_FMT" in macros
    assert "lstate_h" not in macros


def test_every_link_of_the_c_site_resolves(site: Path) -> None:
    assert broken_links(site) == []
