"""Fallback extraction from Pygments tokens, and the test for identifier-like prose words."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from pygments.lexer import Lexer
from pygments.lexers import get_lexer_by_name
from pygments.token import Name, _TokenType
from pygments.util import ClassNotFound

from xrefdoc.core.model import Diagnostic, Reference
from xrefdoc.extract.python_tokens import Tokens, python_tokens
from xrefdoc.extract.result import Extracted

# A name, dotted or not: the words of prose and code read as names.
DOTTED_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")
# A URL: a scheme, "://" and what follows up to a space. A scheme starts with a letter, so a
# match starts at the first letter of a run of scheme characters; the look-behind keeps the
# search from starting again inside a run it has read (a long word cost quadratic time:
# 80 s for 400 KB). Group 1 is the run's part before that letter, which the match keeps.
_URL = re.compile(r"(?<![A-Za-z0-9+.-])([0-9+.-]*+)[A-Za-z][A-Za-z0-9+.-]*+://\S++")
_INNER_CAPITAL = re.compile(r"[a-z][A-Z]")


def is_identifier_like(word: str) -> bool:
    """True for words that read as code in prose: ``snake_case``, ``a.b``, ``camelCase``,
    ``ALL_CAPS_1``. Plain capitalised words ("The", "If") and bare acronyms ("API") are prose."""
    if "." in word:
        parts = word.split(".")
        return any(len(part) > 1 for part in parts) and word[-1] != "."
    if "_" in word and any(ch.isalnum() for ch in word):
        return True
    if _INNER_CAPITAL.search(word):
        return True
    return word.isupper() and any(ch.isdigit() for ch in word)


def prose_identifiers(text: str, first_line: int = 1) -> list[Reference]:
    """Identifier-like words of prose, with their lines; URLs are skipped."""
    found: list[Reference] = []
    for offset, line in enumerate(text.split("\n")):
        line = _URL.sub(r"\1 ", line)
        for match in DOTTED_WORD.finditer(line):
            word = match.group(0)
            if is_identifier_like(word):
                found.append(Reference(word, first_line + offset, exact=False))
    return found


def code_identifiers(text: str, first_line: int = 1) -> list[Reference]:
    """Every identifier of a code fragment (inline code in prose): code is all names."""
    found: list[Reference] = []
    for offset, line in enumerate(text.split("\n")):
        for match in DOTTED_WORD.finditer(line):
            found.append(Reference(match.group(0), first_line + offset, exact=False))
    return found


@functools.cache
def is_name_token(token_type: _TokenType) -> bool:
    """A Pygments name token (of any sub-kind); a few dozen types, asked for every token."""
    return token_type in Name  # type: ignore[comparison-overlap]  # stubs type it as a tuple


@functools.cache
def lexer_for(alias: str) -> Lexer | None:
    """The lexer of ``alias``, made once per process: finding it by name scans every lexer
    Pygments has, and a lexer keeps no state between texts."""
    try:
        return get_lexer_by_name(alias or "text", stripnl=False, ensurenl=False)
    except ClassNotFound:
        return None


@functools.lru_cache(maxsize=1)
def lexed(text: str, alias: str) -> Tokens | None:
    """The tokens the lexer of ``alias`` finds in ``text`` (None: no such lexer). Python is
    read by tree-sitter where it parses cleanly (``python_tokens``), a few times faster.
    The last result is kept: a worker extracts a file's names and then highlights the same
    text, and lexing is the cost of both. Callers must not change the list."""
    if alias == "python":
        tokens = python_tokens(text)
        if tokens is not None:
            return tokens
    lexer = lexer_for(alias)
    return None if lexer is None else pygments_tokens(lexer, text)


# Pygments' C and C++ lexers (and its Markdown, reST and Java lexers on blank lines) try, at
# a name, patterns that scan the blanks after it in time that grows with the square of
# their length: 1.4 s for a name, 4,000 spaces and another name; a file within the source
# cap could take hours. The lexer is given runs of blanks no longer than this: a run keeps
# its first characters and its last (the one the lexer's next token meets), and the blanks
# it was not given are put back in its tokens, after the character before them.
LEXED_BLANKS = 64
_LONG_BLANKS = re.compile(rf"[ \t\n]{{{LEXED_BLANKS + 1},}}")


# Other lexers (YAML on characters it cannot read: 8,000 of them on a line took 0.5 s) try,
# at every character, patterns that scan to the end of the line. A line longer than this is
# not given to the lexer: it is shown as the text around it is, and its names are not read.
LEXED_LINE = 2048
_LONG_LINE = re.compile(rf"[^\n]{{{LEXED_LINE + 1},}}")


def pygments_tokens(lexer: Lexer, text: str) -> Tokens:
    """The tokens of ``text`` by ``lexer``, with long lines (see ``LEXED_LINE``) and long
    runs of blanks (see ``LEXED_BLANKS``) shortened for the lexer and restored in the
    tokens."""
    text, long_lines = _shortened(_LONG_LINE, text, lambda line: (0, line))
    kept = LEXED_BLANKS - 1
    text, blanks = _shortened(_LONG_BLANKS, text, lambda run: (kept, run[kept:-1]))
    tokens = list(lexer.get_tokens(text))
    for cuts in (blanks, long_lines):
        if cuts:
            tokens = _restored(tokens, cuts)
    return tokens


def _shortened(
    pattern: re.Pattern[str], text: str, cut: Callable[[str], tuple[int, str]]
) -> tuple[str, list[tuple[int, str]]]:
    """``text`` without what ``cut`` takes out of each match of ``pattern`` (it says where in
    the match the cut starts, and what it takes), and the cuts: (offset in the shortened
    text, what was taken out)."""
    cuts: list[tuple[int, str]] = []
    removed = 0

    def shorten(match: re.Match[str]) -> str:
        nonlocal removed
        found = match.group()
        start, taken = cut(found)
        cuts.append((match.start() - removed + start, taken))
        removed += len(taken)
        return found[:start] + found[start + len(taken) :]

    return pattern.sub(shorten, text), cuts


def _restored(tokens: Tokens, cuts: list[tuple[int, str]]) -> Tokens:
    """``tokens`` with each cut's blanks put back after the character before its offset."""
    restored: Tokens = []
    position = 0
    pending = iter(cuts)
    cut = next(pending, None)
    for token_type, value in tokens:
        end = position + len(value)
        if cut is None or cut[0] > end:
            restored.append((token_type, value))
            position = end
            continue
        pieces: list[str] = []
        taken = 0
        while cut is not None and cut[0] <= end:
            at = cut[0] - position
            pieces += (value[taken:at], cut[1])
            taken = at
            cut = next(pending, None)
        pieces.append(value[taken:])
        restored.append((token_type, "".join(pieces)))
        position = end
    return restored


def lexer_names(text: str, alias: str, first_line: int = 1) -> list[Reference]:
    """Name tokens that the lexer of ``alias`` finds, as textual (inexact) references."""
    tokens = lexed(text, alias) if alias != "text" else None
    if tokens is None:
        return prose_identifiers(text, first_line)
    found: list[Reference] = []
    line = first_line
    for token_type, value in tokens:
        if is_name_token(token_type) and DOTTED_WORD.fullmatch(value):
            found.append(Reference(value, line, exact=False))
        line += value.count("\n")
    return found


def extract_tokens(text: str, alias: str, diagnostics: tuple[Diagnostic, ...] = ()) -> Extracted:
    """The fallback for any text: its names, as the lexer sees them."""
    return Extracted(references=tuple(dedupe(lexer_names(text, alias))), diagnostics=diagnostics)


def dedupe(references: list[Reference]) -> list[Reference]:
    """One reference per (name, line), in order."""
    seen: set[tuple[str, int]] = set()
    unique: list[Reference] = []
    for ref in references:
        key = (ref.name, ref.line)
        if key not in seen:
            seen.add(key)
            unique.append(ref)
    return unique
