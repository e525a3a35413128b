"""Findings in the languages read with tree-sitter: the security rules that apply to them,
as queries over the parse tree, so the word in a comment or a string is never a finding.

Only what the tree shows for certain: ``eval`` and ``new Function`` in JavaScript and
TypeScript, ``child_process.exec``; ``system`` and ``popen`` in C and C++; ``eval`` in
shell scripts; a Go ``exec.Command`` that starts a shell; Java's ``Runtime.exec``. Other
languages get no findings rather than guessed ones.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

import tree_sitter as ts

from xrefdoc.analyze.python_rules import EVAL, SHELL
from xrefdoc.analyze.rules import Rule
from xrefdoc.core.model import Finding


@dataclass(frozen=True, slots=True)
class _Check:
    """A query whose ``@finding`` node is reported by ``rule``; ``{name}`` in the message is
    the text of its ``@callee`` node."""

    rule: Rule
    query: str
    message: str


_JS_CHECKS = (
    _Check(
        EVAL,
        '(call_expression function: (identifier) @callee (#eq? @callee "eval")) @finding',
        "`eval()`{where} runs a computed string as code",
    ),
    _Check(
        EVAL,
        '(new_expression constructor: (identifier) @callee (#eq? @callee "Function")) @finding',
        "`new Function()`{where} builds code from a string",
    ),
    _Check(
        SHELL,
        "(call_expression function: (member_expression object: (identifier) @module "
        'property: (property_identifier) @callee) (#eq? @module "child_process") '
        '(#match? @callee "^(exec|execSync)$")) @finding',
        "`child_process.{name}()`{where} runs its command through a shell",
    ),
)
_C_CHECKS = (
    _Check(
        SHELL,
        '(call_expression function: (identifier) @callee (#match? @callee "^(system|popen)$"))'
        " @finding",
        "`{name}()`{where} runs its command through a shell",
    ),
)
CHECKS: dict[str, tuple[_Check, ...]] = {
    "javascript": _JS_CHECKS,
    "typescript": _JS_CHECKS,
    "tsx": _JS_CHECKS,
    "c": _C_CHECKS,
    "cpp": _C_CHECKS,
    "bash": (
        _Check(
            EVAL,
            '(command name: (command_name) @callee (#eq? @callee "eval")) @finding',
            "`eval`{where} runs a computed string as shell code",
        ),
    ),
    "go": (
        _Check(
            SHELL,
            "(call_expression function: (selector_expression operand: (identifier) @package "
            "field: (field_identifier) @callee) arguments: (argument_list . "
            '(interpreted_string_literal) @program) (#eq? @package "exec") '
            '(#eq? @callee "Command") (#match? @program "^\\"(/bin/)?(sh|bash)\\"$")) @finding',
            "`exec.Command` with a shell{where} runs its command through that shell",
        ),
    ),
    "java": (
        _Check(
            SHELL,
            "(method_invocation object: (method_invocation name: (identifier) @runtime) "
            'name: (identifier) @callee (#eq? @runtime "getRuntime") (#eq? @callee "exec"))'
            " @finding",
            "`Runtime.getRuntime().exec()`{where} runs a command",
        ),
    ),
}


@cache
def _queries(family: str, language: ts.Language) -> tuple[tuple[_Check, ts.Query], ...]:
    return tuple((check, ts.Query(language, check.query)) for check in CHECKS.get(family, ()))


def _text(node: ts.Node | None) -> str:
    return node.text.decode("utf-8", "replace") if node is not None and node.text else ""


def _function_name(node: ts.Node) -> str:
    """The name of the function or method around ``node`` (a C function's is inside its
    declarator), or "" at the top level or in an anonymous function."""
    parent = node.parent
    while parent is not None:
        if "function" in parent.type or "method" in parent.type:
            name = parent.child_by_field_name("name")
            declarator = parent.child_by_field_name("declarator")
            while name is None and declarator is not None:
                if declarator.type == "function_declarator":
                    name = declarator.child_by_field_name("declarator")
                declarator = declarator.child_by_field_name("declarator")
            if name is not None:
                return _text(name)
        parent = parent.parent
    return ""


def treesitter_findings(family: str, language: ts.Language, root: ts.Node) -> Iterator[Finding]:
    """The findings of the checks of ``family`` in a parsed file."""
    for check, query in _queries(family, language):
        for _, captures in ts.QueryCursor(query).matches(root):
            found = captures["finding"][0]
            function = _function_name(found)
            where = f" in `{function}`" if function else ""
            name = _text(captures["callee"][0]) if "callee" in captures else ""
            message = check.message.format(name=name, where=where)
            yield check.rule.at(found.start_point.row + 1, message)
