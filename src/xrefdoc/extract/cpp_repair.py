"""C, C++ and CUDA as tree-sitter can read them: macro uses and CUDA's extensions blanked
out in a copy of the source.

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

_DEFINE = re.compile(rb"^[ \t]*#[ \t]*define[ \t]+(\w+)(\()?([^\n]*)", re.MULTILINE)
_MACRO_SHAPE = re.compile(rb"[A-Z][A-Z0-9]*_[A-Z0-9_]*\Z")
_CUDA_QUALIFIER = re.compile(
    rb"__(?:global|device|host|forceinline|noinline|shared|constant|managed|launch_bounds)__\Z"
)
_KERNEL_LAUNCH = re.compile(rb"<<<[^;{}]*?>>>")
_NAME = rb"\b([A-Za-z_]\w*)"
# A macro invocation alone on its line (its arguments may span lines), not opening a body.
_INVOCATION_START = re.compile(rb"^[ \t]*" + _NAME + rb"[ \t]*\(", re.MULTILINE)
_INVOCATION_END = re.compile(rb"[ \t]*;?[ \t]*(?://[^\n]*)?(?=\n|\Z)")
_BODY_FOLLOWS = re.compile(rb"\s*\{")
# A macro alone on its line (``NAMESPACE_BEGIN``, ``Q_OBJECT``).
_ALONE = re.compile(rb"^[ \t]*" + _NAME + rb"[ \t]*;?[ \t]*(?://[^\n]*)?$", re.MULTILINE)
# A macro in a specifier's place: before a type or name, or after a parameter list.
_SPECIFIER = re.compile(_NAME + rb"(?=[ \t]+[A-Za-z_~:\[])")
_TRAILING = re.compile(
    rb"\)[ \t]*" + _NAME + rb"(?=[ \t]*(?:\{|;|:|=|const\b|override\b|final\b|\n))"
)
_PREPROCESSOR_LINE = re.compile(rb"^[ \t]*#", re.MULTILINE)


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


def _closing_paren(source: bytes, start: int) -> int | None:
    """The offset after the parenthesis that closes the one at ``start``, skipping string
    and character literals; None when the file ends first."""
    depth = 0
    index = start
    quote: int | None = None
    while index < len(source):
        char = source[index]
        if quote is not None:
            if char == 0x5C:  # backslash
                index += 1
            elif char == quote:
                quote = None
        elif char in b"\"'":
            quote = char
        elif char == 0x28:
            depth += 1
        elif char == 0x29:
            depth -= 1
            if depth == 0:
                return index + 1
        index += 1
    return None


def _blank(buffer: bytearray, start: int, end: int) -> None:
    buffer[start:end] = bytes(b if b == 0x0A else 0x20 for b in buffer[start:end])


def _in_preprocessor_line(source: bytes, offset: int) -> bool:
    line_start = source.rfind(b"\n", 0, offset) + 1
    return bool(_PREPROCESSOR_LINE.match(source, line_start))


def readable_copy(source: bytes) -> bytes:
    """``source`` with its macro uses and CUDA extensions blanked out, offsets and lines
    unchanged."""
    macros = _Macros(source)
    buffer = bytearray(source)
    for match in _INVOCATION_START.finditer(source):
        if not macros.invoked(match.group(1)) or _in_preprocessor_line(source, match.start()):
            continue
        end = _closing_paren(source, match.end() - 1)
        if end is None:
            continue
        tail = _INVOCATION_END.match(source, end)
        if tail is None or _BODY_FOLLOWS.match(source, tail.end()):
            continue
        _blank(buffer, match.start(1), tail.end())
    for pattern in (_ALONE, _SPECIFIER, _TRAILING):
        for match in pattern.finditer(source):
            if macros.specifier(match.group(1)) and not _in_preprocessor_line(
                source, match.start()
            ):
                _blank(buffer, match.start(1), match.end(1))
    for match in _KERNEL_LAUNCH.finditer(source):
        _blank(buffer, match.start(), match.end())
    return bytes(buffer)
