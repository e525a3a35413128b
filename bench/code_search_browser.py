"""How fast the Code tab answers, and how much of the index it fetches, in headless Chromium.

    python bench/code_search_browser.py --site OUT [--runs 3] [--queries 5]

The site is served from a local static server; each query runs in a fresh browser context
(a cold cache) from the search page's address (``search.html?q=…&tab=code``) to its last
result, or to the first 50 files' results where "More files" holds the rest. The queries
are drawn from the site's own index, deterministically: selective literals (an identifier
of 8 or more characters whose matches fit the first page: at most 50 files hold it) and
regular expressions whose only literal has three characters. Prints a markdown table: the
seconds (median of the runs), the requests for files of ``_xref/code/`` and the bytes they
fetched, whole files or the ranges asked for (heard in one more run: listening slows the
page), and their share of the index. ``--url`` measures the site as another static server
serves it (one that serves ranges, as ours and most do). Needs Chromium (Debian's) and
playwright, as the browser tests do.
"""

from __future__ import annotations

import argparse
import contextlib
import random
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from browser import chromium_path, served

from xrefdoc.codesearch.query import Query, search
from xrefdoc.codesearch.reader import CodeIndex
from xrefdoc.site.names import code_search_folder

IDENTIFIER = re.compile(r"\b[A-Za-z_][A-Za-z0-9_]{7,30}\b")
THREE = re.compile(r"\b[a-z]{3}\b")
# The files the Code tab shows before "More files" (xrefdoc-code.js).
SHOWN_FILES = 50
# Done: every match shown, or the first 50 files shown and the rest behind "More files".
DONE = """() => { const s = document.querySelector('.xref-code-status');
                  const t = s && s.textContent;
                  return t && !/Loading|Searching/.test(t) &&
                    (!/so far/.test(t) || document.querySelector('.xref-code-more-button')); }"""


def selective_literals(index: CodeIndex, count: int, seed: int = 24) -> list[str]:
    """Identifiers of the tree whose matches fit the first page of results."""
    chooser = random.Random(seed)
    found: list[str] = []
    tried: set[str] = set()
    while len(found) < count and len(tried) < 400:
        group = chooser.randrange(index.groups)
        region = chooser.randrange(index.region_count(group))
        words = IDENTIFIER.findall(index.text(group, region).decode("utf-8", "replace"))
        if not words:
            continue
        word = chooser.choice(words)
        if word in tried:
            continue
        tried.add(word)
        # Ignoring case, as the Code tab does by default.
        if len({m.path for m in search(index, Query(word, ignore_case=True))}) <= SHOWN_FILES:
            found.append(word)
    return found


def three_letter_regexes(index: CodeIndex, count: int, seed: int = 24) -> list[str]:
    """Expressions whose one literal is a three-letter word of the tree followed by a call."""
    chooser = random.Random(seed)
    words: list[str] = []
    while len(words) < count:
        group = chooser.randrange(index.groups)
        region = chooser.randrange(index.region_count(group))
        candidates = THREE.findall(index.text(group, region).decode("utf-8", "replace"))
        if candidates and (word := chooser.choice(candidates)) not in words:
            words.append(word)
    return [rf"\b{word}\w*\(" for word in words]


def run_query(
    browser: Any, base: str, box: str, regex: bool, listen: bool = False
) -> tuple[float, list[tuple[str, str | None]], str]:
    """Seconds from the address to the last result, the requests for index files (when
    ``listen``: each file's name and the range of its bytes asked for, if one was), the
    status. The files are heard through Playwright, request by request,
    which slows the page (a scan of 2,107 files: 9.7 s without listening, 11.1 s with it),
    so the timed runs do not listen, and one more run does."""
    context = browser.new_context()
    fetched: list[tuple[str, str | None]] = []
    marker = "/" + code_search_folder(Path()).as_posix() + "/"
    if listen:
        context.on(
            "request",
            lambda request: (
                fetched.append((request.url.split(marker, 1)[1], request.headers.get("range")))
                if marker in request.url
                else None
            ),
        )
    page = context.new_page()
    flags = {"re": "1"} if regex else {}
    started = time.perf_counter()
    page.goto(base + "search.html?" + urlencode({"q": box, "tab": "code", **flags}))
    page.wait_for_function(DONE, timeout=120_000)
    seconds = time.perf_counter() - started
    status = page.inner_text(".xref-code-status")
    context.close()
    return seconds, fetched, status


def fetched_size(sizes: dict[str, int], name: str, asked: str | None) -> int:
    """The bytes a request for the index file ``name`` fetched: the range ``asked`` for
    (``bytes=a-b``, as the Code tab asks), or the whole file."""
    found = re.fullmatch(r"bytes=(\d+)-(\d+)", asked or "")
    if found is None:
        return sizes.get(name, 0)
    return min(int(found[2]), sizes.get(name, 0) - 1) - int(found[1]) + 1


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--queries", type=int, default=5, help="of each kind")
    parser.add_argument(
        "--url", help="the site as another static server serves it (default: one of ours)"
    )
    args = parser.parse_args(argv)
    folder = code_search_folder(args.site)
    index = CodeIndex(folder)
    sizes = {
        path.relative_to(folder).as_posix(): path.stat().st_size for path in folder.rglob("*.js")
    }
    total = sum(sizes.values())
    literals = selective_literals(index, args.queries)
    regexes = three_letter_regexes(index, args.queries)
    queries = [(word, False, "selective literal") for word in literals]
    queries += [(regex, True, "regex, 3-char literal") for regex in regexes]
    path = chromium_path()
    if path is None:
        sys.exit("code_search_browser: Chromium is not installed")
    from playwright.sync_api import sync_playwright

    print(f"index: {total / 2**20:.1f} MiB in {len(sizes)} files, {index.groups} groups\n")
    print("| query | kind | status | seconds (median) | requests | bytes fetched | of index |")
    print("| --- | --- | --- | --: | --: | --: | --: |")
    server = contextlib.nullcontext(args.url.rstrip("/") + "/") if args.url else served(args.site)
    with sync_playwright() as playwright, server as base:
        browser = playwright.chromium.launch(executable_path=path, args=["--no-sandbox"])
        try:
            for box, regex, kind in queries:
                runs = [run_query(browser, base, box, regex) for _ in range(args.runs)]
                seconds = statistics.median(run[0] for run in runs)
                fetched = set(run_query(browser, base, box, regex, listen=True)[1])
                fetched_bytes = sum(fetched_size(sizes, name, asked) for name, asked in fetched)
                print(
                    f"| `{box}` | {kind} | {runs[-1][2].splitlines()[0]} | {seconds:.2f} "
                    f"| {len(fetched)} | {fetched_bytes:,} | {fetched_bytes / total:.1%} |",
                    flush=True,
                )
        finally:
            browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
