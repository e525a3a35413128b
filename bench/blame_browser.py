"""How long a file page takes to show its blame in headless Chromium, for the longest files of
a site built with ``--blame``.

    python bench/blame_browser.py --site OUT [--runs 5] [--files 3] [--min-lines 2000]

The site is served from a local static server; each run opens the file's page in a fresh
browser context (a cold cache), waits for its History row, then times the Blame button's
click to the blame column drawn (the blame script fetched, parsed and a cell put before every
line). The files are the site's longest ones with blame data, at least ``--min-lines`` lines.
Prints a markdown table: lines, the blame script's bytes, and the seconds (median of the
runs, and the slowest). Figures, not verdicts. Needs Chromium and playwright, as the browser
tests do.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from browser import chromium_path, served

from xrefdoc.site.data_scripts import script_value


def blamed_files(site: Path, least: int) -> list[tuple[int, str, int]]:
    """(lines, key, script bytes) of each file with blame data, longest first."""
    found = []
    folder = site / "_xref" / "blame"
    for script in folder.rglob("*.js"):
        data = script_value(script.read_text(encoding="utf-8"))
        assert isinstance(data, dict)
        lines = sum(count for _, count in data["runs"])
        if lines >= least:
            found.append((lines, data["k"], script.stat().st_size))
    return sorted(found, reverse=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--files", type=int, default=3)
    parser.add_argument("--min-lines", type=int, default=2000)
    arguments = parser.parse_args()
    files = blamed_files(arguments.site, arguments.min_lines)[: arguments.files]
    if not files:
        sys.exit(f"blame bench: no file of {arguments.min_lines}+ lines has blame in the site")
    from playwright.sync_api import sync_playwright

    print("| file | lines | blame script | median s | slowest s |")
    print("|---|---:|---:|---:|---:|")
    with sync_playwright() as playwright, served(arguments.site) as base:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(), args=["--no-sandbox", "--disable-gpu"]
        )
        for lines, key, size in files:
            seconds = []
            for _ in range(arguments.runs):
                context = browser.new_context()
                page = context.new_page()
                page.goto(f"{base}{quote(key)}_docs.html")
                page.locator(".xref-blame-toggle").wait_for()
                started = time.perf_counter()
                page.click(".xref-blame-toggle")
                page.wait_for_function(
                    "document.querySelector('.xref-source.xref-blamed') &&"
                    " document.querySelectorAll('.xref-blame').length > 0"
                )
                seconds.append(time.perf_counter() - started)
                context.close()
            print(
                f"| {key} | {lines:,} | {size / 1024:.1f} KiB | "
                f"{statistics.median(seconds):.3f} | {max(seconds):.3f} |"
            )
        browser.close()


if __name__ == "__main__":
    main()
