"""Highlighted source: one anchored line per source line, known names turned into links."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html import escape

from pygments.token import STANDARD_TYPES, _TokenType

from xrefdoc.extract.tokens import is_name_token, lexer_for
from xrefdoc.pages import line_anchor


@dataclass(frozen=True, slots=True)
class NameLink:
    """Where a name in the source leads, what hovering it says, and whether the link is a
    textual match (the name is the same; the definition meant is not known)."""

    href: str
    title: str
    textual: bool = False

    def wrap(self, piece: str) -> str:
        css = "xref-name xref-textual" if self.textual else "xref-name"
        return (
            f'<a class="{css}" href="{escape(self.href)}" title="{escape(self.title)}">{piece}</a>'
        )


# (name, line, column in UTF-8 bytes) → the name's link, if it has one.
LinkFor = Callable[[str, int, int], NameLink | None]


def _css_class(token_type: _TokenType) -> str:
    while token_type not in STANDARD_TYPES and token_type.parent is not None:
        token_type = token_type.parent
    return str(STANDARD_TYPES.get(token_type, ""))


def _line_html(number: int, code: str) -> str:
    anchor = line_anchor(number)
    return (
        f'<span class="xl" id="{anchor}"><a class="ln" href="#{anchor}">{number}</a>{code}</span>\n'
    )


def highlight_source(text: str, lexer_alias: str, link_for: LinkFor | None = None) -> str:
    """``<pre>`` HTML of ``text``: an ``L<n>`` anchor on every line, Pygments' CSS classes
    (styled by Sphinx's ``pygments.css``), and a link on each name ``link_for`` knows."""
    lexer = lexer_for(lexer_alias) or lexer_for("text")
    assert lexer is not None
    out = ['<div class="highlight xref-source"><pre>']
    number = 1
    column = 0
    parts: list[str] = []
    for token_type, value in lexer.get_tokens(text):
        css = _css_class(token_type)
        for position, segment in enumerate(value.split("\n")):
            if position:
                out.append(_line_html(number, "".join(parts)))
                parts = []
                number += 1
                column = 0
            if not segment:
                continue
            start = column
            column += len(segment) if segment.isascii() else len(segment.encode("utf-8"))
            piece = escape(segment, quote=False)
            if css:
                piece = f'<span class="{css}">{piece}</span>'
            if link_for is not None and is_name_token(token_type):
                link = link_for(segment, number, start)
                if link is not None:
                    piece = link.wrap(piece)
            parts.append(piece)
    if parts:
        out.append(_line_html(number, "".join(parts)))
    out.append("</pre></div>")
    return "".join(out)
