"""The data of each definition for the browser, one pair of scripts per file that defines
anything: ``_xref/sym/<key>.js`` (what the hover card and the head of the symbol page show)
and ``_xref/refs/<key>.js`` (every reference of each definition, with its line of code and
the definition around it).

``<key>`` is the file's page name without its ``_docs`` (``src/click/core.py``), so a page
that links a line of the file (``…/core.py_docs.html#L12``) finds the file's scripts from the
link alone, and file pages carry nothing per use. A definition is named by its symbol anchor
(``site.names.symbol_anchors``: ``sym-Group.invoke``), which survives line moves.

The symbol page (``references.html``) is one static page; its hash names a definition as
``<key>/<anchor>``, the key URL-quoted as page links are (``/`` kept): an anchor has no
``/``, so the last one splits the two whatever the path holds.

A textual match that may mean many definitions (``SHARED_FROM`` or more: ``__init__``,
``run``, a name every copy of a vendored folder defines) is listed once, in the shared list
of its keyword, ``_xref/text/<id>.js``, and each definition it may mean names that list
(``t``) instead of holding the match, or the call it makes: otherwise each such match is
written once per definition, and the data grows with the square of the tree. The symbol
page merges the lists into the definition's references and callers.

They are scripts (a call with the data), not JSON, so a site read from disk (``file://``)
loads them; they load only when a card opens or the symbol page asks, so no page grows with
them. A reference is a compact array, its file an index into the script's table of paths.
"""

from __future__ import annotations

import hashlib
import pickle
import re
from collections import defaultdict
from collections.abc import Callable, Collection, Container, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from xrefdoc.extract.reading import shown_lines
from xrefdoc.site.data_scripts import packed_script
from xrefdoc.site.hierarchy_data import HierarchyData
from xrefdoc.site.names import PageNames, quoted
from xrefdoc.site.views import SiteContext, symbol_anchor
from xrefdoc.xref.index import CandidateKey, Index, Use, candidate_key, candidates_of
from xrefdoc.xref.places import AREAS, PROSE_FAMILIES, Enclosing, area_of
from xrefdoc.xref.resolve import Definition

# The folders of each kind of script in the site's data folder (``names.DATA_FOLDER``).
SYM_FOLDER = "sym"
REFS_FOLDER = "refs"
TEXT_FOLDER = "text"
# A textual match that may mean this many definitions or more is listed in its keyword's
# shared list, not in each definition's references.
SHARED_FROM = 5
# The scripts are made this many files (or shared lists' matches) at a time, so the lines
# they show are held for a part of the tree at once, not for all of it.
FILES_AT_ONCE = 2000
MATCHES_AT_ONCE = 100_000
# The symbol page, in the folder of the site's pages (beside ``keywords``).
SYMBOL_PAGE = "references"
# The attribute that marks the symbol page's body: its fragments name definitions of this
# data, not ids of the page (``xrefdoc check`` reads them so).
FRAGMENTS_ATTRIBUTE = "data-xref-fragments"
# A line of code is shown cut to about this many characters, around the name.
LINE_CHARS = 160
# Characters kept before the name when a long line is cut.
LINE_LEAD = 60
# The first paragraph of a docstring is cut after this many characters.
DOC_CHARS = 400
# A signature (or a declaration's first line) is cut after this many characters.
SIGNATURE_CHARS = 300
# The closing quotes of a docstring, and how many lines its first paragraph is read for.
_QUOTES = re.compile(r"\"\"\"|'''")
_DOC_LINES = 12

# What a file's data drew from textual matches (``SymbolData.drawn``): a digest per keyword.
Drawn = dict[str, bytes]

# The fields of a definition in ``sym/<key>.js``, in order (documented for readers of the
# data; the scripts hold arrays).
SYMBOL_FIELDS = (
    "qualname",
    "kind",
    "line",
    "end_line",
    "signature",
    "doc",
    "exact_uses",
    "textual_uses",
    "files",
    "name",
)
# The fields of a reference in ``refs/<key>.js``: the file (an index into ``paths``), the
# line, 1 for a textual match, the line's text, where the name starts in it and its length
# (in UTF-16 code units, as the browser counts), the enclosing definition (an index into
# ``enclosing``, -1 at the top level).
REFERENCE_FIELDS = ("file", "line", "textual", "text", "column", "length", "enclosing")


def sym_script(key: str) -> str:
    """Where a file's symbol data lives, relative to ``_xref/``."""
    return f"{SYM_FOLDER}/{key}.js"


def refs_script(key: str) -> str:
    """Where a file's references live, relative to ``_xref/``."""
    return f"{REFS_FOLDER}/{key}.js"


def text_script(list_id: str) -> str:
    """Where a shared list of textual matches lives, relative to ``_xref/``."""
    return f"{TEXT_FOLDER}/{list_id}.js"


def list_id(key: CandidateKey) -> str:
    """The name of a shared list's script: a digest of its key, which may hold any
    character and differ from another only in case."""
    keyword, group, member = key
    text = f"{keyword}\0{group}\0{int(member)}".encode("utf-8", "surrogatepass")
    return hashlib.sha1(text).hexdigest()[:16]


def symbol_page(names: PageNames) -> str:
    return f"{names.prefix}{SYMBOL_PAGE}"


def first_paragraph(doc: str, limit: int = DOC_CHARS) -> str:
    """A docstring's first paragraph on one line, cut at ``limit`` characters."""
    paragraph = re.split(r"\n\s*\n", doc.strip(), maxsplit=1)[0]
    return _cut(" ".join(paragraph.split()), limit)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _utf16_length(text: str) -> int:
    """How many code units the browser counts in ``text`` (a character past U+FFFF is two)."""
    return len(text) if text.isascii() else len(text.encode("utf-16-le")) // 2


def shown_line(line: str, name: str, column: int) -> tuple[str, int, int]:
    """A line of code as a reference shows it: without its indentation, cut to about
    ``LINE_CHARS`` around the name, and where the name is in it (``column`` in UTF-8 bytes
    as the extractors count, -1 when unknown: then its first whole-word occurrence).
    The column and length are -1 when the name is not found on the line."""
    line = line.rstrip()
    start = _name_column(line, name, column)
    stripped = line.lstrip()
    indent = len(line) - len(stripped)
    position = start - indent if start >= 0 else -1
    if len(stripped) > LINE_CHARS:
        cut_from = max(0, min(position, len(stripped)) - LINE_LEAD) if position >= 0 else 0
        piece = stripped[cut_from : cut_from + LINE_CHARS]
        head = "…" if cut_from else ""
        tail = "…" if cut_from + LINE_CHARS < len(stripped) else ""
        stripped = head + piece + tail
        if position >= 0:
            position = position - cut_from + len(head)
            if position + len(name) > len(head) + len(piece):
                position = -1
    if position < 0:
        return stripped, -1, -1
    if stripped.isascii():  # most lines: a character is one code unit
        end = len(stripped)
        return stripped, min(position, end), max(0, min(len(name), end - position))
    return (
        stripped,
        _utf16_length(stripped[:position]),
        _utf16_length(stripped[position : position + len(name)]),
    )


def _name_column(line: str, name: str, column: int) -> int:
    """Where ``name`` starts in ``line``, in characters; -1 when it is not there."""
    if column >= 0:
        start = column
        if not line.isascii():
            start = len(line.encode("utf-8")[:column].decode("utf-8", "ignore"))
        if line[start : start + len(name)] == name:
            return start
    match = re.search(rf"(?<![\w$]){re.escape(name)}(?![\w$])", line) if name else None
    if match is None:
        return line.find(name) if name else -1
    return match.start()


def _doc_paragraph(definition: Definition, lines: list[str]) -> str:
    """The first paragraph of a Python docstring, of which extraction kept the first line
    (``Symbol.doc``): the lines that follow it in the file, up to a blank line or the
    closing quotes."""
    symbol = definition.symbol
    doc = symbol.doc.strip()
    if not doc:
        return doc
    for number in range(symbol.line - 1, min(symbol.end_line, symbol.line + 40, len(lines))):
        if doc not in lines[number]:
            continue
        if _QUOTES.search(lines[number].split(doc, 1)[1]):
            return doc
        found = [doc]
        for line in lines[number + 1 : number + 1 + _DOC_LINES]:
            closing = _QUOTES.search(line)
            text = (line[: closing.start()] if closing else line).strip()
            if text:
                found.append(text)
            if closing or not text:
                break
        return " ".join(found)
    return doc


@dataclass(frozen=True, slots=True)
class _Texts:
    """What the scripts show of the tree's text: the lines they show, by file and number,
    and the docstring paragraph of each Python definition (other languages show what
    extraction kept)."""

    lines: dict[str, dict[int, str]]
    docs: dict[Definition, str]


def held_by_a_list(candidates: tuple[Definition, ...]) -> bool:
    """Whether a textual match that may mean ``candidates`` is held by its keyword's shared
    list rather than by each of them."""
    return len(candidates) >= SHARED_FROM


def match_holders(index: Index, paths: Iterable[str]) -> tuple[set[str], set[CandidateKey]]:
    """Where the textual matches in ``paths`` are held: the files of the definitions that
    hold them themselves, and the shared lists that hold the others."""
    files: set[str] = set()
    lists: set[CandidateKey] = set()
    for path in paths:
        for use in index.uses_in.get(path, ()):
            if use.definition is None:
                add_holders(index, candidate_key(index, use), files, lists)
    return files, lists


def add_holders(index: Index, key: CandidateKey, files: set[str], lists: set[CandidateKey]) -> None:
    """Add where a textual match of ``key`` is held: its shared list to ``lists``, or the
    files of the definitions that hold it themselves to ``files``."""
    candidates = candidates_of(index, *key)
    if held_by_a_list(candidates):
        lists.add(key)
    else:
        files.update(definition.path for definition in candidates)


class _UseTable:
    """The uses of the index by what they may mean: each definition's own references (its
    exact uses, and the textual matches that may mean fewer than ``SHARED_FROM``
    definitions), the matches of each shared list, and the lists each definition draws on.

    Every use that may mean a definition is filed under the definition's name, and every
    match of a list under the list's keyword (``index.uses``): the table is made a keyword
    at a time, when one of its definitions or lists is first asked about. A rebuild that
    writes the data of a few files makes a few keywords' part (the whole table, a pass
    over every use of the tree, was 0.6 s of a one-file rebuild at 20,000 files)."""

    def __init__(self, index: Index) -> None:
        self._index = index
        self._own: dict[Definition, list[Use]] = defaultdict(list)
        self._shared: dict[CandidateKey, list[Use]] = {}
        self._lists_of: dict[Definition, tuple[CandidateKey, ...]] = {}
        self._keys_of: dict[str, list[CandidateKey]] = {}

    def own(self, definition: Definition) -> list[Use]:
        return self._made(definition.symbol.name)._own.get(definition, [])

    def shared(self, key: CandidateKey) -> list[Use]:
        return self._made(key[0])._shared[key]

    def lists_of(self, definition: Definition) -> tuple[CandidateKey, ...]:
        return self._made(definition.symbol.name)._lists_of.get(definition, ())

    def keys(self, names: Iterable[str] | None = None) -> list[CandidateKey]:
        """The shared lists of the keywords ``names`` (of every keyword when None)."""
        return [
            key
            for name in (self._index.uses if names is None else names)
            for key in self._made(name)._keys_of[name]
        ]

    def complete(self) -> None:
        """Make the table for every keyword."""
        for name in self._index.uses:
            self._made(name)

    def _made(self, name: str) -> _UseTable:
        if name in self._keys_of:
            return self
        index = self._index
        shared: dict[CandidateKey, list[Use]] = defaultdict(list)
        for use in index.uses.get(name, ()):
            if use.definition is not None:
                self._own[use.definition].append(use)
                continue
            key = candidate_key(index, use)
            candidates = candidates_of(index, *key)
            if held_by_a_list(candidates):
                shared[key].append(use)
            else:
                for definition in candidates:
                    self._own[definition].append(use)
        keys = sorted(shared)
        lists_of: dict[Definition, list[CandidateKey]] = defaultdict(list)
        for key in keys:
            for definition in candidates_of(index, *key):
                lists_of[definition].append(key)
        self._shared.update(shared)
        self._lists_of.update((d, tuple(found)) for d, found in lists_of.items())
        self._keys_of[name] = keys
        return self


@dataclass(frozen=True, slots=True)
class _Counts:
    """How many references a definition has, as its head shows them."""

    exact: int
    textual: int
    files: int


class SymbolData:
    """Makes the scripts of the files asked for, from the index and the tree's text (read
    once per file for each part of the tree made at once, only the lines a reference
    shows)."""

    def __init__(self, site: SiteContext, lines_of: Callable[[str], list[str] | None]) -> None:
        self._site = site
        self._index = site.index
        self._names = site.names
        self._lines_of = lines_of
        self._enclosing = Enclosing(site.index)
        self._hierarchy: HierarchyData | None = None
        self._uses: _UseTable | None = None
        # Of each shared list: its lines (file, line) and its files; and of each set of lists
        # a definition draws on, how many of both they hold together.
        self._list_lines: dict[CandidateKey, set[tuple[str, int]]] = {}
        self._list_files: dict[CandidateKey, set[str]] = {}
        self._union_sizes: dict[tuple[CandidateKey, ...], tuple[int, int]] = {}
        # Of each file: its area's number, and its row in a script's table of paths, worked
        # out once (NumPy x3: 751,056 areas asked for, one per use listed, 6% of the stage).
        self._areas: dict[str, int] = {}
        self._path_rows: dict[str, list[object]] = {}
        # Of each file whose scripts this made: what they drew (``drawn``).
        self.made: dict[str, Drawn] = {}

    @property
    def hierarchy(self) -> HierarchyData:
        """The call and type hierarchies, made on first use (a few seconds on a large tree)."""
        if self._hierarchy is None:
            self._hierarchy = HierarchyData(self._index, self._enclosing)
        return self._hierarchy

    @property
    def uses(self) -> _UseTable:
        """The uses by what they may mean, made on first use."""
        if self._uses is None:
            self._uses = _UseTable(self._index)
        return self._uses

    def make_shared_parts(self, files: int) -> None:
        """Make now what the scripts of every file draw on (the uses by what they may mean,
        the type hierarchy; the call graph is made per name as it is asked), made on first
        use otherwise: before workers fork, so that each inherits them rather than making
        them again. When the scripts of ``files`` files are written, a quarter of the tree
        or more, the uses a member follows in every file too: the workers' parts then
        reach into most files each, and a rebuild of a few hundred files pays no pass
        over the whole tree for them."""
        self.uses.complete()
        self.hierarchy.types.resolve()
        if 4 * files >= len(self._index.records):
            self.hierarchy.calls.find_member_follows()

    @classmethod
    def for_tree(cls, site: SiteContext, root: Path) -> SymbolData:
        """Reading the tree's files from ``root``."""
        index = site.index

        def lines_of(path: str) -> list[str] | None:
            return shown_lines(root, index.records.get(path), site.sources.get(path))

        return cls(site, lines_of)

    def anchor(self, definition: Definition) -> str:
        """The definition's symbol anchor in its file (``sym-Group.invoke``)."""
        return symbol_anchor(self._site, definition)

    def with_hierarchy_neighbours(
        self, changed: Iterable[str], outlined: Iterable[str], moved: Collection[str]
    ) -> set[str]:
        """``changed`` (files whose data the plan says changed) and the files whose type
        hierarchy data their classes are part of. A class of a file whose outline was worked
        out again (``outlined``: its text, or what its names mean, changed or may have,
        ``Plan.outlined``) may have gained or lost bases, methods or its place: the
        transitive subclasses its ancestors' files list change, and what its descendants
        inherit and override; only those of ``moved`` did, whose ``outline`` is not the one
        of the last build (not after an edit inside a method's body: a change to a base
        class's file, after which its 350 subclasses' files were written again, took 4 of a
        15 s rebuild at 20,000 files). A class of another changed file (one whose names'
        uses changed) may have gained or lost a subclass, which its ancestors' files list
        too. The hierarchies are made only when
        something changed."""
        found = set(changed)
        if not found:
            return found
        outlined = set(outlined)
        hierarchy = self.hierarchy
        return found | hierarchy.related_files(moved) | hierarchy.ancestor_files(found - outlined)

    def outlines(self, paths: Iterable[str]) -> dict[str, bytes]:
        """``HierarchyData.outline`` of each file of ``paths``."""
        return {path: self.hierarchy.outline(path, self.anchor) for path in paths}

    def files(self) -> list[str]:
        """Every file that defines anything, sorted: the files that have scripts."""
        return sorted(path for path, found in self._index.definitions_in.items() if found)

    def shared_lists(self, names: Iterable[str] | None = None) -> set[CandidateKey]:
        """The shared lists of the keywords ``names`` (of every keyword when None)."""
        return set(self.uses.keys(names))

    def references(self, paths: Iterable[str]) -> dict[Definition, list[Use]]:
        """The own references of every definition of ``paths`` (all but the matches of
        shared lists): its exact uses and its textual matches, in the order the page lists
        them (area, then file, files with an exact use first; in a file exact uses first,
        then by line)."""
        own = self.uses.own
        return {
            definition: self._ordered(found)
            for path in paths
            for definition in self._index.definitions_in.get(path, ())
            if (found := own(definition))
        }

    def _ordered(self, references: list[Use]) -> list[Use]:
        area = self._area
        exact_files = {use.path for use in references if use.definition is not None}
        unique: dict[tuple[str, int, bool], Use] = {}
        for use in references:
            unique.setdefault((use.path, use.line, use.definition is None), use)
        return sorted(
            unique.values(),
            key=lambda use: (
                area(use.path),
                use.path not in exact_files,
                use.path,
                use.definition is None,
                use.line,
            ),
        )

    def _shared_matches(self, key: CandidateKey) -> list[Use]:
        """A shared list's matches, one per line, by area, file and line."""
        unique: dict[tuple[str, int], Use] = {}
        for use in self.uses.shared(key):
            unique.setdefault((use.path, use.line), use)
        area = self._area
        return sorted(unique.values(), key=lambda use: (area(use.path), use.path, use.line))

    def _area(self, path: str) -> int:
        """The number of the file's area (``places.AREAS``)."""
        found = self._areas.get(path)
        if found is None:
            found = self._areas[path] = AREAS.index(area_of(self._index, path))
        return found

    def counts(self, definition: Definition, own: list[Use]) -> _Counts:
        """How many exact and textual references the definition has and in how many files,
        its shared lists' matches included (``own`` is what ``references`` gave it)."""
        exact = sum(1 for use in own if use.definition is not None)
        textual = {(use.path, use.line) for use in own if use.definition is None}
        files = {use.path for use in own}
        keys = self.uses.lists_of(definition)
        if not keys:
            return _Counts(exact, len(textual), len(files))
        listed_lines, listed_files = self._union_size(keys)
        lines = [self._list_lines[key] for key in keys]
        paths = [self._list_files[key] for key in keys]
        return _Counts(
            exact,
            listed_lines + sum(1 for line in textual if not any(line in s for s in lines)),
            listed_files + sum(1 for path in files if not any(path in s for s in paths)),
        )

    def _union_size(self, keys: tuple[CandidateKey, ...]) -> tuple[int, int]:
        """How many lines and files the shared lists ``keys`` hold together."""
        for key in keys:
            if key not in self._list_lines:
                matches = self.uses.shared(key)
                self._list_lines[key] = {(use.path, use.line) for use in matches}
                self._list_files[key] = {use.path for use in matches}
        if keys not in self._union_sizes:
            if len(keys) == 1:
                sizes = len(self._list_lines[keys[0]]), len(self._list_files[keys[0]])
            else:
                lines = set().union(*(self._list_lines[key] for key in keys))
                files = set().union(*(self._list_files[key] for key in keys))
                sizes = len(lines), len(files)
            self._union_sizes[keys] = sizes
        return self._union_sizes[keys]

    def scripts(self, paths: Iterable[str]) -> Iterator[tuple[str, str]]:
        """(file relative to ``_xref/``, text) of both scripts of each of ``paths`` that
        defines anything, then of the shared lists their definitions draw on."""
        paths = list(paths)
        yield from self.file_scripts(paths)
        yield from self.list_scripts(self.lists_drawn_on(paths))

    def file_scripts(self, paths: Iterable[str]) -> Iterator[tuple[str, str]]:
        """Both scripts of each of ``paths`` that defines anything, made ``FILES_AT_ONCE``
        files at a time."""
        paths = [path for path in paths if self._index.definitions_in.get(path)]
        for start in range(0, len(paths), FILES_AT_ONCE):
            part = paths[start : start + FILES_AT_ONCE]
            references = self.references(part)
            texts = self._read_texts(part, references.values())
            for path in part:
                key = self._names.file_key(path)
                definitions = self._index.definitions_in[path]
                yield sym_script(key), self.sym_text(path, definitions, references, texts)
                yield refs_script(key), self.refs_text(path, definitions, references, texts.lines)
                if found := self.drawn(path):
                    self.made[path] = found

    def drawn(self, path: str, names: Container[str] | None = None) -> Drawn:
        """What the data of ``path`` draws from textual matches beyond those of the files the
        plan follows (``plan._symbol_data``), by keyword (of ``names``, all when None): a
        digest, per definition of the keyword, of the shared lists it names, with the lines
        and files they hold together and whether they make callers, and of its own matches
        by file and line. Another file's edit changes these for a file that did not change
        when it defines the name again (its matches leave for a shared list, a body replaces
        the prototypes they meant) or when it adds a match to a shared list the file's
        definitions name: each shows the count."""
        rows: dict[str, list[object]] = defaultdict(list)
        for definition in self._index.definitions_in.get(path, ()):
            name = definition.symbol.name
            if names is not None and name not in names:
                continue
            keys = self.uses.lists_of(definition)
            own = sorted({(u.path, u.line) for u in self.uses.own(definition) if not u.definition})
            if keys or own:
                listed = None
                if keys:
                    listed = (*self._union_size(keys), self.hierarchy.lists_call(definition, keys))
                rows[name].append((self.anchor(definition), keys, listed, own))
        return {
            name: hashlib.blake2b(
                pickle.dumps(found, protocol=pickle.HIGHEST_PROTOCOL), digest_size=8
            ).digest()
            for name, found in rows.items()
        }

    def drawn_changed(
        self, names_of: Mapping[str, Collection[str]], drawn: Mapping[str, Drawn]
    ) -> set[str]:
        """The files of ``names_of`` whose ``drawn`` for its keywords is not what ``drawn``
        holds (what their data drew when last written)."""
        changed = set()
        for path, names in names_of.items():
            now, before = self.drawn(path, names), drawn.get(path, {})
            if any(now.get(name) != before.get(name) for name in names):
                changed.add(path)
        return changed

    def file_weight(self, path: str) -> int:
        """About what making a file's scripts costs: its definitions and their own
        references (a tree's files differ by hundreds of times in both)."""
        own = self.uses.own
        return sum(1 + len(own(d)) for d in self._index.definitions_in.get(path, ()))

    def lists_drawn_on(self, paths: Iterable[str]) -> list[CandidateKey]:
        """The shared lists the definitions of ``paths`` name, sorted."""
        lists_of = self.uses.lists_of
        return sorted(
            {
                key
                for path in paths
                for definition in self._index.definitions_in.get(path, ())
                for key in lists_of(definition)
            }
        )

    def list_scripts(self, keys: list[CandidateKey]) -> Iterator[tuple[str, str]]:
        """The scripts of the shared lists ``keys``, about ``MATCHES_AT_ONCE`` matches at a
        time."""
        part: dict[CandidateKey, list[Use]] = {}
        held = 0
        for at, key in enumerate(keys):
            part[key] = self._shared_matches(key)
            held += len(part[key])
            if at + 1 < len(keys) and held < MATCHES_AT_ONCE:
                continue
            lines = self._read_texts([], part.values()).lines
            for done, matches in part.items():
                yield text_script(list_id(done)), self.shared_text(done, matches, lines)
            part, held = {}, 0

    def _read_texts(self, paths: list[str], references: Iterable[list[Use]]) -> _Texts:
        """The text of every line a script shows (the references' lines, and the first line
        of each declaration without a signature) and the docstring paragraph of each
        definition of ``paths``: each file read once."""
        needed: dict[str, set[int]] = defaultdict(set)
        for path in paths:
            if self._index.records[path].family not in PROSE_FAMILIES:
                needed[path].update(
                    d.symbol.line
                    for d in self._index.definitions_in[path]
                    if not d.symbol.signature
                )
        for found in references:
            for use in found:
                needed[use.path].add(use.line)
        documented = {
            path
            for path in paths
            if self._index.records[path].family == "python"
            and any(d.symbol.doc.strip() for d in self._index.definitions_in[path])
        }
        texts = _Texts({}, {})
        for path in sorted(needed.keys() | documented):
            lines = self._lines_of(path) or []
            texts.lines[path] = {n: lines[n - 1] for n in needed[path] if 0 < n <= len(lines)}
            if path in documented:
                for definition in self._index.definitions_in[path]:
                    texts.docs[definition] = _doc_paragraph(definition, lines)
        return texts

    def sym_text(
        self,
        path: str,
        definitions: list[Definition],
        references: Mapping[Definition, list[Use]],
        texts: _Texts,
    ) -> str:
        """``xrefdocSymbols({k, path, s, d: {anchor: [SYMBOL_FIELDS...]}})``, packed
        (``data_scripts``): ``k`` the file's quoted key, ``s`` the symbol page from the
        site's root."""
        rows: dict[str, list[object]] = {}
        for definition in definitions:
            symbol = definition.symbol
            counts = self.counts(definition, references.get(definition, []))
            signature = symbol.signature
            if signature.startswith(("(", "[")):  # Python's: the parameters, without the name
                signature = symbol.name + signature
            if not signature and self._index.records[path].family not in PROSE_FAMILIES:
                signature = texts.lines.get(path, {}).get(symbol.line, "").strip()
            rows[self.anchor(definition)] = [
                definition.qualname,
                symbol.kind,
                symbol.line,
                symbol.end_line,
                _cut(signature, SIGNATURE_CHARS),
                first_paragraph(texts.docs.get(definition, symbol.doc.strip())),
                counts.exact,
                counts.textual,
                counts.files,
                symbol.name,
            ]
        value = {
            "k": quoted(self._names.file_key(path)),
            "path": path,
            "s": quoted(symbol_page(self._names) + self._names.suffix),
            "d": rows,
        }
        return packed_script("xrefdocSymbols", value)

    def refs_text(
        self,
        path: str,
        definitions: list[Definition],
        references: Mapping[Definition, list[Use]],
        lines: Mapping[str, Mapping[int, str]],
    ) -> str:
        """``xrefdocRefs({k, p: [[path, area(, key)]], e: [[anchor, qualname]], d: {anchor:
        [[REFERENCE_FIELDS...]]}, t: {anchor: [shared list id]}, h: {anchor: hierarchy}})``,
        packed: paths and enclosing definitions are tables shared by the script's references; ``t``
        names the shared lists of textual matches a definition draws on, when it has any;
        ``h`` holds each definition's call and type hierarchy (``hierarchy_data``), when it
        has one."""
        table = _Tables(self, self._enclosing)
        rows: dict[str, list[list[object]]] = {}
        lists: dict[str, list[str]] = {}
        hierarchies: dict[str, dict[str, object]] = {}
        for definition in definitions:
            anchor = self.anchor(definition)
            rows[anchor] = table.rows(references.get(definition, []), lines)
            keys = self.uses.lists_of(definition)
            if keys:
                lists[anchor] = [list_id(key) for key in keys]
            hierarchy = self.hierarchy.of(
                definition, table.file_of, self.anchor, table.around, keys
            )
            if hierarchy:
                hierarchies[anchor] = hierarchy
        value = {
            "k": quoted(self._names.file_key(path)),
            "p": table.paths,
            "e": table.enclosing,
            "d": rows,
            "t": lists,
            "h": hierarchies,
        }
        return packed_script("xrefdocRefs", value)

    def shared_text(
        self, key: CandidateKey, matches: list[Use], lines: Mapping[str, Mapping[int, str]]
    ) -> str:
        """``xrefdocText({k, p, e, d: [[REFERENCE_FIELDS...]], c})``, packed: a shared list's
        matches (``k`` its id), with their tables as in ``refs_text``, and the callers they
        make (``c``, as a hierarchy's, see ``hierarchy_data``)."""
        table = _Tables(self, self._enclosing)
        rows = table.rows(matches, lines)
        callers = self.hierarchy.key_callers(key, table.file_of, table.around)
        value = {
            "k": list_id(key),
            "p": table.paths,
            "e": table.enclosing,
            "d": rows,
            "c": callers,
        }
        return packed_script("xrefdocText", value)

    def path_row(self, path: str) -> list[object]:
        """[path, area(, quoted key)]: the key only where it is not the path itself (a
        prefix, a cut name, a character that is quoted); one list per file, which every
        script's table shares."""
        found = self._path_rows.get(path)
        if found is None:
            key = quoted(self._names.file_key(path))
            area = self._area(path)
            found = self._path_rows[path] = [path, area] if key == path else [path, area, key]
        return found


class _Tables:
    """The tables of one script that its references share: the files (``p``) and the
    enclosing definitions (``e``), each row added on first use."""

    def __init__(self, data: SymbolData, enclosing: Enclosing) -> None:
        self._data = data
        self._enclosing = enclosing
        self._files: dict[str, int] = {}
        # A definition's row, by the definition: its anchor is worked out once (a script of
        # NumPy's may name one enclosing definition for thousands of references).
        self._around: dict[Definition, int] = {}
        self.paths: list[list[object]] = []
        self.enclosing: list[list[str]] = []

    def file_of(self, path: str) -> int:
        where = self._files.get(path)
        if where is None:
            where = self._files[path] = len(self.paths)
            self.paths.append(self._data.path_row(path))
        return where

    def around(self, definition: Definition) -> int:
        """The row of ``definition`` in the table of enclosing definitions."""
        where = self._around.get(definition)
        if where is None:
            where = self._around[definition] = len(self.enclosing)
            self.enclosing.append([self._data.anchor(definition), definition.symbol.qualname])
        return where

    def rows(
        self, references: list[Use], lines: Mapping[str, Mapping[int, str]]
    ) -> list[list[object]]:
        """Each reference as ``[REFERENCE_FIELDS...]``."""
        found: list[list[object]] = []
        enclosing_of, around_row, file_of = self._enclosing.of, self.around, self.file_of
        no_lines: Mapping[int, str] = {}
        # References come a file at a time (sorted by area, then file): its row and its
        # lines are looked up when the file changes.
        path, file_row, file_lines = None, -1, no_lines
        for use in references:
            line = use.line
            if use.path != path:
                path = use.path
                file_row, file_lines = file_of(path), lines.get(path, no_lines)
            around = enclosing_of(path, line)
            where = -1 if around is None else around_row(around)
            shown, column, length = shown_line(file_lines.get(line, ""), use.name, use.column)
            textual = int(use.definition is None)
            found.append([file_row, line, textual, shown, column, length, where])
        return found
