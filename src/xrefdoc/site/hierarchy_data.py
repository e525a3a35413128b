"""The call and type hierarchy of each definition, as the symbol page's data (the ``h`` part
of ``_xref/refs/<key>.js``, see ``symbol_data``): who calls it from where, what it calls,
its bases and subclasses, what it overrides and where it is overridden.

A definition at the other end of an edge is ``[file, anchor, qualified name]``, the file an
index into the script's table of paths, so the page links it and loads that file's data to
expand it one more level. Textual edges (a match of the name that may mean another
definition) carry 0 where exact ones carry 1.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection, Iterable, Iterator

from xrefdoc.xref.calls import CALLEE_KINDS, Call, CallGraph
from xrefdoc.xref.hierarchy import (
    CLASS_KINDS,
    IMPL_KIND,
    METHOD_KINDS,
    Base,
    TypeHierarchy,
    base_name,
    display_text,
)
from xrefdoc.xref.index import CandidateKey, Index
from xrefdoc.xref.places import Enclosing
from xrefdoc.xref.resolve import Definition

# The keys of a definition's hierarchy, each present only when not empty:
#   c: callers   [[file, enclosing or -1 (the module level), [lines], exact], ...], the
#      enclosing definition an index into the script's table of them, as its references'
#   l: 1 when the callers through the shared lists of textual matches it names (their
#      ``c``, in the same form, see ``symbol_data``) are its callers too
#   o: callees   [[file, anchor, qualname, [lines of this definition's file], exact], ...]
#   b: bases     [[file, anchor, qualname, exact] or [-1, "", text, 0], ...]
#   s: subclasses, at any depth [[depth, file, anchor, qualname, exact], ...]
#   v: overrides [file, anchor, qualname]
#   i: overridden in [[file, anchor, qualname], ...]
HIERARCHY_KEYS = ("c", "l", "o", "b", "s", "v", "i")


class HierarchyData:
    """Both hierarchies over one index, made once for the scripts of a build."""

    def __init__(self, index: Index, enclosing: Enclosing | None = None) -> None:
        self._index = index
        self.calls = CallGraph(index, enclosing)
        self.types = TypeHierarchy(index)

    def of(
        self,
        definition: Definition,
        file_of: Callable[[str], int],
        anchor_of: Callable[[Definition], str],
        enclosing_of: Callable[[Definition], int],
        shared: Collection[CandidateKey] = (),
    ) -> dict[str, object]:
        """The definition's hierarchy (``HIERARCHY_KEYS``): ``file_of`` gives a path's index
        in the script's table, ``anchor_of`` a definition's symbol anchor, ``enclosing_of``
        a definition's index in the script's table of enclosing definitions; the callers
        through the textual matches of the ``shared`` keys are left to their lists."""

        def ref(d: Definition) -> list[object]:
            return [file_of(d.path), anchor_of(d), d.qualname]

        found: dict[str, object] = {}
        symbol = definition.symbol
        if symbol.kind in CALLEE_KINDS:
            callers = self._rows(self.calls.callers(definition, shared), file_of, enclosing_of)
            callees = []
            for call in self.calls.callees(definition):
                assert call.definition is not None
                callees.append([*ref(call.definition), list(call.lines), int(call.exact)])
            if callers:
                found["c"] = callers
            if self.lists_call(definition, shared):
                found["l"] = 1
            if callees:
                found["o"] = callees
        if symbol.kind in CLASS_KINDS:
            bases: list[list[object]] = []
            written = _written_bases(symbol.signature)
            for base in self.types.base_links(definition):
                if base.definition is not None:
                    bases.append([*ref(base.definition), int(base.exact)])
                    continue
                text = _shown_base(base.text, written)
                if text:
                    bases.append([-1, "", text, 0])
            subclasses = []
            reached = {definition}
            for depth, sub in self.types.all_subclasses(definition):
                links = self.types.base_links(sub)
                exact = any(b.exact for b in links if b.definition in reached)
                reached.add(sub)
                subclasses.append([depth, *ref(sub), int(exact)])
            if bases:
                found["b"] = bases
            if subclasses:
                found["s"] = subclasses
        if symbol.kind in METHOD_KINDS:
            overrides = self.types.overrides(definition)
            if overrides is not None:
                found["v"] = ref(overrides)
            overridden = [ref(d) for d in self.types.overridden_in(definition)]
            if overridden:
                found["i"] = overridden
        return found

    def lists_call(self, definition: Definition, shared: Collection[CandidateKey]) -> bool:
        """Whether the callers of ``definition`` go on in the shared lists ``shared`` it names
        (its ``l``): whether a textual match they hold is a call."""
        return definition.symbol.kind in CALLEE_KINDS and any(
            self.calls.key_callers(key) for key in shared
        )

    def key_callers(
        self,
        key: CandidateKey,
        file_of: Callable[[str], int],
        enclosing_of: Callable[[Definition], int],
    ) -> list[list[object]]:
        """The callers through a shared list's textual matches, as ``c`` rows."""
        return self._rows(self.calls.key_callers(key), file_of, enclosing_of)

    @staticmethod
    def _rows(
        calls: Iterable[Call],
        file_of: Callable[[str], int],
        enclosing_of: Callable[[Definition], int],
    ) -> list[list[object]]:
        return [
            [
                file_of(call.path),
                enclosing_of(call.definition) if call.definition else -1,
                list(call.lines),
                int(call.exact),
            ]
            for call in calls
        ]

    def outline(self, path: str, anchor_of: Callable[[Definition], str]) -> bytes:
        """A digest of all that the type hierarchy data of other files may show of the
        classes and methods of ``path``: their anchors and qualified names in the order of
        their lines, each class's bases as resolved, each method's class; empty for a file
        with neither. When it is as it was, an edit of the file (inside a method's body, a
        function added) leaves the data of its classes' ancestors and descendants as it was."""
        types = self.types
        rows: list[object] = []

        def end(definition: Definition | None) -> tuple[str, str] | None:
            return None if definition is None else (definition.path, anchor_of(definition))

        def row(base: Base) -> tuple[object, ...]:
            return (base.text, end(base.definition), base.exact, end(base.via))

        for definition in sorted(
            self._index.definitions_in.get(path, ()),
            key=lambda found: (found.symbol.line, found.qualname),
        ):
            symbol = definition.symbol
            if symbol.kind in CLASS_KINDS or symbol.kind == IMPL_KIND:
                bases = [row(base) for base in types.base_links(definition)]
                rows.append((symbol.kind, definition.qualname, anchor_of(definition), bases))
            elif symbol.kind in METHOD_KINDS and symbol.parent is not None:
                owner = end(types.owner(definition))
                rows.append((symbol.name, definition.qualname, anchor_of(definition), owner))
        if not rows:
            return b""
        return hashlib.blake2b(repr(rows).encode(), digest_size=16).digest()

    def related_files(self, paths: Iterable[str]) -> set[str]:
        """The files whose type hierarchy data may change with the classes of ``paths``:
        those of their ancestors (their subclasses, overrides) and their descendants
        (what they inherit and override)."""
        found = self.ancestor_files(paths)
        for definition in self._classes_of(paths):
            found.update(d.path for _, d in self.types.all_subclasses(definition))
        return found

    def ancestor_files(self, paths: Iterable[str]) -> set[str]:
        """The files of the ancestors of the classes of ``paths``: they list those classes'
        subclasses, and where their methods are overridden."""
        found: set[str] = set()
        for definition in self._classes_of(paths):
            found.update(d.path for d in self.types.ancestors(definition))
        return found

    def _classes_of(self, paths: Iterable[str]) -> Iterator[Definition]:
        for path in paths:
            for definition in self._index.definitions_in.get(path, ()):
                if definition.symbol.kind in CLASS_KINDS:
                    yield definition


def _written_bases(signature: str) -> list[str]:
    """The bases a Python class's signature lists as its source writes them:
    ``(Base, mod.Other[T], metaclass=M)`` gives ``Base`` and ``mod.Other[T]``; none for
    other languages, whose bases are already as written."""
    if not signature.startswith("(") or not signature.endswith(")"):
        return []
    items: list[str] = []
    depth = 0
    start = 1
    for position, character in enumerate(signature[1:-1], 1):
        if character in "([{":
            depth += 1
        elif character in ")]}":
            depth -= 1
        elif character == "," and depth == 0:
            items.append(signature[start:position])
            start = position + 1
    items.append(signature[start:-1])
    return [
        item.strip()
        for item in items
        if item.strip() and not item.strip().startswith("*") and "=" not in item
    ]


def _shown_base(target: str, written: list[str]) -> str:
    """A base outside the tree as a reader sees it: as the source writes it when the
    class's signature has it (consumed from ``written``, so ``(typing.Protocol, Protocol)``
    shows both), else the target as a reader names it (``Exception``, not
    ``builtins.Exception``); "" for a target that names no class (``~make().base``,
    ``~bases.[]``: an expression the reader sees in the signature)."""
    name = base_name(target)
    text = display_text(target)
    for item in written:
        if item.partition("[")[0].rpartition(".")[2] == name:
            written.remove(item)
            text = item
            break
    return "" if "(" in text or "[]" in text or "~" in text else text
