"""How soon a keyword's own page is ready in headless Chromium, for the pages with the most
lines of use: one site, or two built from the same tree (before and after a change).

    python bench/keyword_page_browser.py --site OUT [--site OTHER] [--runs 5] [--pages 3]

The pages are the first site's ``keyword-uses/`` pages with the most links to lines of use
(those written and those the page's script makes, as ``xrefdoc check`` reads them). Each
site is served from a local static server; each run opens the page in a fresh browser
context (a cold cache) after one run that is not counted, and reads the browser's own
clock: DOMContentLoaded, ``load``, the first lines of use linked once the list is scrolled
to, then the seconds to scroll through the whole page, by which every number is a link.
Prints a markdown table of medians. Figures, not verdicts. Needs Chromium and playwright,
as the browser tests do.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from browser import chromium_path, served

from xrefdoc.commands.check import page_links
from xrefdoc.site.names import PageNames

USE_LINKS = ".xref-uses a[href*='#L']"
TIMES = """() => {
  const entry = performance.getEntriesByType("navigation")[0];
  return [entry.domContentLoadedEventEnd, entry.loadEventEnd, performance.now()];
}"""
SCROLL_THROUGH = """async () => {
  for (let y = 0; y < document.body.scrollHeight; y += innerHeight) {
    scrollTo(0, y);
    await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
  }
}"""


def busiest_pages(site: Path, count: int) -> list[tuple[int, str]]:
    """(links to lines of use, page) of the site's keyword pages with the most, most first."""
    folder = site / PageNames().keyword_full_page("").rstrip("/")
    found = []
    for page in folder.glob("*.html"):
        links = page_links(page.read_text(encoding="utf-8"))
        found.append((sum(1 for link in links if "#L" in link), page.name))
    return sorted(found, reverse=True)[:count]


def measure(browser: Any, url: str) -> tuple[float, float, float, float, int]:
    """One cold load of ``url``: ms to DOMContentLoaded, to ``load``, to the first lines of
    use linked; seconds to scroll through; the links to lines at the end."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(url, wait_until="load")
    page.evaluate("document.querySelector('.xref-uses').scrollIntoView()")
    page.wait_for_selector(USE_LINKS, state="attached")
    loaded, ready, linked = page.evaluate(TIMES)
    started = time.perf_counter()
    page.evaluate(SCROLL_THROUGH)
    scrolled = time.perf_counter() - started
    links = int(page.eval_on_selector_all(USE_LINKS, "links => links.length"))
    context.close()
    return loaded, ready, linked, scrolled, links


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, action="append", required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--pages", type=int, default=3)
    arguments = parser.parse_args()
    pages = busiest_pages(arguments.site[0], arguments.pages)
    if not pages:
        sys.exit("keyword page bench: the site has no keyword page of its own")
    chromium = chromium_path()
    if chromium is None:
        sys.exit("keyword page bench: Chromium is not installed")
    from playwright.sync_api import sync_playwright

    print("| site | page | lines of use | DOMContentLoaded ms | load ms | first linked ms |")
    print("|---|---|--:|--:|--:|--:|")
    scrolls = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, args=["--no-sandbox", "--disable-gpu"]
        )
        for site in arguments.site:
            with served(site) as base:
                for lines, name in pages:
                    url = f"{base}{PageNames().keyword_full_page(name)}"
                    measure(browser, url)
                    runs = [measure(browser, url) for _ in range(arguments.runs)]
                    medians = [statistics.median(run[at] for run in runs) for at in range(4)]
                    print(
                        f"| {site} | {name} | {lines:,} | {medians[0]:.0f} | "
                        f"{medians[1]:.0f} | {medians[2]:.0f} |"
                    )
                    scrolls.append((site, name, medians[3], runs[-1][4]))
        browser.close()
    print("\n| site | page | scrolled through, s | links to lines then |")
    print("|---|---|--:|--:|")
    for site, name, seconds, links in scrolls:
        print(f"| {site} | {name} | {seconds:.2f} | {links:,} |")


if __name__ == "__main__":
    main()
