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
    assert parts["keywords-e"] == {
        "version": 3,
        "keywords": {
            "Engine": {
                "definitions": [
                    {
                        "path": "pkg/engine.py",
                        "line": 4,
                        "end_line": 6,
                        "kind": "class",
                        "qualname": "pkg.engine.Engine",
                    }
                ],
                # The uses of one file that mean one definition are one entry.
                "uses": [
                    {
                        "path": "app.py",
                        "lines": [1, 3],
                        "exact": True,
                        "qualname": "pkg.engine.Engine",
                    },
                ],
            },
            "EXTRA": {
                "definitions": [
                    {
                        "path": "pkg/engine.py",
                        "line": 1,
                        "end_line": 1,
                        "kind": "constant",
                        "qualname": "pkg.engine.EXTRA",
                    }
                ],
                "uses": [],
            },
        },
    }
    # A use whose definition is not known for certain is a textual match, without one.
    assert parts["keywords-s"]["keywords"]["start"]["uses"] == [
        {"path": "app.py", "lines": [3], "exact": True, "qualname": "pkg.engine.Engine.start"},
        {"path": "web/boot.js", "lines": [1], "exact": False},
    ]
    assert str(tmp_path) not in json.dumps(parts), "no absolute path"


def test_the_list_of_parts_leads_a_reader_to_the_one_part_it_needs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(keyword_layout, "PAGE_ENTRY_LIMIT", 1)  # "e" takes two pages
    site = _site(tmp_path, prefix="reference/")
    listing = _as_read(index_parts(site.keywords))
    assert listing == {
        "version": 3,
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
