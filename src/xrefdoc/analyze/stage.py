"""The analyze stage, after the index: the findings that need more than one file (what a
file is for in the tree, which tests run it). It reads the records and the index and returns
findings, changing neither. Cheap (no file is parsed), so it runs on every build and its
findings are never cached."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace

from xrefdoc.analyze.project import ProjectFacts
from xrefdoc.analyze.purpose_rules import tree_purpose_findings
from xrefdoc.analyze.rules import enabled
from xrefdoc.analyze.testing_rules import testing_findings
from xrefdoc.analyze.tree import TreeFacts
from xrefdoc.core.model import FileRecord, Finding
from xrefdoc.xref.index import Index

# File → the findings the tree-wide rules made about it (only files they found something in).
TreeFindings = dict[str, tuple[Finding, ...]]


def analyze(
    records: Iterable[FileRecord],
    index: Index,
    project: ProjectFacts,
    disabled: Iterable[str] = (),
) -> TreeFindings:
    """The tree findings of each record, without the rules the user turned off."""
    off = tuple(disabled)
    tree = TreeFacts.of(index, project)
    found_in: TreeFindings = {}
    for record in records:
        found = [*tree_purpose_findings(record, tree), *testing_findings(record, tree)]
        if off:
            found = enabled(found, off)
        if found:
            found_in[record.path] = tuple(found)
    return found_in


def with_findings(
    records: Iterable[FileRecord], found_in: Mapping[str, tuple[Finding, ...]]
) -> tuple[FileRecord, ...]:
    """The records with the tree findings about them among their own (by line, then rule),
    in the given order; a record without any is returned as it is."""
    return tuple(
        replace(record, findings=_merged(record.findings, found_in[record.path]))
        if record.path in found_in
        else record
        for record in records
    )


def _merged(own: tuple[Finding, ...], found: tuple[Finding, ...]) -> tuple[Finding, ...]:
    return tuple(sorted((*own, *found), key=lambda finding: (finding.line, finding.rule)))
