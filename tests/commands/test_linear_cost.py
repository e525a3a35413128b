"""The cost of extracting and highlighting a file grows linearly with its size, whatever
its content (issue 19, defect 6): long words, long runs of one character, long lines,
deep nesting, many tokens, unclosed quotes and brackets.

Cost is measured as a ratio between two sizes of the same shape, never against a wall-clock
limit: each shape is grown until extracting it takes a few milliseconds (so fixed costs do
not dominate), then timed at that size and at eight times it, best of two. Linear cost
gives a ratio near 8; a quadratic one near 64. The bound, 20, leaves room for a noisy,
shared machine.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

import pytest
from helpers import RULES
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from xrefdoc.extract.file_record import extract_bytes
from xrefdoc.extract.tokens import lexed
from xrefdoc.site.highlight import prepare_source

GROWTH = 8
BOUND = GROWTH * 2.5
START_SIZE = 1_000
MAX_SIZE = 32_000
ENOUGH_SECONDS = 0.002  # the smaller size is timed once it costs this much


def _repeat(unit: str, size: int) -> str:
    return unit * max(1, size // len(unit))


def _runs(unit: str) -> Callable[[int], str]:
    return lambda size: _repeat(unit, size)


def _nested(opening: str, closing: str) -> Callable[[int], str]:
    return lambda size: _repeat(opening, size // 2) + _repeat(closing, size // 2)


# Shapes that any kind of file may hold: each makes about ``size`` characters.
SHAPES: dict[str, Callable[[int], str]] = {
    "long word": _runs("a"),
    "long dotted word": _runs("a."),
    "long scheme-like word": _runs("a+"),
    "spaces inside a line": lambda size: "a" + _repeat(" ", size) + "b",
    "leading spaces": lambda size: _repeat(" ", size) + "x",
    "a name then blank lines": lambda size: "a" + _repeat("\n", size) + "b",
    "a name then indented blank lines": lambda size: "a" + _repeat("\t \n", size) + "b",
    "underline": lambda size: _repeat("a ", size // 2) + "\n" + _repeat("=", size // 2) + "\n",
    "unclosed parentheses": _runs("("),
    "punctuation pairs": _runs("&%"),  # tree-sitter's error recovery on C: quadratic
    "nested brackets": _nested("[", "]"),
    "unclosed double quotes": _runs('"a '),
    "long line of statements": _runs("x = 1; "),
    "many names on a line": lambda size: " ".join(f"n_{i}" for i in range(size // 6)),
    "many lines": _runs("a = b\n"),
}

# Shapes aimed at the patterns and parsers of one kind of file.
SHAPES_OF_KIND: dict[str, dict[str, Callable[[int], str]]] = {
    "Python": {
        "long SQL in a call": lambda size: "c.execute(f'" + _repeat("SELECT ", size) + "{x}')\n",
        "unclosed format fields": lambda size: "x = '" + _repeat("{a[", size) + "'\n",
        "silencing markers": lambda size: "eval(x)  # " + _repeat("xrefdoc: ignore[", size),
        "stars": _runs("*"),
        "unclosed braces": _runs("{"),
    },
    "C": {
        "macro calls left open": _runs("FOO_BAR(\n"),
        "nested macro calls": _nested("FOO_BAR(\n", ")\n"),
        "a macro then spaces": lambda size: "FOO_BAR" + _repeat(" ", size) + "x\n",
        "a macro call then spaces": lambda size: "FOO_BAR(x)" + _repeat(" ", size) + "y\n",
        "kernel launch openers": _runs("<<<"),
        "macros on a long line": _runs("A_B x "),
        "quotes in macro calls": _runs("FOO_BAR('\n"),
    },
    "JavaScript": {
        "unclosed braces": _runs("{"),
        "unclosed template strings": _runs("`a ${"),
    },
    "Markdown": {
        "C code block of blank lines": lambda size: "```c\na" + _repeat("\n", size) + "b\n```\n",
        "unclosed backticks": _runs("`a "),
        "unclosed links": _runs("[a]("),
        "nested quotes": lambda size: _repeat("> ", size) + "a",
        "long heading": lambda size: "# " + _repeat("a ", size) + "\n",
        "escaped names": _runs("a\\_b "),
        "names on many lines": lambda size: "\n".join(f"n_{i}" for i in range(size // 6)),
        "unclosed angle brackets": _runs("<a "),
        "emphasis": _runs("*a _b "),
    },
    "reST": {
        "unclosed double backticks": _runs("``a "),
        "many inline literals": _runs("``a`` "),
        "code directive then spaces": lambda size: ".. code:: " + _repeat(" ", size) + "x y\n",
        "adornment then text": lambda size: "a\n" + _repeat("=", size) + "x\n",
        "a literal block": lambda size: (
            ".. highlight:: python\n\nx::\n\n" + _repeat("    a_b\n", size)
        ),
    },
    "TOML": {
        "unclosed table header": lambda size: "[" + _repeat(" ", size) + "\n",
        "table name then spaces": lambda size: "[a" + _repeat(" ", size) + "b\n",
        "long dotted key": _runs("a."),
    },
    "YAML": {"unclosed quoted key": lambda size: '"' + _repeat("a", size) + "\n"},
    "JSON": {"escapes in a key": lambda size: '"' + _repeat("\\a", size) + "\n"},
    "plain text": {"URLs": _runs("a://b "), "long URL": lambda size: "a://" + _repeat("b", size)},
}

# A file of each kind the extractor dispatches on: the name decides the language.
FILE_NAMES = {
    "Python": "f.py",
    "C": "f.c",
    "C++": "f.cpp",
    "JavaScript": "f.js",
    "Markdown": "f.md",
    "reST": "f.rst",
    "TOML": "f.toml",
    "YAML": "f.yaml",
    "JSON": "f.json",
    "plain text": "f.txt",
}
# Kinds that share their extractor with another (C++ with C, YAML and JSON with TOML) get
# only their own shapes, and the random units below.
KINDS_FOR_ALL_SHAPES = ("Python", "C", "JavaScript", "Markdown", "reST", "TOML", "plain text")
EXTRACTION_CASES = [(kind, shape) for kind in KINDS_FOR_ALL_SHAPES for shape in SHAPES] + [
    (kind, shape) for kind, shapes in SHAPES_OF_KIND.items() for shape in shapes
]

# The lexers highlighting uses for those kinds, and the shapes they are fed.
LEXERS = ("python", "c", "javascript", "markdown", "rst", "yaml")
HIGHLIGHTED_SHAPES = (
    "spaces inside a line",
    "a name then blank lines",
    "a name then indented blank lines",
    "punctuation pairs",
    "unclosed double quotes",
    "many names on a line",
)


HIGHLIGHT_CASES = [(lexer, shape) for lexer in LEXERS for shape in HIGHLIGHTED_SHAPES]


def _shape(kind: str, shape: str) -> Callable[[int], str]:
    return SHAPES_OF_KIND.get(kind, {}).get(shape) or SHAPES[shape]


def _cost(run: Callable[[str], object], text: str, repeats: int = 2) -> float:
    """The best of ``repeats`` timings of ``run(text)``, each from a cold lexer cache, with
    the garbage collector paused as the worker processes pause it."""
    best = float("inf")
    for _ in range(repeats):
        lexed.cache_clear()
        gc.disable()
        try:
            start = time.perf_counter()
            run(text)
            best = min(best, time.perf_counter() - start)
        finally:
            gc.enable()
    return best


def growth_ratio(run: Callable[[str], object], make: Callable[[int], str]) -> float:
    """How much more ``run`` costs on a text ``GROWTH`` times larger, from a size where it
    costs at least ``ENOUGH_SECONDS``, best of two; measured again (best of five) when the ratio
    is out of bounds, in case another process took the processor."""
    gc.collect()
    size = START_SIZE
    while size < MAX_SIZE and _cost(run, make(size), repeats=1) < ENOUGH_SECONDS:
        size *= 2
    small, large = make(size), make(size * GROWTH)
    ratio = _cost(run, large) / _cost(run, small)
    if ratio >= BOUND:
        ratio = _cost(run, large, 5) / _cost(run, small, 5)
    return ratio


def _extractor(name: str) -> Callable[[str], object]:
    return lambda text: extract_bytes(name, text.encode("utf-8"), "0" * 64, RULES)


def _highlighter(lexer: str) -> Callable[[str], object]:
    return lambda text: prepare_source(text, lexer, 1 << 30)


@pytest.mark.parametrize(("kind", "shape"), EXTRACTION_CASES)
def test_extraction_cost_is_linear(kind: str, shape: str) -> None:
    ratio = growth_ratio(_extractor(FILE_NAMES[kind]), _shape(kind, shape))
    assert ratio < BOUND, f"{kind}, {shape}: {GROWTH}x the size cost {ratio:.1f}x the time"


@pytest.mark.parametrize(("lexer", "shape"), HIGHLIGHT_CASES)
def test_highlighting_cost_is_linear(lexer: str, shape: str) -> None:
    ratio = growth_ratio(_highlighter(lexer), SHAPES[shape])
    assert ratio < BOUND, f"{lexer}, {shape}: {GROWTH}x the size cost {ratio:.1f}x the time"


# Characters that open, close or repeat in the syntax of some language we read.
_RISKY = " \t\n#*_-=`[](){}<>\"'\\:;.,/!|~+&%$@a1A"


@settings(
    derandomize=True,
    database=None,
    max_examples=12,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],  # shrinking would time each smaller case again
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    unit=st.text(alphabet=_RISKY, min_size=1, max_size=4),
    kind=st.sampled_from(sorted(FILE_NAMES)),
)
def test_any_repeated_unit_costs_linear_time(unit: str, kind: str) -> None:
    """Any short unit, repeated: the shapes nobody thought of."""
    ratio = growth_ratio(_extractor(FILE_NAMES[kind]), _runs(unit))
    assert ratio < BOUND, f"{kind}, {unit!r} repeated: {GROWTH}x the size cost {ratio:.1f}x"
