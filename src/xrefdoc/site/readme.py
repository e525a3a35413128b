"""A folder's README for its doc page: safe HTML (formatting rendered, markup and directives
never run), or its first paragraph as plain text."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from html import escape

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.anchors.index import slugify

README_NAMES = ("readme.md", "readme.markdown", "readme.rst", "readme.txt", "readme")

# Maps a link's tree path (relative to the root) to a page link, or None when not documented.
TreeLink = Callable[[str], str | None]
# README headings get GitHub's ids under this prefix, apart from the ids of the page around.
ANCHOR_PREFIX = "readme-"


def find_readme(files: list[str]) -> str | None:
    """The folder's README among its files (paths), by conventional name."""
    by_name = {path.rpartition("/")[2].lower(): path for path in files}
    for name in README_NAMES:
        if name in by_name:
            return by_name[name]
    return None


def _rewrite_links(
    tokens: list[Token], folder: str, tree_link: TreeLink, heading_ids: set[str]
) -> None:
    """Relative links to files of the tree go to their pages, links to the README's own
    headings to their ids; others that cannot resolve lose their link; images become their
    alt text (the site does not copy them)."""
    for token in tokens:
        if token.children:
            _rewrite_links(token.children, folder, tree_link, heading_ids)
        if token.type == "link_open":
            target = str(token.attrGet("href") or "")
            if target.startswith("#"):
                anchor = ANCHOR_PREFIX + target[1:]
                token.attrSet("href", "#" + anchor if anchor in heading_ids else "#")
                continue
            if target.startswith(("http://", "https://", "mailto:")) or "://" in target:
                continue
            path = posixpath.normpath(posixpath.join(folder, target.split("#")[0]))
            page = tree_link(path) if not path.startswith("..") else None
            token.attrSet("href", page or "#")
        elif token.type == "image":
            token.type = "text"
            token.content = token.content or str(token.attrGet("alt") or "")
            token.children = None


def markdown_html(text: str, folder: str, tree_link: TreeLink) -> str:
    """CommonMark with tables; raw HTML in the README is shown as text. Headings carry
    GitHub's ids (prefixed), so the README's own ``#section`` links work."""
    parser = MarkdownIt("commonmark", {"html": False}).enable("table")
    parser.use(
        anchors_plugin, min_level=1, max_level=6, slug_func=lambda t: ANCHOR_PREFIX + slugify(t)
    )
    tokens = parser.parse(text)
    heading_ids = {str(t.attrGet("id")) for t in tokens if t.type == "heading_open"}
    _rewrite_links(tokens, folder, tree_link, heading_ids)
    return str(parser.renderer.render(tokens, parser.options, {}))


def rst_html(text: str) -> str:
    """reStructuredText through docutils with raw output and file inclusion switched off."""
    from docutils.core import publish_parts

    parts = publish_parts(
        source=text,
        writer_name="html5",
        settings_overrides={
            "raw_enabled": False,
            "file_insertion_enabled": False,
            "report_level": 5,
            "halt_level": 5,
            "input_encoding": "unicode",
            "output_encoding": "unicode",
            "doctitle_xform": False,
        },
    )
    return str(parts["body"])


def readme_html(name: str, text: str, folder: str, tree_link: TreeLink) -> str:
    """HTML for a README by its file name; plain text for anything but Markdown and reST."""
    lower = name.lower()
    if lower.endswith((".md", ".markdown")):
        return markdown_html(text, folder, tree_link)
    if lower.endswith(".rst"):
        try:
            return rst_html(text)
        except Exception:
            pass
    return f"<pre>{escape(text)}</pre>"


SUMMARY_LIMIT = 600
_UNDERLINE = re.compile(r"^\s*([=\-`:'\"~^_*+#<>.])\1+\s*$")


def readme_summary(name: str, text: str) -> str:
    """The README's first paragraph as plain text (Markdown formatting, links and HTML
    dropped, their text kept), cut at about ``SUMMARY_LIMIT`` characters; "" when it has
    none. For pages that cannot show the README itself (the Markdown tree, where its
    relative links and HTML would break)."""
    if name.lower().endswith((".md", ".markdown")):
        summary = _markdown_first_paragraph(text)
    else:
        summary = _text_first_paragraph(text)
    summary = " ".join(summary.split())
    if len(summary) > SUMMARY_LIMIT:
        summary = summary[:SUMMARY_LIMIT].rsplit(" ", 1)[0] + " \u2026"
    return summary


def _markdown_first_paragraph(text: str) -> str:
    tokens = MarkdownIt("commonmark", {"html": True}).parse(text)
    for position, token in enumerate(tokens):
        if token.type == "paragraph_open":
            return _inline_text(tokens[position + 1].children or [])
    return ""


def _inline_text(children: list[Token]) -> str:
    pieces = []
    for child in children:
        if child.type in ("text", "code_inline"):
            pieces.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            pieces.append(" ")
        elif child.type == "image":
            pieces.append(_inline_text(child.children or []))
    return "".join(pieces)


def _text_first_paragraph(text: str) -> str:
    """reStructuredText or plain text: the first block of lines that is no heading, no
    directive or comment (``..``) and no field list."""
    for block in re.split(r"\n\s*\n", text):
        lines = [line for line in block.strip().splitlines() if not _UNDERLINE.match(line)]
        if len(lines) <= 1 and len(block.strip().splitlines()) > 1:
            continue  # a heading: its text and its underline
        if not lines or lines[0].lstrip().startswith(("..", ":")):
            continue
        return " ".join(lines)
    return ""
