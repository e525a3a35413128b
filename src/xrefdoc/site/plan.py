"""Which pages a build must render again, from what changed since the last complete build.

A page is rendered again when something it shows may have changed. What a file's pages show
comes from three places, and each is summed up by a digest kept between builds:

- the file itself: its content hash;
- each keyword it mentions (uses or defines): where the keyword's entry is; for a textual
  match, every definition it may mean (path, symbol anchor, qualified name, kind). A link
  names a definition by its anchor, not its line, so a function that only moves (lines
  added above it) rewrites no page that links to it, and no page shows a count of uses;
- its place in the tree: its folder's listing (and the neighbours its folder tree shows),
  its imports both ways and what they resolve to, the tests that cover it, its findings,
  how many files use each of its definitions, and what each name it uses resolves to
  (which a re-export in a file it does not even import changes).

A file's symbol data (``symbol_data``) shows the lines of the uses of its definitions in
other files: what a file gives them is summed up by a digest of its own (its uses, the
text of their lines, the definitions around them), so that an edit that leaves that as it
was writes again only the data of the edited file. What a file's data draws from textual
matches (the shared lists its definitions name, with their counts, and the matches each
holds itself) changes with other files' definitions and matches too: it is kept per
keyword when the data is written and checked for the keywords an edit defines again or
whose shared lists it changes (``Plan.redefined``, ``SymbolData.drawn``).

Folder pages follow their files. A keyword's entry (on its letter page, and on its own page
when it is cut) follows its keyword digest (its definitions with their lines, which the
entry shows) and the digest of its uses (file, line, column,
textual or not). Uses change only in files that are rendered again, so only the keywords
those files mention now, or mentioned before (on the keyword pages they "touched"), have
their use digests worked out again; the others are carried over.
"""

from __future__ import annotations

import hashlib
import io
import pickle
from collections.abc import Callable, Container, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from xrefdoc.core.fsutil import read_plain_pickle, with_ancestors, write_bytes_atomically
from xrefdoc.core.languages import name_group
from xrefdoc.site.folder_tree import tree_window
from xrefdoc.site.readme import find_readme
from xrefdoc.site.symbol_data import Drawn, add_holders, match_holders
from xrefdoc.site.views import SIBLING_LIMIT, SiteContext, symbol_anchor
from xrefdoc.xref.index import CandidateKey, Index
from xrefdoc.xref.places import Enclosing
from xrefdoc.xref.resolve import Definition
from xrefdoc.xref.reuse import EVERY_FILE, Rework

# Bump when what the facts mean changes: facts of another format are not compared.
FACTS_FORMAT = 12


def _digest(value: object) -> bytes:
    """A digest of ``value`` (plain data: no sets, whose order varies between processes) that
    depends only on what it holds: pickled without the memo, which would write an object
    met twice by reference, so that the bytes would follow how objects are shared. Faster
    than ``repr`` (0.8 s against 1.3 s for a one-file rebuild's facts at 20,000 files)."""
    stream = io.BytesIO()
    pickler = pickle.Pickler(stream, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.fast = True  # no memo
    pickler.dump(value)
    return hashlib.blake2b(stream.getbuffer(), digest_size=8).digest()


def _definition_facts(definitions: Iterable[Definition]) -> list[tuple[object, ...]]:
    return [
        (d.path, d.symbol.line, d.symbol.end_line, d.qualname, d.symbol.kind, d.symbol.overloads)
        for d in definitions
    ]


@dataclass(slots=True)
class SiteFacts:
    """What the pages of one build were made from (see the module's docstring)."""

    settings: str
    files: dict[str, str] = field(default_factory=dict)
    keywords: dict[str, bytes] = field(default_factory=dict)
    places: dict[str, bytes] = field(default_factory=dict)
    touches: dict[str, frozenset[str]] = field(default_factory=dict)
    keyword_pages: dict[str, tuple[str, ...]] = field(default_factory=dict)
    uses: dict[str, bytes] = field(default_factory=dict)
    lent: dict[str, bytes] = field(default_factory=dict)
    # Per file with textual matches, what decides where each is held (``_matched``): a
    # match that leaves the file is found by it.
    matched: dict[str, str] = field(default_factory=dict)
    # The shared lists of textual matches the symbol data holds (``symbol_data``): they
    # change only with the keywords whose uses or definitions do (``Plan.keywords``).
    lists: frozenset[CandidateKey] = frozenset()
    # The names each file defines, and a digest of each keyword's definitions: only the
    # keywords a changed file defines, or defined, have other definitions.
    defined: dict[str, tuple[str, ...]] = field(default_factory=dict)
    definitions: dict[str, bytes] = field(default_factory=dict)
    # Per keyword, its definitions by anchor, not by line (``_anchors_digest``): what a
    # textual match of it shows on a file page.
    anchored: dict[str, bytes] = field(default_factory=dict)
    # Each file's ``_meanings_digest``, part of its place fact, made with the resolutions
    # of this token (``reuse.Rework``).
    meanings: dict[str, bytes] = field(default_factory=dict)
    resolutions: str = ""
    # Per file, what its symbol data drew from textual matches when last written
    # (``SymbolData.drawn``): the index data adds it after writing.
    drawn: dict[str, Drawn] = field(default_factory=dict)
    # Per file with classes or methods, its ``SymbolData.outline`` when last rendered: the
    # index data adds it.
    outlines: dict[str, bytes] = field(default_factory=dict)

    def to_bytes(self) -> bytes:
        value = {name: getattr(self, name) for name in self.__slots__}
        value["touches"] = {path: sorted(pages) for path, pages in self.touches.items()}
        value["lists"] = sorted(self.lists)
        return pickle.dumps((FACTS_FORMAT, value), protocol=pickle.HIGHEST_PROTOCOL)

    @classmethod
    def load(cls, path: Path) -> SiteFacts | None:
        """The facts stored at ``path``, or None when there are none usable."""
        try:
            version, value = read_plain_pickle(path)
            if version != FACTS_FORMAT:
                return None
            value["touches"] = {name: frozenset(pages) for name, pages in value["touches"].items()}
            value["lists"] = frozenset(map(tuple, value["lists"]))
            return cls(**value)
        except Exception:  # missing, damaged or of another format: render everything
            return None

    def save(self, path: Path) -> None:
        write_bytes_atomically(path, self.to_bytes())


def _defined(site: SiteContext, old: SiteFacts | None) -> dict[str, tuple[str, ...]]:
    """The names each file defines (an unchanged file's as ``old`` has them)."""
    index = site.index
    found = {}
    for path, record in index.records.items():
        if old is not None and old.files.get(path) == record.sha256 and path in old.defined:
            found[path] = old.defined[path]
        else:
            found[path] = tuple(sorted({d.symbol.name for d in index.definitions_in[path]}))
    return found


def _redefined(
    defined: dict[str, tuple[str, ...]], old: SiteFacts | None, changed: set[str] | None
) -> set[str] | None:
    """The keywords whose definitions may have changed since ``old``: those a file
    ``changed`` since defines or defined; None for every keyword, when nothing is known or
    files came or went (``changed`` None): a package made or gone renames the modules of
    files that did not change (their qualified names)."""
    if old is None or changed is None:
        return None
    again: set[str] = set()
    for path in changed:
        again.update(defined[path], old.defined.get(path, ()))
    return again


def _definition_digests(
    index: Index,
    again: set[str] | None,
    old: Mapping[str, bytes] | None,
    make: Callable[[str], bytes],
) -> dict[str, bytes]:
    """Each keyword's definitions, and those a textual match of it may mean, as ``make``
    digests them: worked out again for the keywords ``again`` holds (all when None, as it
    is when there is no ``old``), carried over from ``old`` for the others."""
    if again is None or old is None:
        return {name: make(name) for name in index.definitions}
    return _carried(index.definitions, again, old, make)


def _definitions_digest(index: Index, name: str) -> bytes:
    """What a keyword's entry shows of its definitions: where each is, to its lines."""
    return _digest(
        (
            _definition_facts(index.definitions[name]),
            _definition_facts(index.textual_definitions.get(name, ())),
        )
    )


def _anchors_digest(site: SiteContext, name: str) -> bytes:
    """What a link to a keyword's definition shows (``views.definition_href``, a textual
    match's title): each definition by its file, anchor, qualified name and kind; not
    its lines, so that lines added above a definition change no page that links to it."""

    def linked(definitions: Iterable[Definition]) -> list[tuple[object, ...]]:
        return [(d.path, symbol_anchor(site, d), d.qualname, d.symbol.kind) for d in definitions]

    index = site.index
    return _digest(
        (linked(index.definitions[name]), linked(index.textual_definitions.get(name, ())))
    )


def _keyword_facts(site: SiteContext, definitions: dict[str, bytes]) -> dict[str, bytes]:
    """Each keyword's entry's place with ``definitions``, a digest of its definitions
    (``_definition_digests``)."""
    layout = site.keywords
    return {
        name: _digest((layout.page_of.get(name), layout.full_page_of.get(name), digest))
        for name, digest in definitions.items()
    }


def _place_fact(site: SiteContext, path: str, meanings: bytes) -> bytes:
    """The file's place fact, with ``meanings`` its ``_meanings_digest``."""
    index = site.index
    siblings = index.folders[path.rpartition("/")[0]].files
    return _digest(
        (
            siblings[: SIBLING_LIMIT + 1],
            len(siblings),
            # The folder tree beside the page.
            tree_window(index, path),
            [(target.module, target.names) for target in index.import_targets.get(path, ())],
            index.imports_of.get(path),
            index.imported_by.get(path),
            index.tests_of.get(path),
            path in index.test_files,
            # Its findings, some of which come from other files (tests, the packaging).
            index.records[path].findings,
            meanings,
            [(d.qualname, len(index.users.get(d, ()))) for d in index.definitions_in.get(path, ())],
        )
    )


def _meanings_digest(site: SiteContext, path: str) -> bytes:
    """What each name the file uses resolves to (the use's line and column, the
    definition's file and anchor: its link, ``views.definition_href``), which may change
    through re-exports in files it does not even import."""
    return _digest(
        [
            (u.line, u.column, u.definition.path, symbol_anchor(site, u.definition))
            if u.definition
            else (u.line, u.column)
            for u in site.index.uses_in.get(path, ())
        ]
    )


def _meanings(
    site: SiteContext, old: SiteFacts | None, rework: Rework, changed: set[str] | None
) -> dict[str, bytes]:
    """Each file's ``_meanings_digest``: worked out again for the files whose names were
    resolved again (``rework``), the files ``changed`` since ``old`` and the files using a
    definition of one (its anchor may have changed); carried over for the others, whose uses
    are those ``old`` was made with, when it was made with the resolutions the others' were
    kept from (another site of the tree shares its cache, and may have resolved them
    again since)."""
    index = site.index
    resolved = None if old is None else _resolved_again(old, rework)
    if old is None or changed is None or resolved is None:
        return {path: _meanings_digest(site, path) for path in index.records}
    again = set(resolved) | changed
    for path in changed:
        for definition in index.definitions_in.get(path, ()):
            again.update(index.users.get(definition, ()))
    return _carried(index.records, again, old.meanings, partial(_meanings_digest, site))


def _resolved_again(old: SiteFacts, rework: Rework) -> frozenset[str] | None:
    """The files ``rework`` resolved again since the resolutions ``old`` was made with (the
    others have the uses ``old`` was made with); None when it is not known."""
    if old.resolutions and old.resolutions == rework.since:
        return rework.again
    return None


def _carried(
    keys: Iterable[str],
    again: Container[str],
    old: Mapping[str, bytes],
    make: Callable[[str], bytes],
) -> dict[str, bytes]:
    """The digest of each key: ``make(key)`` for those ``again`` holds and those ``old``
    lacks, ``old``'s for the others."""
    return {key: old[key] if key not in again and key in old else make(key) for key in keys}


def _lent_fact(site: SiteContext, enclosing: Enclosing, path: str) -> bytes:
    """What the file gives the symbol data of the definitions it uses: where each use is,
    what it means and the definition around it (its anchor and lines), the text of the
    lines; and what tells a call from another use (``calls.CallGraph``: the file's
    references and imports) and the file's area (``places.area_of``)."""
    index = site.index
    record = index.records[path]
    rows: list[tuple[object, ...]] = []
    for use in index.uses_in.get(path, ()):
        around = enclosing.of(path, use.line)
        where = None
        if around is not None:
            where = (symbol_anchor(site, around), around.symbol.line, around.symbol.end_line)
        meant = None
        if use.definition is not None:
            # The data of the definition's file holds the use under its anchor.
            meant = (use.definition.path, symbol_anchor(site, use.definition))
        rows.append((use.line, use.column, use.name, use.member, meant, where))
    return _digest(
        (
            record.reference_lines,
            record.references.fingerprint(),
            record.imports,
            record.family,
            record.lexer,
            path in index.test_files,
            rows,
        )
    )


# Marks a member match in ``_matched``.
_MEMBER = "\x01"


def _matched(site: SiteContext, path: str) -> str:
    """What decides where each textual match of the file is held (its keyword, and whether
    it is a member use: with the file's language, its ``CandidateKey``), one per line."""
    found = {
        use.keyword + _MEMBER if use.member else use.keyword
        for use in site.index.uses_in.get(path, ())
        if use.definition is None
    }
    return "\n".join(sorted(found))


def _split(matched: str) -> list[str]:
    return matched.split("\n") if matched else []


def _matched_facts(
    site: SiteContext, old: dict[str, str], again: set[str] | None
) -> dict[str, str]:
    """Every file's ``_matched`` that has matches: worked out for the files ``again`` (all
    when None), carried over from ``old`` for the others (whose uses are as they were)."""
    found = {}
    for path in site.index.records:
        matched = _matched(site, path) if again is None or path in again else old.get(path)
        if matched:
            found[path] = matched
    return found


def _lent_facts(site: SiteContext, old: dict[str, bytes], again: set[str]) -> dict[str, bytes]:
    """Every file's lent fact: worked out for the files ``again`` and those ``old`` lacks,
    carried over from ``old`` for the others."""
    enclosing = Enclosing(site.index)
    return _carried(site.index.records, again, old, partial(_lent_fact, site, enclosing))


def _uses_digest(site: SiteContext, name: str) -> bytes:
    """What a keyword's entry (and its part of ``index.json``) shows of its uses: where
    each is, and the definition it means, if known; and which shared list a textual match
    is held by (a member use or not, ``symbol_data``)."""
    return _digest(
        [
            (u.path, u.line, u.column, u.definition.qualname, u.definition.path)
            if u.definition
            else (u.path, u.line, u.column, u.member)
            for u in site.index.uses.get(name, ())
        ]
    )


def _mentioned(site: SiteContext, path: str) -> set[str]:
    """The keywords whose entries list a use or a definition of this file."""
    names = {use.keyword for use in site.index.uses_in.get(path, ())}
    names.update(d.symbol.name for d in site.index.definitions_in.get(path, ()))
    return names


def _touches(site: SiteContext, names: set[str]) -> frozenset[str]:
    """The keyword pages (letter pages, keywords' own pages) that list these keywords (the
    ones a file mentions)."""
    layout = site.keywords
    pages = {layout.page_of[name] for name in names if name in layout.page_of}
    pages.update(layout.full_page_of[name] for name in names if name in layout.full_page_of)
    return frozenset(pages)


@dataclass(frozen=True, slots=True)
class Plan:
    """The pages to render: files (both pages of each), folders (both pages), keyword pages
    (letter pages and keywords' own pages, by page name); and the files whose symbol data
    (``symbol_data``: their definitions, and each one's references with their lines) must
    be made again."""

    files: frozenset[str]
    folders: frozenset[str]
    keyword_pages: frozenset[str]
    symbol_files: frozenset[str] = frozenset()
    # The shared lists that hold a textual match of a file rendered again.
    symbol_lists: frozenset[CandidateKey] = frozenset()
    # The keywords whose uses, or definitions by anchor, changed: the others' shared lists
    # are as the last build made them.
    keywords: frozenset[str] = frozenset()
    # The keywords whose definitions by anchor changed: the data of each file defining one
    # is made again when what it draws from textual matches changed (``drawn``).
    redefined: frozenset[str] = frozenset()
    # The keywords that lost a use with a removed file: the data of every file defining one,
    # and each of their shared lists, are made again.
    respelled: frozenset[str] = frozenset()
    # The files whose outline (their classes' place in the type hierarchy, see
    # ``HierarchyData.outline``) is worked out again: those rendered again, and those that
    # mention a keyword of ``redefined``, whose pages show nothing of it that changed but
    # whose classes may name a base by that name alone (C++, Rust), which may now mean
    # another definition or none.
    outlined: frozenset[str] = frozenset()


def plan_build(
    site: SiteContext,
    settings: str,
    old: SiteFacts | None,
    rework: Rework = EVERY_FILE,
) -> tuple[SiteFacts, Plan | None]:
    """The facts of this build, and the pages whose inputs changed since ``old`` (None when
    everything must be rendered: no earlier facts, or other settings, code or templates).
    What the plan does not render again keeps its touches and use digests from ``old``;
    ``rework``: the files whose names the scan resolved again (by default, all)."""
    if old is not None and old.settings != settings:
        old = None  # made by other settings, code or templates: nothing carries over
    new = _site_facts(site, settings, old, rework)
    if old is None:
        mentioned = {path: _mentioned(site, path) for path in site.index.records}
        new.uses = {name: _uses_digest(site, name) for name in new.keywords}
        new.touches = {path: _touches(site, names) for path, names in mentioned.items()}
        new.lent = _lent_facts(site, {}, set())
        new.matched = _matched_facts(site, {}, None)
        return new, None
    plan, mentioned, use_digests = _plan_pages(site, new, old, rework)
    new.lists = old.lists
    new.drawn = {path: digest for path, digest in old.drawn.items() if path in new.files}
    new.outlines = {path: found for path, found in old.outlines.items() if path in new.files}
    new.uses = {name: old.uses[name] for name in new.keywords if name in old.uses}
    new.uses.update(use_digests)
    new.touches = {
        path: (
            _touches(site, mentioned[path])
            if path in mentioned
            else old.touches.get(path, frozenset())
        )
        for path in site.index.records
    }
    return new, plan


def _site_facts(
    site: SiteContext,
    settings: str,
    old: SiteFacts | None,
    rework: Rework,
) -> SiteFacts:
    """Every fact but ``touches`` and ``uses``, which ``plan_build`` adds; those ``old``
    vouches for carried over."""
    index = site.index
    # The files changed since ``old``; None when files came or went, or nothing is known.
    changed = None
    if old is not None and old.files.keys() == index.records.keys():
        changed = {
            path for path, record in index.records.items() if old.files[path] != record.sha256
        }
    defined = _defined(site, old)
    again = _redefined(defined, old, changed)
    definitions = _definition_digests(
        index, again, None if old is None else old.definitions, partial(_definitions_digest, index)
    )
    anchored = _definition_digests(
        index, again, None if old is None else old.anchored, partial(_anchors_digest, site)
    )
    meanings = _meanings(site, old, rework, changed)
    return SiteFacts(
        settings=settings,
        files={path: record.sha256 for path, record in index.records.items()},
        keywords=_keyword_facts(site, definitions),
        places={path: _place_fact(site, path, meanings[path]) for path in index.records},
        keyword_pages={page.page: page.keywords for page in site.keywords.pages},
        defined=defined,
        definitions=definitions,
        anchored=anchored,
        meanings=meanings,
        resolutions=rework.token,
    )


def _changed(new: Mapping[str, bytes], old: Mapping[str, bytes]) -> set[str]:
    """The keys whose digests differ, or that one side lacks."""
    return {name for name in new.keys() | old.keys() if new.get(name) != old.get(name)}


def _plan_pages(
    site: SiteContext, new: SiteFacts, old: SiteFacts, rework: Rework
) -> tuple[Plan, dict[str, set[str]], dict[str, bytes]]:
    """The plan; the keywords each file it renders mentions; the use digests it worked
    out again. Fills in ``new.lent``: worked out again for the files it renders, the
    others' carried over (their content and their uses are as they were)."""
    index = site.index
    changed = {path for path, sha in new.files.items() if old.files.get(path) != sha}
    removed = set(old.files) - set(new.files)
    dirty = set(changed)
    keywords = _changed(new.keywords, old.keywords)
    # A file's pages link each name it mentions to the name's entry (``page_of``), or to
    # the definition it means; a textual match, to its one candidate or to the entry with
    # the count of definitions. So the pages of every file that mentions a keyword follow
    # where its entry is; those of the files with a textual match of it, its definitions
    # by anchor (``anchored``), not by line; an exact use follows its own definition's
    # anchor, in the file's place fact (``_meanings_digest``).
    layout = site.keywords
    old_pages = {name: page for page, names in old.keyword_pages.items() for name in names}
    moved = {
        name
        for name in new.keywords.keys() | old.keywords.keys()
        if layout.page_of.get(name) != old_pages.get(name)
    }
    for name in moved:
        dirty.update(use.path for use in index.uses.get(name, ()))
        dirty.update(d.path for d in index.definitions.get(name, ()))
    redefined = _changed(new.anchored, old.anchored)
    for name in redefined:
        dirty.update(use.path for use in index.uses.get(name, ()) if use.definition is None)
    # A name that lost its last definition has no uses left in the index, but the pages that
    # linked it must lose the link, and a file's _kw page links every name it mentions to
    # its entry, used or not: find them by the names their files mention. A name defined
    # again (``redefined``) that stays on its page changes no page of a file that only
    # mentions it: what a page shows of its definitions is a textual match's (above) or an
    # exact use's (the place fact). Their symbol data may change (``Plan.outlined``).
    # Rendering those files too rendered the pages of 331 files for the 21 changed between
    # two versions of Sphinx, against 30.
    mentioning: set[str] = set()
    if moved or redefined:
        for path, record in index.records.items():
            if path not in dirty:
                names = record.references.names()
                if not moved.isdisjoint(names):
                    dirty.add(path)
                elif not redefined.isdisjoint(names):
                    mentioning.add(path)
    # A file that imports a changed one is rendered again only when something it shows
    # changed: its place fact holds what each of its names resolves to.
    dirty.update(path for path, fact in new.places.items() if old.places.get(path) != fact)
    dirty &= set(new.files)

    keyword_pages: set[str] = set()
    if new.keyword_pages.keys() != old.keyword_pages.keys():
        # Every A-Z page (a keyword's own page too) links to every letter: a letter page more
        # or less changes them all.
        keyword_pages = set(new.keyword_pages) | set(layout.full_page_of.values())
    else:
        relisted = {
            page.letter for page in layout.pages if old.keyword_pages[page.page] != page.keywords
        }
        # The parts of a letter name each other by first and last keyword.
        keyword_pages = {page.page for page in layout.pages if page.letter in relisted}
    # Entries whose uses may have changed: the keywords the files rendered again mention
    # now, and those they (or removed files) mentioned before.
    mentioned = {path: _mentioned(site, path) for path in dirty}
    candidates = set(keywords).union(*mentioned.values())
    candidates.update(*_mentioned_before(old, rework, dirty | removed))
    use_digests = {name: _uses_digest(site, name) for name in candidates if name in new.keywords}
    # The symbol data and the shared lists follow a keyword's uses and its definitions by
    # anchor; its entry also shows their lines.
    relisted_names = set(redefined)
    for name in candidates:
        uses_changed = use_digests.get(name) != old.uses.get(name)
        if uses_changed:
            relisted_names.add(name)
        if uses_changed or name in keywords:
            keyword_pages.update(
                pages[name] for pages in (layout.page_of, layout.full_page_of) if name in pages
            )
    folders = with_ancestors(path.rpartition("/")[0] for path in changed | removed)
    folders |= {path.rpartition("/")[0] for path in dirty}
    if new.files.keys() != old.files.keys():
        # A README links to files anywhere in the tree: one that came or went may change it.
        folders |= {name for name, folder in index.folders.items() if find_readme(folder.files)}
    folders &= set(index.folders)
    new.lent = _lent_facts(site, old.lent, dirty)
    lending = {path for path in dirty if new.lent[path] != old.lent.get(path)}
    new.matched = _matched_facts(site, old.matched, dirty)
    # The matches gone from a file: their holders are found by what decided them.
    left = {
        path: set(_split(old.matched.get(path, ""))) - set(_split(new.matched.get(path, "")))
        for path in lending
    }
    # A use gone with a removed file is found by its keyword alone; any other use that
    # changed is in a file whose lent fact changed. A definition of a keyword defined again
    # elsewhere follows what its data draws from textual matches (``Plan.redefined``).
    respelled = relisted_names if removed else set()
    outlined = frozenset(dirty | mentioning)
    symbol_files, symbol_lists = _symbol_data(site, outlined, lending, respelled, left)
    plan = Plan(
        frozenset(dirty),
        frozenset(folders),
        frozenset(keyword_pages),
        symbol_files,
        symbol_lists,
        frozenset(relisted_names),
        frozenset(redefined),
        frozenset(respelled),
        outlined,
    )
    return plan, mentioned, use_digests


def _mentioned_before(old: SiteFacts, rework: Rework, paths: set[str]) -> Iterator[Iterable[str]]:
    """For each of ``paths``, the keywords it mentioned when ``old`` was made, or more: as
    the kept resolutions say, for a file resolved again or gone; none beside what it
    mentions now for a file whose kept uses are those ``old`` was made with; else every
    keyword on the keyword pages it touched (a letter page lists hundreds: on NumPy x3,
    one file edited was 11,744 use digests, 0.8 s of a 12 s rebuild)."""
    again = _resolved_again(old, rework)
    for path in paths:
        if again is not None and path in rework.mentioned_before:
            yield rework.mentioned_before[path]
        elif again is None or path in again:  # or a file added since
            for page in old.touches.get(path, frozenset()):
                yield old.keyword_pages.get(page, ())


def _symbol_data(
    site: SiteContext,
    outlined: Iterable[str],
    lending: set[str],
    relisted: set[str],
    left: Mapping[str, set[str]],
) -> tuple[frozenset[str], frozenset[CandidateKey]]:
    """The files whose symbol data may have changed, and the shared lists that may have:
    the files ``outlined`` (``Plan.outlined``: rendered again, or mentioning a keyword
    defined again; their definitions); of those whose uses, or the lines and
    the enclosing definitions of those, changed (``lending``), the files of the
    definitions their uses mean or may mean; and the files defining a keyword of
    ``relisted`` (a use gone with a removed file, found by its keyword alone); and the
    holders of the matches that ``left`` the files that hold them (``_matched``).

    A textual match that may mean ``SHARED_FROM`` definitions or more is held by its
    keyword's shared list, not by those definitions' data (which only count the list's
    lines and files). The list is written again for the match
    (``symbol_data.match_holders``), not every definition of the name: one file that calls
    ``__init__`` was the scripts of every file defining one. The definitions that name a
    list whose counts changed, and those of a keyword defined again elsewhere, are found
    when the data is written (``SymbolData.drawn_changed``)."""
    index = site.index
    found, lists = match_holders(index, lending)
    found.update(outlined)
    for path, gone in left.items():
        group = name_group(index.records[path].family)
        for match in gone:
            keyword, member = match.removesuffix(_MEMBER), match.endswith(_MEMBER)
            add_holders(index, (keyword, group, member), found, lists)
    for path in lending:
        found.update(use.definition.path for use in index.uses_in.get(path, ()) if use.definition)
    for name in relisted:
        found.update(d.path for d in index.definitions.get(name, ()))
    return frozenset(path for path in found if path in index.records), frozenset(lists)
