"""What every rule shares: its id, its category, the marker that silences it on one line,
and the setting that turns it off."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from xrefdoc.core.model import Finding

CATEGORIES = ("purpose", "pattern", "performance", "security", "testing")

# ``# xrefdoc: ignore`` silences every finding on its line; ``# xrefdoc: ignore[security.eval,
# performance]`` the rules or categories named. Any comment syntax: the marker is found in
# the line's text.
_MARKER = re.compile(r"xrefdoc:\s*ignore(?:\[([^\]]*)\])?")


@dataclass(frozen=True, slots=True)
class Rule:
    """A rule's identity: ``id`` is ``category.name`` and appears in ``scan`` output and in
    ``disable_rules``; ``summary`` says what it looks for, for the reference."""

    id: str
    summary: str

    @property
    def category(self) -> str:
        return self.id.partition(".")[0]

    def at(self, line: int, message: str) -> Finding:
        return Finding(self.id, self.category, line, message)


def _matches(finding: Finding, names: Iterable[str]) -> bool:
    return any(name in (finding.rule, finding.category) for name in names)


def unsilenced(findings: Iterable[Finding], text: str) -> tuple[Finding, ...]:
    """The findings of a file whose line carries no marker silencing them, sorted by line
    and rule, one per rule and line. The text is split into lines only when it holds a
    marker at all (most files hold none)."""
    kept: dict[tuple[int, str], Finding] = {}
    for finding in findings:
        kept.setdefault((finding.line, finding.rule), finding)
    if kept and "xrefdoc" in text:
        lines = _lines_at(text, {finding.line for finding in kept.values()})
        for key, finding in list(kept.items()):
            if _silences(_MARKER.search(lines.get(finding.line, "")), finding):
                del kept[key]
    return tuple(kept[key] for key in sorted(kept))


def _lines_at(text: str, numbers: set[int]) -> dict[int, str]:
    """The lines of ``text`` numbered ``numbers`` (from 1), read up to the last of them:
    splitting a huge file into all its lines cost more memory than the file."""
    found: dict[int, str] = {}
    last = max(numbers, default=0)
    start, number = 0, 1
    while number <= last and start <= len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        if number in numbers:
            found[number] = text[start:end]
        start, number = end + 1, number + 1
    return found


def _silences(marker: re.Match[str] | None, finding: Finding) -> bool:
    if marker is None:
        return False
    named = marker.group(1)
    return named is None or _matches(finding, (name.strip() for name in named.split(",")))


def enabled(findings: Iterable[Finding], disabled: Iterable[str]) -> list[Finding]:
    """The findings whose rule or category the user did not turn off."""
    off = tuple(disabled)
    return [finding for finding in findings if not _matches(finding, off)]
