"""Highlighted source: one anchored line per source line, known names turned into links.

A file page is mostly its source, so the markup is kept lean: the lines are the items of a
list, ``<ol>``, each ``<li id=L7>`` with its text and newline and no end tag, which HTML
lets an item leave out before the next (its number is drawn by CSS, a counter in a
``::before``, and a click on it is handled by ``xrefdoc-lines.js``: a link to a line needs
no script, making one does; ``xrefdoc.css`` lays the list out as preformatted text, and a
copy of the lines is their text, as from a ``<pre>``), a token is an element named after
its Pygments class,
``<k->`` (a custom element, styled by Pygments' rules for its class, which
``with_token_elements`` extends to the element), neighbouring tokens of one class
share one, a name's link carries its token's class itself, and has a ``title`` only when it
is a textual match (the hover card says where an exact one leads). Tokens that look like
plain text in both the theme's styles (punctuation, plain names, whitespace:
``PLAIN_CLASSES``) have no element, and attributes that hold only letters and digits are
not quoted. On Sphinx's sources a page went from 6.6 to under 4 times its source's size,
and then its source's markup from 4.1 to 3.1 times its text (``bench/weight.py``); ``<i>``
for ``<span>`` took the highlighted source of Sphinx's 2,057 files from 49.3 to 41.4 MiB
and the whole site from 133.1 to 125.1 MiB (``bench/site_size.py``).

Lexing is the costly part of a page (Pygments, about 15 ms a file), and it depends only on
the file's content, its lexer and the source cap. So it is done once per content hash: the
site hands ``highlighted_source`` to the scan, which runs it in the extraction's worker
processes and keeps its bytes in the cache, a ``SourceHTML``: the HTML with every name token
held apart. Each build then adds the links its index knows, which costs a dictionary lookup
per name.
"""

from __future__ import annotations

import array
import functools
import re
import struct
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from html import escape

import zstandard
from pygments.token import STANDARD_TYPES, _TokenType

from xrefdoc.extract.tokens import is_name_token, lexed
from xrefdoc.site.names import attribute, line_anchor


@dataclass(frozen=True, slots=True)
class NameLink:
    """Where a name in the source leads, whether the link is a textual match (the name is
    the same; the definition meant is not known), and what hovering it says without a
    script: only a textual match has a ``title``, which says so. An exact link's target is
    its href, and the hover card tells more, so a title on each (a fifth of a page's bytes)
    would say it twice."""

    href: str
    title: str = ""
    textual: bool = False

    def wrap(self, piece: str) -> str:
        """A name's piece (``<nf->run</nf->``, or bare text for a plain name) as
        a link that carries the token's class: ``<a class=nf href="...">run</a>``."""
        css = ""
        if piece.startswith("<"):  # a styled token's element; text is escaped
            css, _, rest = piece[1:].partition("->")
            piece = rest[: -len(_close_tag(css))]
        href = attribute(self.href)
        if self.textual:
            classes = f"{css} xref-textual" if css else "xref-textual"
            return f'<a class="{classes}" href={href} title="{escape(self.title)}">{piece}</a>'
        if css:
            return f"<a class={css} href={href}>{piece}</a>"
        return f"<a href={href}>{piece}</a>"


def _open_tag(css: str) -> str:
    """A styled token's element, named after its Pygments class: ``<nf->`` (a custom
    element's name needs a hyphen)."""
    return f"<{css}->"


def _close_tag(css: str) -> str:
    return f"</{css}->"


_TOKEN_RULE = re.compile(r"^(?P<scope>[^{}\n]*\.highlight) \.(?P<css>[a-z][a-z0-9]*) \{", re.M)


def with_token_elements(css: str) -> str:
    """A Pygments stylesheet whose rules for a class (``.highlight .nf {``) style the
    class's element too (``.highlight .nf, .highlight nf- {``), each in its place, so the
    cascade is what it was; a rule already changed is left as it is."""
    return _TOKEN_RULE.sub(r"\g<scope> .\g<css>, \g<scope> \g<css>- {", css)


_NO_ANCHORS: Mapping[int, Sequence[str]] = {}

# (name, line, column in UTF-8 bytes) → the name's link, if it has one.
LinkFor = Callable[[str, int, int], NameLink | None]


@dataclass(frozen=True, slots=True)
class SourceHTML:
    """A file's highlighted source without links: ``pieces`` alternate between fixed HTML
    and the HTML of one name token (first and last are fixed), ``names`` holds (name, line,
    column) of each name piece; ``shown_lines`` is how many lines the cap left, or 0 when
    nothing was cut."""

    pieces: list[str]
    names: list[tuple[str, int, int]]
    shown_lines: int = 0

    def html(
        self, link_for: LinkFor | None = None, anchors: Mapping[int, Sequence[str]] = _NO_ANCHORS
    ) -> str:
        """The source's HTML with a link on each name ``link_for`` knows, and an empty
        ``<span id>`` at the start of each line ``anchors`` names (line → ids; symbols'
        anchors, ``site.names.symbol_anchors``): a cost on definition lines only."""
        if link_for is None or not self.names:
            text = "".join(self.pieces)
        else:
            pieces = self.pieces
            out = [pieces[0]]
            for position, (name, line, column) in enumerate(self.names):
                piece = pieces[2 * position + 1]
                link = link_for(name, line, column)
                out.append(piece if link is None else link.wrap(piece))
                out.append(pieces[2 * position + 2])
            text = "".join(out)
        return _with_anchors(text, anchors) if anchors else text

    def to_bytes(self) -> bytes:
        """The cut and the count of names, each name's line and column as arrays of 32-bit
        numbers, then the names and the pieces as text joined by NUL, which no piece holds
        (``prepare_source`` shows a NUL of the text as U+FFFD; a name's NUL is stored as one
        too). Read back with a split and two array copies, with nothing to decode or
        convert one value at a time."""
        names = (name.replace(_SEPARATOR, "\ufffd") for name, _, _ in self.names)
        names_bytes = _SEPARATOR.join(names).encode("utf-8", "surrogatepass")
        lines = array.array("I", [line for _, line, _ in self.names])
        columns = array.array("I", [column for _, _, column in self.names])
        header = _HEADER.pack(self.shown_lines, len(self.names), len(names_bytes))
        body = _SEPARATOR.join(self.pieces).encode("utf-8", "surrogatepass")
        data = header + lines.tobytes() + columns.tobytes() + names_bytes + body
        return _compressor().compress(data)

    @classmethod
    def from_bytes(cls, blob: bytes, check_markup: bool = True) -> SourceHTML | None:
        """The stored value, or None for anything that is not one (a damaged cache row).
        Its markup is checked (``_is_our_markup``) unless ``check_markup`` is False, for a
        row the same build wrote a moment ago: the check was 7% of writing a page."""
        try:
            size = zstandard.frame_content_size(blob)
            if not 0 <= size <= MAX_STORED_SIZE:  # unknown, or a planted "bomb"
                return None
            data = zstandard.ZstdDecompressor().decompress(blob)
            shown, count, names_size = _HEADER.unpack_from(data)
            lines, columns = array.array("I"), array.array("I")
            start = _HEADER.size
            lines.frombytes(data[start : start + 4 * count])
            columns.frombytes(data[start + 4 * count : start + 8 * count])
            start += 8 * count
            names_text = data[start : start + names_size].decode("utf-8", "surrogatepass")
            text = data[start + names_size :].decode("utf-8", "surrogatepass")
        except (ValueError, struct.error, zstandard.ZstdError):
            return None
        names = names_text.split(_SEPARATOR) if count else []
        if not (len(lines) == len(columns) == len(names) == count):
            return None
        if check_markup and not _is_our_markup(text):
            return None
        pieces = text.split(_SEPARATOR)
        if len(pieces) != 2 * count + 1:
            return None
        return cls(pieces, list(zip(names, lines, columns, strict=True)), shown)


def _with_anchors(text: str, anchors: Mapping[int, Sequence[str]]) -> str:
    """``text`` with ``<span id=...>`` after the start of each line of ``anchors`` that
    it shows, found in one pass from line to line (the lines come in order)."""
    out: list[str] = []
    position = 0
    for line in sorted(anchors):
        start = _line_start(line)
        found = text.find(start, position)
        if found < 0:
            continue  # past the cut: the page's note holds the line's anchor
        end = found + len(start)
        out.append(text[position:end])
        out += (f"<span id={attribute(anchor)}></span>" for anchor in anchors[line])
        position = end
    out.append(text[position:])
    return "".join(out)


# The head of a stored source: lines shown (0: all), names, bytes of the names' text.
_HEADER = struct.Struct("<III")
# No stored source is larger: the source cap is 512 KiB by default, and its HTML a few times
# that. A row that says it holds more is not read.
MAX_STORED_SIZE = 1 << 28


@functools.cache
def _compressor() -> zstandard.ZstdCompressor:
    """Level 1: on the sources of Sphinx, 8.1 times smaller, 0.13 s to write and 0.09 s to
    read back (zlib at level 1: 7.0 times, 0.40 s and 0.21 s)."""
    return zstandard.ZstdCompressor(level=1)


_SEPARATOR = "\x00"
# Any "<" that does not open a tag ``prepare_source`` writes (the text between tags is
# escaped, and none of these tags holds a "<" or ">" inside).
_FOREIGN_TAG = re.compile(
    r"<(?!/?[a-z][a-z0-9]*->|li id=L\d+>|"
    r'div class="highlight xref-source">|ol>|/ol>|/div>)'
)


def _is_our_markup(text: str) -> bool:
    """Whether stored pieces (joined by NUL) hold only markup ``prepare_source`` writes: the
    cache lives in the documented tree, and a planted row must not put its own HTML into
    the site. Every "<" must open one of our tags, and every ">" close one (each has
    exactly one of each); no tag holds a NUL, so a tag split between two pieces is not
    taken for one."""
    return _FOREIGN_TAG.search(text) is None and text.count("<") == text.count(">")


_NEEDS_ESCAPE = re.compile("[&<>\x00]")

# Pygments' classes of the tokens that look like plain text in both styles the theme ships
# (Pygments' "default" in the light, ``DARK_STYLE`` in the dark; tests/site/test_highlight.py
# checks them): punctuation and plain names have the text's own colour in both, and
# whitespace shows no colour at all. They were two-fifths of a page's tokens; they get no
# element.
# A project that sets another ``pygments_style`` sees these tokens in its text colour.
PLAIN_CLASSES = frozenset({"p", "n", "nx", "w"})


def _css_class(token_type: _TokenType) -> str:
    while token_type not in STANDARD_TYPES and token_type.parent is not None:
        token_type = token_type.parent
    return str(STANDARD_TYPES.get(token_type, ""))


# id(token type) → (opening tag, closing tag, is a name). Token types are module-level
# singletons that live as long as Pygments; keyed by id, since hashing one hashes the whole
# tuple it is, for every token of every file.
_STYLES: dict[int, tuple[str, str, bool]] = {}


def _token_style(token_type: _TokenType) -> tuple[str, str, bool]:
    css = _css_class(token_type)
    if css in PLAIN_CLASSES:
        css = ""
    style = (
        _open_tag(css) if css else "",
        _close_tag(css) if css else "",
        is_name_token(token_type),
    )
    _STYLES[id(token_type)] = style
    return style


def _escaped(text: str) -> str:
    """Text as HTML; a NUL (the pieces' separator in the cache) as U+FFFD, as browsers
    show it."""
    return escape(text, quote=False).replace(_SEPARATOR, "\ufffd")


def _line_start(number: int) -> str:
    return f"<li id={line_anchor(number)}>"


def cut_at_cap(text: str, cap: int) -> tuple[str, int]:
    """The text to show under a cap of ``cap`` UTF-8 bytes, ending at a whole line, and the
    number of lines kept (0 when the whole text fits)."""
    # A character is at least one byte: past ``cap`` characters the text is cut, and the
    # first ``cap`` of them hold the bytes kept. A huge file is not encoded whole.
    encoded = text[: cap + 1].encode("utf-8", "surrogatepass")
    if len(text) <= cap and len(encoded) <= cap:
        return text, 0
    kept = encoded[:cap].decode("utf-8", "ignore")
    kept = kept.rpartition("\n")[0] or kept
    return kept, kept.count("\n") + 1


def prepare_source(text: str, lexer_alias: str, cap: int) -> SourceHTML:
    """Lex ``text`` (cut at ``cap`` bytes) into a ``SourceHTML``: an ``L<n>`` anchor on every
    line and Pygments' CSS classes (styled by Sphinx's ``pygments.css``), one element for a
    run of tokens of one class (``collections.abc``, ``()):``) but a name, which may become
    a link.

    The loop runs once per token of every file of the tree, so it is written for speed:
    styles looked up by id, text escaped only where it needs it, and a token's lines before
    its last taken apart only when it has several (a third of the tokens); the last (most
    often the only) line of a token is handled inline."""
    text, shown = cut_at_cap(text, cap)
    tokens = lexed(text, lexer_alias) or lexed(text, "text")
    assert tokens is not None
    pieces: list[str] = []
    names: list[tuple[str, int, int]] = []
    fixed = ['<div class="highlight xref-source"><ol>', _line_start(1)]
    styles = _STYLES
    needs_escape = _NEEDS_ESCAPE.search
    number = 1
    column = 0
    line_empty = True
    # The opening tag of the styled piece that ends ``fixed``, whose element the next piece of
    # the same class joins; "" when ``fixed`` ends otherwise.
    last_open = ""
    for token_type, value in tokens:
        open_tag, close_tag, is_name = styles.get(id(token_type)) or _token_style(token_type)
        if "\n" in value:
            lines = value.split("\n")
            value = lines.pop()
            for line in lines:
                if line:
                    piece = open_tag + _escaped(line) + close_tag
                    if is_name:
                        pieces += ("".join(fixed), piece)
                        names.append((line, number, column))
                        fixed = []
                    elif open_tag and open_tag == last_open:
                        fixed[-1] = fixed[-1][: -len(close_tag)] + _escaped(line) + close_tag
                    else:
                        fixed.append(piece)
                number += 1
                column = 0
                # _line_start, written out: this runs once per line of the tree.
                fixed.append(f"\n<li id=L{number}>")
                last_open = ""
            line_empty = True
        if not value:
            continue
        line_empty = False
        start = column
        column += len(value) if value.isascii() else len(value.encode("utf-8"))
        piece = _escaped(value) if needs_escape(value) else value
        if is_name:
            pieces += ("".join(fixed), open_tag + piece + close_tag)
            names.append((value, number, start))
            fixed = []
            last_open = ""
        elif not open_tag:
            fixed.append(piece)
            last_open = ""
        elif open_tag == last_open:
            fixed[-1] = fixed[-1][: -len(close_tag)] + piece + close_tag
        else:
            fixed.append(open_tag + piece + close_tag)
            last_open = open_tag
    if len(fixed) == 2 and not pieces:
        fixed.pop()  # no text, no lines
    elif line_empty and number > 1:
        # Pygments ends the text with a newline: the line after it exists only when the
        # text had content there.
        fixed[-1] = "\n"
    else:
        fixed.append("\n")
    fixed.append("</ol></div>")
    pieces.append("".join(fixed))
    return SourceHTML(pieces, names, shown)


def highlighted_source(text: str, lexer_alias: str, cap: int) -> bytes:
    """``prepare_source`` as the bytes the cache keeps: what the site hands the scan to run
    beside extraction (``pipeline.scan``'s ``derive``)."""
    return prepare_source(text, lexer_alias, cap).to_bytes()
