"""Static analysis of the records: findings for the Patterns, Performance, Security & Safety
sections, from rules that read code and never import or run it."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from xrefdoc.core.settings import RuleNames


def rule_names() -> RuleNames:
    """What ``disable_rules`` may name (``catalogue.RULE_NAMES``), imported when a setting
    names rules: the rules import every extractor, which a build that finds nothing changed
    never runs (a tenth of a second of its second)."""
    from xrefdoc.analyze.catalogue import RULE_NAMES

    return RULE_NAMES
