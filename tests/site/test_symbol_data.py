"""The symbol data of a small shop: each definition's head (``_xref/sym``) and its references
with their lines of code, grouped by area and file (``_xref/refs``), on the real scan of a
tree; then a real build writes the scripts, keeps ``xrefdoc check`` at zero, rewrites none
of them when nothing changed, and the plan names the files whose data a change touches."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from helpers import PLUGIN_FILES, write_tree

from xrefdoc.commands.check import broken_links
from xrefdoc.commands.cli import main
from xrefdoc.core.settings import make_settings
from xrefdoc.pipeline.scan import scan
from xrefdoc.site import symbol_data
from xrefdoc.site.data_scripts import script_value
from xrefdoc.site.names import PageNames
from xrefdoc.site.plan import SiteFacts, plan_build
from xrefdoc.site.symbol_data import SymbolData, first_paragraph, shown_line
from xrefdoc.site.views import make_site

MODELS = '''"""What a shop sells and holds."""


class Cart:
    """Holds the items a customer
    picked.

    Items are kept in the order they were added.
    """

    def __init__(self) -> None:
        self.items: list[int] = []

    def add(self, item: int) -> int:
        """Put an item in the cart; how many it holds then."""
        self.items.append(item)
        return len(self.items)


class Basket:
    def add(self, item: int) -> None:
        pass
'''
CHECKOUT = """from shop.models import Cart


def pay(cart: Cart) -> int:
    return cart.add(1)


def refund(thing):
    return thing.add(2)
"""
TEST = """from shop.models import Cart


def test_add():
    assert Cart().add(3) == 1
"""
TREE: dict[str, str | bytes] = {
    "shop/__init__.py": "",
    "shop/models.py": MODELS,
    "shop/checkout.py": CHECKOUT,
    "tests/test_models.py": TEST,
    "docs/guide.md": "# Guide\n\nA `Cart` holds items: `Cart().add(item)`.\n",
}


def _data(text: str, function: str) -> Any:
    assert text.startswith(function + '("') and text.endswith('");\n')
    return script_value(text)


def _scripts(root: Path) -> dict[str, Any]:
    result = scan(make_settings(root), use_cache=False)
    site = make_site(result.index, PageNames(), 1000, "shop")
    data = SymbolData.for_tree(site, root)
    return {
        name: _data(text, _FUNCTIONS[name.split("/")[0]])
        for name, text in data.scripts(data.files())
    }


_FUNCTIONS = {"sym": "xrefdocSymbols", "refs": "xrefdocRefs", "text": "xrefdocText"}


def _references(refs: Any, anchor: str) -> list[tuple[str, str, int, str, str, str]]:
    """(area, path, line, exact or textual, the marked name, in what) of each reference."""
    areas = ("source", "tests", "docs", "other")
    found = []
    for file, line, textual, text, column, length, where in refs["d"][anchor]:
        path, area = refs["p"][file][:2]
        marked = text[column : column + length] if column >= 0 else ""
        around = refs["e"][where][1] if where >= 0 else ""
        kind = "textual" if textual else "exact"
        found.append((areas[area], path, line, kind, f"{marked} in {text}", around))
    return found


TEST_ADD = "test_add"


def test_a_definition_lists_its_uses_by_area_then_file_exact_first(tmp_path: Path) -> None:
    scripts = _scripts(write_tree(tmp_path / "tree", TREE))
    refs = scripts["refs/shop/models.py.js"]
    assert _references(refs, "sym-Cart.add") == [
        ("source", "shop/checkout.py", 5, "exact", "add in return cart.add(1)", "pay"),
        # ``thing`` has no type: it may be a Cart or a Basket.
        ("source", "shop/checkout.py", 9, "textual", "add in return thing.add(2)", "refund"),
        ("tests", "tests/test_models.py", 5, "exact", "add in assert Cart().add(3) == 1", TEST_ADD),
        (
            "docs",
            "docs/guide.md",
            3,
            "textual",
            "add in A `Cart` holds items: `Cart().add(item)`.",
            "",
        ),
    ]
    cart = _references(refs, "sym-Cart")
    assert [(area, path) for area, path, *_ in cart] == [
        ("source", "shop/checkout.py"),
        ("source", "shop/checkout.py"),
        ("tests", "tests/test_models.py"),
        ("tests", "tests/test_models.py"),
        ("docs", "docs/guide.md"),
    ]
    # The other ``add`` is only a candidate of the textual matches.
    assert {kind for _, _, _, kind, _, _ in _references(refs, "sym-Basket.add")} == {"textual"}


def test_a_definitions_head_has_its_signature_doc_and_counts(tmp_path: Path) -> None:
    scripts = _scripts(write_tree(tmp_path / "tree", TREE))
    symbols = scripts["sym/shop/models.py.js"]
    assert symbols["path"] == "shop/models.py" and symbols["s"] == "references.html"
    qualname, kind, line, end, signature, doc, exact, textual, files, name = symbols["d"][
        "sym-Cart.add"
    ]
    assert (qualname, kind, line, end, name) == ("shop.models.Cart.add", "method", 14, 17, "add")
    assert signature == "add(self, item: int) -> int"
    assert doc == "Put an item in the cart; how many it holds then."
    assert (exact, textual, files) == (2, 2, 3)
    # A class: its docstring's first paragraph (of two lines) only; no signature, so its
    # first line.
    cart = symbols["d"]["sym-Cart"]
    assert cart[4] == "class Cart:" and cart[5] == "Holds the items a customer picked."
    assert "sym/shop/checkout.py.js" in scripts and "sym/tests/test_models.py.js" in scripts


def test_the_hierarchy_of_a_method_names_its_callers_and_their_lines(tmp_path: Path) -> None:
    refs = _scripts(write_tree(tmp_path / "tree", TREE))["refs/shop/models.py.js"]
    callers = refs["h"]["sym-Cart.add"]["c"]
    named = [
        (refs["p"][file][0], refs["e"][where][1], lines, exact)
        for file, where, lines, exact in callers
    ]
    assert named == [
        ("shop/checkout.py", "pay", [5], 1),
        ("tests/test_models.py", "test_add", [5], 1),
        ("shop/checkout.py", "refund", [9], 0),
    ]


def test_a_line_is_cut_around_the_name_and_a_doc_to_its_first_paragraph() -> None:
    line = "    total = " + "x + " * 60 + "cart.add(1) + " + "y + " * 60
    text, column, length = shown_line(line, "add", line.index("add"))
    assert len(text) <= 162 and text.startswith("…") and text.endswith("…")
    assert text[column : column + length] == "add"
    # A column in UTF-8 bytes, counted back in the browser's UTF-16 units.
    text, column, length = shown_line("  s = 'é😀'; run()", "run", len("  s = 'é😀'; ".encode()))
    assert text == "s = 'é😀'; run()" and (column, length) == (11, 3)
    assert first_paragraph("One.\nTwo.\n\nThree.") == "One. Two."


def _written(site: Path) -> dict[str, tuple[int, int]]:
    data = site / "_xref"
    return {
        path.relative_to(data).as_posix(): (path.stat().st_mtime_ns, path.stat().st_ino)
        for folder in ("sym", "refs")
        for path in sorted((data / folder).rglob("*.js"))
    }


def test_a_build_writes_the_scripts_checks_clean_and_a_rebuild_rewrites_none(
    tmp_path: Path,
) -> None:
    tree = write_tree(tmp_path / "tree", TREE)
    site = tmp_path / "site"
    arguments = ["build", str(tree), "-o", str(site), "-q", "--cache-dir", str(tmp_path / "c")]
    assert main(arguments) == 0
    written = _written(site)
    # A file that defines nothing (a guide's headings are its outline) has no scripts.
    assert sorted(written) == [
        "refs/shop/checkout.py.js",
        "refs/shop/models.py.js",
        "refs/tests/test_models.py.js",
        "sym/shop/checkout.py.js",
        "sym/shop/models.py.js",
        "sym/tests/test_models.py.js",
    ]
    assert (site / "references.html").is_file()
    letter = (site / "keywords-c.html").read_text(encoding="utf-8")
    # The page's script links each definition to its references on the symbol page, made
    # from the definition's own link (the browser tests follow one).
    assert '<dl class="xref-kwindex" data-references=references.html>' in letter
    assert "<a href=shop/models.py_docs.html#sym-Cart>shop.models.Cart</a>" in letter
    assert "references.html#" not in letter
    assert broken_links(site) == []
    assert main(arguments) == 0
    assert _written(site) == written, "nothing changed: no script is written again"
    # A definition the data does not hold has broken references, as its line has no anchor.
    page = site / "keywords-c.html"
    page.write_text(letter.replace("#sym-Cart>", "#sym-Gone>"), encoding="utf-8")
    assert broken_links(site) == [
        "keywords-c.html: shop/models.py_docs.html#sym-Gone (no such anchor)",
        "keywords-c.html: references of shop/models.py_docs.html#sym-Gone (no such definition)",
    ]
    # A definition linked by its line gets no references link: the checker says so.
    page.write_text(letter.replace("#sym-Cart>", "#L4>"), encoding="utf-8")
    assert broken_links(site) == [
        "keywords-c.html: references of shop/models.py_docs.html#L4 "
        "(no symbol anchor of a file page: no link made)"
    ]
    # Without the symbol page, every definition's references are broken.
    page.write_text(letter, encoding="utf-8")
    (site / "references.html").unlink()
    assert "keywords-c.html: references of shop/models.py_docs.html#sym-Cart (no such file)" in (
        broken_links(site)
    )


def test_the_plan_names_the_files_whose_data_a_change_touches(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "tree", TREE)
    facts_file = tmp_path / "facts"

    def build() -> frozenset[str]:
        result = scan(make_settings(root), use_cache=False)
        site = make_site(result.index, PageNames(), 1000, "shop")
        facts, plan = plan_build(site, "settings", SiteFacts.load(facts_file))
        facts.save(facts_file)
        return frozenset() if plan is None else plan.symbol_files

    build()
    assert build() == frozenset(), "nothing changed"
    # A test's line changes: its own data, and that of what it uses (the line's text).
    write_tree(root, {"tests/test_models.py": TEST.replace("== 1", "== 1  # first")})
    assert build() == {"tests/test_models.py", "shop/models.py"}


def test_a_reference_after_a_form_feed_shows_its_own_line(tmp_path: Path) -> None:
    """Extraction counts lines at ``\\n`` only; a form feed, ``\\x1c`` or ``\\u2028`` in
    the file must not shift the text every later reference shows, nor a docstring's
    paragraph or a signature read from the file."""
    source = (
        "def f():\n    return 1\n\x0c\ndef g():\n    return f()  # \u2028 \x1c end\n\n\n"
        "class Box:\n    '''Holds a thing\n    and more.\n\n    Not this.'''\n\n\n"
        "def h():\n    return f() + g()\n"
    )
    root = write_tree(tmp_path / "tree", {"pkg/__init__.py": "", "pkg/mod.py": source})
    scripts = _scripts(root)
    refs = _references(scripts["refs/pkg/mod.py.js"], "sym-f")
    assert [(line, marked) for _, _, line, _, marked, _ in refs] == [
        (5, "f in return f()  # \u2028 \x1c end"),
        (16, "f in return f() + g()"),
    ]
    head = scripts["sym/pkg/mod.py.js"]["d"]["sym-Box"]
    assert head[5] == "Holds a thing and more."


def test_bases_outside_the_tree_show_as_written(tmp_path: Path) -> None:
    """Not as resolver targets (``builtins.Exception``, ``~make().base``): as the class's
    line writes them; an expression that names no class is left out."""
    source = (
        "import typing\nfrom typing import Protocol\n\n\n"
        "def make():\n    return object\n\n\n"
        "class Failed(Exception):\n    pass\n\n\n"
        "class Both(typing.Protocol, Protocol):\n    pass\n\n\n"
        "class Made(make().base, Failed):\n    pass\n"
    )
    root = write_tree(tmp_path / "tree", {"pkg/__init__.py": "", "pkg/mod.py": source})
    refs = _scripts(root)["refs/pkg/mod.py.js"]
    bases = {
        anchor: [row[2] for row in refs["h"][anchor]["b"]]
        for anchor in ("sym-Failed", "sym-Both", "sym-Made")
    }
    assert bases == {
        "sym-Failed": ["Exception"],
        "sym-Both": ["typing.Protocol", "Protocol"],
        "sym-Made": ["pkg.mod.Failed"],
    }


# Five classes define ``handle``: a match of ``plugin.handle`` may mean any of them, so it is
# listed once, in the shared list of its keyword, not in each of their references.
PLUGINS: dict[str, str | bytes] = {
    **PLUGIN_FILES,
    "docs/plugins.md": "# Plugins\n\nEach plugin has `handle(event)`.\n",
}


def _merged(scripts: dict[str, Any], key: str, anchor: str) -> list[tuple[object, ...]]:
    """A definition's references as the symbol page shows them: its own rows and those of
    the shared lists it names, one per line and kind, by area, file (files with an exact
    reference first), exact before textual, line."""
    refs = scripts[f"refs/{key}.js"]

    def rows(data: Any, found: list[list[Any]]) -> list[tuple[object, ...]]:
        return [
            (
                *data["p"][r[0]][:2],
                r[1],
                r[2],
                r[3],
                r[4],
                r[5],
                data["e"][r[6]] if r[6] >= 0 else None,
            )
            for r in found
        ]

    found = rows(refs, refs["d"][anchor])
    seen = {(path, line, textual) for path, _, line, textual, *_ in found}
    for list_id in refs["t"].get(anchor, []):
        shared = scripts[f"text/{list_id}.js"]
        assert shared["k"] == list_id
        for row in rows(shared, shared["d"]):
            if (row[0], row[2], row[3]) not in seen:
                seen.add((row[0], row[2], row[3]))
                found.append(row)
    exact_files = {row[0] for row in found if not row[3]}
    return sorted(found, key=lambda r: (r[1], r[0] not in exact_files, r[0], r[3], r[2]))


def _callers(scripts: dict[str, Any], key: str, anchor: str) -> set[tuple[object, ...]]:
    """A definition's callers as the symbol page shows them: its own, and those of the
    shared lists it names when its hierarchy says so, one per file and caller."""
    refs = scripts[f"refs/{key}.js"]
    hierarchy = refs["h"].get(anchor, {})

    def calls(data: Any, found: list[list[Any]]) -> list[tuple[str, str, list[int], int]]:
        return [
            (data["p"][c[0]][0], data["e"][c[1]][0] if c[1] >= 0 else "", c[2], c[3]) for c in found
        ]

    own = calls(refs, hierarchy.get("c", []))
    groups: dict[tuple[object, ...], set[int]] = {}
    for path, caller, lines, exact in own:
        groups.setdefault((path, caller, exact), set()).update(lines)
    if hierarchy.get("l"):
        for list_id in refs["t"][anchor]:
            shared = scripts[f"text/{list_id}.js"]
            for path, caller, lines, exact in calls(shared, shared["c"]):
                groups.setdefault((path, caller, exact), set()).update(lines)
    return {
        (path, caller, tuple(sorted(lines)), exact)
        for (path, caller, exact), lines in groups.items()
    }


def test_a_match_of_a_name_defined_many_times_is_listed_once_for_all(tmp_path: Path) -> None:
    scripts = _scripts(write_tree(tmp_path / "tree", PLUGINS))
    lists = {name for name in scripts if name.startswith("text/")}
    # The matches in Python code, and the one in the docs (another language's list).
    assert len(lists) == 2
    named = set()
    for n in range(1, 6):
        refs = scripts[f"refs/plugins/p{n}.py.js"]
        assert refs["d"][f"sym-P{n}.handle"] == [], "no match is held by each definition"
        # Nor the call it makes: its callers are those of its lists too.
        assert refs["h"][f"sym-P{n}.handle"] == {"l": 1}
        named.add(tuple(refs["t"][f"sym-P{n}.handle"]))
        head = scripts[f"sym/plugins/p{n}.py.js"]["d"][f"sym-P{n}.handle"]
        assert head[6:9] == [0, 3, 2], "0 exact, 3 textual, in 2 files: the lists counted"
    assert len(named) == 1, "all five name the same lists"
    assert {f"text/{list_id}.js" for list_id in next(iter(named))} == lists
    shown = [
        (path, line, text, around)
        for path, _, line, _, text, *_, around in _merged(scripts, "plugins/p3.py", "sym-P3.handle")
    ]
    around = ["sym-dispatch", "dispatch"]
    assert _callers(scripts, "plugins/p3.py", "sym-P3.handle") == {
        ("shop/dispatch.py", "sym-dispatch", (3, 4), 0)
    }
    assert shown == [
        ("shop/dispatch.py", 3, "plugin.handle(event)", around),
        ("shop/dispatch.py", 4, "return [p.handle(event) for p in plugins]", around),
        ("docs/plugins.md", 3, "Each plugin has `handle(event)`.", None),
    ]


@pytest.mark.parametrize("files", [TREE, PLUGINS], ids=["shop", "plugins"])
def test_the_shared_lists_show_what_each_definition_would_hold(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: dict[str, str | bytes]
) -> None:
    """With no list shared, every definition holds its matches itself: the symbol page then
    shows the same references, and the heads count the same."""
    root = write_tree(tmp_path / "tree", files)
    shared = _scripts(root)
    monkeypatch.setattr(symbol_data, "SHARED_FROM", 10**9)
    alone = _scripts(root)
    assert not any(name.startswith("text/") for name in alone)
    for name, refs in alone.items():
        if name.startswith("refs/"):
            key = name[5:-3]
            assert shared[f"sym/{key}.js"] == alone[f"sym/{key}.js"]
            for anchor in refs["d"]:
                assert _merged(shared, key, anchor) == _merged(alone, key, anchor), anchor
                assert _callers(shared, key, anchor) == _callers(alone, key, anchor), anchor


def _data_files(site: Path) -> dict[str, str]:
    data = site / "_xref"
    return {
        path.relative_to(data).as_posix(): path.read_text(encoding="utf-8")
        for folder in ("sym", "refs", "text")
        for path in sorted((data / folder).rglob("*.js"))
    }


def test_a_rebuild_keeps_the_shared_lists_as_a_clean_build_writes_them(tmp_path: Path) -> None:
    """A match's line changes; a definition goes, so the name is defined too few times for
    a shared list, then comes back: each rebuild's data is the clean build's."""
    tree = write_tree(tmp_path / "tree", PLUGINS)
    site = tmp_path / "site"
    cache = ["--cache-dir", str(tmp_path / "cache")]
    assert main(["build", str(tree), "-o", str(site), "-q", *cache]) == 0
    first = _data_files(site)
    assert sum(name.startswith("text/") for name in first) == 2
    assert main(["build", str(tree), "-o", str(site), "-q", *cache]) == 0
    assert _data_files(site) == first, "nothing changed: the lists stay as they are"
    changes: list[dict[str, str | bytes | None]] = [
        {"shop/dispatch.py": str(PLUGINS["shop/dispatch.py"]).replace("(event)", "(event, 1)")},
        {"plugins/p5.py": None},
        {"plugins/p5.py": PLUGINS["plugins/p5.py"]},
    ]
    for number, change in enumerate(changes):
        for path, text in change.items():
            if text is None:
                (tree / path).unlink()
            else:
                write_tree(tree, {path: text})
        assert main(["build", str(tree), "-o", str(site), "-q", *cache]) == 0
        clean = tmp_path / f"clean{number}"
        cold = ["--cache-dir", str(tmp_path / f"cache{number}")]
        assert main(["build", str(tree), "-o", str(clean), "-q", *cold]) == 0
        assert _data_files(site) == _data_files(clean), change
    assert not any(name.startswith("text/") for name in _data_files(tmp_path / "clean1"))
    assert _data_files(site) != first and broken_links(site) == []
