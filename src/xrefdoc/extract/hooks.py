"""The events extraction offers to the analysis rules: a parsed tree, a file's text and its
findings, each handed to the functions registered on it, so extraction runs every rule
without importing one (griffe's visitor calls its extensions the same way)."""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Generic, ParamSpec

import tree_sitter as ts

from xrefdoc.core.model import Finding

_Arguments = ParamSpec("_Arguments")


class Event(Generic[_Arguments]):
    """One moment of extraction that rules hook: every function registered on it is called
    with the event's arguments, in the order registered, and their findings are kept
    together."""

    __slots__ = ("_hooks",)

    def __init__(self) -> None:
        self._hooks: list[Callable[_Arguments, Iterable[Finding]]] = []

    def register(self, hook: Callable[_Arguments, Iterable[Finding]]) -> None:
        """Call ``hook`` at this event from now on; registering it again changes nothing,
        so whoever runs extraction may register the rules without asking who did before."""
        if hook not in self._hooks:
            self._hooks.append(hook)

    def call(self, *args: _Arguments.args, **kwargs: _Arguments.kwargs) -> list[Finding]:
        return [finding for hook in self._hooks for finding in hook(*args, **kwargs)]


FindingsFilter = Callable[[tuple[Finding, ...], str], tuple[Finding, ...]]


class FindingsEvent:
    """The last moment of a file's extraction: its findings, of every event, pass through
    each function registered here in turn (with the file's text), which returns those to
    keep; with none registered they are kept as found."""

    __slots__ = ("_filters",)

    def __init__(self) -> None:
        self._filters: list[FindingsFilter] = []

    def register(self, hook: FindingsFilter) -> None:
        if hook not in self._filters:
            self._filters.append(hook)

    def call(self, findings: tuple[Finding, ...], text: str) -> tuple[Finding, ...]:
        for hook in self._filters:
            findings = hook(findings, text)
        return findings


@dataclass(frozen=True, slots=True)
class Hooks:
    """The events of one extraction, each with the functions registered on it; handed by
    whoever runs extraction to ``extract_bytes``. A new one has nothing registered: the
    records it extracts have no findings."""

    # A Python file that ``ast`` parsed: its module and text.
    on_python_tree: Event[[ast.Module, str]] = field(default_factory=Event)
    # A file parsed with a tree-sitter grammar: its language family, the grammar and the
    # root of its tree.
    on_treesitter_tree: Event[[str, ts.Language, ts.Node]] = field(default_factory=Event)
    # Any text file (not a binary one): its path, text and language family.
    on_file: Event[[str, str, str]] = field(default_factory=Event)
    # Last, all the file's findings with its text: the ones to keep.
    on_findings: FindingsEvent = field(default_factory=FindingsEvent)
