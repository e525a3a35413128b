"""What every rule shares: its id, its category, the marker that silences it on one line,
and the setting that turns it off."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from xrefdoc.model import Finding

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


def unsilenced(findings: Iterable[Finding], lines: Sequence[str]) -> tuple[Finding, ...]:
    """The findings whose line carries no marker silencing them, sorted by line and rule,
    one per rule and line."""
    kept: dict[tuple[int, str], Finding] = {}
    for finding in findings:
        text = lines[finding.line - 1] if 0 < finding.line <= len(lines) else ""
        marker = _MARKER.search(text) if "xrefdoc" in text else None
        if marker is not None:
            named = marker.group(1)
            if named is None or _matches(finding, (n.strip() for n in named.split(","))):
                continue
        kept.setdefault((finding.line, finding.rule), finding)
    return tuple(kept[key] for key in sorted(kept))


def enabled(findings: Iterable[Finding], disabled: Iterable[str]) -> list[Finding]:
    """The findings whose rule or category the user did not turn off."""
    off = tuple(disabled)
    return [finding for finding in findings if not _matches(finding, off)]
