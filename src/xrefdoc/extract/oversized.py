"""Files too large to parse: their names found by one pass of a pattern, in bounded memory.

A parser's tree costs many times the text it reads: ``ast`` took 11.9 GB and 4 minutes for
a 200 MB Python file (and its ``MemoryError`` was reported as nesting). Past ``PARSE_CAP``
bytes a file of any language is read as words instead: each name once, at the first line
that uses it, and at most ``MAX_NAMES`` of them, so the memory a file costs beyond its own
text does not grow with it.
"""

from __future__ import annotations

import re

from xrefdoc.core.model import Diagnostic, Reference
from xrefdoc.extract.result import Extracted
from xrefdoc.extract.tokens import DOTTED_WORD, is_identifier_like

# Bytes. A module constant rather than a setting: a record is cached by its content's hash,
# so a setting would have to join the cache's key. Files of source this large are
# generated; 8 MiB of Python parses in about 7 s and 600 MB.
PARSE_CAP = 8 * 1024 * 1024
MAX_NAMES = 100_000

_MIB = 1024 * 1024
_PROSE_FAMILIES = frozenset({"markdown", "rst", "text"})
_CODE_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# Words that are syntax, not names, in the languages we read.
_RESERVED = frozenset(
    {
        "False",
        "None",
        "True",
        "and",
        "as",
        "assert",
        "async",
        "await",
        "break",
        "case",
        "catch",
        "char",
        "class",
        "const",
        "continue",
        "def",
        "default",
        "del",
        "delete",
        "do",
        "double",
        "elif",
        "else",
        "enum",
        "except",
        "export",
        "extends",
        "extern",
        "false",
        "final",
        "finally",
        "float",
        "fn",
        "for",
        "from",
        "func",
        "function",
        "global",
        "go",
        "goto",
        "if",
        "impl",
        "import",
        "in",
        "int",
        "interface",
        "is",
        "lambda",
        "let",
        "long",
        "match",
        "mod",
        "module",
        "mut",
        "namespace",
        "new",
        "nonlocal",
        "not",
        "null",
        "or",
        "package",
        "pass",
        "private",
        "protected",
        "pub",
        "public",
        "raise",
        "return",
        "self",
        "short",
        "signed",
        "sizeof",
        "static",
        "struct",
        "super",
        "switch",
        "template",
        "then",
        "this",
        "throw",
        "throws",
        "true",
        "try",
        "type",
        "typedef",
        "typename",
        "union",
        "unsigned",
        "use",
        "using",
        "var",
        "void",
        "volatile",
        "while",
        "with",
        "yield",
    }
)


def is_oversized(size: int) -> bool:
    """Whether a file of ``size`` bytes is read as words rather than parsed."""
    return size > PARSE_CAP


def extract_oversized(text: str, size: int, family: str) -> Extracted:
    """The names of a file too large to parse, each at the first line that uses it: in
    prose the identifier-like words (as ``prose_identifiers`` has them), in code every word
    that is not a reserved word. The diagnostic says why and what was done instead."""
    prose = family in _PROSE_FAMILIES
    pattern = DOTTED_WORD if prose else _CODE_WORD
    first_lines: dict[str, int] = {}
    skipped: set[str] = set()
    line, counted = 1, 0  # newlines are counted once, from one new name to the next
    complete = True
    for match in pattern.finditer(text):
        word = match.group()
        if word in first_lines or word in skipped:
            continue
        if not (is_identifier_like(word) if prose else word not in _RESERVED):
            if len(skipped) < MAX_NAMES:
                skipped.add(word)
            continue
        if len(first_lines) == MAX_NAMES:
            complete = False
            break
        line += text.count("\n", counted, match.start())
        counted = match.start()
        first_lines[word] = line
    found = "names found by tokens, each at its first line"
    if not complete:
        found += f" (the first {MAX_NAMES:,} names)"
    message = f"too large to parse ({size / _MIB:.1f} MB > {PARSE_CAP / _MIB:g} MB cap); {found}"
    references = (Reference(word, number, exact=False) for word, number in first_lines.items())
    return Extracted(
        references=tuple(references),
        diagnostics=(Diagnostic(message),),
    )
