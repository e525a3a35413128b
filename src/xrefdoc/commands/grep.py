"""``xrefdoc grep``: the lines of a documented tree that match a pattern, answered from the
code-search index its build wrote into the site (``codesearch``), as ``git grep -n`` prints
them.

It imports no more than the index's reader needs (no Sphinx, Jinja, Pygments or
tree-sitter), so that it starts as fast as a grep should.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xrefdoc.codesearch.encoding import BrokenIndex
from xrefdoc.codesearch.query import (
    Match,
    Query,
    compile_query,
    file_allowed,
    path_allowed,
    search,
)
from xrefdoc.codesearch.reader import CodeIndex
from xrefdoc.core.errors import XrefdocError
from xrefdoc.site.names import code_search_folder


class SearchError(XrefdocError):
    """A search that cannot run: no index, a broken one, or a pattern that is not a regular
    expression. grep's exit code for trouble, 2."""

    exit_code = 2


@dataclass(frozen=True)
class Outcome:
    """A query's answer: the matching lines, how many files it searched, and the files its
    path filters let through that the index left out, with why."""

    matches: list[Match]
    searched: int
    skipped: list[tuple[str, str]]


def site_of_root(root: Path, default_output: str) -> Path:
    """The site ``xrefdoc build`` writes for ``root`` by default: its ``-o`` is relative to
    the folder it runs in, so ``xrefdoc build .`` run in the tree writes ``root/<default>``.
    (The tree's ``[tool.xrefdoc]`` names no output folder.)"""
    return root / default_output


def open_index(site: Path, how_to_build: str) -> CodeIndex:
    """The site's code-search index; ``SearchError`` naming ``how_to_build`` when it has none."""
    folder = code_search_folder(site)
    if not CodeIndex.exists(folder):
        raise SearchError(f"no code-search index in {site}: {how_to_build}")
    try:
        return CodeIndex(folder)
    except (BrokenIndex, KeyError, TypeError, ValueError) as error:
        raise SearchError(
            f"the code-search index in {site} is broken ({error}); build the site again"
        ) from None


def run_query(index: CodeIndex, query: Query) -> Outcome:
    """Every matching line of the index's files, in path and line order."""
    try:
        compile_query(query)
    except re.error as error:
        raise SearchError(f"PATTERN is not a regular expression: {error}") from None
    try:
        matches = list(search(index, query))
    except (BrokenIndex, IndexError, ValueError) as error:
        raise SearchError(
            f"the code-search index is broken ({error}); build the site again"
        ) from None
    searched = sum(1 for path, language, _ in index.files if file_allowed(query, path, language))
    skipped = [(path, why) for path, why in index.skipped if path_allowed(query, path)]
    return Outcome(matches, searched, skipped)


def text_rows(matches: Iterable[Match]) -> Iterator[str]:
    """``path:line:text``, as ``git grep -n`` prints a match."""
    for match in matches:
        yield f"{match.path}:{match.line}:{match.text}\n"


def json_data(outcome: Outcome) -> dict[str, Any]:
    return {
        "matches": [
            {
                "path": match.path,
                "line": match.line,
                "text": match.text,
                "spans": [list(span) for span in match.spans],
            }
            for match in outcome.matches
        ],
        "searched": outcome.searched,
        "skipped": [list(entry) for entry in outcome.skipped],
    }


def skipped_note(skipped: Sequence[tuple[str, str]]) -> str | None:
    """The one line that says which files the search could not look in, or None."""
    if not skipped:
        return None
    reasons = Counter(why for _, why in skipped)
    parts = ", ".join(f"{count} {why}" for why, count in sorted(reasons.items()))
    files = "file" if len(skipped) == 1 else "files"
    return f"{len(skipped)} {files} not searched: {parts} (--json lists them)"


def languages_note(index: CodeIndex, languages: Sequence[str]) -> str | None:
    """A line naming the asked languages that no searched file is in (a misspelt one
    would silently find nothing), with the languages there are."""
    present = {language for _, language, _ in index.files}
    lowered = {language.lower() for language in present}
    missing = [name for name in languages if name.lower() not in lowered]
    if not missing:
        return None
    there = ", ".join(sorted(present, key=str.lower)) or "none"
    return f"no searched file is in {', '.join(missing)} (the tree's languages: {there})"


def run(
    site: Path, how_to_build: str, query: Query, as_json: bool, print_json: Callable[[object], None]
) -> int:
    """Print the answer to ``query`` from ``site``'s index (rows, or JSON with
    ``print_json``), its notes on stderr; grep's exit code: 0 when a line matched, else 1."""
    index = open_index(site, how_to_build)
    outcome = run_query(index, query)
    if as_json:
        print_json(json_data(outcome))
    else:
        sys.stdout.writelines(text_rows(outcome.matches))
    for message in (skipped_note(outcome.skipped), languages_note(index, query.languages)):
        if message:
            print(f"xrefdoc: {message}", file=sys.stderr)
    return 0 if outcome.matches else 1
