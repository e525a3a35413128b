"""One ``FileRecord`` per file: read, decode, detect the language, run its extractor."""

from __future__ import annotations

import codecs
import hashlib
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from xrefdoc.core.languages import BINARY, MINIFIED_FAMILY, Language, language_of
from xrefdoc.core.model import Diagnostic, FileRecord, References, count_lines
from xrefdoc.extract.data import extract_data
from xrefdoc.extract.hooks import Hooks
from xrefdoc.extract.markup import extract_markdown, extract_rst
from xrefdoc.extract.oversized import extract_oversized, is_oversized
from xrefdoc.extract.python import extract_python
from xrefdoc.extract.result import Extracted
from xrefdoc.extract.tokens import extract_tokens
from xrefdoc.extract.treesitter import extract_treesitter, has_grammar

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


def extract_text(text: str, path: str, language: Language, hooks: Hooks) -> Extracted:
    """Dispatch to the extractor of the language's family."""
    if language.family == MINIFIED_FAMILY:
        return Extracted()  # its names are noise (see ``is_minified``)
    if language.family == "python":
        return extract_python(text, path, hooks)
    if language.family == "markdown":
        return extract_markdown(text, lambda code, block: extract_text(code, path, block, hooks))
    if language.family == "rst":
        return extract_rst(text, lambda code, block: extract_text(code, path, block, hooks))
    if language.family == "data":
        return extract_data(text, language.name)
    if has_grammar(language.family):
        return extract_treesitter(text, language.family, hooks)
    return extract_tokens(text, language.lexer)


def read_file(root: Path, path: str) -> tuple[bytes, str]:
    """The bytes of ``root/path`` and their SHA-256, the key the record cache looks up."""
    data = (root / path).read_bytes()
    return data, hashlib.sha256(data).hexdigest()


def extract_file(root: Path, path: str, hooks: Hooks) -> FileRecord:
    """The record of ``root/path``; never raises for a file's content."""
    data, digest = read_file(root, path)
    return extract_bytes(path, data, digest, hooks)


def extract_bytes(path: str, data: bytes, digest: str, hooks: Hooks) -> FileRecord:
    """The record of a file's content; ``digest`` is the SHA-256 of ``data``, computed once by
    the reader. Its findings are those of the rules registered on ``hooks``. Never raises
    for the content."""
    name = path.rpartition("/")[2]
    if is_binary(data):
        return FileRecord(
            path,
            len(data),
            0,
            BINARY.name,
            BINARY.family,
            BINARY.lexer,
            None,
            digest,
            is_binary=True,
        )
    text, encoding, note = decode(data)
    text = _with_newlines(text)
    language = language_of(name, data)
    if is_oversized(len(data)) and language.family != MINIFIED_FAMILY:
        extracted = extract_oversized(text, len(data), language.family)
    else:
        extracted = extract_text(text, path, language, hooks)
    diagnostics = ((note,) if note else ()) + extracted.diagnostics
    references = References.of(extracted.references)
    return FileRecord(
        path=path,
        size=len(data),
        lines=count_lines(text),
        language=language.name,
        family=language.family,
        lexer=language.lexer,
        encoding=encoding,
        sha256=digest,
        docstring=extracted.docstring,
        symbols=extracted.symbols,
        imports=extracted.imports,
        references=references,
        headings=extracted.headings,
        diagnostics=diagnostics,
        has_main_guard=extracted.has_main_guard,
        aliases=extracted.aliases,
        findings=hooks.on_findings.call(
            (*extracted.findings, *hooks.on_file.call(path, text, language.family)), text
        ),
        reference_lines=lines_digest(text, references.lines()),
    )


def lines_digest(text: str, numbers: Iterable[int]) -> str:
    """A digest of the lines ``numbers`` of ``text`` (numbered as ``read_lines`` numbers
    them), each with its number."""
    digest = hashlib.blake2b(digest_size=8)
    for number, line in _numbered_lines(text, sorted(set(numbers))):
        digest.update(f"{number}\0{line}\n".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def _numbered_lines(text: str, numbers: list[int]) -> Iterator[tuple[int, str]]:
    """The lines ``numbers`` (sorted) of ``text`` that it has, with their numbers. A text
    over the source cap is not split into lines: a string for each of its lines would be
    several times the memory extraction keeps it in (``extract.oversized``); a smaller one
    is, which is three times quicker than looking for each line."""
    if not is_oversized(len(text)):
        lines = text.split("\n")
        yield from ((n, lines[n - 1]) for n in numbers if 0 < n <= len(lines))
        return
    start, at = 0, 1  # where line ``at`` starts (-1: past the end)
    for number in numbers:
        while 0 < at < number and start >= 0:
            start = text.find("\n", start)
            start, at = (start + 1, at + 1) if start >= 0 else (-1, at)
        if start < 0:
            return
        if number >= 1:
            end = text.find("\n", start)
            yield number, text[start:] if end < 0 else text[start:end]


def _with_newlines(text: str) -> str:
    """``\\r\\n`` and ``\\r`` line endings as ``\\n``."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def text_of(data: bytes) -> str:
    """A text file's content as extraction sees it (same decoding, ``\\n`` line endings)."""
    text, _, _ = decode(data)
    return _with_newlines(text)


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


def lexer_of(path: str, data: bytes) -> str | None:
    """The Pygments lexer ``extract_bytes`` will choose for this content; None for binary."""
    if is_binary(data):
        return None
    return language_of(path.rpartition("/")[2], data).lexer
