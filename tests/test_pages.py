"""Page names and links: the relative paths between pages."""

from __future__ import annotations

import posixpath

from hypothesis import given
from hypothesis import strategies as st

from xrefdoc.pages import relative_path

_PART = st.text(alphabet="ab._-", min_size=1, max_size=3).filter(
    lambda part: part not in (".", "..")
)
_NAME = st.lists(_PART, min_size=1, max_size=4).map("/".join)


@given(target=_NAME, start=st.one_of(st.just("."), _NAME))
def test_relative_page_paths_are_posixpaths_relpath(target: str, start: str) -> None:
    assert relative_path(target, start) == posixpath.relpath(target, start)
