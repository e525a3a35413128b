"""The rules that need the whole tree: what a file is for (tests, conftest, package, entry
points, configuration, build and CI, documentation, data) and how its tests are run, each
with a tree where it fires and a lookalike where it must not."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from helpers import write_tree

from xrefdoc.analyze import rule_names
from xrefdoc.core.settings import make_settings
from xrefdoc.pipeline.scan import scan


def findings(
    root: Path, files: dict[str, str | bytes], *disabled: str
) -> dict[str, list[tuple[str, int, str]]]:
    """Every tree-analysed file's findings of the purpose and testing rules."""
    write_tree(root, files)
    settings = make_settings(root, disable_rules=disabled, rule_names=rule_names)
    result = scan(settings, use_cache=False)
    return {
        record.path: [
            (f.rule, f.line, f.message)
            for f in record.findings
            if f.category in ("purpose", "testing")
        ]
        for record in result.records
    }


def rule(found: dict[str, list[tuple[str, int, str]]], path: str, rule_id: str) -> list[str]:
    return [message for rule_name, _, message in found[path] if rule_name == rule_id]


LIBRARY = {
    "pkg/__init__.py": '"""Pumps."""\n\nfrom .core import Pump, start\n',
    "pkg/core.py": """
        class Pump:
            def run(self) -> int:
                return 1


        def start() -> Pump:
            return Pump()
        """,
    "pkg/__main__.py": "from pkg.cli import main\n\nmain()\n",
    "pkg/cli.py": """
        import sys


        def main() -> int:
            return 0


        if __name__ == "__main__":
            sys.exit(main())
        """,
    "tests/helpers.py": "from pkg.core import Pump\n\n\ndef pump() -> Pump:\n    return Pump()\n",
    "pkg/testing/__init__.py": "class FakePump:\n    def run(self) -> int:\n        return 0\n",
    "tests/conftest.py": """
        import pytest


        @pytest.fixture
        def pump():
            return 1


        def pytest_configure(config):
            pass
        """,
    "tests/test_core.py": """
        import unittest

        from pkg.core import Pump, start
        from pkg.testing import FakePump
        from tests.helpers import pump


        def test_start():
            assert start().run() == 1


        class TestPump:
            def test_run(self):
                assert Pump().run() == 1

            def helper(self):
                pass


        class PumpCase(unittest.TestCase):
            def test_twice(self):
                self.assertEqual(pump().run(), 1)
        """,
}


def test_a_test_module_says_what_it_tests_and_how_many_tests_it_holds(tmp_path: Path) -> None:
    found = findings(tmp_path, LIBRARY)
    assert rule(found, "tests/test_core.py", "purpose.test-module") == [
        "Test module of `pkg.core`: 1 test function and test classes `PumpCase`, `TestPump` "
        "with 2 test methods"
    ]
    assert found["tests/test_core.py"][0][:2] == ("purpose.test-module", 8)
    # Helpers of the tests define no test, and their name says they are none.
    assert rule(found, "tests/helpers.py", "purpose.test-module") == []
    assert rule(found, "pkg/core.py", "purpose.test-module") == []


def test_what_tests_use_of_a_file_is_said_on_the_file_not_on_test_helpers(tmp_path: Path) -> None:
    found = findings(tmp_path, LIBRARY)
    tested = [f for f in found["pkg/core.py"] if f[0] == "testing.tested-by"]
    assert tested == [
        (
            "testing.tested-by",
            1,
            "Tested by `tests/test_core.py`, which uses `Pump`, `run`, `start`",
        )
    ]
    # test_core.py uses the helper and the package's testing utilities, but what helps the
    # tests is not what they test.
    assert rule(found, "tests/helpers.py", "testing.tested-by") == []
    assert rule(found, "pkg/testing/__init__.py", "testing.tested-by") == []
    assert rule(found, "pkg/cli.py", "testing.tested-by") == []


def test_a_conftest_names_its_reach_its_fixtures_and_hooks(tmp_path: Path) -> None:
    found = findings(tmp_path, LIBRARY)
    assert rule(found, "tests/conftest.py", "purpose.conftest") == [
        "pytest reads it for every test in `tests/` and below: 1 fixture and the hook "
        "`pytest_configure`"
    ]
    assert rule(found, "tests/conftest.py", "purpose.fixture") == ["`pump` is a pytest fixture"]
    assert rule(found, "tests/helpers.py", "purpose.conftest") == []


def test_a_package_initialiser_names_its_package_and_re_exports(tmp_path: Path) -> None:
    found = findings(tmp_path, LIBRARY)
    assert rule(found, "pkg/__init__.py", "purpose.package-init") == [
        "Initialiser of the package `pkg`; re-exports 2 names from its submodules: `Pump`, `start`"
    ]
    lone = findings(tmp_path / "lone", {"lib/__init__.py": "VERSION = '1'\n"})
    assert rule(lone, "lib/__init__.py", "purpose.package-init") == [
        "Initialiser of the package `lib`"
    ]
    assert rule(found, "pkg/core.py", "purpose.package-init") == []


def test_entry_points_main_module_main_block_and_console_scripts(tmp_path: Path) -> None:
    files = {
        **LIBRARY,
        "pyproject.toml": """
            [project]
            name = "pumps"

            [project.scripts]
            pump = "pkg.cli:main"
            missing = "pkg.gone:main"

            [tool.pytest.ini_options]
            addopts = "-q"
            """,
    }
    found = findings(tmp_path, files)
    assert rule(found, "pkg/__main__.py", "purpose.main-module") == [
        "Runs when the package is executed: `python -m pkg`"
    ]
    assert rule(found, "pkg/cli.py", "purpose.script") == [
        "Runs as a script: its `__main__` block calls `sys.exit`, `main`"
    ]
    scripts = [f for f in found["pkg/cli.py"] if f[0] == "purpose.console-script"]
    assert scripts == [
        (
            "purpose.console-script",
            4,
            "Entry point of the command `pump`, declared in `pyproject.toml` under "
            "`[project.scripts]`: it runs `main`",
        )
    ]
    # A script whose module is not in the tree is said nowhere; other files are no entry point.
    assert all("missing" not in f[2] for fs in found.values() for f in fs)
    assert rule(found, "pkg/core.py", "purpose.script") == []
    assert rule(found, "pkg/core.py", "purpose.console-script") == []
    # A __main__.py outside a package (a script of the tree's root) is run by path, not -m.
    loose = findings(tmp_path / "loose", {"__main__.py": "print('hi')\n"})
    assert rule(loose, "__main__.py", "purpose.main-module") == []


def test_console_scripts_of_setup_cfg_and_a_src_layout(tmp_path: Path) -> None:
    files = {
        "setup.cfg": "[options.entry_points]\nconsole_scripts =\n    tool = tool.main:run\n",
        "src/tool/__init__.py": "",
        "src/tool/main.py": "def run():\n    return 0\n",
    }
    found = findings(tmp_path, files)
    assert rule(found, "src/tool/main.py", "purpose.console-script") == [
        "Entry point of the command `tool`, declared in `setup.cfg` under "
        "`[options.entry_points] console_scripts`: it runs `run`"
    ]


def test_configuration_build_ci_documentation_and_data_files(tmp_path: Path) -> None:
    files = {
        "pyproject.toml": (
            '[project]\nname = "p"\n\n[tool.ruff]\nline-length = 99\n\n[tool.mypy]\nstrict = true\n'
        ),
        "docs/conf.py": 'project = "Pumps"\nextensions = []\n',
        "Makefile": "test:\n\tpytest\n",
        ".github/workflows/ci.yml": "name: CI\non: push\njobs:\n  test:\n    runs-on: x\n",
        "docs/guide.md": "---\norphan: true\n---\n# Pumping guide\n\n## Install\n\n## Run\n",
        "docs/notes.md": "Just a note.\n",
        "data/pumps.json": '{\n  "pumps": [],\n  "version": 2\n}\n',
        "pkg/core.py": "X = 1\n",
    }
    found = findings(tmp_path, files)
    assert rule(found, "pyproject.toml", "purpose.config") == [
        "Project configuration for the root of the tree: packaging (`[project]`) and the "
        "settings of `ruff`, `mypy`"
    ]
    assert rule(found, "docs/conf.py", "purpose.config") == [
        "Configuration of Sphinx for `docs/`: it sets `project`, `extensions`"
    ]
    assert rule(found, "Makefile", "purpose.build") == [
        "Build file read by make in the root of the tree"
    ]
    assert rule(found, ".github/workflows/ci.yml", "purpose.build") == [
        "CI file of GitHub Actions, `ci.yml` in `.github/workflows/`; its top-level keys are "
        "`name`, `on`, `jobs`"
    ]
    # Front matter is no heading.
    assert [f for f in found["docs/guide.md"] if f[0] == "purpose.docs"] == [
        ("purpose.docs", 4, "Documentation (Markdown) titled `Pumping guide`, with 2 more headings")
    ]
    assert rule(found, "docs/notes.md", "purpose.docs") == [
        "Documentation (Markdown) without headings, 1 line"
    ]
    assert rule(found, "data/pumps.json", "purpose.data") == [
        "Data (JSON): top-level keys `pumps`, `version`"
    ]
    assert found["pkg/core.py"] == []


def _run_message(found: dict[str, list[tuple[str, int, str]]], path: str) -> str:
    (message,) = rule(found, path, "testing.run")
    return message


def test_the_run_command_follows_pytest_configuration_in_a_subproject(tmp_path: Path) -> None:
    files = {
        "pyproject.toml": "[project]\nname = 'mono'\n",
        "service/pytest.ini": "[pytest]\ntestpaths = tests\n",
        "service/tests/test_api.py": "def test_get():\n    assert True\n",
        "tools/tests/test_lint.py": "def test_lint():\n    assert True\n",
    }
    found = findings(tmp_path, files)
    assert _run_message(found, "service/tests/test_api.py") == (
        "Run its test from `service/` with `python -m pytest tests/test_api.py` "
        "(pytest's configuration is `service/pytest.ini`)"
    )
    # Only test files get a command; a helper named like a test but holding none gets none.
    assert all(f[0] != "testing.run" for f in found["pyproject.toml"])
    lookalike = findings(tmp_path / "b", {"tests/test_data.py": "CASES = [1, 2]\n"})
    assert rule(lookalike, "tests/test_data.py", "testing.run") == []
    # No pytest configuration above it (a pyproject.toml without a pytest table is none).
    assert _run_message(found, "tools/tests/test_lint.py") == (
        "Run its test from the root of the tree with `python -m pytest tools/tests/test_lint.py`"
    )


def test_a_unittest_only_file_without_pytest_configuration_runs_with_unittest(
    tmp_path: Path,
) -> None:
    files = {
        "tests/__init__.py": "",
        "tests/test_case.py": """
            import unittest


            class Arithmetic(unittest.TestCase):
                def test_add(self):
                    self.assertEqual(1 + 1, 2)
            """,
    }
    found = findings(tmp_path, files)
    message = _run_message(found, "tests/test_case.py")
    assert message == (
        "Run its test from the root of the tree with `python -m unittest tests/test_case.py`"
    )
    # The command as said runs the test.
    completed = subprocess.run(
        [sys.executable, "-m", "unittest", "tests/test_case.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0 and "Ran 1 test" in completed.stderr
    with_pytest = findings(tmp_path / "b", {**files, "tox.ini": "[pytest]\naddopts = -q\n"})
    assert "python -m pytest tests/test_case.py" in _run_message(with_pytest, "tests/test_case.py")


def test_tox_is_offered_when_its_configuration_hands_paths_to_pytest(tmp_path: Path) -> None:
    tox = "[tox]\nenvlist = py\n\n[testenv]\ndeps = pytest\ncommands = pytest {posargs:tests}\n"
    files = {"tox.ini": tox, "tests/test_a.py": "def test_a():\n    pass\n"}
    message = _run_message(findings(tmp_path / "a", files), "tests/test_a.py")
    assert message.endswith(
        "; or through tox with `tox -- tests/test_a.py` (`tox.ini` hands paths to pytest)"
    )
    fixed = tox.replace("{posargs:tests}", "tests")
    message = _run_message(findings(tmp_path / "b", {**files, "tox.ini": fixed}), "tests/test_a.py")
    assert "tox" not in message


@pytest.mark.parametrize("disabled", ["purpose", "purpose.test-module"])
def test_tree_rules_can_be_turned_off(tmp_path: Path, disabled: str) -> None:
    found = findings(tmp_path, LIBRARY, disabled)
    assert rule(found, "tests/test_core.py", "purpose.test-module") == []
    assert rule(found, "tests/test_core.py", "testing.run") != []
    if disabled == "purpose":
        assert all(f[0].startswith("testing.") for fs in found.values() for f in fs)


def test_values_of_the_tree_stay_code_and_the_odd_cases_read_right(tmp_path: Path) -> None:
    files = {
        "docs/odd.md": "# Title with `code` in it\n",
        "__init__.py": "",
        "tools/__main__.py": "print('tools')\n",
        "setup.cfg": (
            "[options.entry_points]\nconsole_scripts =\n    pump = pump.cli:main [color]\n"
        ),
        "pump/__init__.py": "",
        "pump/cli.py": "def main():\n    return 0\n",
    }
    found = findings(tmp_path, files)
    # A backtick of the tree cannot turn the sentence's code inside out.
    assert rule(found, "docs/odd.md", "purpose.docs") == [
        "Documentation (Markdown) titled `Title with 'code' in it`"
    ]
    assert rule(found, "__init__.py", "purpose.package-init") == [
        "Initialiser of the tree's root package"
    ]
    # A folder that is no package still runs with -m by its dotted path.
    assert rule(found, "tools/__main__.py", "purpose.main-module") == [
        "Runs when the package is executed: `python -m tools`"
    ]
    # Extras of a setup.cfg entry point are not part of the function's name.
    (script,) = [f for f in found["pump/cli.py"] if f[0] == "purpose.console-script"]
    assert script[1] == 1 and script[2].endswith(": it runs `main`")


def test_pytest_toml_is_pytests_first_choice(tmp_path: Path) -> None:
    files = {
        "pyproject.toml": "[tool.pytest.ini_options]\naddopts = '-q'\n",
        "app/pytest.toml": "[pytest]\n",
        "app/tests/test_a.py": "def test_a():\n    pass\n",
    }
    assert _run_message(findings(tmp_path, files), "app/tests/test_a.py") == (
        "Run its test from `app/` with `python -m pytest tests/test_a.py` "
        "(pytest's configuration is `app/pytest.toml`)"
    )


def test_a_conftest_says_nothing_false_when_its_fixture_rule_is_off(tmp_path: Path) -> None:
    found = findings(tmp_path, LIBRARY, "purpose.fixture")
    (sentence,) = rule(found, "tests/conftest.py", "purpose.conftest")
    assert sentence == (
        "pytest reads it for every test in `tests/` and below: the hook `pytest_configure`"
    )


def test_poetry_scripts_as_strings_and_tables(tmp_path: Path) -> None:
    files = {
        "pyproject.toml": (
            '[tool.poetry.scripts]\npump = "pump.cli:main"\n'
            'prime = { reference = "pump.cli:prime" }\n'
            'setup = { reference = "scripts/setup.sh", type = "file" }\n'
        ),
        "pump/__init__.py": "",
        "pump/cli.py": "def main():\n    return 0\n\n\ndef prime():\n    return 1\n",
    }
    found = findings(tmp_path, files)
    scripts = [f[1:] for f in found["pump/cli.py"] if f[0] == "purpose.console-script"]
    assert [line for line, _ in scripts] == [1, 5]
    assert "the command `pump`" in scripts[0][1] and "the command `prime`" in scripts[1][1]
    assert all("setup" not in message for _, message in scripts)
