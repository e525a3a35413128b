"""The keyword box's data: a list of the A-Z pages, and per page a part with each keyword's
counts; scripts whose data is exactly the index's, whatever the names hold."""

from __future__ import annotations

import json
import re
from pathlib import Path

from helpers import index_tree

from xrefdoc.site.keyword_box import index_script, page_script, part_script
from xrefdoc.site.keyword_layout import keyword_layout
from xrefdoc.site.names import PageNames, keyword_anchor


def _data(script: str, function: str) -> object:
    match = re.fullmatch(rf"{function}\((.*)\);\n", script, re.S)
    assert match, script
    return json.loads(match.group(1))


def test_the_list_and_a_part_hold_the_pages_and_counts(tmp_path: Path) -> None:
    index = index_tree(
        tmp_path,
        {
            "pkg/core.py": "class Pump:\n    pass\n\n\ndef prime():\n    return Pump()\n",
            "pkg/use.py": "from pkg.core import Pump\n\nP = Pump()\n",
        },
    )
    layout = keyword_layout(index, PageNames())
    pages = _data(index_script(layout), "xrefdocKeywordIndex")
    assert ["keywords-p.html", "P", "Pump"] in pages
    page = next(p for p in layout.pages if p.page == "keywords-p")
    assert part_script(page) == "kw/keywords-p.js"
    href, rows = _data(page_script(index, page), "xrefdocKeywordPart")
    assert href == "keywords-p.html"
    assert ["Pump", 1, 3, 2, "class pkg/core.py:1"] in rows
    assert [row[0] for row in rows] == list(page.keywords)


def test_names_that_could_end_a_script_are_data(tmp_path: Path) -> None:
    index = index_tree(tmp_path, {"odd.md": "# </script><b>é</b>\n"})
    layout = keyword_layout(index, PageNames())
    for page in layout.pages:
        script = page_script(index, page)
        assert "</script>" not in script
        _, rows = _data(script, "xrefdocKeywordPart")
        assert [row[0] for row in rows] == list(page.keywords)


def test_the_scripts_anchor_rule_is_keyword_anchor() -> None:
    """xrefdoc.js makes an entry's anchor the way pages.keyword_anchor does."""
    script = (Path(__file__).resolve().parents[2] / "src/xrefdoc/static/xrefdoc.js").read_text()
    assert "name.replace(/[^A-Za-z0-9_.]/gu" in script
    assert '"-" + c.codePointAt(0).toString(16) + "-"' in script
    assert keyword_anchor("a-b.c_d é𝔘") == "kw-a-2d-b.c_d-20--e9--1d518-"
