"""How the rules' sentences say things: counts, short lists, places, and values from the
tree as code. A message marks code with backticks (``message_parts`` splits at them), so
a value from the tree is given as ``code(value)``: a backtick in a file name or a heading
would otherwise turn the rest of the sentence inside out."""

from __future__ import annotations

from collections.abc import Iterable

SHOWN = 4


def code(value: str) -> str:
    """``value`` as code in a message, its own backticks (and line breaks) made harmless."""
    return "`" + " ".join(value.replace("`", "'").split()) + "`"


def plural(count: int, word: str, words: str = "") -> str:
    """``1 test``, ``3 tests``; ``words`` where the plural is not ``word + s``."""
    return f"{count} {word if count == 1 else words or word + 's'}"


def listed(values: Iterable[str], shown: int = SHOWN) -> str:
    """`a`, `b`, `c` and 3 more."""
    items = list(values)
    text = ", ".join(code(item) for item in items[:shown])
    return f"{text} and {len(items) - shown} more" if len(items) > shown else text


def place(folder: str) -> str:
    """A folder of the tree as the place something is run or read from."""
    return code(f"{folder}/") if folder else "the root of the tree"
