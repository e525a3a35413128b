"""The keyword box's data: a list of the A-Z pages, and per page a part with each keyword's
counts; scripts whose data is exactly the index's, whatever the names hold."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from helpers import index_tree

from xrefdoc.site.data_scripts import script_value
from xrefdoc.site.keyword_box import CARD_CANDIDATES, index_script, page_script, part_script
from xrefdoc.site.keyword_layout import keyword_layout
from xrefdoc.site.names import PageNames, keyword_anchor
from xrefdoc.xref.index import Index


def _data(script: str, function: str) -> object:
    assert script.startswith(f"{function}("), script
    return script_value(script)


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
    href, rows = _data(page_script(index, page, PageNames()), "xrefdocKeywordPart")
    assert href == "keywords-p.html"
    assert ["Pump", 1, 3, 2, "class pkg/core.py:1"] in rows
    assert [row[0] for row in rows] == list(page.keywords)


def test_names_that_could_end_a_script_are_data(tmp_path: Path) -> None:
    index = index_tree(tmp_path, {"odd.md": "# </script><b>é</b>\n"})
    layout = keyword_layout(index, PageNames())
    for page in layout.pages:
        script = page_script(index, page, PageNames())
        assert "</script>" not in script
        _, rows = _data(script, "xrefdocKeywordPart")
        assert [row[0] for row in rows] == list(page.keywords)


def test_the_scripts_anchor_rule_is_keyword_anchor() -> None:
    """xrefdoc.js makes an entry's anchor the way pages.keyword_anchor does."""
    script = (Path(__file__).resolve().parents[2] / "src/xrefdoc/static/xrefdoc.js").read_text()
    assert "name.replace(/[^A-Za-z0-9_.]/gu" in script
    assert '"-" + c.codePointAt(0).toString(16) + "-"' in script
    assert keyword_anchor("a-b.c_d é𝔘") == "kw-a-2d-b.c_d-20--e9--1d518-"


RUNNERS: dict[str, str | bytes] = {
    "plant/__init__.py": "",
    "plant/motor.py": "class Motor:\n    def run(self):\n        return 1\n",
    "plant/pump.py": "class Pump:\n    def run(self):\n        return 2\n\n\nLIMIT = 3\n",
    "plant/use.py": "def go(device):\n    return device.run()\n",
    "site/config.py": "limit = 4\n",
}


def _rows(index: Index, page_name: str, names: PageNames) -> dict[str, Any]:
    """A part's rows by keyword."""
    layout = keyword_layout(index, names)
    page = next(p for p in layout.pages if p.page == names.prefix + page_name)
    data = _data(page_script(index, page, names), "xrefdocKeywordPart")
    assert isinstance(data, list)
    return {row[0]: row for row in data[1]}


def test_a_keyword_whose_textual_matches_may_mean_several_definitions_lists_them(
    tmp_path: Path,
) -> None:
    index = index_tree(tmp_path, RUNNERS)
    rows = _rows(index, "keywords-r", PageNames())
    assert rows["run"] == [
        "run",
        2,
        1,
        1,
        "method plant/motor.py:2",
        # How many, then each: qualified name, kind, file, line, address from the root.
        2,
        [
            ["plant.motor.Motor.run", "method", "plant/motor.py", 2, "plant/motor.py_docs.html#L2"],
            ["plant.pump.Pump.run", "method", "plant/pump.py", 2, "plant/pump.py_docs.html#L2"],
        ],
    ]
    # One candidate: a textual match links straight to it, and its row lists none.
    assert len(_rows(index, "keywords-m", PageNames())["Motor"]) == 5
    # ``limit`` and ``LIMIT`` are other keywords; a module variable is no candidate at all.
    assert len(_rows(index, "keywords-l", PageNames())["limit"]) == 5
    # In a site placed in a subfolder, addresses lead there from the site's root.
    prefixed = _rows(index, "keywords-r", PageNames(prefix="api/"))["run"]
    assert prefixed[6][0][4] == "api/plant/motor.py_docs.html#L2"


def test_a_card_lists_the_first_candidates_and_counts_them_all(tmp_path: Path) -> None:
    files = {
        f"m{n:02}.py": f"class C{n:02}:\n    def run(self):\n        pass\n" for n in range(25)
    }
    index = index_tree(tmp_path, {**files, "use.py": "def go(x):\n    return x.run()\n"})
    run = _rows(index, "keywords-r", PageNames())["run"]
    assert run[5] == 25
    assert [c[0] for c in run[6]] == [f"m{n:02}.C{n:02}.run" for n in range(CARD_CANDIDATES)]
