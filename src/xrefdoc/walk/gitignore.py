"""Git's ignore rules for a tree without git: which entries ``git ls-files --others
--exclude-standard`` would leave out.

Git matches each entry of a folder (a file, or a folder it may then skip whole) against the
patterns of every ``.gitignore`` from the root down to that folder; the last pattern that
matches decides, deeper files counting as later. A pattern is matched against the entry
itself, never against a folder above it: a folder that was not left out was looked into,
and its entries are judged on their own. Patterns are byte patterns (git's ``wildmatch``):
``?`` is one byte, a bracket expression a set of bytes, so names are matched as Latin-1
text, one character per byte. pathspec's ``GitIgnoreSpec`` judges whole paths at once (a
pattern that matches a folder above a file matches the file too), which is not what git
does when negations re-include folders (``*``, ``!*/``, ``!src/*.py``) or exclude a folder
whose files a later pattern names (``build/``, ``!build/keep.py``); see
``tests/test_gitignore.py``, which checks this module against git itself.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from itertools import groupby

# POSIX classes of git's wildmatch (its C locale: ASCII only).
_CLASSES = {
    "alnum": "0-9A-Za-z",
    "alpha": "A-Za-z",
    "blank": " \t",
    "cntrl": "\\x00-\\x1f\\x7f",
    "digit": "0-9",
    "graph": "!-~",
    "lower": "a-z",
    "print": " -~",
    "punct": re.escape("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"),
    "space": " \\t\\n\\r\\f\\v",
    "upper": "A-Z",
    "xdigit": "0-9A-Fa-f",
}


@dataclass(frozen=True, slots=True)
class IgnoreRule:
    """One pattern line: its regular expression (matched in full against the entry's name
    when ``basename_only``, else against its path below the ``.gitignore``'s folder)."""

    regex: re.Pattern[str]
    negated: bool
    folders_only: bool
    basename_only: bool


def as_bytes_text(name: str) -> str:
    """A name (as os functions give it) as one character per byte, the way rules match."""
    if name.isascii():  # most names: the same text (the walk asks for every entry)
        return name
    return os.fsencode(name).decode("latin-1")


def parse_ignore_file(data: bytes) -> list[IgnoreRule]:
    """The rules of a ``.gitignore``'s bytes; lines git ignores (blank, comments, invalid
    patterns such as a lone ``\\``) give none."""
    rules: list[IgnoreRule] = []
    for raw in data.decode("latin-1").split("\n"):
        line = raw[:-1] if raw.endswith("\r") else raw
        if not line or line.startswith("#"):
            continue
        line = _trim_trailing_spaces(line)
        negated = line.startswith("!")
        if negated:
            line = line[1:]
        folders_only = line.endswith("/")
        if folders_only:
            line = line[:-1]
        basename_only = "/" not in line
        if line.startswith("/"):
            line = line[1:]
        if not line:
            continue
        pattern = _wildmatch_regex(line)
        if pattern is not None:
            rules.append(
                IgnoreRule(re.compile(pattern, re.DOTALL), negated, folders_only, basename_only)
            )
    return rules


def _trim_trailing_spaces(line: str) -> str:
    """Trailing spaces go, unless escaped with a backslash (git's ``trim_trailing_spaces``)."""
    last_space: int | None = None
    index = 0
    while index < len(line):
        char = line[index]
        if char == " ":
            if last_space is None:
                last_space = index
        elif char == "\\":
            index += 1
            if index == len(line):
                return line
            last_space = None
        else:
            last_space = None
        index += 1
    return line if last_space is None else line[:last_space]


def _wildmatch_regex(pattern: str) -> str | None:
    """git's ``wildmatch`` with ``WM_PATHNAME`` as a regular expression for a full match, or
    None for a pattern that never matches (a trailing ``\\``, an unclosed bracket)."""
    parts: list[str] = []
    index = 0
    length = len(pattern)
    while index < length:
        char = pattern[index]
        if char == "*":
            end = index
            while end < length and pattern[end] == "*":
                end += 1
            after_slash = index == 0 or pattern[index - 1] == "/"
            if end - index >= 2 and after_slash and (end == length or pattern[end] == "/"):
                # "**" as a whole part: any folders ("**/" may also be none), or all below.
                parts.append(".*" if end == length else "(?:.*/)?")
                end += 0 if end == length else 1
            else:
                parts.append("[^/]*")
            index = end
        elif char == "?":
            parts.append("[^/]")
            index += 1
        elif char == "[":
            found = _bracket(pattern, index + 1)
            if found is None:
                return None
            text, index = found
            parts.append(text)
        elif char == "\\":
            if index + 1 == length:
                return None
            parts.append(re.escape(pattern[index + 1]))
            index += 2
        else:
            parts.append(re.escape(char))
            index += 1
    return "".join(parts)


def _bracket(pattern: str, index: int) -> tuple[str, int] | None:
    """A bracket expression starting after its ``[``, as a regular expression, and where the
    pattern goes on; None when it is not closed or names an unknown class."""
    length = len(pattern)
    negated = index < length and pattern[index] in "!^"
    if negated:
        index += 1
    items: list[str] = []
    previous: str | None = None
    first = True
    while True:
        if index >= length:
            return None
        char = pattern[index]
        if char == "]" and not first:
            break
        first = False
        if char == "\\":
            index += 1
            if index >= length:
                return None
            previous = pattern[index]
            items.append(re.escape(previous))
        elif (
            char == "-"
            and previous is not None
            and index + 1 < length
            and pattern[index + 1] != "]"
        ):
            index += 1
            upper = pattern[index]
            if upper == "\\":
                index += 1
                if index >= length:
                    return None
                upper = pattern[index]
            items.pop()
            if previous <= upper:  # a reversed range matches nothing, as in git
                items.append(f"{re.escape(previous)}-{re.escape(upper)}")
            previous = None
        elif char == "[" and pattern.startswith(":", index + 1):
            close = pattern.find("]", index + 2)
            if close < 0:
                return None
            if pattern[close - 1] != ":" or close - 1 < index + 2:
                items.append(re.escape("["))  # no ":]": a plain "["
                previous = "["
            else:
                name = pattern[index + 2 : close - 1]
                if name not in _CLASSES:
                    return None
                items.append(_CLASSES[name])
                previous = None
                index = close
        else:
            previous = char
            items.append(re.escape(char))
        index += 1
    body = "".join(items)
    # Never a "/" (WM_PATHNAME); an empty set matches nothing.
    if negated:
        return f"[^/{body}]", index + 1
    return (f"(?!/)[{body}]" if body else "(?!)"), index + 1


# A run of a folder's rules that all negate or all do not, joined: whether they negate, and
# (for files, for folders) each a pattern of the rules matching base names and one of those
# matching paths (None: no such rule).
_Joined = tuple[
    bool,
    tuple[re.Pattern[str] | None, re.Pattern[str] | None],
    tuple[re.Pattern[str] | None, re.Pattern[str] | None],
]


def _either(rules: list[IgnoreRule]) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
    def joined(patterns: list[str]) -> re.Pattern[str] | None:
        return re.compile("|".join(f"(?:{p})" for p in patterns), re.DOTALL) if patterns else None

    return (
        joined([rule.regex.pattern for rule in rules if rule.basename_only]),
        joined([rule.regex.pattern for rule in rules if not rule.basename_only]),
    )


def _runs(rules: list[IgnoreRule]) -> list[_Joined]:
    """The rules as runs that all negate or all do not, the last run first: the last rule
    that matches decides, and within a run which one it is does not matter."""
    runs: list[_Joined] = []
    for negated, grouped in groupby(rules, key=lambda rule: rule.negated):
        run = list(grouped)
        files = [rule for rule in run if not rule.folders_only]
        runs.append((negated, _either(files), _either(run)))
    return runs[::-1]


class IgnoreRules:
    """The rules of the ``.gitignore`` files met so far, by the folder that holds each.

    Which rule matches last decides, but among rules that all negate or all do not, only
    whether one does: each such run is asked as one pattern (an entry of Sphinx's tree was
    matched against 21 rules one by one, a third of walking a tree that is not in git; an
    entry of NumPy's, against its 150 rules and their negations)."""

    def __init__(self) -> None:
        self._by_folder: dict[str, list[_Joined]] = {}

    def add(self, folder: str, rules: list[IgnoreRule]) -> None:
        if rules:
            self._by_folder[folder] = _runs(rules)

    def ignored(self, rel: str, is_folder: bool) -> bool:
        """Whether git leaves the entry ``rel`` (relative to the root) out; its folder was
        not left out itself."""
        text = as_bytes_text(rel)
        base_name = text.rpartition("/")[2]
        folder = rel
        while folder:  # the nearest .gitignore first: the last matching rule decides
            folder = folder.rpartition("/")[0]
            rules = self._by_folder.get(folder)
            if rules is None:
                continue
            inner = text[len(as_bytes_text(folder)) + 1 :] if folder else text
            for negated, for_files, for_folders in rules:
                by_name, by_path = for_folders if is_folder else for_files
                if (by_name is not None and by_name.fullmatch(base_name)) or (
                    by_path is not None and by_path.fullmatch(inner)
                ):
                    return not negated
        return False
