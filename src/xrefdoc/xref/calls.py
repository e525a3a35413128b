"""The call hierarchy of the tree: the definitions whose bodies use a definition (its callers)
and the in-tree functions, methods and classes a definition's own lines use (its callees)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass

from xrefdoc.xref.index import (
    CandidateKey,
    Index,
    Use,
    candidate_key,
    candidates_of,
)
from xrefdoc.xref.places import PROSE_FAMILIES, Enclosing, LineUses
from xrefdoc.xref.resolve import Definition

# What a call can reach: a class is "called" by constructing it.
CALLEE_KINDS = frozenset({"function", "method", "prototype", "class"})


# Call lines by (file, caller): the caller None at a module's level.
_Groups = dict[tuple[str, Definition | None], list[int]]


@dataclass(frozen=True, slots=True)
class Call:
    """One edge of the call hierarchy, seen from one end: the definition at the other end
    (the caller, listing callers; the callee, listing callees), None for the module level
    of ``path``; the lines of ``path`` that hold the calls; and whether some use behind the
    edge is exact (False when every one is a textual match that may mean another
    definition of the name)."""

    definition: Definition | None
    path: str
    lines: tuple[int, ...]
    exact: bool

    @property
    def qualname(self) -> str:
        """The caller or callee as a reader names it, ``<module>`` for the module level."""
        return self.definition.qualname if self.definition is not None else "<module>"


def _header_line(definition: Definition, line: int) -> bool:
    """Whether ``line`` is the first line of a definition spanning several: what it uses
    there (parameter annotations, a class's bases) is part of its signature, not a call
    its body makes. A one-line definition (``const f = () => g()``) keeps it."""
    symbol = definition.symbol
    return line == symbol.line and symbol.end_line > symbol.line


class CallGraph:
    """Callers and callees of any definition, from the index's uses. A use counts at the
    innermost definition around it (``places.Enclosing``), so a nested function's calls
    are its own, not its parent's, on both sides. Exact uses make exact edges; a textual
    match counts only where the definition is among what it may mean
    (``textual_candidates``), as an edge marked inexact. What the index cannot tell apart
    is counted as a call: passing a function as a value, a class in an ``isinstance``
    test or in an annotation inside the body; uses on a definition's first line (its
    signature, a class's bases), the names an import brings in, and a name whose member
    follows it (``Command.invoke``: the use of ``invoke`` is the call) are not."""

    def __init__(self, index: Index, enclosing: Enclosing | None = None) -> None:
        """``enclosing``: the one ``Enclosing`` of the index that the caller also uses, if
        any (its tables are made per file on first use)."""
        self._index = index
        self._enclosing = enclosing if enclosing is not None else Enclosing(index)
        self._line_uses = LineUses(index)
        self._imports: dict[str, frozenset[tuple[int, str]]] = {}
        self._reached: dict[str, frozenset[tuple[int, int]]] = {}
        self._exact: dict[str, dict[Definition, list[Use]]] = {}
        self._textual: dict[str, _TextualCalls] = {}
        self._key_calls: dict[CandidateKey, list[Call]] = {}
        self._only_callables: dict[CandidateKey, Definition | None] = {}

    def _caller(self, use: Use) -> tuple[bool, Definition | None]:
        """Whether the use is a call, and the definition that makes it: the innermost one
        around it (a use at a class's own level, a class attribute's value, is the class's),
        None at the module level."""
        record = self._index.records.get(use.path)
        if record is None or record.family in PROSE_FAMILIES:
            return False, None
        around = self._enclosing.of(use.path, use.line)
        if around is not None and _header_line(around, use.line):
            return False, around
        if around is None and (use.line, use.name) in self._imported(use.path):
            return False, None
        if self._member_follows(use):
            return False, around
        return True, around

    def _member_follows(self, use: Use) -> bool:
        """Whether the use is reached through, not called: a member of it is named on its
        line (``Command.invoke``, whose use of ``invoke`` is the call), as the targets the
        extractor wrote say (``~Command.invoke`` follows ``~Command``; ``Command().run``
        is ``~Command().run``, a call). Only where uses have columns and targets (Python's;
        the member uses tree-sitter finds in C, C++ and Go)."""
        if use.column < 0:
            return False
        reached = self._reached.get(use.path)
        if reached is None:
            reached = self._reached_in(use.path)
        return (use.line, use.column) in reached

    def _reached_in(self, path: str) -> frozenset[tuple[int, int]]:
        """The (line, column) of the uses in ``path`` that a member follows, kept."""
        rows = [
            (line, target, column)
            for _, line, _, target, column in self._index.records[path].references.rows()
            if target
        ]
        through = {(line, target.rpartition(".")[0]) for line, target, _ in rows}
        self._reached[path] = frozenset(
            (line, column) for line, target, column in rows if (line, target) in through
        )
        return self._reached[path]

    def find_member_follows(self) -> None:
        """Find now which uses of every file of code a member follows, before workers fork:
        each worker's part of the shared lists of textual matches reaches into most files,
        and found them again (NumPy's 2,363 files: 2.6 s of the workers' processor time,
        for 0.35 s here; the symbol data stage 9.0-9.3 s -> 7.8-8.2 s)."""
        for path, record in self._index.records.items():
            if record.family not in PROSE_FAMILIES and path not in self._reached:
                self._reached_in(path)

    def _imported(self, path: str) -> frozenset[tuple[int, str]]:
        """The (line, name) of the names a file's imports bring in: what an import names is
        not called. A statement's names are on its own lines: from its first line on, each
        name is the next use of it (``from .core import (`` then one name a line), and the
        statement ends where its last name is, so a call on the next line is a call. One
        without names (``#include``) names all of its line."""
        found = self._imports.get(path)
        if found is None:
            pairs: set[tuple[int, str]] = set()
            for imp in self._index.records[path].imports:
                if not imp.names:
                    pairs.update((imp.line, use.name) for use in self._line_uses.on(path, imp.line))
                    continue
                pending = set(imp.names)
                # A name per line at most after the first: no further than that.
                for line in range(imp.line, imp.line + len(imp.names) + 2):
                    for use in self._line_uses.on(path, line):
                        if use.name in pending:
                            pending.discard(use.name)
                            pairs.add((line, use.name))
                    if not pending:
                        break
            found = self._imports[path] = frozenset(pairs)
        return found

    def callers(self, definition: Definition, without: Collection[CandidateKey] = ()) -> list[Call]:
        """The definitions whose bodies use ``definition``, each with its lines: the exact
        ones first, then the textual ones, each part by path and line; ``without`` the
        textual matches of those candidate keys (listed once for all the definitions they
        may mean, ``key_callers``)."""
        name = definition.symbol.name
        exact: _Groups = {}
        for use in self._exact_uses(name).get(definition, ()):
            is_call, caller = self._caller(use)
            if is_call:
                exact.setdefault((use.path, caller), []).append(use.line)
        textual: _Groups = {}
        matches = self._textual_calls(name)
        keys = [key for key in matches.keys_of.get(definition, ()) if key not in without]
        for key in keys:
            for group, lines in matches.groups(key, self._caller).items():
                textual.setdefault(group, []).extend(lines)
        if len(keys) > 1:  # in line order, as one list was
            textual = {group: sorted(lines) for group, lines in textual.items()}
        return [*_calls(exact, True), *_calls(textual, False)]

    def key_callers(self, key: CandidateKey) -> list[Call]:
        """The callers through the textual matches of one candidate key, by path and line:
        what they add to the callers of each definition the key may mean."""
        found = self._key_calls.get(key)
        if found is None:
            groups = self._textual_calls(key[0]).groups(key, self._caller)
            found = self._key_calls[key] = list(_calls(groups, False))
        return found

    def _exact_uses(self, name: str) -> dict[Definition, list[Use]]:
        """The exact uses of ``name`` by the definition each means, from one pass."""
        found = self._exact.get(name)
        if found is None:
            found = self._exact[name] = defaultdict(list)
            for use in self._index.uses.get(name, ()):
                if use.definition is not None:
                    found[use.definition].append(use)
        return found

    def _textual_calls(self, name: str) -> _TextualCalls:
        """The textual matches of ``name``, grouped by what decides their candidates: each
        group's calls are found once, however many definitions it may mean (``__init__``
        of a large tree: thousands), and a definition takes those of its groups."""
        found = self._textual.get(name)
        if found is None:
            found = self._textual[name] = _TextualCalls.of(self._index, name)
        return found

    def callees(self, definition: Definition) -> list[Call]:
        """The in-tree functions, methods and classes that ``definition``'s own lines use
        (not those of the definitions nested in it), by the callee's path and line. A
        textual match counts when it may mean one callable definition only; one that may
        mean several (``.get`` of an unknown value) names no callee."""
        path = definition.path
        symbol = definition.symbol
        exact: dict[Definition, list[int]] = {}
        textual: dict[Definition, list[int]] = {}
        for use in self._line_uses.between(path, symbol.line, symbol.end_line):
            callee = use.definition
            into = exact
            if callee is None:
                callee, into = self._only_callable(candidate_key(self._index, use)), textual
                if callee is None:
                    continue
            if callee.symbol.kind not in CALLEE_KINDS:
                continue
            is_call, caller = self._caller(use)
            if is_call and caller == definition:
                into.setdefault(callee, []).append(use.line)
        edges = [Call(d, path, tuple(dict.fromkeys(found)), True) for d, found in exact.items()]
        edges += [
            Call(d, path, tuple(dict.fromkeys(found)), False)
            for d, found in textual.items()
            if d not in exact
        ]
        return sorted(edges, key=_callee_order)

    def _only_callable(self, key: CandidateKey) -> Definition | None:
        """The one callable definition a textual match of ``key`` may mean; None when it
        may mean none or several. Found once per key: each copy of a vendored folder adds a
        candidate to every key, and looking through them at every match cost the square of
        the copies (0.3 s at 10,000 files, 4.9 s at 41,000)."""
        if key not in self._only_callables:
            found = [d for d in candidates_of(self._index, *key) if d.symbol.kind in CALLEE_KINDS]
            self._only_callables[key] = found[0] if len(found) == 1 else None
        return self._only_callables[key]


def _callee_order(call: Call) -> tuple[str, int, str]:
    assert call.definition is not None
    return (call.definition.path, call.definition.symbol.line, call.definition.qualname)


@dataclass(frozen=True, slots=True)
class _TextualCalls:
    """A name's textual matches by candidate key (``index.candidate_key``), the keys each
    definition is a candidate of, and the calls of each key, found on first use."""

    matches: dict[CandidateKey, list[Use]]
    keys_of: dict[Definition, list[CandidateKey]]
    calls: dict[CandidateKey, _Groups]

    @classmethod
    def of(cls, index: Index, name: str) -> _TextualCalls:
        matches: dict[CandidateKey, list[Use]] = defaultdict(list)
        for use in index.uses.get(name, ()):
            if use.definition is None:
                matches[candidate_key(index, use)].append(use)
        keys_of: dict[Definition, list[CandidateKey]] = defaultdict(list)
        for key in matches:
            for definition in candidates_of(index, *key):
                keys_of[definition].append(key)
        return cls(dict(matches), dict(keys_of), {})

    def groups(
        self, key: CandidateKey, caller_of: Callable[[Use], tuple[bool, Definition | None]]
    ) -> _Groups:
        found = self.calls.get(key)
        if found is None:
            found = self.calls[key] = {}
            for use in self.matches[key]:
                is_call, caller = caller_of(use)
                if is_call:
                    found.setdefault((use.path, caller), []).append(use.line)
        return found


def _calls(groups: _Groups, exact: bool) -> Iterable[Call]:
    """One edge per (file, caller), by path then the caller's first line (the module level
    first)."""
    ordered = sorted(
        groups.items(),
        key=lambda item: (item[0][0], item[0][1].symbol.line if item[0][1] else 0, item[1][0]),
    )
    for (path, caller), lines in ordered:
        yield Call(caller, path, tuple(dict.fromkeys(lines)), exact)
