"""References per definition as a person reaches them, in a real browser (headless Chromium):
a name's card shows its signature and docstring, its "References" link opens the symbol page,
which lists the uses by area and file with their lines of code, narrows them with its filter,
draws a long list a chunk at a time, shows the callers with their code, and says when a link
names no known definition; the A-Z entry leads to the same page; it works from ``file://``
and on a phone without sideways scrolling. Screenshots go to ``_build/screenshots``."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser import DESKTOP, PHONE, opened_page, served, shoot
from helpers import PLUGIN_FILES, write_tree

from xrefdoc.commands.cli import main

MODELS = '''"""What a shop sells and holds."""


class Cart:
    """Holds the items a customer picked."""

    def __init__(self) -> None:
        self.items: list[int] = []

    def add(self, item: int) -> int:
        """Put an item in the cart; how many it holds then.

        The cart keeps the order the items came in.
        """
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
# One line long enough to scroll in its own box on a phone, never the page.
LONG_LINE = "    assert Cart().add(3) == 1" + " and True" * 40 + "\n"
TEST = "from shop.models import Cart\n\n\ndef test_add():\n" + LONG_LINE
BULK = "from shop.models import Cart\n\n\ndef fill(cart: Cart) -> None:\n" + "".join(
    f"    cart.add({n})\n" for n in range(450)
)
FILES: dict[str, str | bytes] = {
    "shop/__init__.py": "",
    "shop/models.py": MODELS,
    "shop/checkout.py": CHECKOUT,
    "shop/stock/bulk.py": BULK,
    "tests/test_models.py": TEST,
    "docs/guide.md": "# Guide\n\nA `Cart` holds items: `Cart().add(item)`.\n",
    # Five classes define ``handle``: the data holds a match of ``plugin.handle`` once, in
    # a shared list that all five name.
    **PLUGIN_FILES,
}
ADD_REFERENCES = "references.html#shop/models.py/sym-Cart.add"
REFUND_REFERENCES = "references.html#shop/models.py/sym-Basket.add"
HANDLE_REFERENCES = "references.html#plugins/p2.py/sym-P2.handle"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tree = write_tree(tmp_path_factory.mktemp("shop"), FILES)
    output = tree.parent / "site"
    assert main(["build", str(tree), "-o", str(output), "-q"]) == 0
    return output


@pytest.fixture(scope="module")
def site(built: Path) -> Iterator[str]:
    with served(built) as url:
        yield url


@pytest.fixture
def page(chromium: Any) -> Iterator[Any]:
    yield from opened_page(chromium, viewport=DESKTOP)


@pytest.fixture
def phone(chromium: Any) -> Iterator[Any]:
    yield from opened_page(chromium, viewport=PHONE, has_touch=True)


def _groups(page: Any) -> list[tuple[str, list[str]]]:
    """Each area's heading and its files' headings, as the symbol page shows them."""
    return [
        (
            section.locator("h3").inner_text(),
            section.locator("h4.xref-ref-file").all_inner_texts(),
        )
        for section in page.locator("section.xref-area").all()
    ]


def _lines(page: Any, path: str) -> list[str]:
    """The references listed under a file's heading: line number, code, notes."""
    heading = page.locator("h4.xref-ref-file", has_text=path)
    items = heading.locator("xpath=following-sibling::ol[1]/li")
    return [" ".join(text.split()) for text in items.all_inner_texts()]


def _card(page: Any, hovered: str) -> Any:
    """The name card the pointer on ``hovered`` shows, once it holds its references link."""
    page.hover(hovered)
    card = page.locator(".xref-card")
    card.locator(".xref-card-references").wait_for()
    return card


def test_a_cards_references_link_lists_the_uses_by_area_with_their_code(
    page: Any, site: str
) -> None:
    page.goto(site + "shop/checkout.py_docs.html")
    card = _card(page, "#L5 a >> text=add")
    assert card.locator(".xref-card-title").inner_text() == "add → shop/models.py:10"
    assert card.locator(".xref-card-qualname").inner_text() == "method shop.models.Cart.add"
    assert card.locator(".xref-card-signature").inner_text() == "add(self, item: int) -> int"
    # The docstring's first paragraph only.
    assert (
        card.locator(".xref-card-doc").inner_text()
        == "Put an item in the cart; how many it holds then."
    )
    assert card.locator(".xref-card-uses").inner_text().startswith("452 uses and 2 textual in 4")
    shoot(page, "refs-card-desktop")
    with page.expect_navigation():
        card.locator(".xref-card-references").click()
    assert page.url.endswith(ADD_REFERENCES)
    page.locator(".xref-ref").first.wait_for()
    assert page.inner_text("h1") == "References of add"
    assert page.locator(".xref-symbol-signature").inner_text() == "add(self, item: int) -> int"
    assert page.inner_text(".xref-refs h2") == "References (454 references, 2 textual)"
    # Source, then tests, then docs; in a file, exact uses first, the textual one last.
    assert _groups(page) == [
        ("Source (452)", ["shop/checkout.py (2)", "shop/stock/bulk.py (450)"]),
    ]
    assert _lines(page, "shop/checkout.py") == [
        "5 return cart.add(1) in pay",
        "9 return thing.add(2) in refund textual",
    ]
    marked = page.locator("h4.xref-ref-file + ol mark").first
    assert marked.inner_text() == "add"
    shoot(page, "refs-symbol-page-desktop")
    # The first chunk stops inside bulk.py; the rest is a click away.
    listed = page.locator(".xref-refs .xref-ref")
    assert listed.count() == 200
    page.click(".xref-refs button.xref-more-refs")
    assert listed.count() == 454
    assert [heading for heading, _ in _groups(page)] == [
        "Source (452)",
        "Tests (1)",
        "Docs and examples (1)",
    ]
    assert _lines(page, "docs/guide.md") == ["3 A `Cart` holds items: `Cart().add(item)`. textual"]
    # The filter narrows by path and by code, and the counts follow.
    page.fill(".xref-refs .xref-filter input", "test_")
    page.wait_for_function("document.querySelectorAll('.xref-refs .xref-ref').length === 1")
    assert _groups(page) == [("Tests (1)", ["tests/test_models.py (1)"])]
    assert page.inner_text(".xref-refs h2") == "References (1 reference of 454)"
    page.fill(".xref-refs .xref-filter input", "thing.add")
    page.locator("h4.xref-ref-file", has_text="shop/checkout.py").wait_for()
    assert _lines(page, "shop/checkout.py") == ["9 return thing.add(2) in refund textual"]
    # The enclosing definition leads to its own references.
    page.click("text=refund")
    page.wait_for_function("location.hash.endsWith('/sym-refund')")
    # The page shows the definition it had until the new one's data is in (loaded, inflated).
    page.locator(".xref-symbol-title", has_text="shop.checkout.refund").wait_for()
    assert page.inner_text(".xref-symbol-title") == "function shop.checkout.refund"


def test_a_definition_left_behind_does_not_draw_over_the_next_one(page: Any, site: str) -> None:
    """The reader opens one definition, then another before the first's data came: the
    first's data, when it comes, is not drawn."""
    held: list[Any] = []
    page.route("**/_xref/sym/shop/models.py.js", lambda route: held.append(route))
    # Its script held back, the page does not finish loading: no waiting for that.
    page.goto(site + ADD_REFERENCES, wait_until="domcontentloaded")
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(50)
    assert len(held) == 1, "the first definition's data is held back"
    page.evaluate("location.hash = 'shop/checkout.py/sym-refund'")
    page.locator(".xref-symbol-title", has_text="shop.checkout.refund").wait_for()
    held[0].continue_()
    # Asked for the same data now, a callback runs after the page's own, queued before it.
    page.evaluate(
        "new Promise(done => window.xrefdocFileData('sym', 'shop/models.py', () => done()))"
    )
    assert page.inner_text(".xref-symbol-title") == "function shop.checkout.refund"


def test_the_callers_are_listed_with_their_code_and_expand_a_level(page: Any, site: str) -> None:
    page.goto(site + ADD_REFERENCES)
    called = page.locator("section.xref-hierarchy", has_text="Called by")
    called.locator(".xref-call").first.wait_for()
    heads = [" ".join(t.split()) for t in called.locator(".xref-call-head").all_inner_texts()]
    assert heads == [
        "▸pay shop/checkout.py",
        "▸fill shop/stock/bulk.py",
        "▸test_add tests/test_models.py",
        "▸refund shop/checkout.py textual",
    ]
    # A caller's many call lines: the first few, then the rest on demand.
    fill = called.locator(".xref-call", has_text="fill")
    assert fill.locator(".xref-ref").count() == 5
    fill.locator("button.xref-more-refs").click()
    assert fill.locator(".xref-ref").count() == 55
    first = called.locator(".xref-call").first
    assert " ".join(first.locator(".xref-ref").inner_text().split()) == "5 return cart.add(1)"
    # ``pay`` is called by nothing: its own data says so, loaded on demand.
    first.locator("button.xref-expand").click()
    first.locator(".xref-expanded p").wait_for()
    assert first.locator(".xref-expanded").inner_text() == "No callers."
    page.goto(site + "references.html#shop/checkout.py/sym-pay")
    calls = page.locator("section.xref-hierarchy", has_text="Calls")
    calls.locator(".xref-call").first.wait_for()
    assert " ".join(calls.locator(".xref-call-head").inner_text().split()) == (
        "▸shop.models.Cart.add line 5"
    )


def test_matches_of_a_name_defined_many_times_are_listed_as_its_own(page: Any, site: str) -> None:
    page.goto(site + HANDLE_REFERENCES)
    page.locator(".xref-refs .xref-ref").first.wait_for()
    assert page.inner_text(".xref-refs h2") == "References (2 references, 2 textual)"
    assert _groups(page) == [("Source (2)", ["shop/dispatch.py (2)"])]
    assert _lines(page, "shop/dispatch.py") == [
        "3 plugin.handle(event) in dispatch textual",
        "4 return [p.handle(event) for p in plugins] in dispatch textual",
    ]
    # The caller's call lines show their code, from the same list.
    called = page.locator("section.xref-hierarchy", has_text="Called by")
    lines = [" ".join(t.split()) for t in called.locator(".xref-ref").all_inner_texts()]
    assert lines == ["3 plugin.handle(event)", "4 return [p.handle(event) for p in plugins]"]


def test_a_shared_list_that_cannot_load_is_said(chromium: Any, built: Path, tmp_path: Path) -> None:
    # Not the ``page`` fixture: a script of the data fails to load, on purpose.
    damaged = tmp_path / "site"
    shutil.copytree(built, damaged)
    for script in (damaged / "_xref" / "text").glob("*.js"):
        script.unlink()
    page = chromium.new_page()
    page.goto((damaged / "references.html").as_uri() + "#" + HANDLE_REFERENCES.split("#")[1])
    page.locator(".xref-refs h2").wait_for()
    assert page.inner_text(".xref-refs h2") == "References (none)"
    assert "1 list of textual matches could not be loaded" in page.inner_text(".xref-refs")
    page.close()


def test_the_a_to_z_entry_links_each_definitions_references(page: Any, site: str) -> None:
    page.goto(site + "keywords-a.html#kw-add")
    entry = page.locator("[id='def-shop.models.Basket.add']")
    with page.expect_navigation():
        entry.locator("a.xref-references").click()
    assert page.url.endswith(REFUND_REFERENCES)
    page.locator(".xref-ref").first.wait_for()
    assert page.inner_text(".xref-symbol-title") == "method shop.models.Basket.add"
    # Only textual matches may mean it.
    assert page.locator(".xref-refs .xref-ref").count() == 2
    assert page.locator(".xref-refs .xref-ref-textual").count() == 2


def test_a_keywords_own_page_links_each_definitions_references_from_its_folder(
    page: Any, site: str
) -> None:
    # ``add`` has more uses than its letter page shows: its own page is one folder down.
    page.goto(site + "keywords-a.html#kw-add")
    with page.expect_navigation():
        page.locator("#kw-add ~ dd .xref-more a").click()
    assert "/keyword-uses/" in page.url
    entry = page.locator("[id='def-shop.models.Cart.add']")
    assert entry.locator("a.xref-references").get_attribute("href") == "../" + ADD_REFERENCES
    with page.expect_navigation():
        entry.locator("a.xref-references").click()
    page.locator(".xref-ref").first.wait_for()
    assert page.inner_text(".xref-symbol-title") == "method shop.models.Cart.add"


def test_a_stale_link_says_the_definition_is_unknown(chromium: Any, site: str) -> None:
    # Not the ``page`` fixture: the data of a file that is gone fails to load, as it should.
    page = chromium.new_page()
    page.goto(site + "references.html#shop/models.py/sym-Cart.remove")
    page.locator(".xref-symbol-status", has_text="No definition").wait_for()
    assert "No definition sym-Cart.remove in shop/models.py" in page.inner_text("#xref-symbol")
    page.goto(site + "references.html#shop/gone.py/sym-Cart")
    page.locator(".xref-symbol-status", has_text="No file").wait_for()
    page.close()


def test_a_names_card_where_it_is_defined_says_so_and_leads_to_its_references(
    page: Any, site: str
) -> None:
    page.goto(site + "shop/models.py_docs.html")
    card = _card(page, "#L10 a")
    assert card.locator(".xref-card-qualname").inner_text() == "method shop.models.Cart.add"
    assert card.locator(".xref-card-where").inner_text() == "Defined in shop/models.py:10"
    assert card.locator(".xref-card-references").get_attribute("href") == "../" + ADD_REFERENCES


def test_keyboard_focus_opens_the_card(page: Any, site: str) -> None:
    page.goto(site + "shop/checkout.py_docs.html")
    page.focus("#L9 a.xref-textual")
    page.locator(".xref-card-candidates a").first.wait_for()
    assert "May mean one of 2 definitions" in page.inner_text(".xref-card")


def test_the_symbol_page_works_from_disk(page: Any, built: Path) -> None:
    page.goto((built / "references.html").as_uri() + "#shop/models.py/sym-Cart")
    page.locator(".xref-ref").first.wait_for()
    assert page.inner_text(".xref-symbol-title") == "class shop.models.Cart"
    # Imported and named in annotations in two files, called in a test.
    assert [heading for heading, _ in _groups(page)][:2] == ["Source (4)", "Tests (2)"]


def test_on_a_phone_a_tap_shows_the_card_then_the_page_fits(phone: Any, site: str) -> None:
    phone.goto(site + "shop/checkout.py_docs.html")
    phone.tap("#L5 a >> text=add")
    card = phone.locator(".xref-card")
    card.locator(".xref-card-references").wait_for()
    assert phone.url.endswith("checkout.py_docs.html"), "the first tap shows the card only"
    box = card.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    shoot(phone, "refs-card-phone")
    with phone.expect_navigation():
        card.locator(".xref-card-references").tap()
    phone.locator(".xref-ref").first.wait_for()
    phone.click(".xref-refs button.xref-more-refs")
    phone.locator("h4.xref-ref-file", has_text="tests/test_models.py").wait_for()
    # The long line scrolls in its own box; the page does not scroll sideways.
    assert phone.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]
    code = phone.locator(
        "h4.xref-ref-file:has-text('tests/test_models.py') + ol code.xref-ref-code"
    )
    assert code.evaluate("e => e.scrollWidth > e.clientWidth")
    phone.evaluate("scrollTo(0, 0)")
    shoot(phone, "refs-symbol-page-phone")
