"""The analyze stage, after the index: the findings that need more than one file (what a
file is for in the tree, which tests run it), merged into the records with the ones each
file's extraction found. Cheap (no file is parsed), so it runs on every build and its
findings are never cached."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from xrefdoc.analyze.project import ProjectFacts
from xrefdoc.analyze.purpose_rules import tree_purpose_findings
from xrefdoc.analyze.rules import enabled
from xrefdoc.analyze.testing_rules import testing_findings
from xrefdoc.analyze.tree import TreeFacts
from xrefdoc.core.model import FileRecord
from xrefdoc.xref.index import Index


def analyze(index: Index, project: ProjectFacts, disabled: Iterable[str] = ()) -> None:
    """Add every record's tree findings to it (in ``index.records``), leaving out the rules
    the user turned off."""
    off = tuple(disabled)
    tree = TreeFacts.of(index, project)
    for path, record in index.records.items():
        found = [*tree_purpose_findings(record, tree), *testing_findings(record, tree)]
        if off:
            found = enabled(found, off)
        if found:
            merged = sorted((*record.findings, *found), key=lambda f: (f.line, f.rule))
            index.records[path] = replace(record, findings=tuple(merged))


def analyzed(records: Iterable[FileRecord], index: Index) -> tuple[FileRecord, ...]:
    """The records as the analyze stage left them in the index, in the given order."""
    return tuple(index.records[record.path] for record in records)
