"""Values from the tree as inert Markdown: text, code spans, code blocks and link targets.

A forge renders the Markdown pages (CommonMark with GitHub's tables, strikethrough and
math), so anything the tree supplies (a file name, a docstring, a heading) must come out as
the same characters, never as emphasis, a link, a heading, a table cell boundary or HTML.
``MarkdownText`` marks what is already Markdown; everything else goes through
``escape_text`` (the Markdown environment's ``finalize`` does that for every value).
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import quote


class MarkdownText(str):
    """Text that is already Markdown (made by the functions here or by a template)."""

    __slots__ = ()


# Always escaped: inline markup anywhere in a line (``*`` emphasis even inside a word,
# GitHub's ``~`` strikethrough and ``$`` math), brackets of links and images, ``|`` of table
# cells, ``#`` (an ATX heading's closing sequence), the backslash itself; ``<``, ``>`` and
# ``&`` become entities, so no HTML, autolink or entity of the tree gets through.
_SPECIAL = re.compile(r"[\\`*\[\]|~$#<>&]|_+")
_ENTITIES = {"<": "&lt;", ">": "&gt;", "&": "&amp;"}
# What starts a block when a value begins a line (a list item, a table cell, a heading),
# after the one space that may open it.
_BLOCK_START = re.compile(r" ?(?:[-+=]|\d{1,9}[.)](?=[ \t]|$))")
_LINE_BREAKS = re.compile(r"[ \t\r\n\f\v]+")
_BACKTICK_RUNS = re.compile(r"`+")


def _escape_special(match: re.Match[str]) -> str:
    found = match.group()
    if found in _ENTITIES:
        return _ENTITIES[found]
    if found[0] == "_":
        # A run of underscores between two letters or digits can neither open nor close
        # emphasis (``snake_case``), so it stays readable; elsewhere (``__init__``) it could.
        text, start, end = match.string, match.start(), match.end()
        if start > 0 and end < len(text) and text[start - 1].isalnum() and text[end].isalnum():
            return found
        return "\\_" * len(found)
    return "\\" + found


def escape_text(value: object) -> MarkdownText:
    """``value`` as Markdown text that renders as exactly its characters, on one line
    (runs of white space become one space, as HTML shows them anyway)."""
    return _escaped(str(value))


# Cached: the same names, kinds and numbers recur on every page of a large tree.
@lru_cache(maxsize=1 << 16)
def _escaped(text: str) -> MarkdownText:
    text = _LINE_BREAKS.sub(" ", text)
    text = _SPECIAL.sub(_escape_special, text)
    start = _BLOCK_START.match(text)
    if start:
        # Escaping the first character is enough: ``\-`` or ``1\.`` starts no list, rule or
        # setext underline.
        marker = start.group()
        text = f"{marker[:-1]}\\{marker[-1]}{text[start.end() :]}"
    return MarkdownText(text)


def code_span(value: object) -> MarkdownText:
    """``value`` as a code span: a fence of backticks longer than any run inside, padded
    with spaces when the text starts or ends with a backtick or a space (CommonMark strips
    one space each side, unless the text is only spaces). Not for table cells, where ``|``
    would still split the cell."""
    return _code_span(str(value))


@lru_cache(maxsize=1 << 16)
def _code_span(value: str) -> MarkdownText:
    text = _LINE_BREAKS.sub(" ", value)
    if not text:
        return MarkdownText("` `")
    longest = max((len(run) for run in _BACKTICK_RUNS.findall(text)), default=0)
    fence = "`" * (longest + 1)
    if text.strip(" ") and (text[0] in "` " or text[-1] in "` "):
        text = f" {text} "
    return MarkdownText(f"{fence}{text}{fence}")


_INFO_UNSAFE = re.compile(r"[^A-Za-z0-9_+.#-]")


def code_block(text: str, info: str = "") -> MarkdownText:
    """A fenced code block holding ``text`` (``\n`` line endings, as extraction reads files)
    as it is: its fence of backticks is longer than any run of backticks in the text, so no
    line of it can close the block. ``info`` (a language name for highlighting) keeps only
    characters that are safe there."""
    longest = max((len(run) for run in _BACKTICK_RUNS.findall(text)), default=0)
    fence = "`" * max(3, longest + 1)
    body = text if not text or text.endswith("\n") else text + "\n"
    return MarkdownText(f"{fence}{_INFO_UNSAFE.sub('', info)}\n{body}{fence}")


# What a link destination may hold as it is: the characters ``quote`` leaves, plus ``%``
# (already quoted), ``/``, ``#`` and ``?=`` (fragment and query of our own links); never
# ``:``, so no destination can name a scheme (``javascript:``).
_TARGET_SAFE = "/%#?=._-~"


_TARGET_AS_IS = re.compile(r"[A-Za-z0-9/%#?=._~-]*")


def link_target(url: str) -> MarkdownText:
    """A link destination for ``[text](url)``: our links are URL-quoted already (spaces are
    ``%20``); anything else that could end the destination or be read as Markdown is quoted
    here, so no ``<...>`` is ever needed."""
    if _TARGET_AS_IS.fullmatch(url):
        return MarkdownText(url)
    return MarkdownText(quote(url, safe=_TARGET_SAFE))


_ANCHOR_ID = re.compile(r"[A-Za-z0-9_.-]+")


def anchor(identifier: str) -> MarkdownText:
    """An empty HTML anchor with an id, the only HTML on the pages: forges keep it (GitHub
    prefixes ``user-content-`` and still scrolls to ``#identifier``). Ids come from
    ``keyword_anchor``; anything else is refused."""
    if not _ANCHOR_ID.fullmatch(identifier):
        raise ValueError(f"not an anchor id: {identifier!r}")
    return MarkdownText(f'<a id="{identifier}"></a>')


def finalize(value: object) -> MarkdownText:
    """The Markdown environment's ``finalize``: every ``{{ value }}`` of a template is
    escaped unless it is ``MarkdownText`` already."""
    return value if isinstance(value, MarkdownText) else escape_text(value)
