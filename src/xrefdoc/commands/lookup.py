"""``xrefdoc lookup``: a name's definitions and uses, from the cached records of the last run."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xrefdoc.core.errors import XrefdocError
from xrefdoc.core.settings import CLI_SETTING_NAMES, make_settings
from xrefdoc.pipeline.scan import scan
from xrefdoc.site.index_json import uses_data
from xrefdoc.store.cache import RecordCache, cache_location
from xrefdoc.xref.index import Index, Use
from xrefdoc.xref.resolve import Definition


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


def load_index(root: Path, cache_dir: str | None = None) -> tuple[Index, str]:
    """The index of ``root`` as the last build selected it: the cache (in ``cache_dir``, see
    ``cache.cache_location``) supplies every record whose file is unchanged, anything else
    is extracted now. With the cache's note for the log, if any."""
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
        return result.index, result.cache_note


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


def text_rows(found: Found) -> list[str]:
    """``path:line: what`` rows, as compilers print them, so editors can jump to each."""
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
        if use.definition is None:
            rows.append(f"{use.path}:{use.line}: {textual}")
        else:
            rows.append(f"{use.path}:{use.line}: use of {use.definition.qualname}")
    return rows


def json_data(found: Found) -> dict[str, Any]:
    """The same definitions and uses as the rows, as JSON data: each use says whether it is
    an exact use or a textual match (``match``; ``exact`` as in ``index.json``), and with a
    qualified name, ``candidates`` counts the definitions a textual match may mean."""
    data = uses_data(found.definitions, found.uses)
    for use in data["uses"]:
        use["match"] = "exact" if use["exact"] else "textual"
    if found.candidates:
        data["candidates"] = found.candidates
    return {"name": found.name, **data}
