"""The site as a person uses it, in a real browser (headless Chromium) against a site built
from a fixture tree and served on localhost: breadcrumbs, search and the keyword box down
to a definition's line, line anchors and ranges, the name cards, the light/dark switch, the
pages without JavaScript, landmarks, heading order and contrast. Screenshots of the main
pages at desktop and phone widths go to ``_build/screenshots`` (not committed)."""

from __future__ import annotations

import itertools
import re
import time
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from browser import DESKTOP, PHONE, SCREENSHOTS, ConsoleProblems, opened_page, served, shoot
from helpers import write_tree

from xrefdoc.commands.check import page_links
from xrefdoc.commands.cli import main

PUMP = '''"""Pumps and what drives them."""

import json

DEFAULT_RATE = 4


class Pump:
    """Moves a liquid at a rate."""

    def __init__(self, rate: int = DEFAULT_RATE) -> None:
        self.rate = rate

    def run(self, seconds: int) -> int:
        """How much the pump moves in ``seconds``."""
        moved = self.rate * seconds
        if moved < 0:
            raise ValueError("a pump does not run backwards")
        return moved

    def report(self) -> str:
        return json.dumps({"rate": self.rate})


def start_pump(rate: int) -> Pump:
    return Pump(rate)
'''
MOTORS = '''"""Motors, and what they are told to do."""

from typing import overload


class Motor:
    """Turns at a speed."""

    @overload
    def run(self, seconds: int) -> int: ...
    @overload
    def run(self, seconds: float) -> float: ...
    def run(self, seconds):
        return seconds * 2


def flush(device):
    return device.run(2)
'''
FILES: dict[str, str | bytes] = {
    # A README's long line of raw HTML (shown as text) and code: a phone must not scroll.
    "README.md": "# Plant\n\nThe `Pump` moves liquids; see [the pumps](plant/pumps/pump.py).\n\n"
    '<div align="center"><img src="https://raw.githubusercontent.com/plant/plant/refs/heads/'
    'stable/docs/_static/plant-name-and-logo.svg" alt="" height="150"></div>\n\n'
    '```python\nprint({"rate": 4, "seconds": 10, "what": "a line longer than a phone is wide"})'
    "\n```\n",
    "plant/__init__.py": "from .pumps.pump import Pump\n",
    "plant/pumps/__init__.py": "",
    "plant/pumps/pump.py": PUMP,
    "plant/pumps/valve.py": "from .pump import Pump\n\n\ndef drain(pump: Pump) -> int:\n"
    "    return pump.run(1)\n",
    "plant/motors.py": MOTORS,
    # A digit in a file's name, beside the numbers of its lines of use.
    "plant/pumps/pump2.py": "from .pump import Pump\n\n\ndef spare():\n    return Pump(2).run(3)\n",
    "plant/control/loop.py": "from plant.pumps.pump import start_pump\n\n\ndef tick():\n"
    "    return start_pump(2).run(3)\n",
    "tests/test_pump.py": "from plant.pumps.pump import Pump\n\n\ndef test_run():\n"
    "    assert Pump(2).run(3) == 6\n",
    # Enough names under W for the letter to take two pages of the keyword index.
    "plant/widgets.py": "".join(f"WIDGET_{n} = {n}\n" for n in range(1600)),
}
PUMP_PAGE = "plant/pumps/pump.py_docs.html"
RUN_LINE = 14


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tree = write_tree(tmp_path_factory.mktemp("plant"), FILES)
    output = tree / "_build" / "html"
    assert main(["build", str(tree), "-o", str(output), "-q"]) == 0
    with served(output) as url:
        yield url


@pytest.fixture
def page(chromium: Any) -> Iterator[Any]:
    yield from opened_page(chromium, viewport=DESKTOP)


def background(page: Any, selector: str) -> str:
    return str(page.eval_on_selector(selector, "e => getComputedStyle(e).backgroundColor"))


def test_root_then_a_file_then_its_breadcrumbs(page: Any, site: str) -> None:
    page.goto(site)
    assert page.title().startswith("plant")
    page.click("text=plant/")
    page.click("text=pumps/")
    page.click("a[href='pump.py_docs.html'] >> nth=0")
    assert page.url.endswith(PUMP_PAGE)
    assert page.inner_text("h1") == "plant/pumps/pump.py"
    # The folder tree beside it: the path down to its folder, its neighbours, itself marked.
    tree = page.locator("nav.xref-tree")
    assert tree.locator("[aria-current=page]").inner_text() == "pump.py"
    assert "valve.py" in tree.inner_text() and "loop.py" not in tree.inner_text()
    page.get_by_role("navigation", name="Breadcrumbs").get_by_role(
        "link", name="plant", exact=True
    ).click()
    assert page.url.endswith("/plant/index.html")
    assert page.inner_text("h1").startswith("plant")


def test_search_finds_a_keyword_first_and_leads_to_its_definition_line(
    page: Any, site: str
) -> None:
    page.goto(site + PUMP_PAGE)
    page.fill("#xt-search-input", "start_pump")
    page.press("#xt-search-input", "Enter")
    page.wait_for_selector("#search-results ul.search li", timeout=15000)
    # The search page has its breadcrumbs too, back to the root.
    assert page.locator("nav.xref-crumbs").inner_text().endswith("/ Search")
    first = page.locator("#search-results ul.search li").first
    assert "start_pump" in first.inner_text()
    first.locator("a").first.click()
    # The definition in the keyword's entry, then its line in the source.
    assert page.url.endswith("keywords-s.html#def-plant.pumps.pump.start_pump")
    page.locator("[id='def-plant.pumps.pump.start_pump'] a:not(.xref-references)").click()
    # The source page's stylesheets, not just its address, before its colours are read.
    page.wait_for_load_state("load")
    # The link names the function's anchor, which stands at the start of its line.
    assert page.url.endswith(PUMP_PAGE + "#sym-start_pump")
    line = int(page.eval_on_selector("[id='sym-start_pump']", "e => e.closest('li').id")[1:])
    assert "def start_pump" in page.inner_text(f"#L{line}")
    assert background(page, f"#L{line}") != background(page, f"#L{line - 1}")


def test_the_keyword_box_jumps_to_a_keyword_entry(page: Any, site: str) -> None:
    page.goto(site + "plant/control/loop.py_docs.html")
    page.fill("#xt-kw-input", "Pu")
    page.wait_for_selector("#xt-kw-list [role=option]")
    options = page.locator("#xt-kw-list [role=option]").all_inner_texts()
    assert options and options[0].startswith("Pump")
    # Its own suggestions only: the script turns the browser's and its spelling marks off.
    assert page.get_attribute("#xt-kw-input", "autocomplete") == "off"
    assert page.eval_on_selector("#xt-kw-input", "e => e.spellcheck") is False
    shoot(page, "keyword-box-desktop")
    with page.expect_navigation():
        page.press("#xt-kw-input", "Enter")
    assert page.url.endswith("keywords-p.html#kw-Pump")
    assert page.locator("#kw-Pump").is_visible()


def test_a_keyword_entry_shows_textual_lines_in_italics_and_says_why(page: Any, site: str) -> None:
    page.goto(site + "keywords-r.html#kw-run")
    looks = """links => links.map(a => [a.textContent, getComputedStyle(a).fontStyle,
        (a.closest('[title]') || {}).title || ''])"""
    entry = "#kw-run + dd .xref-uses a[href*='#L']"
    page.wait_for_selector(entry)
    shown = page.eval_on_selector_all(entry, looks)
    textual = [row for row in shown if row[1] == "italic"]
    exact = [row for row in shown if row[1] == "normal"]
    assert textual and exact, shown
    assert {title for _, _, title in textual} == {"textual match"}
    assert {title for _, _, title in exact} == {""}
    # A screen reader hears it too: the run is a group whose name says so.
    groups = page.locator("#kw-run + dd").get_by_role("group", name="textual match")
    assert groups.locator("a").count() == len(textual)


def test_a_keywords_lines_of_use_are_links_to_their_lines_and_numbers_without_a_script(
    chromium: Any, site: str
) -> None:
    """The page holds each file's link and its lines' numbers; the script links each
    number to its line, the links ``xrefdoc check`` reads from the same HTML."""
    written = urllib.request.urlopen(site + "keywords-r.html").read().decode()
    entry = written.split('id="kw-run"', 1)[1].split("</dd>", 1)[0]
    expected = [link for link in page_links(entry) if "#L" in link]
    assert len(expected) >= 5 and "#L" not in entry, "the numbers are written without links"
    assert "plant/pumps/pump2.py_docs.html#L5" in expected
    uses = "#kw-run + dd .xref-uses"
    for scripts in (True, False):
        context = chromium.new_context(viewport=DESKTOP, java_script_enabled=scripts)
        page = context.new_page()
        page.goto(site + "keywords-r.html#kw-run")
        valve = page.locator(f"{uses} li", has_text="valve.py")
        numbers = re.findall(r"\d+", valve.inner_text().split("valve.py", 1)[1])
        if scripts:
            page.wait_for_selector(f"{uses} a[href*='#L']", timeout=5000)
            links = page.eval_on_selector_all(
                f"{uses} a[href*='#L']", "links => links.map(a => a.getAttribute('href'))"
            )
            assert links == expected
            texts = page.locator(f"{uses} a[href*='#L']").all_inner_texts()
            assert texts == [link.rpartition("#L")[2] for link in links]
            # Each number its own link; the first of valve.py's lands on its line of run.
            valve.locator("a[href*='#L']").first.click()
            page.wait_for_load_state("load")
            line = page.url.rpartition("#L")[2]
            assert page.url.split("#")[0].endswith("plant/pumps/valve.py_docs.html")
            assert "pump.run(1)" in page.inner_text(f"#L{line}")
        else:
            assert page.locator(f"{uses} a[href*='#L']").count() == 0
            assert valve.locator("a").all_inner_texts() == ["plant/pumps/valve.py"]
        assert numbers == ["5"], "valve.py's line of use shows as its number"
        context.close()


def test_a_letter_page_filters_as_you_type_across_the_letter(page: Any, site: str) -> None:
    page.goto(site + "keywords-w.html")
    assert page.locator("nav.xref-parts a").count() >= 1, "W takes more than one page"
    page.fill(".xref-filter input", "widget_10")
    shown = page.eval_on_selector_all(
        "dl.xref-kwindex dt:not([hidden]) .xref-keyword", "names => names.map(n => n.textContent)"
    )
    expected = sorted(
        (f"WIDGET_{n}" for n in range(1600) if "widget_10" in f"widget_{n}"), key=str.lower
    )
    assert shown == expected
    # Names of the letter's other page are listed from the keyword data, each a link.
    page.fill(".xref-filter input", "widget_99")
    page.locator(".xref-elsewhere li").first.wait_for()
    elsewhere = page.locator(".xref-elsewhere a").all_inner_texts()
    assert sorted(elsewhere) == sorted(f"WIDGET_{n}" for n in (99, *range(990, 1000)))
    assert page.locator("dl.xref-kwindex dt:not([hidden])").count() == 0
    with page.expect_navigation():
        page.locator(".xref-elsewhere a", has_text="WIDGET_995").click()
    assert page.url.endswith("#kw-WIDGET_995") and page.locator("#kw-WIDGET_995").is_visible()


def test_a_line_anchor_highlights_and_scrolls_to_its_line(page: Any, site: str) -> None:
    page.goto(f"{site}{PUMP_PAGE}#L{RUN_LINE}")
    line = page.locator(f"#L{RUN_LINE}")
    assert "def run" in line.inner_text()
    assert line.is_visible() and line.evaluate("e => e.getBoundingClientRect().top < innerHeight")
    assert background(page, f"#L{RUN_LINE}") != background(page, f"#L{RUN_LINE + 1}")
    shoot(page, "file-page-desktop")
    # A range, and its permalink.
    page.goto(f"{site}{PUMP_PAGE}#L{RUN_LINE}-L{RUN_LINE + 5}")
    marked = page.eval_on_selector_all(
        ".xref-source ol > li.xref-hl", "lines => lines.map(l => l.id)"
    )
    assert marked == [f"L{n}" for n in range(RUN_LINE, RUN_LINE + 6)]
    assert page.inner_text(".xref-permalink").startswith(f"Lines {RUN_LINE}\u2013{RUN_LINE + 5}")
    # Shift-click on a line number (drawn by CSS, left of the code) extends the selection.
    page.goto(f"{site}{PUMP_PAGE}#L{RUN_LINE}")
    page.click(f"#L{RUN_LINE + 2}", position={"x": 8, "y": 5}, modifiers=["Shift"])
    assert page.url.endswith(f"#L{RUN_LINE}-L{RUN_LINE + 2}")
    # A plain click on a number selects its line; a click on the code does not.
    page.click(f"#L{RUN_LINE + 4}", position={"x": 8, "y": 5})
    assert page.url.endswith(f"#L{RUN_LINE + 4}")
    page.click(f"#L{RUN_LINE + 5}", position={"x": 200, "y": 5})
    assert page.url.endswith(f"#L{RUN_LINE + 4}")
    # Copying the code leaves the numbers out.
    copied = page.evaluate(
        f"""() => {{ const range = document.createRange();
        range.selectNodeContents(document.getElementById("L{RUN_LINE}"));
        getSelection().removeAllRanges(); getSelection().addRange(range);
        return getSelection().toString(); }}"""
    )
    assert copied.startswith("    def run(") and str(RUN_LINE) not in copied
    # Copying all of it gives the file's text, a line a line (each <li> holds its newline);
    # each line is one line of text tall.
    whole = page.evaluate(
        """() => { const range = document.createRange();
        range.selectNodeContents(document.querySelector(".xref-source ol"));
        getSelection().removeAllRanges(); getSelection().addRange(range);
        return getSelection().toString(); }"""
    )
    assert whole.rstrip("\n") == PUMP.rstrip("\n")
    heights = page.eval_on_selector_all(
        ".xref-source ol > li", "lines => lines.map(l => l.getBoundingClientRect().height)"
    )
    assert len(heights) == PUMP.count("\n") and len(set(heights)) == 1, heights


def test_a_name_in_the_source_has_a_card_with_its_definition_and_uses(page: Any, site: str) -> None:
    page.goto(site + "plant/control/loop.py_docs.html")
    page.hover("#L5 a >> text=start_pump")
    card = page.locator(".xref-card")
    card.locator(".xref-card-counts a").wait_for()
    text = card.inner_text()
    # Where the name leads (the page carries no title on exact links: the card says it).
    assert "start_pump → plant/pumps/pump.py:25" in text
    # Imported and called in loop.py.
    assert "1 definition · 2 uses in 1 file" in text


def test_a_textual_matchs_card_lists_the_definitions_it_may_mean_each_a_link(
    page: Any, site: str
) -> None:
    # ``device`` is of unknown type: ``device.run`` may mean Motor.run or Pump.run.
    page.goto(site + "plant/motors.py_docs.html")
    page.hover("#L18 a.xref-textual >> text=run")
    card = page.locator(".xref-card")
    card.locator(".xref-card-candidates a").first.wait_for()
    assert (
        card.locator(".xref-card-candidates div").inner_text() == "May mean one of 2 definitions:"
    )
    assert card.locator(".xref-card-candidates li").all_inner_texts() == [
        # The overloaded method's one definition: its implementation.
        "plant.motors.Motor.run\nmethod · plant/motors.py:13",
        "plant.pumps.pump.Pump.run\nmethod · plant/pumps/pump.py:14",
    ]
    shoot(page, "textual-card-desktop")
    # The pointer goes from the name into the card, and one click chooses.
    with page.expect_navigation():
        card.locator("a", has_text="plant.pumps.pump.Pump.run").click()
    assert page.url.endswith(f"plant/pumps/pump.py_docs.html#L{RUN_LINE}")
    # An exact link's card names its one definition, and lists no candidates.
    page.hover("#L26 a >> text=Pump")
    page.locator(".xref-card .xref-card-counts a").wait_for()
    assert "Pump → plant/pumps/pump.py:8" in page.inner_text(".xref-card")
    assert page.locator(".xref-card .xref-card-candidates").count() == 0


def test_dark_mode_switches_and_is_remembered(page: Any, site: str) -> None:
    page.goto(site + PUMP_PAGE)
    light = background(page, "body")
    page.click("button.xt-mode")
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    dark = background(page, "body")
    assert dark != light and _luminance(dark) < 0.1 < _luminance(light)
    page.reload()
    assert background(page, "body") == dark
    shoot(page, "file-page-dark-desktop")


def test_screenshots_of_the_main_pages_at_desktop_and_phone_widths(
    chromium: Any, site: str
) -> None:
    started = time.time()
    for size_name, size in (("desktop", DESKTOP), ("phone", PHONE)):
        context = chromium.new_context(viewport=size)
        page = context.new_page()
        problems = ConsoleProblems(page)
        for name, address in (
            ("root", ""),
            ("file-page", PUMP_PAGE),
            ("keyword-page", "keywords-p.html"),
            ("search-result", "search.html?q=Pump"),
        ):
            page.goto(site + address)
            if name == "search-result":
                page.wait_for_selector("#search-results ul.search li", timeout=15000)
            shoot(page, f"{name}-{size_name}")
            # Nothing wider than the screen: no sideways scrolling of the page itself.
            assert page.evaluate("document.documentElement.scrollWidth <= innerWidth + 1"), name
        context.close()
        assert problems.found == []
    # Written by this run, not left by an earlier one.
    fresh = [shot for shot in SCREENSHOTS.glob("*.png") if shot.stat().st_mtime >= started - 1]
    assert len(fresh) >= 8


def test_everything_but_search_and_the_keyword_box_works_without_javascript(
    chromium: Any, site: str
) -> None:
    context = chromium.new_context(viewport=DESKTOP, java_script_enabled=False)
    page = context.new_page()
    page.goto(site)
    page.click("text=plant/")
    page.click("text=pumps/")
    page.click("a[href='pump.py_docs.html'] >> nth=0")
    # A name in the source is a link to its definition.
    page.click("#L26 a >> text=Pump")
    page.wait_for_load_state("load")
    assert page.url.endswith("pump.py_docs.html#sym-Pump")
    assert "class Pump" in page.eval_on_selector("#sym-Pump", "e => e.closest('li').textContent")
    page.goto(f"{site}{PUMP_PAGE}#L{RUN_LINE}")
    assert background(page, f"#L{RUN_LINE}") != background(page, f"#L{RUN_LINE + 1}")
    # The theme follows the system's preference without the switch.
    assert page.locator("button.xt-mode").is_hidden()
    page.goto(site + "keywords-p.html")
    assert page.locator("#kw-Pump").is_visible()
    context.close()


def test_landmarks_headings_and_link_texts(page: Any, site: str) -> None:
    for address in ("", PUMP_PAGE, "plant/pumps/pump.py_kw.html", "keywords-p.html"):
        page.goto(site + address)
        assert page.locator("header").count() == 1, address
        # The header's boxes have the names a screen reader says.
        assert page.get_by_role("combobox", name="Jump to a keyword").count() == 1, address
        assert page.get_by_role("searchbox", name="Search the site").count() == 1, address
        assert page.locator("[role=main]").count() == 1, address
        # Navigation of the page's own, besides the header's tools.
        assert page.locator("div.body nav").count() >= 1, address
        levels = page.eval_on_selector_all(
            "div.body h1, div.body h2, div.body h3, div.body h4",
            "hs => hs.map(h => +h.tagName[1])",
        )
        assert levels and levels[0] == 1, address
        for before, after in itertools.pairwise(levels):
            assert after <= before + 1, (address, levels)
        empty = page.eval_on_selector_all(
            "a[href]",
            "as => as.filter(a => !(a.textContent.trim() || a.getAttribute('aria-label')))"
            ".map(a => a.outerHTML)",
        )
        assert empty == [], address
        for label in page.eval_on_selector_all(
            "input", "is => is.map(i => i.labels.length || i.getAttribute('aria-label'))"
        ):
            assert label, address


def themed_pump_page(chromium: Any, site: str, theme: str) -> tuple[Any, Any]:
    """A new context and the pump's page in it, in the ``theme`` (light or dark)."""
    context = chromium.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.goto(site + PUMP_PAGE)
    page.evaluate(f"document.documentElement.dataset.theme = '{theme}'")
    return context, page


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_text_and_links_have_enough_contrast(chromium: Any, site: str, theme: str) -> None:
    context, page = themed_pump_page(chromium, site, theme)
    body = background(page, "body")
    number = ".xref-source ol > li"  # its ::before, the line's number
    for selector in ("div.body p", "div.body a", ".xt-header a", ".xref-crumbs", number):
        pseudo = "'::before'" if selector == number else "null"
        colour = page.eval_on_selector(selector, f"e => getComputedStyle(e, {pseudo}).color")
        ground = body if selector != number else background(page, "div.highlight")
        assert _contrast(colour, ground) >= 4.5, (theme, selector, colour, ground)
    context.close()


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_a_token_looks_as_pygments_styles_its_class(chromium: Any, site: str, theme: str) -> None:
    # Tokens are elements named after their class (<k->), lines <li id=L7> (highlight.py):
    # each must look as a <span> of its class would, italics only where Pygments' style says.
    context, page = themed_pump_page(chromium, site, theme)
    looks = """([tag, cls]) => {
        const line = document.querySelector('.xref-source ol > li');
        const e = document.createElement(tag); e.className = cls; e.textContent = 'x';
        line.appendChild(e);
        const style = getComputedStyle(e);
        const found = [style.color, style.fontStyle, style.fontWeight];
        e.remove();
        return found;
    }"""
    for css in ("k", "sd", "mi", "nn"):
        assert page.locator(f".xref-source ol > li {css}-").count(), css
        element = page.evaluate(looks, [f"{css}-", ""])
        assert element == page.evaluate(looks, ["span", css]), css
        assert element != page.evaluate(looks, ["span", ""]), f"{css}: styled, not plain text"
    assert page.evaluate(looks, ["sd-", ""])[1] == "italic", "Pygments' style: docstrings"
    assert page.evaluate(looks, ["k-", ""])[1] == "normal"
    line = page.eval_on_selector(".xref-source ol > li", "e => getComputedStyle(e).fontStyle")
    assert line == "normal"
    context.close()


def _channels(colour: str) -> tuple[float, float, float]:
    red, green, blue = (float(n) for n in re.findall(r"[\d.]+", colour)[:3])
    return red, green, blue


def _luminance(colour: str) -> float:
    def linear(channel: float) -> float:
        channel /= 255
        return channel / 12.92 if channel <= 0.03928 else ((channel + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(c) for c in _channels(colour))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def _contrast(first: str, second: str) -> float:
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_a_code_page_opens_with_an_outline_whose_links_land_on_symbol_anchors(
    page: Any, site: str
) -> None:
    page.goto(site + PUMP_PAGE)
    outline = page.locator("details.xref-toc")
    # Right under the title, before the metadata; short, so open.
    assert page.evaluate(
        "document.querySelector('h1').nextElementSibling.matches('details.xref-toc')"
    )
    assert outline.get_attribute("open") is not None
    summary = outline.locator("summary").inner_text()
    assert summary == "Outline 1 class (4 members) · Functions (1) · Constants (1)"
    assert outline.locator("a").all_inner_texts()[:4] == ["Pump", "__init__", "rate", "run"]
    shoot(page, "outline-desktop")
    outline.locator("a", has_text="run").click()
    assert page.url.endswith("#sym-Pump.run")
    # The line is marked and shown below the sticky header, not under it.
    line = page.locator(f"#L{RUN_LINE}")
    assert "def run" in line.inner_text()
    assert background(page, f"#L{RUN_LINE}") != background(page, f"#L{RUN_LINE + 1}")
    header_bottom = page.eval_on_selector(
        "header.xt-header", "e => e.getBoundingClientRect().bottom"
    )
    assert line.evaluate("e => e.getBoundingClientRect().top") >= header_bottom
    # The permalink bar offers the line's link and the symbol's.
    bar = page.locator(".xref-permalink")
    assert bar.locator("button").all_inner_texts() == ["Copy line link", "Copy symbol link"]
    # A long outline starts closed, with its counts.
    page.goto(site + "plant/widgets.py_docs.html")
    assert page.locator("details.xref-toc").get_attribute("open") is None
    assert page.inner_text("details.xref-toc summary") == "Outline Constants (1600)"


def test_keys_slash_y_and_question_mark(chromium: Any, site: str) -> None:
    context = chromium.new_context(
        viewport=DESKTOP, permissions=["clipboard-read", "clipboard-write"]
    )
    page = context.new_page()
    page.goto(f"{site}{PUMP_PAGE}#sym-start_pump")
    before = page.evaluate("scrollY")
    assert before > 0
    # / focuses the keyword box where it is, the page stays where it was.
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "xt-kw-input"
    assert page.evaluate("scrollY") == before
    # Keys typed into a field are text, not shortcuts.
    page.keyboard.type("y?")
    assert page.input_value("#xt-kw-input") == "y?"
    assert page.locator("dialog.xref-keys").count() == 0
    page.keyboard.press("Escape")
    page.evaluate("document.activeElement.blur()")
    # y copies the permalink, the symbol's here, and says so.
    page.keyboard.press("y")
    page.locator(".xref-toast").wait_for()
    assert "Copied the permalink" in page.inner_text(".xref-toast")
    assert page.evaluate("navigator.clipboard.readText()").endswith(f"{PUMP_PAGE}#sym-start_pump")
    # ? lists the keys, t (the file finder) among them.
    page.keyboard.press("?")
    keys = page.locator("dialog.xref-keys")
    assert keys.is_visible()
    assert keys.locator("kbd").all_inner_texts() == ["/", "t", "y", "?", "Esc"]
    shoot(page, "keys-desktop")
    page.keyboard.press("Escape")
    assert not keys.is_visible()
    context.close()


# Every kind of page, each wide with something of its own (the A-Z pages' long names, the
# search page's results, the folder pages' tables).
PAGE_KINDS = (
    ("root", ""),
    ("folder-index", "plant/index.html"),
    ("folder-doc", "plant/doc.html"),
    ("root-doc", "doc.html"),
    ("file-docs", PUMP_PAGE),
    ("file-kw", "plant/pumps/pump.py_kw.html"),
    ("keywords", "keywords.html"),
    ("letter", "keywords-w.html"),
    ("search", "search.html?q=Pump"),
)


def test_no_page_scrolls_sideways_on_a_phone_and_the_header_is_one_row(
    chromium: Any, site: str
) -> None:
    context = chromium.new_context(viewport=PHONE)
    page = context.new_page()
    problems = ConsoleProblems(page)
    for name, address in PAGE_KINDS:
        page.goto(site + address)
        if name == "search":
            page.wait_for_selector("#search-results ul.search li", timeout=15000)
        width = page.evaluate("document.scrollingElement.scrollWidth")
        assert width <= PHONE["width"], (name, width)
        height = page.eval_on_selector("header.xt-header", "e => e.getBoundingClientRect().height")
        assert height <= 64, (name, height)
    # The header stays on screen, and the keyword box and search button are in it.
    page.goto(site + PUMP_PAGE)
    shoot(page, "outline-phone")
    page.evaluate("scrollTo(0, 2000)")
    assert page.eval_on_selector("header.xt-header", "e => e.getBoundingClientRect().top") == 0
    assert page.locator("#xt-kw-input").is_visible()
    assert page.get_by_role("button", name="Search").is_visible()
    shoot(page, "header-scrolled-phone")
    # The source scrolls inside its own box.
    wide = page.eval_on_selector(".xref-source ol", "e => e.scrollWidth > e.clientWidth")
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]
    assert wide or page.eval_on_selector(".xref-source ol", "e => e.clientWidth <= 390")
    # The search button alone leads to the search page, which has its own box.
    with page.expect_navigation():
        page.get_by_role("button", name="Search").click()
    assert "search.html" in page.url
    context.close()
    assert problems.found == []
