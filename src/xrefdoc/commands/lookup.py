"""``xrefdoc lookup``: a name's definitions and uses, each with its line of code and the
definition around it, or its callers and callees, from the cached records of the last run."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xrefdoc.core.errors import XrefdocError
from xrefdoc.core.model import FileRecord
from xrefdoc.core.settings import CLI_SETTING_NAMES, make_settings
from xrefdoc.extract.reading import shown_lines
from xrefdoc.pipeline.scan import scan
from xrefdoc.site.index_json import definition_data, uses_data
from xrefdoc.store.cache import RecordCache, cache_location
from xrefdoc.xref.calls import Call, CallGraph
from xrefdoc.xref.index import Index, Use
from xrefdoc.xref.places import Enclosing, area_of
from xrefdoc.xref.resolve import Definition

# A line of code is cut to this many characters in a row (``…`` marks the cut).
LINE_TEXT_WIDTH = 120


@dataclass(frozen=True, slots=True)
class Found:
    """The definitions a looked-up name matches and the uses of them: the exact uses first,
    then the textual matches that may mean one of them. ``candidates`` counts the
    definitions a textual match of the name may mean, when only some definitions were
    asked for (a qualified name); 0 otherwise."""

    name: str
    definitions: list[Definition]
    uses: list[Use]
    candidates: int = 0


class Lines:
    """The text of the tree's lines, each file read once, decoded and numbered as extraction
    did (``extract.read_lines``): a line is stripped and cut to ``LINE_TEXT_WIDTH``
    characters; "" for a file gone since. ``sources`` names a file on disk where that is
    not its shown name (``WalkResult.sources``)."""

    def __init__(
        self, root: Path, records: Mapping[str, FileRecord], sources: Mapping[str, str]
    ) -> None:
        self._root = root
        self._records = records
        self._sources = sources
        self._files: dict[str, list[str]] = {}

    def text(self, path: str, line: int) -> str:
        lines = self._files.get(path)
        if lines is None:
            record = self._records.get(path)
            lines = shown_lines(self._root, record, self._sources.get(path)) or []
            self._files[path] = lines
        text = lines[line - 1].strip() if 0 < line <= len(lines) else ""
        return text if len(text) <= LINE_TEXT_WIDTH else text[: LINE_TEXT_WIDTH - 1] + "…"


@dataclass(slots=True)
class Context:
    """What a row says about a line beyond its path and number: its text, the definition
    around it, the area of its file."""

    index: Index
    lines: Lines
    enclosing: Enclosing = field(init=False)

    def __post_init__(self) -> None:
        self.enclosing = Enclosing(self.index)

    def around(self, path: str, line: int) -> Definition | None:
        return self.enclosing.of(path, line)


def load_index(root: Path, cache_dir: str | None = None) -> tuple[Index, str, dict[str, str]]:
    """The index of ``root`` as the last build selected it: the cache (in ``cache_dir``, see
    ``cache.cache_location``) supplies every record whose file is unchanged, anything else
    is extracted now. With the cache's note for the log, if any, and the files' names on
    disk where they differ from those shown (``WalkResult.sources``)."""
    names = {**CLI_SETTING_NAMES, "root": "--root"}
    settings = make_settings(root, cache_dir=cache_dir, setting_names=names)
    with RecordCache.open(cache_location(settings.root, settings.cache_dir)) as cache:
        selection = cache.last_settings() if cache.enabled else None
        if selection:
            settings = make_settings(
                settings.root,
                include=selection["include"],
                exclude=selection["exclude"],
                cache_dir=settings.cache_dir,
                setting_names=CLI_SETTING_NAMES,
            )
        result = scan(settings, cache=cache)
        return result.index, result.cache_note, result.walked.sources


def _exact_first(uses: list[Use]) -> list[Use]:
    return [u for u in uses if u.definition is not None] + [u for u in uses if u.definition is None]


def find(index: Index, name: str) -> Found:
    """``name`` as a keyword (``run``), or as a qualified name or its tail (``Engine.run``,
    ``pkg.mod.Engine.run``), which selects the definitions it names: their exact uses, then
    the textual matches of the name when one of them is among what those may mean (a
    textual match is never dropped from the definitions it may be a use of)."""
    if name in index.definitions:
        return Found(name, index.definitions[name], _exact_first(index.uses.get(name, [])))
    keyword = name.rpartition(".")[2]
    definitions = [
        d
        for d in index.definitions.get(keyword, ())
        if d.qualname == name or d.qualname.endswith("." + name)
    ]
    if not definitions:
        raise XrefdocError(f"unknown name: {name} (no definition in the tree)")
    chosen = set(definitions)
    candidates = index.textual_definitions.get(keyword, ())
    textual = not chosen.isdisjoint(candidates)
    uses = [
        use
        for use in index.uses.get(keyword, ())
        if use.definition in chosen or (textual and use.definition is None)
    ]
    return Found(keyword, definitions, _exact_first(uses), len(candidates) if textual else 0)


def _in(definition: Definition | None) -> str:
    """`` in Group.invoke``: the definition around a line, by its name in its file."""
    return f" in {definition.symbol.qualname}" if definition is not None else ""


def text_rows(found: Found, context: Context) -> list[str]:
    """``path:line: what in where: code`` rows, as compilers print them, so editors can
    jump to each: the use, the definition around it, the line's text."""
    rows = [
        f"{d.path}:{d.symbol.line}: definition: {d.symbol.kind} {d.qualname}"
        for d in found.definitions
    ]
    textual = "use (textual match)"
    if found.candidates > 1:
        textual = (
            f"use (textual match: may mean any of the {found.candidates} definitions"
            f" of {found.name})"
        )
    elif found.candidates == 1:
        textual = "use (textual match: may mean only this definition)"
    for use in found.uses:
        what = textual if use.definition is None else f"use of {use.definition.qualname}"
        where = _in(context.around(use.path, use.line))
        rows.append(
            f"{use.path}:{use.line}: {what}{where}: {context.lines.text(use.path, use.line)}"
        )
    return rows


def json_data(found: Found, context: Context) -> dict[str, Any]:
    """The same definitions and uses as the rows, as JSON data: each use says whether it is
    an exact use or a textual match (``match``; ``exact`` as in ``index.json``), its line's
    ``text``, the qualified name of the definition around it (``enclosing``, null at the
    module level) and its file's ``area`` (source, tests, docs or other); with a qualified
    name, ``candidates`` counts the definitions a textual match may mean."""
    data = uses_data(found.definitions, found.uses)
    for use in data["uses"]:
        use["match"] = "exact" if use["exact"] else "textual"
        around = context.around(use["path"], use["line"])
        use["text"] = context.lines.text(use["path"], use["line"])
        use["enclosing"] = around.qualname if around is not None else None
        use["area"] = area_of(context.index, use["path"])
    if found.candidates:
        data["candidates"] = found.candidates
    return {"name": found.name, **data}


def _edges(graph: CallGraph, definition: Definition, direction: str) -> list[Call]:
    return graph.callers(definition) if direction == "callers" else graph.callees(definition)


def hierarchy_rows(definitions: list[Definition], direction: str, context: Context) -> list[str]:
    """One level of the call hierarchy of each definition, as rows: its own row, then one
    ``path:line: caller (or callee): code`` row per call line; a textual edge says so."""
    graph = CallGraph(context.index, context.enclosing)
    rows: list[str] = []
    for definition in definitions:
        rows.append(
            f"{definition.path}:{definition.symbol.line}: {direction} of "
            f"{definition.symbol.kind} {definition.qualname}"
        )
        for call in _edges(graph, definition, direction):
            mark = "" if call.exact else " (textual match)"
            for line in call.lines:
                code = context.lines.text(call.path, line)
                rows.append(f"{call.path}:{line}: {call.qualname}{mark}: {code}")
    return rows


def hierarchy_json(
    name: str, definitions: list[Definition], direction: str, context: Context
) -> dict[str, Any]:
    """The same as ``hierarchy_rows`` as JSON data: each definition with its ``callers``
    (or ``callees``), each edge the definition at its other end (``definition``, null for a
    module's top level), whether it is ``exact``, and its call lines (``calls``: the file,
    each line with its text)."""
    graph = CallGraph(context.index, context.enclosing)
    entries = []
    for definition in definitions:
        edges = []
        for call in _edges(graph, definition, direction):
            edges.append(
                {
                    "definition": definition_data(call.definition) if call.definition else None,
                    "exact": call.exact,
                    "match": "exact" if call.exact else "textual",
                    "path": call.path,
                    "area": area_of(context.index, call.path),
                    "calls": [
                        {"line": line, "text": context.lines.text(call.path, line)}
                        for line in call.lines
                    ],
                }
            )
        entries.append({**definition_data(definition), direction: edges})
    return {"name": name, "direction": direction, "definitions": entries}
