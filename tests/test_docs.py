"""The user guide tells the truth: every setting and option is documented, and the CI job
it ships runs as written."""

from __future__ import annotations

import argparse
import io
import shlex
from pathlib import Path

import yaml
from helpers import run_xrefdoc, write_tree
from sites import make_git_repository
from sphinx.application import Sphinx
from sphinx.util.docutils import docutils_namespace

from xrefdoc.analyze.catalogue import RULES
from xrefdoc.commands.cli import _parser

DOCS = Path(__file__).resolve().parent.parent / "docs"


def guide(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


def test_every_setting_of_the_extension_is_in_the_configuration_reference(
    tmp_path: Path,
) -> None:
    project = write_tree(
        tmp_path / "docs", {"conf.py": "extensions = ['xrefdoc.sphinx']\n", "index.md": "# X\n"}
    )
    # As sphinx-build does: docutils' registries are process-wide, keep this app's apart.
    with docutils_namespace():
        app = Sphinx(project, project, tmp_path / "out", tmp_path / "doctrees", "html",
                     status=io.StringIO(), warning=io.StringIO())  # fmt: skip
        settings = [value.name for value in app.config if value.name.startswith("xrefdoc_")]
    assert len(settings) >= 5
    reference = guide("configuration.md")
    for name in settings:
        assert f"| `{name}` |" in reference, f"{name} has no row in docs/configuration.md"


def test_every_analysis_rule_is_in_the_rules_reference() -> None:
    reference = guide("rules.md")
    assert len(RULES) >= 30
    for rule in RULES:
        assert f"| `{rule.id}` |" in reference, f"{rule.id} has no row in docs/rules.md"


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = _parser()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    raise AssertionError("no subcommands")


def test_every_command_and_option_is_in_the_guide() -> None:
    text = guide("cli.md") + guide("configuration.md")
    commands = _subcommands()
    assert {"build", "scan", "lookup", "check"} <= set(commands)
    for name, command in commands.items():
        assert f"## `xrefdoc {name} " in guide("cli.md"), f"{name} has no section"
        for action in command._actions:
            for option in action.option_strings:
                if option not in ("-h", "--help"):
                    assert f"`{option}" in text or f" {option}" in text, f"{name} {option}"


def test_the_ci_job_builds_and_checks_a_site_as_written(tmp_path: Path) -> None:
    job = yaml.safe_load(guide("ci/github-actions-docs.yml"))
    steps = job["jobs"]["docs"]["steps"]
    commands = [shlex.split(step["run"]) for step in steps if "run" in step]
    ours = [command for command in commands if command[0] == "xrefdoc"]
    assert [command[1] for command in ours] == ["build", "check"]
    assert "-W" in ours[0]
    uploaded = next(step for step in steps if "upload-artifact" in step.get("uses", ""))
    assert ours[0][ours[0].index("-o") + 1] == uploaded["with"]["path"] == ours[1][2]

    tree = write_tree(
        tmp_path / "repo",
        {"pkg/__init__.py": "", "pkg/core.py": "def run():\n    return 1\n", "README.md": "# R\n"},
    )
    make_git_repository(tree)
    for command in ours:
        completed = run_xrefdoc(command[1], *command[2:], cwd=tree)
        assert completed.returncode == 0, completed.stderr
    assert (tree / "_build/html/pkg/core.py_docs.html").is_file()
