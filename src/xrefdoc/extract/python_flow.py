"""What a name is bound to at each point of a Python scope: the bindings on the paths that
reach a statement, joined where branches meet.

A scope's statements are read in order, so a use sees what ran before it: an import in an
``if`` further down binds nothing yet, and after ``if``/``else`` a name means what either
branch bound it to. A branch that ends in ``return`` or ``raise`` (or ``continue`` and
``break`` inside its loop) does not reach the statement after it. This is the part of a type
checker's narrowing that bindings need; conditions are not read.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Binding:
    """What a bound name stands for: candidate targets, or none for a plain local value.
    ``reported`` is false for a value whose type is known (``self``, ``e = Engine()``, a
    parameter ``ctx: Context``): it leads to its type's members, but a use of it is not a
    use of the type."""

    targets: tuple[str, ...] = ()
    reported: bool = True


LOCAL = Binding()

# The prefix of targets of Python's own types (``builtins.str()``): nothing of the tree.
BUILTINS = "builtins."

# Name → its binding on the paths read so far.
FlowState = dict[str, Binding]


def _all_builtin(targets: tuple[str, ...]) -> bool:
    return all(target.startswith(BUILTINS) for target in targets)


def _merge(one: Binding, other: Binding) -> Binding:
    """A name bound to ``one`` on some paths and ``other`` on the rest. A value of unknown
    type (``None`` too: ``x = None`` then ``x = Engine()``) beside one of a type of the
    tree is of that type; beside an import, a definition or a value of Python's own type
    (``""``) it may be anything, so it is unknown."""
    if one == other:
        return one
    if not one.targets or not other.targets:
        known = one if one.targets else other
        return LOCAL if known.reported or _all_builtin(known.targets) else known
    targets = tuple(dict.fromkeys(one.targets + other.targets))
    if not _all_builtin(targets):  # ``""`` beside an Engine: what an Engine has
        targets = tuple(target for target in targets if not target.startswith(BUILTINS))
    return Binding(targets, one.reported and other.reported)


def join_states(states: list[FlowState]) -> FlowState:
    """The bindings after branches that ended in ``states`` meet; a name bound on only some
    of them keeps that binding (on the others a use would fail)."""
    joined = dict(states[0])
    for state in states[1:]:
        for name, binding in state.items():
            mine = joined.get(name)
            joined[name] = binding if mine is None else _merge(mine, binding)
    return joined


def ends_abruptly(body: list[ast.stmt], loop: bool = False) -> bool:
    """Whether ``body`` never reaches the statement after it: it ends in ``return`` or
    ``raise``, or, unless it is a loop's own body, ``continue`` or ``break``."""
    if not body:
        return False
    last = body[-1]
    if isinstance(last, (ast.Return, ast.Raise)):
        return True
    return not loop and isinstance(last, (ast.Continue, ast.Break))
