"""Every analysis rule xrefdoc has, by id: what ``disable_rules`` may name."""

from __future__ import annotations

from xrefdoc.analyze.file_rules import FILE_RULES
from xrefdoc.analyze.purpose_rules import TREE_PURPOSE_RULES
from xrefdoc.analyze.python_rules import PYTHON_RULES
from xrefdoc.analyze.rules import CATEGORIES, Rule
from xrefdoc.analyze.testing_rules import TESTING_RULES
from xrefdoc.core.settings import RuleNames

RULES: tuple[Rule, ...] = (*FILE_RULES, *TREE_PURPOSE_RULES, *PYTHON_RULES, *TESTING_RULES)
RULE_IDS = frozenset(rule.id for rule in RULES)
# What the settings check ``disable_rules`` against.
RULE_NAMES = RuleNames(RULE_IDS, CATEGORIES)
