"""Answering a query from the code-search index: which trigrams every match must hold (for a
regular expression, from its parsed form), the regions that hold them, and the lines of
those regions that match, in path and line order.

The index only prunes. A region is a candidate when it holds every trigram of one of the
query's alternatives, each followed somewhere by the byte that follows it in the literal
(``trigrams.follow_bit``); each candidate's lines are matched by the pattern itself, so a
match is never lost to the index. A pattern with no literal of three characters prunes
nothing and reads every region.

Matching is Python's ``re`` (the syntax of ``git grep -P``, line by line) with the semantics
of ``git grep -P`` and of the browser's JavaScript without the ``u`` flag: the class escapes
(``\\w``, ``\\b``, ``\\d``, ``\\s`` and their negations) are ASCII's, and a case-insensitive
query folds every letter's case (``ü`` matches ``Ü``), not only ASCII's. Python has no flag
for the two together: the pattern is compiled for Unicode, each class escape (and each set
that holds one) scoped to ASCII with ``(?a:...)``. The index folds only ASCII letters, so a
case-insensitive query looks up only the trigrams of its pure-ASCII parts, and not of the
letters ``re`` folds with one past ASCII (``i`` with U+0130 and U+0131, ``k`` with the
Kelvin sign U+212A, ``s`` with the long s U+017F), as ``git grep -i`` does too.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from xrefdoc.codesearch.reader import CodeIndex
from xrefdoc.codesearch.trigrams import fold, follow_bit, pack

# The parser of ``re``: the parsed form of a pattern has no public interface. Its names of
# operations (``LITERAL``, ``BRANCH``, ...) are those of ``re._constants``.
sre: Any = importlib.import_module("re._parser")

# The trigrams looked up per alternative at most: each costs a directory shard, and a posting
# shard of each group that holds them all where the ones before it left some region.
MAX_TRIGRAMS = 16
# A group's narrowing stops once this many trigrams in a row left its regions as they were:
# those regions most likely hold the literal, and the rest of its trigrams would cost a
# shard each to say so (reading the regions says it exactly).
SETTLED = 2
# Past this many alternatives a requirement is not multiplied out; one side of it is kept.
_MAX_ALTERNATIVES = 32

# A class escape (``\\w``, ``\\b``, ``\\d``, ``\\s``, their negations), ASCII's in git grep -P.
_CLASS_ESCAPE = re.compile(r"\\[wWbBdDsS]")
# What a case-insensitive query may not look up in the index (which folds only ASCII's
# letters): a character past ASCII, and the ASCII letters that ``re`` (and git grep -i)
# fold with one past it: "i" with U+0130 and U+0131, "k" with U+212A, "s" with U+017F.
_FOLDED_PAST_ASCII = re.compile(r"[^\x00-\x7f]+|[iksIKS]")
# An inline flag group that may turn case folding on (``(?i)``, ``(?i:...)``, ``(?si)``).
_CASE_FLAG = re.compile(r"\(\?[aLmsux]*i")

# Or over alternatives, each the literals that must all occur; None: nothing is required.
Requirement = list[frozenset[str]] | None


@dataclass(frozen=True)
class Query:
    """What to look for: a literal or a regular expression, and which files to look in
    (``paths``: a file's path holds each; ``languages``: its language is one of them)."""

    pattern: str
    regex: bool = False
    ignore_case: bool = False
    paths: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()


@dataclass(frozen=True)
class Match:
    """A matching line: ``spans`` are the matches' ``(start, end)`` in ``text``."""

    path: str
    line: int
    text: str
    spans: tuple[tuple[int, int], ...] = field(default=())


def compile_query(query: Query) -> re.Pattern[str]:
    """The pattern that matches a line; ``re.error`` when the expression is not valid."""
    flags = re.IGNORECASE if query.ignore_case else 0
    if not query.regex:
        return re.compile(re.escape(query.pattern), flags)
    re.compile(query.pattern, flags | re.ASCII)  # its errors, at the user's positions
    return re.compile(ascii_classes(query.pattern), flags)


def ascii_classes(pattern: str) -> str:
    """``pattern`` with each class escape, and each set that holds one, scoped to ASCII."""
    parts: list[str] = []
    at = 0
    while at < len(pattern):
        if pattern[at] == "\\":
            part = pattern[at : at + 2]
        elif pattern[at] == "[":
            part = pattern[at : _set_end(pattern, at)]
        else:
            part = pattern[at]
        at += len(part)
        parts.append(f"(?a:{part})" if _CLASS_ESCAPE.search(part) else part)
    return "".join(parts)


def _set_end(pattern: str, start: int) -> int:
    """Where the set ``[...]`` that starts at ``start`` ends (a ``]`` first in it is its own)."""
    at = start + 1
    if pattern.startswith("^", at):
        at += 1
    if pattern.startswith("]", at):
        at += 1
    while at < len(pattern) and pattern[at] != "]":
        at += 2 if pattern[at] == "\\" else 1
    return min(at + 1, len(pattern))


def requirement(query: Query) -> Requirement:
    """The literals that a matching line holds (see ``Requirement``); for a query that may
    ignore case, only their pure-ASCII parts (the index folds no other letter)."""
    if not query.regex:
        required: Requirement = [frozenset({query.pattern})]
    else:
        required = _sequence(sre.parse(query.pattern, re.ASCII))
    if required is not None and (query.ignore_case or _CASE_FLAG.search(query.pattern)):
        required = [frozenset(_ascii_runs(literals)) for literals in required]
    if required is not None:
        required = [frozenset(_long_enough(literals)) for literals in required]
    return _normal(required)


def _long_enough(literals: frozenset[str]) -> Iterator[str]:
    """The literals of three bytes or more: a shorter one has no trigram."""
    return (literal for literal in literals if len(literal.encode()) >= 3)


def _ascii_runs(literals: frozenset[str]) -> Iterator[str]:
    """The parts of ``literals`` whose every letter is its ASCII case pair's alone."""
    for literal in literals:
        yield from _FOLDED_PAST_ASCII.split(literal)


# A trigram to look up (``trigrams.pack``) with the bits of the bytes that must follow it
# (``trigrams.follow_bit``; 0: none asked).
Lookup = tuple[int, int]


def plan(required: Requirement) -> list[list[Lookup]] | None:
    """The trigrams to look up for each alternative of ``required``, with what follows each."""
    if required is None:
        return None
    return [_trigrams(literals) for literals in required]


def _trigrams(literals: frozenset[str]) -> list[Lookup]:
    """Up to ``MAX_TRIGRAMS`` trigrams of the longest literals: from each, its first, every
    third after and its last (they cover it with little overlap), then the ones between
    (overlapping ones say more together: "asttemplateargs" is rare where its every third
    trigram, "ast", "tem", "lat", "arg", is in every large file). Each asks for the bytes
    that follow it in the literals."""
    chosen: list[int] = []
    follows: dict[int, int] = {}
    for literal in sorted(literals, key=lambda text: (-len(text.encode()), text)):
        data = fold(literal.encode("utf-8"))
        spread = [*range(0, len(data) - 2, 3), len(data) - 3]
        for start in [*spread, *range(len(data) - 2)]:
            key = pack(data[start : start + 3])
            if key not in chosen:
                chosen.append(key)
            if start + 3 < len(data):
                follows[key] = follows.get(key, 0) | follow_bit(data[start + 3])
    return [(key, follows.get(key, 0)) for key in chosen[:MAX_TRIGRAMS]]


def _normal(required: Requirement) -> Requirement:
    if required is None or any(not literals for literals in required):
        return None
    return required


def _both(first: Requirement, second: Requirement) -> Requirement:
    if first is None:
        return second
    if second is None:
        return first
    if len(first) * len(second) > _MAX_ALTERNATIVES:
        return first if len(first) <= len(second) else second
    return [a | b for a in first for b in second]


def _either(options: Sequence[Requirement]) -> Requirement:
    alternatives: list[frozenset[str]] = []
    for option in options:
        option = _normal(option)
        if option is None:
            return None
        alternatives += [literals for literals in option if literals not in alternatives]
    return alternatives


def _sequence(items: Any) -> Requirement:
    """What a concatenation of parsed items requires: its runs of literal characters (across
    plain groups), and what its groups, alternations and repeated parts each require."""
    required: Requirement = None
    run: list[str] = []

    def end_run() -> None:
        nonlocal required
        literal = "".join(run)
        if len(literal.encode()) >= 3:
            required = _both(required, [frozenset({literal})])
        run.clear()

    for op, value in items:
        if op is sre.LITERAL:
            run.append(chr(value))
            continue
        if op is sre.SUBPATTERN and all(inner is sre.LITERAL for inner, _ in value[3]):
            run += [chr(char) for _, char in value[3]]
            continue
        end_run()
        if op is sre.SUBPATTERN:
            required = _both(required, _sequence(value[3]))
        elif op is sre.BRANCH:
            required = _both(required, _either([_sequence(branch) for branch in value[1]]))
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT) and value[0] >= 1:
            required = _both(required, _sequence(value[2]))
        elif op is sre.ATOMIC_GROUP:
            required = _both(required, _sequence(value))
    end_run()
    return required


def path_allowed(query: Query, path: str) -> bool:
    """Whether the query's path filters let ``path`` through: it holds each."""
    return all(part in path for part in query.paths)


def file_allowed(query: Query, path: str, language: str) -> bool:
    """Whether the query's filters let a file through: its path, and its language is one of
    the query's (any case), when it names some."""
    return path_allowed(query, path) and (
        not query.languages or language.lower() in (wanted.lower() for wanted in query.languages)
    )


def allowed_files(index: CodeIndex, query: Query) -> set[int] | None:
    """The numbers of the files the query's filters let through; None when it has none."""
    if not query.paths and not query.languages:
        return None
    return {
        number
        for number, (path, language, _) in enumerate(index.files)
        if file_allowed(query, path, language)
    }


def candidates(index: CodeIndex, query: Query) -> list[tuple[str, int, int, int]]:
    """The regions that may hold a match, ``(path, first line, group, region)`` in path and
    line order."""
    trigram_plan = plan(requirement(query))
    allowed = allowed_files(index, query)
    # Per alternative, its trigrams (those held by fewest groups first, or fewest regions of a
    # probed group) and the groups that hold them all, from the directory.
    narrowing: list[tuple[list[Lookup], set[int]]] = []
    for lookups in trigram_plan or []:
        holders = {lookup: index.groups_with(*lookup) for lookup in lookups}
        ordered = sorted(lookups, key=lambda lookup: len(holders[lookup]))
        groups = set.intersection(*(set(holders[at]) for at in ordered))
        if len(groups) >= index.probe_groups:
            probe = min(groups)
            sizes = {lookup: len(index.regions_with(probe, *lookup)) for lookup in ordered}
            ordered.sort(key=lambda lookup: sizes[lookup])
        narrowing.append((ordered, groups))
    found: list[tuple[str, int, int, int]] = []
    for group in range(index.groups):
        if trigram_plan is None:
            numbers: set[int] = set(index.regions_of_files(group, allowed))
        else:
            numbers = set()
            for lookups, groups in narrowing:
                if group in groups:
                    numbers |= _narrowed(index, group, lookups)
            if allowed is not None:
                numbers = set(index.regions_of_files(group, allowed)) & numbers
        for number in numbers:
            region = index.region(group, number)
            found.append((region.path, region.line, group, number))
    found.sort()
    return found


def _narrowed(index: CodeIndex, group: int, lookups: list[Lookup]) -> set[int]:
    """The regions of ``group`` that may hold all of ``lookups``: narrowed one trigram at a
    time, until none is left, ``SETTLED`` trigrams in a row left them as they were, or they
    are all in one chunk (reading it costs what one more shard would)."""
    held: set[int] | None = None
    unchanged = 0
    for trigram, follows in lookups:
        regions = set(index.regions_with(group, trigram, follows))
        narrowed = regions if held is None else held & regions
        unchanged = unchanged + 1 if held is not None and narrowed == held else 0
        held = narrowed
        if not held or unchanged == SETTLED or len(index.chunks_of(group, held)) == 1:
            break
    return held or set()


def search(index: CodeIndex, query: Query) -> Iterator[Match]:
    """Every line of the index's files that matches ``query``, in path and line order."""
    pattern = compile_query(query)
    # A string holds no line end, so its matches in a region's text are in one line each.
    by_text = not query.regex and "\n" not in query.pattern and query.pattern != ""
    whole = _over_whole_text(query, pattern)
    for path, first, group, number in candidates(index, query):
        text = index.text(group, number).decode("utf-8", "surrogatepass")
        if whole is not None and whole.search(text) is None:
            continue
        lines = _lines_holding(text, pattern) if by_text else _lines(text)
        for offset, line in lines:
            spans = tuple(found.span() for found in pattern.finditer(line))
            if spans:
                yield Match(path, first + offset, line, spans)


def _over_whole_text(query: Query, pattern: re.Pattern[str]) -> re.Pattern[str] | None:
    """An expression's pattern over a region's whole text, ``^`` and ``$`` at each line's
    ends: a match in a line is one there too, so one search rules most candidates out.
    None where that may not hold: a lookaround or an inline flag (``(?``), ``\\A`` or
    ``\\Z`` (the text's ends, not a line's)."""
    if not query.regex or "(?" in query.pattern or re.search(r"\\[AZ]", query.pattern):
        return None
    return re.compile(pattern.pattern, pattern.flags | re.MULTILINE)


def _lines(text: str) -> Iterator[tuple[int, str]]:
    """Each line of a region's text, with its number from 0. An empty region is an empty
    file's, which has no line (not one empty line)."""
    lines = text.split("\n") if text else []
    if text.endswith("\n"):
        lines.pop()
    return enumerate(lines)


def _lines_holding(text: str, pattern: re.Pattern[str]) -> Iterator[tuple[int, str]]:
    """The lines of a region's text that ``pattern`` (a string's) matches in, found by
    searching the whole text: a candidate region of a selective string holds it in few of
    its lines."""
    found = pattern.search(text)
    counted = offset = 0
    while found is not None:
        start = text.rfind("\n", 0, found.start()) + 1
        end = text.find("\n", found.start())
        end = len(text) if end < 0 else end
        offset += text.count("\n", counted, start)
        counted = start
        yield offset, text[start:end]
        found = pattern.search(text, end + 1)
