"""Highlighted source: one anchored line per source line, known names turned into links."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from pygments.token import STANDARD_TYPES, _TokenType

from xrefdoc.extract.tokens import is_name_token, lexer_for

LinkFor = Callable[[str, int], str | None]


def _css_class(token_type: _TokenType) -> str:
    while token_type not in STANDARD_TYPES and token_type.parent is not None:
        token_type = token_type.parent
    return str(STANDARD_TYPES.get(token_type, ""))


def _line_html(number: int, code: str) -> str:
    return (
        f'<span class="xl" id="L{number}"><a class="ln" href="#L{number}">{number}</a>'
        f"{code}</span>\n"
    )


def highlight_source(text: str, lexer_alias: str, link_for: LinkFor | None = None) -> str:
    """``<pre>`` HTML of ``text``: an ``L<n>`` anchor on every line, Pygments' CSS classes
    (styled by Sphinx's ``pygments.css``), and a link on each name ``link_for`` knows."""
    lexer = lexer_for(lexer_alias) or lexer_for("text")
    assert lexer is not None
    out = ['<div class="highlight xref-source"><pre>']
    number = 1
    parts: list[str] = []
    for token_type, value in lexer.get_tokens(text):
        css = _css_class(token_type)
        for position, segment in enumerate(value.split("\n")):
            if position:
                out.append(_line_html(number, "".join(parts)))
                parts = []
                number += 1
            if not segment:
                continue
            piece = escape(segment, quote=False)
            if css:
                piece = f'<span class="{css}">{piece}</span>'
            if link_for is not None and is_name_token(token_type):
                target = link_for(segment, number)
                if target is not None:
                    piece = f'<a class="xref-name" href="{escape(target)}">{piece}</a>'
            parts.append(piece)
    if parts:
        out.append(_line_html(number, "".join(parts)))
    out.append("</pre></div>")
    return "".join(out)
