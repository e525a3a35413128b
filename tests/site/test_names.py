"""Page names and links: the relative paths between pages."""

from __future__ import annotations

import posixpath
import re

from hypothesis import given
from hypothesis import strategies as st

from xrefdoc.core.model import Symbol, SymbolKind
from xrefdoc.site.names import keyword_anchor, relative_path, symbol_anchors

_PART = st.text(alphabet="ab._-", min_size=1, max_size=3).filter(
    lambda part: part not in (".", "..")
)
_NAME = st.lists(_PART, min_size=1, max_size=4).map("/".join)


@given(target=_NAME, start=st.one_of(st.just("."), _NAME))
def test_relative_page_paths_are_posixpaths_relpath(target: str, start: str) -> None:
    assert relative_path(target, start) == posixpath.relpath(target, start)


@given(st.text(max_size=30))
def test_anchors_replace_every_unsafe_character_by_its_code(text: str) -> None:
    expected = re.sub(r"[^A-Za-z0-9_.]", lambda match: f"-{ord(match.group()):x}-", text)
    assert keyword_anchor(text) == "kw-" + expected


def test_symbol_anchors_name_the_symbol_and_tell_redefinitions_apart() -> None:
    symbols = [
        Symbol("Group", SymbolKind.CLASS, 10, 40),
        Symbol("invoke", SymbolKind.METHOD, 20, 30, parent="Group"),
        Symbol("value", SymbolKind.METHOD, 32, 34, parent="Group"),
        Symbol("value", SymbolKind.METHOD, 36, 38, parent="Group"),
    ]
    anchors = symbol_anchors(reversed(symbols))
    assert anchors == {
        ("Group", 10): "sym-Group",
        ("Group.invoke", 20): "sym-Group.invoke",
        ("Group.value", 32): "sym-Group.value",
        ("Group.value", 36): "sym-Group.value~2",
    }
