"""Highlighted sources as the cache keeps them: what a stored row may hold."""

from __future__ import annotations

import json
import zlib

from xrefdoc.highlight import SourceHTML, prepare_source


def stored(pieces: list[str], names: list[list[object]]) -> bytes:
    return zlib.compress(json.dumps([pieces, names, 0]).encode())


def test_a_highlighted_source_comes_back_from_its_bytes() -> None:
    source = prepare_source(
        "class Engine:\n    def run(self):\n        return 1\n", "python", 10_000
    )
    assert source.names and "Engine" in source.html()
    assert SourceHTML.from_bytes(source.to_bytes()) == source


def test_a_row_with_markup_of_its_own_is_refused() -> None:
    start, end = '<div class="highlight xref-source"><pre>', "</pre></div>"
    good = [start + '<span class="k">', "x", "</span>" + end]
    assert SourceHTML.from_bytes(stored(good, [["x", 1, 0]])) is not None
    planted = [start, "<img src=x onerror=alert(1)>", end]
    assert SourceHTML.from_bytes(stored(planted, [["x", 1, 0]])) is None
    attribute = [start + '<span class="k" onclick="alert(1)">', "x", "</span>" + end]
    assert SourceHTML.from_bytes(stored(attribute, [["x", 1, 0]])) is None
    unescaped = [start, "x", " a > b" + end]
    assert SourceHTML.from_bytes(stored(unescaped, [["x", 1, 0]])) is None
    # A tag is only ours when whole in one piece: halves in two pieces are refused.
    split = [start + '<span class="', "k", '">x</span>' + end]
    assert SourceHTML.from_bytes(stored(split, [["k", 1, 0]])) is None
    assert SourceHTML.from_bytes(stored([start, 7, end], [["x", 1, 0]])) is None  # type: ignore[list-item]
