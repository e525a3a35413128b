"""Helpers for the site tests: make a git repository, read what the built pages show."""

from __future__ import annotations

import re
import subprocess
from html import unescape
from pathlib import Path

GIT = ["git", "-c", "user.email=tests@xrefdoc.invalid", "-c", "user.name=xrefdoc tests"]


def make_git_repository(root: Path) -> None:
    """``git init`` plus one commit of everything not ignored."""
    subprocess.run([*GIT, "init", "-q", str(root)], check=True)
    subprocess.run([*GIT, "-C", str(root), "add", "-A"], check=True)
    subprocess.run([*GIT, "-C", str(root), "commit", "-q", "-m", "fixture"], check=True)


def page_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def main_body(html: str) -> str:
    """The part of a page that xrefdoc writes (the theme's ``div.body``)."""
    start = html.index('<div class="body" role="main">')
    end = (
        html.index('<div class="sphinxsidebar"', start)
        if '<div class="sphinxsidebar"' in html
        else len(html)
    )
    return html[start:end]


def h2_titles(html: str) -> list[str]:
    return [
        unescape(re.sub(r"<[^>]+>", "", title)).strip()
        for title in re.findall(r"<h2[^>]*>(.*?)</h2>", html, re.S)
    ]


def source_line(html: str, number: int) -> str:
    """The text of source line ``number`` on a _docs page, tags removed."""
    match = re.search(rf'<span id="L{number}">(.*?)</span>\n', html)
    assert match, f"no line L{number}"
    return unescape(re.sub(r"<[^>]+>", "", match.group(1)))


def hrefs(html: str) -> list[str]:
    return [unescape(link) for link in re.findall(r'href="([^"]*)"', html)]
