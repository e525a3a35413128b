"""One ``FileRecord`` per file: detect the language and run its extractor on the text
``reading`` decoded."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from xrefdoc.core.languages import BINARY, MINIFIED_FAMILY, Language, language_of
from xrefdoc.core.model import FileRecord, References, count_lines
from xrefdoc.extract.data import extract_data
from xrefdoc.extract.hooks import Hooks
from xrefdoc.extract.markup import extract_markdown, extract_rst
from xrefdoc.extract.oversized import extract_oversized, is_oversized
from xrefdoc.extract.python import extract_python
from xrefdoc.extract.reading import decode, is_binary, read_file, with_newlines
from xrefdoc.extract.result import Extracted
from xrefdoc.extract.tokens import extract_tokens
from xrefdoc.extract.treesitter import extract_treesitter, has_grammar


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
    text = with_newlines(text)
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


def lexer_of(path: str, data: bytes) -> str | None:
    """The Pygments lexer ``extract_bytes`` will choose for this content; None for binary."""
    if is_binary(data):
        return None
    return language_of(path.rpartition("/")[2], data).lexer
