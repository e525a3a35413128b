"""Markdown and reStructuredText: headings, the identifier-like words of their prose, and
the uses in their code blocks, read by the extractor of each block's language."""

from __future__ import annotations

import re
from collections.abc import Callable

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.front_matter import front_matter_plugin

from xrefdoc.core.languages import Language, language_of_code_block
from xrefdoc.core.model import Heading, Reference, Symbol, SymbolKind, count_lines
from xrefdoc.extract.result import Extracted
from xrefdoc.extract.tokens import code_identifiers, dedupe, lexer_names, prose_identifiers

# Reads a code block's text as a file of the given language would be read.
CodeExtractor = Callable[[str, Language], Extracted]
# Families whose extractor knows a language's syntax (the others are read as tokens).
_CODE_FAMILIES_READ_AS_TOKENS = frozenset({"text", "data", "markdown", "rst", "binary"})
# MyST directives whose argument names the language of their body.
_MYST_CODE_DIRECTIVES = frozenset({"{code-block}", "{code}", "{code-cell}", "{sourcecode}"})


def code_block_references(
    code: str, info: str, first_line: int, indent: int, extract_code: CodeExtractor
) -> list[Reference]:
    """The uses in a code block whose first line is ``first_line`` of the file and whose
    text is indented by ``indent`` bytes there: a block in a language with an extractor
    (``python``, ``js``, ``cpp``…) is read by it, so ``from pkg import Engine`` makes an
    exact use of ``pkg.Engine``, and its other names are textual uses; other blocks give
    their lexer's name tokens. Definitions in a block are examples, not the tree's: only
    uses are kept."""
    words = info.split()
    if words and words[0] in _MYST_CODE_DIRECTIVES:
        words = words[1:]
    alias = words[0] if words else "text"
    language = language_of_code_block(alias)
    if language is None or language.family in _CODE_FAMILIES_READ_AS_TOKENS:
        return lexer_names(code, alias, first_line)
    placed = []
    for ref in extract_code(code, language).references:
        # A target in the block's own namespace names an example's variable, not the tree's.
        exact = ref.exact and not ref.target.startswith("~")
        column = ref.column + indent if ref.column >= 0 else -1
        placed.append(
            Reference(
                ref.name, ref.line + first_line - 1, exact, ref.target if exact else "", column
            )
        )
    # Names the block uses without defining or importing them (``compute_total(items)``)
    # are still names of the tree, as textual uses.
    return placed + lexer_names(code, language.lexer, first_line)


def _heading_symbols(headings: list[Heading], total_lines: int) -> tuple[Symbol, ...]:
    """Each heading is a definition running to the next heading of the same or higher rank."""
    symbols = []
    for index, heading in enumerate(headings):
        end = total_lines
        for later in headings[index + 1 :]:
            if later.level <= heading.level:
                end = max(heading.line, later.line - 1)
                break
        symbols.append(Symbol(heading.text, SymbolKind.HEADING, heading.line, end))
    return tuple(symbols)


def extract_markdown(text: str, extract_code: CodeExtractor) -> Extracted:
    """Headings, inline code, code blocks (by their language's extractor) and prose
    identifiers."""
    # Front matter (``---`` … ``---`` at the top) is metadata, not a setext heading.
    parser = MarkdownIt("commonmark").use(front_matter_plugin)
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
            body_line = first + (token.type == "fence")
            indent = _stripped_indent(token.content, source_lines, body_line)
            references.extend(
                code_block_references(token.content, token.info, body_line, indent, extract_code)
            )
        elif token.type == "inline" and tokens[index - 1].type != "heading_open":
            references.extend(_inline_references(token, source_lines))
    total = max(1, count_lines(text))
    return Extracted(
        symbols=_heading_symbols(headings, total),
        headings=tuple(headings),
        references=tuple(dedupe(references)),
    )


def _stripped_indent(code: str, source_lines: list[str], first_line: int) -> int:
    """How many bytes of each source line the parser stripped from a code block's lines
    (its list, quote or code indentation), from the block's first non-blank line."""
    for offset, line in enumerate(code.split("\n")):
        number = first_line - 1 + offset
        if line.strip() and number < len(source_lines):
            source = source_lines[number]
            if source.endswith(line):
                return len(source[: len(source) - len(line)].encode("utf-8"))
            return 0
    return 0


# A paragraph longer than this (in characters) places its names by a search that only
# moves forward, within a window: looking for each name from the line of the one before
# costs the paragraph's length for a name written otherwise in the source (``a\\_b``), and
# the line's length for each name of a long line, quadratic in a huge paragraph.
_EXACT_PLACING = 16_384
_PLACING_WINDOW = 4_096


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
    if not found:
        return found
    block = "\n".join(source_lines[start:end])
    if len(block) > _EXACT_PLACING:
        return _placed_forward(found, block, start)
    placed: list[Reference] = []
    cursor = start
    missing_from: dict[str, int] = {}  # a name not written from this line on (``a\\_b``)
    for ref in found:
        if missing_from.get(ref.name, end) <= cursor:
            placed.append(ref)
            continue
        for number in range(cursor, end):
            if ref.name in source_lines[number]:
                cursor = number
                ref = Reference(ref.name, number + 1, ref.exact)
                break
        else:
            missing_from[ref.name] = cursor
        placed.append(ref)
    return placed


def _placed_forward(found: list[Reference], block: str, start: int) -> list[Reference]:
    """Each name on the line where it is next written in ``block`` (the source lines from
    ``start``), within ``_PLACING_WINDOW`` characters of the name before; a name not found
    there keeps its line."""
    placed: list[Reference] = []
    offset = 0
    line = start
    for ref in found:
        at = block.find(ref.name, offset, offset + _PLACING_WINDOW)
        if at >= 0:
            line += block.count("\n", offset, at)
            offset = at
            ref = Reference(ref.name, line + 1, ref.exact)
        placed.append(ref)
    return placed


_RST_ADORNMENT = re.compile(r"^([!-/:-@\[-`{-~])\1{2,}+\s*+$")
_RST_INLINE_LITERAL = re.compile(r"``(.+?)``")


# Possessive after "::": spaces, a word and spaces were tried at every split of a long run
# of spaces (quadratic).
_RST_CODE_DIRECTIVE = re.compile(r"^(\s*)\.\.\s+(?:code-block|code|sourcecode)::\s*+(\S*+)\s*+$")
_RST_HIGHLIGHT = re.compile(r"^\s*\.\.\s+highlight::\s*(\S+)")
_RST_OPTION = re.compile(r"^\s+:[\w-]+:")


def _rst_block_end(lines: list[str], start: int, indent: int) -> int:
    """The index after an indented block that begins at ``start`` under a line indented by
    ``indent`` characters: it runs while lines are blank or indented deeper."""
    end = start
    while end < len(lines) and (
        not lines[end].strip() or len(lines[end]) - len(lines[end].lstrip()) > indent
    ):
        end += 1
    return end


def _rst_code_block(
    lines: list[str], start: int, end: int, alias: str, extract_code: CodeExtractor
) -> list[Reference]:
    """The uses in the indented body ``lines[start:end]`` of a code block."""
    body = lines[start:end]
    depth = min((len(line) - len(line.lstrip()) for line in body if line.strip()), default=0)
    code = "\n".join(line[depth:] for line in body)
    return code_block_references(code, alias, start + 1, depth, extract_code)


def _rst_line_references(line: str, number: int) -> list[Reference]:
    """The names in a line of prose: in its inline literals, and its identifier-like words."""
    found: list[Reference] = []
    for match in _RST_INLINE_LITERAL.finditer(line):
        found.extend(code_identifiers(match.group(1), number))
    found.extend(prose_identifiers(_RST_INLINE_LITERAL.sub(" ", line), number))
    return found


def extract_rst(text: str, extract_code: CodeExtractor) -> Extracted:
    """Section titles (levels in order of first use of each adornment), inline literals,
    and code blocks (``code-block`` directives, and ``::`` literal blocks once a
    ``highlight`` directive names their language) by their language's extractor."""
    lines = text.split("\n")
    styles: list[tuple[str, bool]] = []
    headings: list[Heading] = []
    references: list[Reference] = []
    highlight = ""
    index = 0
    while index < len(lines):
        line = lines[index]
        directive = _RST_CODE_DIRECTIVE.match(line)
        literal = (
            bool(highlight) and line.rstrip().endswith("::") and not line.lstrip().startswith("..")
        )
        if directive or literal:
            indent = len(line) - len(line.lstrip())
            body_start = index + 1
            while body_start < len(lines) and _RST_OPTION.match(lines[body_start]):
                body_start += 1
            end = _rst_block_end(lines, body_start, indent)
            alias = (directive.group(2) if directive else highlight) or highlight or "text"
            if literal:
                references.extend(_rst_line_references(line, index + 1))
            references.extend(_rst_code_block(lines, body_start, end, alias, extract_code))
            index = max(end, index + 1)
            continue
        chosen = _RST_HIGHLIGHT.match(line)
        if chosen:
            highlight = chosen.group(1)
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
        references.extend(_rst_line_references(line, index + 1))
        index += 2 if title_at is not None else 1
    return Extracted(
        symbols=_heading_symbols(headings, max(1, count_lines(text))),
        headings=tuple(headings),
        references=tuple(dedupe(references)),
    )
