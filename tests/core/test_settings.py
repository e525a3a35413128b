"""Settings are checked up front; core knows no rule, so the caller says which rule names
``disable_rules`` may hold."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from xrefdoc.analyze import rule_names
from xrefdoc.core.errors import ConfigError
from xrefdoc.core.settings import RuleNames, layered_settings, make_settings


def test_importing_the_settings_imports_no_later_stage() -> None:
    code = (
        "import sys, xrefdoc.core.settings\n"
        "print(sorted(m for m in sys.modules if m.startswith('xrefdoc.')"
        " and not m.startswith('xrefdoc.core')))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_disable_rules_holds_only_the_names_the_caller_knows(tmp_path: Path) -> None:
    known = RuleNames(frozenset({"security.eval"}), ("security", "testing"))
    settings = make_settings(
        tmp_path, disable_rules=["security.eval", "testing"], rule_names=lambda: known
    )
    assert settings.disable_rules == ("security.eval", "testing")
    with pytest.raises(ConfigError) as raised:
        make_settings(tmp_path, disable_rules=["security.shell"], rule_names=lambda: known)
    assert str(raised.value) == (
        "disable_rules: no rule or category 'security.shell' (categories: security, testing)"
    )
    with pytest.raises(ConfigError, match="no rule or category 'security'"):
        make_settings(tmp_path, disable_rules=["security"])  # no names given: none is known


def test_the_analyze_stages_rule_names_reach_the_settings_of_every_layer(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.xrefdoc]\ndisable_rules = ["pattern.async"]\n')
    settings = layered_settings(tmp_path, {}, {}, rule_names=rule_names)
    assert settings.disable_rules == ("pattern.async",)
    (tmp_path / "pyproject.toml").write_text('[tool.xrefdoc]\ndisable_rules = ["pattern.sync"]\n')
    with pytest.raises(ConfigError) as raised:
        layered_settings(tmp_path, {}, {}, rule_names=rule_names)
    assert str(raised.value) == (
        f"{tmp_path / 'pyproject.toml'} [tool.xrefdoc] disable_rules: no rule or category "
        "'pattern.sync' (categories: purpose, pattern, performance, security, testing)"
    )
