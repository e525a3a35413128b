"""Plain data passed between the stages: one ``FileRecord`` per documented file."""

from __future__ import annotations

from dataclasses import dataclass

# Symbol kinds of the stable ``scan`` contract.
SYMBOL_KINDS = ("class", "function", "method", "constant", "variable", "heading", "key")


@dataclass(frozen=True, slots=True)
class Symbol:
    """A name a file defines: its kind, where it starts and ends, and its enclosing name."""

    name: str
    kind: str
    line: int
    end_line: int
    parent: str | None = None
    signature: str = ""
    doc: str = ""

    @property
    def qualname(self) -> str:
        return f"{self.parent}.{self.name}" if self.parent else self.name


@dataclass(frozen=True, slots=True)
class Import:
    """An import statement as written; ``level`` counts the leading dots of a relative one."""

    module: str
    names: tuple[str, ...]
    line: int
    level: int = 0


@dataclass(frozen=True, slots=True)
class Reference:
    """A use of a name at a line (``exact`` is false for a lexer-only, textual match)."""

    name: str
    line: int
    exact: bool = True


@dataclass(frozen=True, slots=True)
class Heading:
    """A document heading: its level (1 = title), text and line."""

    level: int
    text: str
    line: int


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """A problem met while reading or parsing a file; shown on its page, never fatal."""

    message: str
    line: int | None = None


@dataclass(frozen=True, slots=True)
class FileRecord:
    """Everything extraction learned about one file; pickles cleanly for the cache."""

    path: str
    size: int
    lines: int
    language: str
    family: str
    lexer: str
    encoding: str | None
    sha256: str
    is_binary: bool = False
    docstring: str = ""
    symbols: tuple[Symbol, ...] = ()
    imports: tuple[Import, ...] = ()
    references: tuple[Reference, ...] = ()
    headings: tuple[Heading, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()
    has_main_guard: bool = False

    @property
    def folder(self) -> str:
        return self.path.rpartition("/")[0]

    @property
    def name(self) -> str:
        return self.path.rpartition("/")[2]

    @property
    def extension(self) -> str:
        stem, dot, ext = self.name.rpartition(".")
        return f".{ext}" if dot and stem else ""
