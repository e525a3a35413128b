"""A real browser for the tests: Debian's Chromium driven by Playwright, and a site served on
localhost. Tests that need it skip, saying why, only where no browser can be started."""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

# Where Debian (and most Linux distributions) put Chromium; XREFDOC_CHROMIUM overrides.
CHROMIUM_PATHS = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
# Where the browser tests leave their screenshots (not committed).
SCREENSHOTS = Path(__file__).resolve().parent.parent / "_build" / "screenshots"


def chromium_path() -> str | None:
    wanted = os.environ.get("XREFDOC_CHROMIUM")
    if wanted:
        return wanted
    for path in CHROMIUM_PATHS:
        if Path(path).is_file():
            return path
    return shutil.which("chromium")


@contextmanager
def browser() -> Iterator[Any]:
    """A headless Chromium, or a skip that says what is missing."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the browser tests need the playwright package (pip install '.[test]')")
    path = chromium_path()
    if path is None:
        pytest.skip(
            "the browser tests need Chromium (Debian: apt-get install chromium; or set "
            "XREFDOC_CHROMIUM to a Chromium binary)"
        )
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=path, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            yield launched
        finally:
            launched.close()


_RANGE = re.compile(r"bytes=(\d+)-(\d+)")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Python's static server, quiet, and answering a request for one range of bytes of a file
    (``Range: bytes=a-b``) with those bytes, as static hosts do."""

    ranges = True
    # Bytes the answer to a range is moved by: a server that sends other bytes than asked.
    shift = 0

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        wanted = _RANGE.fullmatch(self.headers.get("Range", "")) if self.ranges else None
        path = Path(self.translate_path(self.path))
        if wanted is None or not path.is_file():
            super().do_GET()
            return
        data = path.read_bytes()
        start, end = int(wanted[1]) + self.shift, min(int(wanted[2]) + self.shift, len(data) - 1)
        if start > end:
            self.send_error(416)
            return
        self.send_response(206)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Range", f"bytes {start}-{end}/{len(data)}")
        self.send_header("Content-Length", str(end - start + 1))
        self.end_headers()
        self.wfile.write(data[start : end + 1])


class _WholeFileHandler(_QuietHandler):
    ranges = False


class _ShiftedRangeHandler(_QuietHandler):
    shift = 1


_HANDLERS = {"served": _QuietHandler, "whole": _WholeFileHandler, "shifted": _ShiftedRangeHandler}


@contextmanager
def served(folder: Path, ranges: str = "served") -> Iterator[str]:
    """``folder`` served over HTTP on localhost (a free port); yields its base URL. A
    request for a range of a file gets those bytes (``ranges="served"``), the whole file
    (``"whole"``, as from a server that does not serve ranges), or the bytes one further
    on (``"shifted"``, a server that answers wrongly)."""
    handler = functools.partial(_HANDLERS[ranges], directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


class ConsoleProblems:
    """The console errors, warnings and uncaught exceptions of the pages a test opened."""

    def __init__(self, page: Any) -> None:
        self.found: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.found.append(f"uncaught: {error}"))
        page.on("requestfailed", lambda request: self.found.append(f"failed: {request.url}"))

    def _console(self, message: Any) -> None:
        if message.type in ("error", "warning"):
            self.found.append(f"{message.type}: {message.text}")


def opened_page(chromium: Any, **context: Any) -> Iterator[Any]:
    """A page in a browser context of its own (``context`` as Playwright's ``new_context``
    takes it), for a fixture to yield from: closed after the test, which then fails on any
    console problem the page had."""
    browser_context = chromium.new_context(**context)
    opened = browser_context.new_page()
    problems = ConsoleProblems(opened)
    yield opened
    browser_context.close()
    assert problems.found == [], "console errors"


def shoot(page: Any, name: str) -> None:
    """What ``page`` shows, saved as ``_build/screenshots/NAME.png``."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=False)
