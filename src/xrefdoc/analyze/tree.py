"""What the tree-wide rules know besides a file's record, worked out once per build: the
index, the project's configuration, the Python modules, and which definitions of which
files each test file uses."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from xrefdoc.analyze.project import ProjectFacts
from xrefdoc.xref.index import Index

# Tested file → test file → (line, name) of each definition of the tested file that the
# test file uses, in line order.
UsesByTest = dict[str, dict[str, list[tuple[int, str]]]]


@dataclass(frozen=True, slots=True)
class TreeFacts:
    index: Index
    project: ProjectFacts
    python_files: frozenset[str]
    test_uses: UsesByTest
    # Test file → the files it tests (the reverse of ``index.tests_of``).
    tested_in: dict[str, list[str]]

    @classmethod
    def of(cls, index: Index, project: ProjectFacts) -> TreeFacts:
        python_files = frozenset(p for p, r in index.records.items() if r.family == "python")
        tested_in_any_order: dict[str, list[str]] = defaultdict(list)
        for tested, tests in index.tests_of.items():
            for test in tests:
                tested_in_any_order[test].append(tested)
        tested_in = {test: sorted(paths) for test, paths in tested_in_any_order.items()}
        return cls(index, project, python_files, _test_uses(index), tested_in)


def _test_uses(index: Index) -> UsesByTest:
    """From the test files' uses alone (first use of each name)."""
    found: dict[str, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    for test_path in index.test_files:
        for use in index.uses_in.get(test_path, ()):
            definition = use.definition
            if definition is None or definition.path == test_path:
                continue
            names = found[definition.path][test_path]
            names.setdefault(definition.symbol.name, definition.symbol.line)
    return {
        tested: {
            test: sorted((line, name) for name, line in names.items())
            for test, names in by_test.items()
        }
        for tested, by_test in found.items()
    }
