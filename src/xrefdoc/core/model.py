"""Plain data passed between the stages: one ``FileRecord`` per documented file."""

from __future__ import annotations

import hashlib
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, NamedTuple


class SymbolKind(StrEnum):
    """What a symbol is: the kinds of the stable ``scan`` contract.

    A ``StrEnum`` (a ``str`` and an ``Enum``, as griffe's kinds are), so a kind is equal to
    its value, hashes like it and prints as it (``str``, f-strings, ``json.dumps`` and
    Jinja's ``{{ kind }}`` all give ``class``): pages, the index JSON and the ``scan``
    output spell kinds as they always did. A plain ``(str, Enum)`` would print
    ``SymbolKind.CLASS``. Pickled by value, so the record cache loads it (see
    ``cache._ModelUnpickler``)."""

    CLASS = "class"
    FUNCTION = "function"
    METHOD = "method"
    CONSTANT = "constant"
    VARIABLE = "variable"
    # What languages other than Python define besides those: a preprocessor macro, a
    # field of a struct, class or interface, a member of an enum, a typedef or type alias,
    # a C++ namespace, a function declared without its body (a C prototype, a C++ method
    # declared in its class), a Rust ``impl`` block (named after its type).
    MACRO = "macro"
    FIELD = "field"
    ENUMERATOR = "enumerator"
    TYPE = "type"
    NAMESPACE = "namespace"
    PROTOTYPE = "prototype"
    IMPL = "impl"
    HEADING = "heading"
    KEY = "key"


def variable_kind(name: str) -> SymbolKind:
    """A module-level name is a constant when spelled in capitals (``MAX_SIZE``), by the
    convention of every language we read; otherwise a variable."""
    letters = name.strip("_")
    return (
        SymbolKind.CONSTANT
        if letters and letters.upper() == letters and any(c.isalpha() for c in letters)
        else SymbolKind.VARIABLE
    )


def reduce_to_fields(self: Any) -> tuple[type, tuple[object, ...]]:
    """Pickle a record class as its constructor and fields: loading a cached record then
    calls the class once per object, where the dataclass default looked every field list up
    again for each of the hundred thousand objects of a large tree."""
    return type(self), tuple(getattr(self, name) for name in self.__slots__)


@dataclass(frozen=True, slots=True)
class Overload:
    """One ``@overload`` stub of a function: the line of its ``def`` and its signature. The
    stubs are kept on the symbol they describe, not as definitions of their own, so a use
    of the function leads to one place and the reader still sees every way to call it."""

    __reduce__ = reduce_to_fields

    line: int
    signature: str


@dataclass(frozen=True, slots=True)
class Symbol:
    """A name a file defines: its kind, where it starts and ends, and its enclosing name."""

    __reduce__ = reduce_to_fields

    name: str
    kind: SymbolKind
    line: int
    end_line: int
    parent: str | None = None
    signature: str = ""
    doc: str = ""
    # For a class: where its bases point, as reference targets (see ``Reference``).
    bases: tuple[str, ...] = ()
    # Where the value of a variable or property leads, and what calling a function or
    # method returns, as reference targets in the file's namespace (``~Engine()``: an
    # instance of Engine; ``[~Engine()]``: a container of them); empty when not known.
    value_type: str = ""
    return_type: str = ""
    # For a function: its ``@overload`` stubs, in order. The symbol is their implementation,
    # or, when none follows them (a ``.pyi`` file, a protocol), the first stub itself.
    overloads: tuple[Overload, ...] = ()

    @property
    def qualname(self) -> str:
        return f"{self.parent}.{self.name}" if self.parent else self.name


@dataclass(frozen=True, slots=True)
class Import:
    """An import statement as written; ``level`` counts the leading dots of a relative one."""

    __reduce__ = reduce_to_fields

    module: str
    names: tuple[str, ...]
    line: int
    level: int = 0


# The prefix of a target in the tree-wide namespace of types (see ``Reference``).
TYPE_NAMESPACE = "::"
# The target of a textual member use (see ``Reference``).
UNKNOWN_MEMBER = "."


class Reference(NamedTuple):
    """A use of a name at a line, and what the file says it refers to.

    ``target`` is a dotted path resolved against the whole tree later: ``pkg.mod.name``
    (absolute), ``..mod.name`` (relative to the file, like a relative import) or
    ``~Class.name`` (in the file's own namespace); ``Engine().run`` is a member of what calling
    ``Engine`` returns, ``items.[]`` an element of ``items`` (iterated or indexed), and
    ``Engine().^.run`` the ``run`` that ``super()`` finds in Engine's bases. ``a|b`` lists
    candidates, the first that resolves wins. ``::lua_State.top`` starts from a type of that
    name among the files of the use's language (``TYPE_NAMESPACE``: C and C++ share one
    namespace of types, Go's packages are looked in, the use's own first). ``exact`` is
    false for a textual match (a lexer token, an attribute of a value of unknown type), which
    has no target, or ``UNKNOWN_MEMBER`` for a member of a value of unknown type
    (``p->top``), which only a field or method can mean.
    """

    name: str
    line: int
    exact: bool = True
    target: str = ""
    # Where the name starts on its line, in UTF-8 bytes as ``ast`` counts; -1 when unknown
    # (a lexer's textual match), which matches every token of that name on the line.
    column: int = -1


# A reference as a plain tuple, as ``References.rows`` gives it.
ReferenceData = tuple[str, int, bool, str, int]


class References:
    """A file's references, kept as columns: a tree of 20,000 files holds millions, and as
    one tuple each they were most of the time and memory of loading the cache. Names and
    targets repeat within a file and are stored once each (pickle shares equal objects);
    lines, columns and the exact flags are packed arrays. Iterating gives ``Reference``
    objects; ``rows`` gives plain tuples for the loops that visit every reference."""

    __slots__ = ("_columns", "_exact", "_lines", "_names", "_targets")

    def __init__(
        self,
        names: tuple[str, ...] = (),
        lines: bytes = b"",
        exact: bytes = b"",
        targets: tuple[str, ...] = (),
        columns: bytes = b"",
    ) -> None:
        self._names = names
        self._lines = array("i", lines)
        self._exact = exact
        self._targets = targets
        self._columns = array("i", columns)
        sizes = {len(names), len(self._lines), len(exact), len(targets), len(self._columns)}
        if len(sizes) != 1:
            raise ValueError("reference columns of different lengths")

    @classmethod
    def of(cls, references: Iterable[ReferenceData]) -> References:
        rows = list(references)
        shared: dict[str, str] = {}
        return cls(
            tuple(shared.setdefault(row[0], row[0]) for row in rows),
            array("i", [row[1] for row in rows]).tobytes(),
            bytes(bool(row[2]) for row in rows),
            tuple(shared.setdefault(row[3], row[3]) for row in rows),
            array("i", [row[4] for row in rows]).tobytes(),
        )

    def rows(self) -> Iterator[ReferenceData]:
        """``(name, line, exact, target, column)`` for each reference, in order."""
        return zip(
            self._names,
            self._lines,
            map(bool, self._exact),
            self._targets,
            self._columns,
            strict=True,
        )

    def names(self) -> tuple[str, ...]:
        return self._names

    def lines(self) -> Sequence[int]:
        """The line of each reference, in order."""
        return self._lines

    def fingerprint(self) -> bytes:
        """A digest of every reference, to tell whether two files' references are the same
        without comparing them."""
        digest = hashlib.blake2b(digest_size=8)
        for column in (
            self._lines.tobytes(),
            self._exact,
            self._columns.tobytes(),
            "\0".join(self._names).encode("utf-8", "surrogatepass"),
            "\0".join(self._targets).encode("utf-8", "surrogatepass"),
        ):
            digest.update(len(column).to_bytes(8, "little") + column)
        return digest.digest()

    def __iter__(self) -> Iterator[Reference]:
        return map(Reference._make, self.rows())

    def __len__(self) -> int:
        return len(self._names)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, References) and list(self.rows()) == list(other.rows())

    def __hash__(self) -> int:
        return hash(tuple(self.rows()))

    def __repr__(self) -> str:
        return f"References({list(self)!r})"

    def __reduce__(self) -> tuple[type, tuple[object, ...]]:
        columns = (self._lines.tobytes(), self._exact, self._targets, self._columns.tobytes())
        return References, (self._names, *columns)


def child_target(base: str, name: str) -> str:
    """``name`` inside ``base``: ``pkg`` + ``x`` is ``pkg.x``, ``..`` + ``x`` is ``..x``."""
    return f"{base}{name}" if not base or base.endswith(".") else f"{base}.{name}"


@dataclass(frozen=True, slots=True)
class Alias:
    """A module-level name bound by an import (``*`` for a star import), and its target, so
    a name re-exported through a package's ``__init__`` leads to its definition."""

    __reduce__ = reduce_to_fields

    name: str
    target: str
    line: int


@dataclass(frozen=True, slots=True)
class Heading:
    """A document heading: its level (1 = title), text and line."""

    __reduce__ = reduce_to_fields

    level: int
    text: str
    line: int


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """A problem met while reading or parsing a file; shown on its page, never fatal."""

    __reduce__ = reduce_to_fields

    message: str
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Finding:
    """What static analysis found at one line: the rule's id (``security.eval``), its
    category (purpose, pattern, performance, security, testing) and a sentence about this
    file, never one that would be true of every file."""

    __reduce__ = reduce_to_fields

    rule: str
    category: str
    line: int
    message: str


@dataclass(frozen=True, slots=True)
class FileRecord:
    """Everything extraction learned about one file; pickles cleanly for the cache."""

    __reduce__ = reduce_to_fields

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
    references: References = field(default_factory=References)
    headings: tuple[Heading, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()
    has_main_guard: bool = False
    aliases: tuple[Alias, ...] = ()
    findings: tuple[Finding, ...] = ()
    # A digest of the text of the lines that hold references: the pages of other files show
    # those lines, and a rebuild after an edit that left them as they were need not write
    # those pages' data again (``site.plan``).
    reference_lines: str = ""

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


def count_lines(text: str) -> int:
    """Lines as an editor shows them: a final newline does not start another line."""
    if not text:
        return 0
    return text.count("\n") + (0 if text.endswith("\n") else 1)
