"""A file's bytes and text as extraction reads them: its content hash, the decoding (a
byte-order mark, UTF-8, a declared encoding, else Latin-1), ``\\n`` line endings and the
lines as extraction numbers them. Light on purpose: the check for changes reads files with
it before any extractor is needed."""

from __future__ import annotations

import codecs
import hashlib
import re
from pathlib import Path

from xrefdoc.core.model import Diagnostic, FileRecord

_BINARY_PROBE = 8192

# A PEP 263 (and Emacs/Vim) coding declaration in a comment on one of the first two lines.
_CODING = re.compile(rb"^[ \t\f]*(?:#|//|/\*|--|;|%).*?coding[:=][ \t]*([-\w.]+)")


def declared_encoding(data: bytes) -> str | None:
    """The codec a file declares in its first two lines, if Python knows it."""
    for line in _first_lines(data, 2):
        match = _CODING.match(line)
        if match:
            name = match.group(1).decode("ascii")
            try:
                return codecs.lookup(name).name
            except LookupError:
                return None
    return None


def _first_lines(data: bytes, count: int) -> list[bytes]:
    """The first ``count`` lines of ``data``, without copying the rest."""
    lines: list[bytes] = []
    start = 0
    while len(lines) < count and start <= len(data):
        end = data.find(b"\n", start)
        end = len(data) if end < 0 else end
        lines.append(data[start:end])
        start = end + 1
    return lines


def decode(data: bytes) -> tuple[str, str, Diagnostic | None]:
    """Text, the encoding used, and a note when a fallback was needed: a byte-order mark,
    UTF-8, the encoding the file declares (PEP 263), else Latin-1 with a note."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", "replace"), "utf-8-sig", None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", "replace"), "utf-16", None
    try:
        return data.decode("utf-8"), "utf-8", None
    except UnicodeDecodeError as error:
        declared = declared_encoding(data)
        if declared is not None:
            return data.decode(declared, "replace"), declared, None
        note = Diagnostic(f"not valid UTF-8 (byte {error.start}); decoded as Latin-1")
        return data.decode("latin-1"), "latin-1", note


def is_binary(data: bytes) -> bool:
    """A NUL byte in the first block marks binary, unless a UTF-16 byte-order mark explains it."""
    head = data[:_BINARY_PROBE]
    return b"\0" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))


def read_file(root: Path, path: str) -> tuple[bytes, str]:
    """The bytes of ``root/path`` and their SHA-256, the key the record cache looks up."""
    data = (root / path).read_bytes()
    return data, hashlib.sha256(data).hexdigest()


def with_newlines(text: str) -> str:
    """``\\r\\n`` and ``\\r`` line endings as ``\\n``."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def text_of(data: bytes) -> str:
    """A text file's content as extraction sees it (same decoding, ``\\n`` line endings)."""
    text, _, _ = decode(data)
    return with_newlines(text)


def read_text(root: Path, record: FileRecord, on_disk: str | None = None) -> str:
    """The file's text as extraction saw it; ``on_disk`` is its name on disk when that is
    not the name shown (``WalkResult.sources``)."""
    return text_of((root / (on_disk or record.path)).read_bytes())


def read_lines(root: Path, record: FileRecord, on_disk: str | None = None) -> list[str]:
    """The file's lines numbered as extraction numbered them (line ``n`` is item ``n - 1``):
    split only where extraction counts a line, at ``\\n`` once ``\\r\\n`` and ``\\r`` are
    ``\\n``. ``str.splitlines`` would also split at a form feed, ``\\x1c``, ``\\x85`` or
    ``\\u2028``, and every line after one would show its neighbour's text."""
    return read_text(root, record, on_disk).split("\n")


def shown_lines(
    root: Path, record: FileRecord | None, on_disk: str | None = None
) -> list[str] | None:
    """``read_lines`` for showing a file's lines after the build read it: None for a file
    with no lines to show (not in the index, binary, or gone since)."""
    if record is None or record.is_binary:
        return None
    try:
        return read_lines(root, record, on_disk)
    except OSError:
        return None
