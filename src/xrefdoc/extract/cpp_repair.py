"""C, C++ and CUDA as tree-sitter can read them: macro uses, GCC attributes and CUDA's
extensions blanked out in a copy of the source.

A grammar does not expand macros, so an export macro (``class API Engine``), an attribute
macro (``NORETURN void fail()``, ``f() NOEXCEPT {``), a macro alone on its line
(``NAMESPACE_BEGIN``) or a macro invoked at file scope
(``DEFINE_DECORATOR(skip, bool, true);``) can turn thousands of lines that follow into one
error. The copy keeps every byte offset and line, so definitions found in it are where they
are in the file; only macro uses become spaces. A macro is a name this file ``#define``s,
or a capitalised name with an underscore (``TORCH_API``), the convention of every large C
and C++ code base. CUDA's qualifiers (``__global__``) and kernel launches
(``kernel<<<grid, block>>>(x)``) are blanked the same way.
"""

from __future__ import annotations

import re
from bisect import bisect_right

# ``#define NAME``, the start of every macro definition (``grammars.c_family`` reads it too).
DEFINE_HEAD = rb"^[ \t]*#[ \t]*define[ \t]+(\w+)"
_DEFINE = re.compile(DEFINE_HEAD + rb"(\()?([^\n]*)", re.MULTILINE)
_MACRO_SHAPE = re.compile(rb"[A-Z][A-Z0-9]*_[A-Z0-9_]*\Z")
_CUDA_QUALIFIER = re.compile(
    rb"__(?:global|device|host|forceinline|noinline|shared|constant|managed|launch_bounds)__\Z"
)
_KERNEL_LAUNCH_OPEN = re.compile(rb"<<<")
_KERNEL_LAUNCH_CLOSE_OR_STOP = re.compile(rb">>>|[;{}]")
_NAME = rb"\b([A-Za-z_]\w*)"
# A macro invocation alone on its line (its arguments may span lines), not opening a body.
_INVOCATION_START = re.compile(rb"^[ \t]*" + _NAME + rb"[ \t]*\(", re.MULTILINE)
# Possessive runs of blanks (here and in ``_ALONE``): two runs side by side were tried at
# every split of a long run, quadratic in its length.
_INVOCATION_END = re.compile(rb"[ \t]*+;?[ \t]*+(?://[^\n]*+)?(?=\n|\Z)")
_BODY_FOLLOWS = re.compile(rb"\s*\{")
# A macro alone on its line (``NAMESPACE_BEGIN``, ``Q_OBJECT``).
_ALONE = re.compile(rb"^[ \t]*+" + _NAME + rb"[ \t]*+;?[ \t]*+(?://[^\n]*+)?$", re.MULTILINE)
# A macro in a specifier's place: before a type or name, or after a parameter list.
_SPECIFIER = re.compile(_NAME + rb"(?=[ \t]+[A-Za-z_~:\[])")
_TRAILING = re.compile(
    rb"\)[ \t]*" + _NAME + rb"(?=[ \t]*(?:\{|;|:|=|const\b|override\b|final\b|\n))"
)
# A GCC attribute, ``__attribute__ ((deprecated))``, which the grammar does not read
# everywhere GCC does (before a declarator in a list).
_ATTRIBUTE = re.compile(rb"\b__attribute__[ \t]*\(")
_PREPROCESSOR_LINE = re.compile(rb"^[ \t]*#", re.MULTILINE)


def _ends_a_list(source: bytes, start: int) -> bool:
    """Whether the name alone on its line at ``start`` follows a comma: the last member of
    an enum (``TK_AND,`` / ``TK_GOTO``), not a macro."""
    at = start - 1
    while at >= 0 and source[at] in b" \t\r\n":
        at -= 1
    return at >= 0 and source[at] == ord(",")


class _Macros:
    """The macros a file defines, and the test of whether a name is a macro."""

    def __init__(self, source: bytes) -> None:
        self.empty: set[bytes] = set()
        self.functions: set[bytes] = set()
        for match in _DEFINE.finditer(source):
            name, parameters, body = match.groups()
            if parameters:
                self.functions.add(name)
            elif not body.split(b"//")[0].strip():
                self.empty.add(name)

    def invoked(self, name: bytes) -> bool:
        return name in self.functions or bool(_MACRO_SHAPE.match(name))

    def specifier(self, name: bytes) -> bool:
        return (
            name in self.empty
            or bool(_MACRO_SHAPE.match(name))
            or bool(_CUDA_QUALIFIER.match(name))
        )


# What the scan for a closing parenthesis stops at; other bytes change nothing.
_PAREN_EVENT = re.compile(rb"[()\"'\\]")
# The scans of one file together read at most this many times its length (and 64 KiB): past
# that, an invocation is left as it is. Each scan records where every parenthesis it passes
# closes, so no ordinary file comes near; a file built to defeat that stays linear.
SCAN_BUDGET = 8


class _Parens:
    """Where the parenthesis at an offset closes, skipping string and character literals.

    Scanning from every invocation to its closing parenthesis read nested and unclosed
    invocations again and again: quadratic. A scan from one parenthesis meets the others
    in the same state as a scan of their own would start in (outside a literal), so it
    records where each of them closes (None when the file ends first) and theirs need no
    scan."""

    def __init__(self, source: bytes) -> None:
        self.source = source
        self.closing: dict[int, int | None] = {}
        self.budget = SCAN_BUDGET * len(source) + (1 << 16)

    def close_of(self, start: int) -> int | None:
        """The offset after the parenthesis that closes the one at ``start``; None when
        the file ends first."""
        if start in self.closing:
            return self.closing[start]
        if self.budget <= 0:
            return None
        source, closing = self.source, self.closing
        open_at: list[int] = []
        quote: int | None = None
        index = start
        while (event := _PAREN_EVENT.search(source, index)) is not None:
            index = event.start()
            char = source[index]
            if quote is not None:
                if char == 0x5C:  # backslash: the next byte is escaped
                    index += 1
                elif char == quote:
                    quote = None
            elif char in b"\"'":
                quote = char
            elif char == 0x28:
                open_at.append(index)
            elif char == 0x29 and open_at:
                closing[open_at.pop()] = index + 1
                if not open_at:
                    self.budget -= index + 1 - start
                    return index + 1
            index += 1
        closing.update(dict.fromkeys(open_at))
        self.budget -= len(source) - start
        return None


def _blank(buffer: bytearray, start: int, end: int) -> None:
    buffer[start:end] = bytes(b if b == 0x0A else 0x20 for b in buffer[start:end])


class _PreprocessorLines:
    """Whether an offset is on a preprocessor line (``#define``, ``#if``). Looking back for
    each offset's line start was quadratic on a long line; the lines are found once, and
    each one's end when first asked."""

    def __init__(self, source: bytes) -> None:
        self.source = source
        self.starts = [match.start() for match in _PREPROCESSOR_LINE.finditer(source)]
        self.ends: dict[int, int] = {}

    def __contains__(self, offset: int) -> bool:
        at = bisect_right(self.starts, offset) - 1
        if at < 0:
            return False
        end = self.ends.get(at)
        if end is None:
            end = self.source.find(b"\n", self.starts[at])
            end = self.ends[at] = len(self.source) if end < 0 else end
        return offset <= end


def _kernel_launches(source: bytes) -> list[tuple[int, int]]:
    """The spans of ``<<<...>>>`` with no ``;``, ``{`` or ``}`` inside. An opening that finds
    a stop first fails, and so do the openings before that stop: they are skipped, not
    searched again."""
    spans = []
    position = 0
    while (opening := _KERNEL_LAUNCH_OPEN.search(source, position)) is not None:
        found = _KERNEL_LAUNCH_CLOSE_OR_STOP.search(source, opening.end())
        if found is None:
            break
        if found.group() == b">>>":
            spans.append((opening.start(), found.end()))
            position = found.end()
        else:
            position = found.end()
    return spans


def readable_copy(source: bytes) -> bytes:
    """``source`` with its macro uses and CUDA extensions blanked out, offsets and lines
    unchanged."""
    macros = _Macros(source)
    preprocessor = _PreprocessorLines(source)
    parens = _Parens(source)
    buffer = bytearray(source)
    blanked = 0  # invocations nest: the part of one inside another is blanked already
    for match in _INVOCATION_START.finditer(source):
        if not macros.invoked(match.group(1)) or match.start() in preprocessor:
            continue
        end = parens.close_of(match.end() - 1)
        if end is None:
            continue
        tail = _INVOCATION_END.match(source, end)
        if tail is None or _BODY_FOLLOWS.match(source, tail.end()):
            continue
        _blank(buffer, max(match.start(1), blanked), tail.end())
        blanked = max(blanked, tail.end())
    for pattern in (_ALONE, _SPECIFIER, _TRAILING):
        for match in pattern.finditer(source):
            if pattern is _ALONE and _ends_a_list(source, match.start(1)):
                continue
            if macros.specifier(match.group(1)) and match.start() not in preprocessor:
                _blank(buffer, match.start(1), match.end(1))
    for start, end in _kernel_launches(source):
        _blank(buffer, start, end)
    for match in _ATTRIBUTE.finditer(source):
        end = parens.close_of(match.end() - 1)
        if end is not None:
            _blank(buffer, match.start(), end)
    return bytes(buffer)
