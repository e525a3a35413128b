"""Testing & Usage: for a test file, the exact command that runs it (pytest from the folder
pytest takes as its root, unittest for a unittest-only file in a project without pytest
configuration, tox when its configuration hands paths to pytest) and how many tests it holds;
for any other file, the test files that use what it defines."""

from __future__ import annotations

import shlex
from collections.abc import Iterator

from xrefdoc.analyze.project import ProjectFacts
from xrefdoc.analyze.rules import Rule
from xrefdoc.analyze.tree import TreeFacts
from xrefdoc.analyze.wording import code, listed, place
from xrefdoc.core.model import FileRecord, Finding
from xrefdoc.xref.index import collected_tests, is_test_case

RUN = Rule("testing.run", "the command that runs a test file, and its number of tests")
TESTED_BY = Rule("testing.tested-by", "a test file that imports the file or uses its names")
TESTING_RULES = (RUN, TESTED_BY)
SHOWN_NAMES = 3


def _relative(path: str, folder: str) -> str:
    return path[len(folder) + 1 :] if folder else path


def _unittest_only(record: FileRecord) -> bool:
    """Tests only in ``TestCase`` subclasses, and no pytest imported: unittest runs it."""
    if any(imp.module.partition(".")[0] == "pytest" for imp in record.imports):
        return False
    test_cases = {s.qualname for s in record.symbols if is_test_case(s)}
    return all(test.parent in test_cases for test in collected_tests(record))


def run_command(record: FileRecord, facts: ProjectFacts) -> tuple[str, str, str]:
    """The command that runs the file's tests, the folder to run it from, and why that
    runner (the configuration file that says so, or nothing)."""
    root = facts.pytest_root(record.path)
    if root is not None:
        folder, config = root
        command = f"python -m pytest {shlex.quote(_relative(record.path, folder))}"
        return command, folder, f"pytest's configuration is {code(config)}"
    if _unittest_only(record):
        return f"python -m unittest {shlex.quote(record.path)}", "", ""
    return f"python -m pytest {shlex.quote(record.path)}", "", ""


def _run(record: FileRecord, tree: TreeFacts) -> Iterator[Finding]:
    if record.path not in tree.index.test_files:
        return
    tests = collected_tests(record)
    facts = tree.project
    command, folder, why = run_command(record, facts)
    count = "its test" if len(tests) == 1 else f"its {len(tests)} tests"
    sentence = f"Run {count} from {place(folder)} with {code(command)}"
    if why:
        sentence += f" ({why})"
    tox = facts.tox_run(record.path)
    if tox is not None:
        tox_folder, tox_ini = tox
        path = shlex.quote(_relative(record.path, tox_folder))
        tox_command = code(f"tox -- {path}")
        sentence += f"; or through tox with {tox_command} ({code(tox_ini)} hands paths to pytest)"
    yield RUN.at(tests[0].line, sentence)


def _tested_by(record: FileRecord, tree: TreeFacts) -> Iterator[Finding]:
    used = tree.test_uses.get(record.path, {})
    for test_path in tree.index.tests_of.get(record.path, ()):
        names = used.get(test_path, [])
        if names:
            shown = listed([name for _, name in names], SHOWN_NAMES)
            yield TESTED_BY.at(names[0][0], f"Tested by {code(test_path)}, which uses {shown}")
        else:
            yield TESTED_BY.at(1, f"Tested by {code(test_path)}, which imports it")


def testing_findings(record: FileRecord, tree: TreeFacts) -> list[Finding]:
    return [*_run(record, tree), *_tested_by(record, tree)]
