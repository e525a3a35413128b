"""What an extractor returns: the parts of a record that depend on the file's language."""

from __future__ import annotations

from dataclasses import dataclass

from xrefdoc.core.model import Alias, Diagnostic, Finding, Heading, Import, Reference, Symbol


@dataclass(frozen=True, slots=True)
class Extracted:
    """Definitions, imports, uses and headings found in one file's text."""

    symbols: tuple[Symbol, ...] = ()
    imports: tuple[Import, ...] = ()
    references: tuple[Reference, ...] = ()
    headings: tuple[Heading, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()
    docstring: str = ""
    has_main_guard: bool = False
    aliases: tuple[Alias, ...] = ()
    findings: tuple[Finding, ...] = ()
