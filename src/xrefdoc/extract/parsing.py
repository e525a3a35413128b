"""tree-sitter parses bounded in work: a parse that runs past a budget proportional to the
text is stopped, and the caller falls back to tokens."""

from __future__ import annotations

import tree_sitter as ts

# tree-sitter's error recovery can take time quadratic in the text: the C grammar spent 16 s
# on 8 KB of "&%&%...". Its parser reports progress every so many steps of work (the count
# depends only on the text): on the C headers, Python, JavaScript and C++ files we measured,
# at most 0.03 reports a byte. A parse is stopped past this many a byte, and a floor.
PARSE_WORK_PER_BYTE = 0.25
PARSE_WORK_FLOOR = 1000
_CHUNK = 1 << 16


def parse_bounded(parser: ts.Parser, source: bytes) -> ts.Tree | None:
    """The tree of ``source``, or None when parsing it would cost more than the budget."""
    budget = PARSE_WORK_FLOOR + int(PARSE_WORK_PER_BYTE * len(source))
    reports = 0

    def stop(*_: object) -> bool:
        nonlocal reports
        reports += 1
        return reports > budget

    def read(offset: int, _point: object) -> bytes:
        return source[offset : offset + _CHUNK]

    try:
        return parser.parse(read, progress_callback=stop)
    except ValueError:  # stopped
        parser.reset()  # a stopped parse would otherwise be resumed by the next one
        return None
