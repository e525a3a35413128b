"""The rules that read one file, plugged into extraction: each registered on the hook of
the event it needs, so they run while the file is parsed and their findings are cached
with its record."""

from __future__ import annotations

from xrefdoc.analyze.file_rules import file_findings
from xrefdoc.analyze.python_rules import python_findings
from xrefdoc.analyze.rules import unsilenced
from xrefdoc.analyze.treesitter_rules import treesitter_findings
from xrefdoc.extract.hooks import Hooks


def register_rules(hooks: Hooks) -> Hooks:
    """Register every per-file rule on ``hooks`` (again is harmless) and return them. Every
    rule runs, the ones the user turned off too: the cache keeps all findings and the
    settings filter them after, so turning a rule on again needs no parsing."""
    hooks.on_python_tree.register(python_findings)
    hooks.on_treesitter_tree.register(treesitter_findings)
    hooks.on_file.register(file_findings)
    # Silencing markers are honoured last, once for every rule of every language.
    hooks.on_findings.register(unsilenced)
    return hooks
