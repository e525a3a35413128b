"""The index as JSON (``_xref/index.json`` and its parts): what a script reading it finds
for a small tree, built through the real scan and site."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from helpers import write_tree

from xrefdoc.core.settings import make_settings
from xrefdoc.pipeline.scan import scan
from xrefdoc.site import keyword_layout
from xrefdoc.site.index_json import index_part, index_parts, part_file
from xrefdoc.site.keyword_layout import keyword_sort_key
from xrefdoc.site.names import PageNames
from xrefdoc.site.views import SiteContext, make_site

TREE: dict[str, str | bytes] = {
    "pkg/__init__.py": "",
    "pkg/engine.py": "EXTRA = 1\n\n\nclass Engine:\n    def start(self) -> None:\n        pass\n",
    "app.py": "from pkg.engine import Engine\n\nEngine().start()\n",
    "web/boot.js": "window.engine.start();\n",
}


def _site(root: Path, prefix: str = "") -> SiteContext:
    write_tree(root, TREE)
    result = scan(make_settings(root), use_cache=False)
    return make_site(result.index, PageNames(prefix), 1000, "demo")


def _as_read(data: dict[str, Any]) -> Any:
    """The data as a reader of the written file gets it."""
    return json.loads(json.dumps(data))


def test_each_keyword_has_its_definitions_and_uses(tmp_path: Path) -> None:
    site = _site(tmp_path)
    parts = {page.page: _as_read(index_part(site.index, page)) for page in site.keywords.pages}
    paths = parts["keywords-e"]["paths"]
    assert paths == ["app.py", "pkg/engine.py"]
    assert parts["keywords-e"] == {
        "version": 4,
        "paths": paths,
        "keywords": {
            "Engine": {
                "definitions": [[1, 4, 6, "class", "pkg.engine.Engine"]],
                # The uses of one file that mean one definition are one row, which gives
                # the definition by its position.
                "uses": [[0, [1, 3], 0]],
            },
            "EXTRA": {"definitions": [[1, 1, 1, "constant", "pkg.engine.EXTRA"]], "uses": []},
        },
    }
    # A use whose definition is not known for certain is a textual match, without one.
    start = parts["keywords-s"]
    assert [
        (start["paths"][path], lines, meant)
        for path, lines, meant in start["keywords"]["start"]["uses"]
    ] == [("app.py", [3], 0), ("web/boot.js", [1], None)]
    assert start["keywords"]["start"]["definitions"][0][4] == "pkg.engine.Engine.start"
    assert str(tmp_path) not in json.dumps(parts), "no absolute path"


def test_a_use_row_names_the_copy_it_means(tmp_path: Path) -> None:
    """Two files define ``pkg.engine.Engine`` (two copies of a package); each copy's use
    means its own, which the row tells apart by position where a qualified name could not."""
    files: dict[str, str | bytes] = {}
    for copy in ("one", "two"):
        files[f"{copy}/pkg/__init__.py"] = ""
        files[f"{copy}/pkg/engine.py"] = "class Engine:\n    pass\n"
        files[f"{copy}/pkg/app.py"] = "from .engine import Engine\n\nEngine()\n"
    write_tree(tmp_path, files)
    site = make_site(scan(make_settings(tmp_path), use_cache=False).index, PageNames(), 1000, "x")
    (page,) = [page for page in site.keywords.pages if "Engine" in page.keywords]
    part = _as_read(index_part(site.index, page))
    engine = part["keywords"]["Engine"]
    where = [part["paths"][row[0]] for row in engine["definitions"]]
    assert where == ["one/pkg/engine.py", "two/pkg/engine.py"]
    meant = {part["paths"][path]: where[n] for path, _, n in engine["uses"]}
    assert meant == {"one/pkg/app.py": "one/pkg/engine.py", "two/pkg/app.py": "two/pkg/engine.py"}


def test_the_list_of_parts_leads_a_reader_to_the_one_part_it_needs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(keyword_layout, "PAGE_ENTRY_LIMIT", 1)  # "e" takes two pages
    site = _site(tmp_path, prefix="reference/")
    listing = _as_read(index_parts(site.keywords))
    assert listing == {
        "version": 4,
        "parts": [
            {"file": "index/keywords-e.json", "first": "Engine", "last": "Engine", "keywords": 1},
            {"file": "index/keywords-e-2.json", "first": "EXTRA", "last": "EXTRA", "keywords": 1},
            {"file": "index/keywords-s.json", "first": "start", "last": "start", "keywords": 1},
        ],
    }
    files = {part_file(page.page): page for page in site.keywords.pages}
    for name in ("Engine", "EXTRA", "start"):
        (found,) = [
            part
            for part in listing["parts"]
            if keyword_sort_key(part["first"]) <= keyword_sort_key(name)
            and keyword_sort_key(name) <= keyword_sort_key(part["last"])
        ]
        part = _as_read(index_part(site.index, files[found["file"]]))
        assert list(part["keywords"]) == [name]
