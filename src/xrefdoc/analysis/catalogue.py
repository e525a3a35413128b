"""Every analysis rule xrefdoc has, by id: what ``disable_rules`` may name."""

from __future__ import annotations

from xrefdoc.analysis.file_rules import FILE_RULES
from xrefdoc.analysis.purpose_rules import TREE_PURPOSE_RULES
from xrefdoc.analysis.python_rules import PYTHON_RULES
from xrefdoc.analysis.rules import Rule
from xrefdoc.analysis.testing_rules import TESTING_RULES

RULES: tuple[Rule, ...] = (*FILE_RULES, *TREE_PURPOSE_RULES, *PYTHON_RULES, *TESTING_RULES)
RULE_IDS = frozenset(rule.id for rule in RULES)
