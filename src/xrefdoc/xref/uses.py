"""The uses of the index, held as columns: a tree of 20,000 files has millions, and a tuple
per use, listed by keyword and by file, was 120 bytes of each (1.2 million on NumPy x3:
145 MiB, and the arenas they kept from being given back); as columns, about 30 bytes in
each view. A ``Uses`` reads as a sequence of ``Use`` tuples, made as they are read."""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Sequence
from functools import partial
from itertools import repeat
from typing import NamedTuple, overload

from xrefdoc.xref.resolve import Definition


class Use(NamedTuple):
    """A use of a keyword at a line: the definition it means, or None for a textual match
    (the name is the same; which definition, if any, is meant is not known)."""

    path: str
    line: int
    name: str  # as written at the use, which an import alias may have renamed
    definition: Definition | None
    column: int = -1  # as in ``Reference``
    # A member use of unknown type (``p->top``), which only a field or method can mean.
    member: bool = False

    @property
    def keyword(self) -> str:
        return self.definition.symbol.name if self.definition else self.name


# ``Use(*fields)`` without the call of its ``__new__``: a fifth faster, and a build reads
# every use of the tree several times.
_new_use = partial(tuple.__new__, Use)


class Uses(Sequence[Use]):
    """Uses as columns: their files (one path when all are in one file), lines, names as
    written, definitions (None for a textual match), columns and member flags (a byte
    each). Read as ``Use`` tuples; a column is read directly where only it is needed
    (``paths``, ``lines``, ``definitions``)."""

    __slots__ = ("_paths", "columns", "definitions", "lines", "member_flags", "names")

    def __init__(
        self,
        paths: str | tuple[str, ...],
        lines: array[int],
        names: tuple[str, ...],
        definitions: tuple[Definition | None, ...],
        columns: array[int],
        members: bytes,
    ) -> None:
        self._paths = paths
        self.lines = lines
        self.names = names
        self.definitions = definitions
        self.columns = columns
        self.member_flags = members

    @classmethod
    def of(cls, uses: Iterable[Use], path: str | None = None) -> Uses:
        """``uses`` as columns; ``path``: the one file all of them are in."""
        found = list(uses)
        if not found:
            return cls(path or (), array("i"), (), (), array("i"), b"")
        paths, lines, names, definitions, columns, members = zip(*found, strict=True)
        return cls(
            path if path is not None else paths,
            array("i", lines),
            names,
            definitions,
            array("i", columns),
            bytes(members),
        )

    @property
    def paths(self) -> Sequence[str]:
        """The file of each use."""
        if isinstance(self._paths, str):
            return (self._paths,) * len(self.names)
        return self._paths

    @property
    def members(self) -> Iterator[bool]:
        """Whether each use is a member use of unknown type."""
        return map(bool, self.member_flags)

    def files(self) -> set[str]:
        """The files the uses are in."""
        if isinstance(self._paths, str):
            return {self._paths} if self.names else set()
        return set(self._paths)

    def take(self, positions: Sequence[int]) -> list[Use]:
        """The uses at ``positions``: what a table that keeps positions into these uses
        holds (``symbol_data._UseTable``, ``calls.CallGraph``), where a list of the uses
        themselves held them all again."""
        paths = self._paths
        return list(
            map(
                _new_use,
                zip(
                    repeat(paths, len(positions))
                    if isinstance(paths, str)
                    else map(paths.__getitem__, positions),
                    map(self.lines.__getitem__, positions),
                    map(self.names.__getitem__, positions),
                    map(self.definitions.__getitem__, positions),
                    map(self.columns.__getitem__, positions),
                    map(bool, map(self.member_flags.__getitem__, positions)),
                    strict=True,
                ),
            )
        )

    def __len__(self) -> int:
        return len(self.names)

    def __iter__(self) -> Iterator[Use]:
        paths = self._paths
        if isinstance(paths, str):
            paths = repeat(paths, len(self.names))  # type: ignore[assignment]
        rows = zip(
            paths, self.lines, self.names, self.definitions, self.columns, self.members, strict=True
        )
        return map(_new_use, rows)

    @overload
    def __getitem__(self, at: int) -> Use: ...
    @overload
    def __getitem__(self, at: slice) -> Uses: ...
    def __getitem__(self, at: int | slice) -> Use | Uses:
        paths = self._paths
        if isinstance(at, slice):
            return Uses(
                paths if isinstance(paths, str) else paths[at],
                self.lines[at],
                self.names[at],
                self.definitions[at],
                self.columns[at],
                self.member_flags[at],
            )
        path = paths if isinstance(paths, str) else paths[at]
        return _new_use(
            (
                path,
                self.lines[at],
                self.names[at],
                self.definitions[at],
                self.columns[at],
                bool(self.member_flags[at]),
            )
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, (str, bytes)):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]  # a sequence, compared by its uses

    def __repr__(self) -> str:
        return f"Uses({list(self)!r})"

    def __reduce__(self) -> tuple[type, tuple[object, ...]]:
        return Uses, (
            self._paths,
            self.lines,
            self.names,
            self.definitions,
            self.columns,
            self.member_flags,
        )


NO_USES = Uses((), array("i"), (), (), array("i"), b"")


# The columns of one keyword's uses while they are collected (``by_keyword``).
_Columns = tuple[list[str], list[int], list[str], list[Definition | None], list[int], list[int]]


def by_keyword(files: Iterable[Uses], numbers: Sequence[int]) -> dict[str, Uses]:
    """The uses of ``files`` under their keywords (the definition's name, or the name as
    written for a textual match), in the files' order; keywords in the order first met.
    Collected a column at a time, in lists that hold only what the uses share (paths,
    names, definitions, and ints of lines from ``numbers``, ``index._line_numbers``):
    faster than a tuple per use, and 48 bytes a use while the index is made."""
    table: dict[str, _Columns] = {}
    get = table.get
    top = len(numbers)
    for uses in files:
        paths = uses.paths
        lines = [numbers[line] if 0 <= line < top else line for line in uses.lines]
        for path, line, name, definition, column, member in zip(
            paths, lines, uses.names, uses.definitions, uses.columns, uses.member_flags, strict=True
        ):
            keyword = name if definition is None else definition.symbol.name
            collected = get(keyword)
            if collected is None:
                collected = table[keyword] = ([], [], [], [], [], [])
            collected[0].append(path)
            collected[1].append(line)
            collected[2].append(name)
            collected[3].append(definition)
            collected[4].append(column)
            collected[5].append(member)
    found = {}
    for keyword in list(table):  # each keyword's lists freed as its columns are made
        paths, lines, names, definitions, columns, members = table.pop(keyword)
        found[keyword] = Uses(
            tuple(paths),
            array("i", lines),
            tuple(names),
            tuple(definitions),
            array("i", columns),
            bytes(members),
        )
    return found
