"""Helpers for the site tests: make a git repository, read what the built pages show."""

from __future__ import annotations

import re
import subprocess
from html import unescape
from pathlib import Path
from urllib.parse import unquote

from xrefdoc.commands.check import page_links

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


def source_line_html(html: str, number: int) -> str:
    """The HTML of source line ``number`` on a _docs page: what its line's element holds."""
    match = re.search(rf"<li id=L{number}>(.*?)\n", html)
    assert match, f"no line L{number}"
    return match.group(1)


def source_line(html: str, number: int) -> str:
    """The text of source line ``number`` on a _docs page, tags removed."""
    return unescape(re.sub(r"<[^>]+>", "", source_line_html(html, number)))


# A name's link in a page's source: it carries its token's class, if any, and a textual
# match has the class xref-textual and a title.
# An attribute's value is quoted only when HTML needs it to be (``names.attribute``).
_HREF = r'href=(?:"([^"]*)"|([^\s"\'=<>`]+))'
_NAME_LINK = re.compile(rf'<a (?:class=("[^"]*"|[a-z0-9]+) )?{_HREF}[^>]*>(.*?)</a>')


def name_links(html: str) -> list[tuple[str, str, bool]]:
    """(href, name shown, textual?) of every name link in a page's source view, or in the
    HTML of some of its lines."""
    if '<div class="highlight xref-source"><ol>' in html:
        html = html.split('<div class="highlight xref-source"><ol>', 1)[1].split("</ol>", 1)[0]
    return [
        (
            unescape(quoted or bare),
            unescape(re.sub(r"<[^>]+>", "", inner)),
            "xref-textual" in (css or ""),
        )
        for css, quoted, bare, inner in _NAME_LINK.findall(html)
    ]


def hrefs(html: str) -> list[str]:
    """The links of some HTML, with those the page's script makes from the numbers of a
    keyword's lines of use (``test_browser`` checks that the script makes those)."""
    return page_links(html)


def anchor_line(html: str, anchor: str) -> int:
    """The source line of a _docs page that ``anchor`` lands on: ``L7``'s, or the line a
    symbol's anchor (``sym-Engine.run``) starts, where its definition is."""
    if re.fullmatch(r"L\d+", anchor):
        return int(anchor[1:])
    found = re.search(
        rf"<li id=L(\d+)>(?:<span id=[^>]+></span>)*<span id={re.escape(anchor)}>", html
    )
    assert found, f"no line holds {anchor}"
    return int(found.group(1))


def landing(page: Path, link: str) -> tuple[str, int]:
    """The _docs page (its file name) and the source line a link on ``page`` lands on."""
    path, _, anchor = link.partition("#")
    target = (page.parent / unquote(path)).resolve() if path else page
    return target.name.removesuffix("_docs.html"), anchor_line(page_text(target), unquote(anchor))
