"""Markdown and reStructuredText: headings and the identifier-like words of their prose."""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.token import Token

from xrefdoc.extract.result import Extracted, count_lines
from xrefdoc.extract.tokens import code_identifiers, dedupe, lexer_names, prose_identifiers
from xrefdoc.model import Heading, Reference, Symbol


def _heading_symbols(headings: list[Heading], total_lines: int) -> tuple[Symbol, ...]:
    """Each heading is a definition running to the next heading of the same or higher rank."""
    symbols = []
    for index, heading in enumerate(headings):
        end = total_lines
        for later in headings[index + 1 :]:
            if later.level <= heading.level:
                end = max(heading.line, later.line - 1)
                break
        symbols.append(Symbol(heading.text, "heading", heading.line, end))
    return tuple(symbols)


def extract_markdown(text: str) -> Extracted:
    """Headings, inline code, code blocks (by their language's lexer) and prose identifiers."""
    parser = MarkdownIt("commonmark")
    tokens = parser.parse(text)
    source_lines = text.split("\n")
    headings: list[Heading] = []
    references: list[Reference] = []
    for index, token in enumerate(tokens):
        first = token.map[0] + 1 if token.map else 1
        if token.type == "heading_open":
            inline = tokens[index + 1]
            headings.append(Heading(int(token.tag[1:]), inline.content.strip(), first))
            references.extend(_inline_references(inline, source_lines))
        elif token.type in ("fence", "code_block"):
            language = token.info.split()[0] if token.info.strip() else "text"
            references.extend(lexer_names(token.content, language, first + (token.type == "fence")))
        elif token.type == "inline" and tokens[index - 1].type != "heading_open":
            references.extend(_inline_references(token, source_lines))
    total = max(1, count_lines(text))
    return Extracted(
        symbols=_heading_symbols(headings, total),
        headings=tuple(headings),
        references=tuple(dedupe(references)),
    )


def _inline_references(inline: Token, source_lines: list[str]) -> list[Reference]:
    """Names in inline code spans and identifier-like words of the prose around them, each
    placed on the source line where it is written (a code span may wrap across lines)."""
    start, end = inline.map if inline.map else (0, len(source_lines))
    found: list[Reference] = []
    for child in inline.children or []:
        if child.type == "code_inline":
            found.extend(code_identifiers(child.content, start + 1))
        elif child.type == "text":
            found.extend(prose_identifiers(child.content, start + 1))
    placed: list[Reference] = []
    cursor = start
    for ref in found:
        for number in range(cursor, end):
            if ref.name in source_lines[number]:
                cursor = number
                ref = Reference(ref.name, number + 1, ref.exact)
                break
        placed.append(ref)
    return placed


_RST_ADORNMENT = re.compile(r"^([!-/:-@\[-`{-~])\1{2,}\s*$")
_RST_INLINE_LITERAL = re.compile(r"``(.+?)``")


def extract_rst(text: str) -> Extracted:
    """Section titles (levels in order of first use of each adornment) and inline literals."""
    lines = text.split("\n")
    styles: list[tuple[str, bool]] = []
    headings: list[Heading] = []
    references: list[Reference] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        title_at = None
        if (
            index + 1 < len(lines)
            and line.strip()
            and not _RST_ADORNMENT.match(line)
            and _RST_ADORNMENT.match(lines[index + 1])
            and len(lines[index + 1].rstrip()) >= len(line.rstrip())
        ):
            overlined = index > 0 and lines[index - 1].strip() == lines[index + 1].strip()
            style = (lines[index + 1].strip()[0], overlined)
            if style not in styles:
                styles.append(style)
            title_at = index
            headings.append(Heading(styles.index(style) + 1, line.strip(), index + 1))
        for match in _RST_INLINE_LITERAL.finditer(line):
            references.extend(code_identifiers(match.group(1), index + 1))
        remainder = _RST_INLINE_LITERAL.sub(" ", line)
        references.extend(prose_identifiers(remainder, index + 1))
        index += 2 if title_at is not None else 1
    return Extracted(
        symbols=_heading_symbols(headings, max(1, count_lines(text))),
        headings=tuple(headings),
        references=tuple(dedupe(references)),
    )
