"""Highlighted sources as the cache keeps them: what a stored row may hold."""

from __future__ import annotations

import tomllib

import pytest
import zstandard
from pygments.styles import get_style_by_name
from pygments.token import STANDARD_TYPES, Token

from xrefdoc.site import highlight
from xrefdoc.site.highlight import NameLink, SourceHTML, prepare_source
from xrefdoc.sphinx.theme import DARK_STYLE, THEME_FOLDER


def stored(pieces: list[str], names: list[tuple[str, int, int]]) -> bytes:
    """A cache row holding these pieces and names, well-formed whatever they hold."""
    return SourceHTML(pieces, names).to_bytes()


def test_a_highlighted_source_comes_back_from_its_bytes() -> None:
    source = prepare_source(
        "class Engine:\n    def run(self):\n        return 1\n", "python", 10_000
    )
    assert source.names and "Engine" in source.html()
    assert SourceHTML.from_bytes(source.to_bytes()) == source


def test_a_row_with_markup_of_its_own_is_refused() -> None:
    start, end = '<div class="highlight xref-source"><ol>', "</ol></div>"
    good = [start + "<k->", "x", "</k->" + end]
    assert SourceHTML.from_bytes(stored(good, [("x", 1, 0)])) is not None
    planted = [start, "<img src=x onerror=alert(1)>", end]
    assert SourceHTML.from_bytes(stored(planted, [("x", 1, 0)])) is None
    attribute = [start + "<k- onclick=alert(1)>", "x", "</k->" + end]
    assert SourceHTML.from_bytes(stored(attribute, [("x", 1, 0)])) is None
    quoted = [start + '<i class="k" onclick="alert(1)">', "x", "</i>" + end]
    assert SourceHTML.from_bytes(stored(quoted, [("x", 1, 0)])) is None
    classed = [start + "<i class=k>", "x", "</i>" + end]  # not what the highlighter writes
    assert SourceHTML.from_bytes(stored(classed, [("x", 1, 0)])) is None
    unescaped = [start, "x", " a > b" + end]
    assert SourceHTML.from_bytes(stored(unescaped, [("x", 1, 0)])) is None
    # A tag is only ours when whole in one piece: halves in two pieces are refused.
    split = [start + "<span class=", "k", ">x</span>" + end]
    assert SourceHTML.from_bytes(stored(split, [("k", 1, 0)])) is None
    # Damaged rows: more names than name pieces, a row cut short, not a row at all.
    assert SourceHTML.from_bytes(stored(good, [("x", 1, 0), ("y", 1, 2)])) is None
    whole = zstandard.ZstdDecompressor().decompress(stored(good, [("x", 1, 0)]))
    for cut in (4, 14, 18, len(whole) - 3):
        assert SourceHTML.from_bytes(zstandard.ZstdCompressor().compress(whole[:cut])) is None
    assert SourceHTML.from_bytes(b"not a row") is None


def test_a_row_that_does_not_say_its_size_or_says_too_much_is_not_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    start, end = '<div class="highlight xref-source"><ol>', "</ol></div>"
    row = stored([start + "x = 1" + end], [])
    assert SourceHTML.from_bytes(row) is not None
    whole = zstandard.ZstdDecompressor().decompress(row)
    unsized = zstandard.ZstdCompressor(write_content_size=False).compress(whole)
    assert SourceHTML.from_bytes(unsized) is None
    # A row whose frame says it holds more than any source can (a decompression bomb).
    monkeypatch.setattr(highlight, "MAX_STORED_SIZE", len(whole) - 1)
    assert SourceHTML.from_bytes(row) is None


def test_a_nul_in_the_text_is_shown_and_stored_as_the_replacement_character() -> None:
    source = prepare_source("a = '\x00'\nb = a\n", "python", 10_000)
    assert "\x00" not in source.html() and "\ufffd" in source.html()
    assert SourceHTML.from_bytes(source.to_bytes()) == source
    assert [name for name, _, _ in source.names] == ["a", "b", "a"]


def test_a_line_too_long_for_the_lexer_is_shown_whole_and_the_lines_after_it_highlighted() -> None:
    junk = "&%" * 4_000  # Pygments' YAML lexer took 0.5 s on this line alone, 30 s on 64 KB
    source = prepare_source(f"first: 1\n{junk}\nlast_key: 2\n", "yaml", 1_000_000)
    html = source.html()
    assert junk.replace("&", "&amp;") in html, "the long line, whole, as text"
    assert "<nt->last_key</nt->" in html, "the next line highlighted as before"
    assert "id=L3>" in html and "id=L4>" not in html


def test_tokens_that_look_like_text_have_no_element_and_a_link_carries_its_token_class() -> None:
    source = prepare_source("def run(engine):\n    return engine.start()\n", "python", 10_000)
    html = source.html()
    # Punctuation, plain names and whitespace: no element; keywords and a function's name: one.
    assert html.splitlines()[1] == "<li id=L2>    <k->return</k-> engine<o->.</o->start()"
    assert "<nf->run</nf->" in html and "class=" not in html.split("<ol>")[1]

    def link_for(name: str, line: int, column: int) -> NameLink | None:
        if name == "run":
            return NameLink("a.py_docs.html#L1")
        if name == "start":
            return NameLink("keywords-s.html#kw-start", "start: 2 definitions", textual=True)
        return None

    linked = source.html(link_for)
    assert "<a class=nf href=a.py_docs.html#L1>run</a>" in linked
    assert (
        '<a class="xref-textual" href=keywords-s.html#kw-start '
        'title="start: 2 definitions">start</a>' in linked
    )


def test_the_classes_written_without_a_span_look_like_text_in_both_of_the_themes_styles() -> None:
    """Each class in ``PLAIN_CLASSES`` but whitespace has the text's own style in the light
    style the theme names and in its dark style; whitespace shows no colour."""
    light = tomllib.loads((THEME_FOLDER / "theme.toml").read_text("utf-8"))["theme"]
    for name in (light["pygments_style"]["default"], DARK_STYLE):
        style = get_style_by_name(name)
        text = style.style_for_token(Token.Text)
        token_types = {css: token for token, css in STANDARD_TYPES.items()}
        for css in sorted(highlight.PLAIN_CLASSES - {"w"}):
            assert style.style_for_token(token_types[css]) == text, (name, css)
    assert "w" in highlight.PLAIN_CLASSES, "the one class exempt from the check above"
