"""The folder tree beside a file's pages: the path from the root, a window of at most
TREE_SHOWN neighbours around the file, its own entry marked, every name escaped."""

from __future__ import annotations

import re
from pathlib import Path

from helpers import index_tree

from xrefdoc.site.folder_tree import TREE_SHOWN, FolderTrees, tree_window
from xrefdoc.site.names import PageNames


def test_a_small_folder_is_shown_whole_with_the_file_marked(tmp_path: Path) -> None:
    index = index_tree(tmp_path, {"a/b/one.py": "", "a/b/two.py": "", "a/b/sub/x.py": ""})
    html = FolderTrees(index, PageNames(), "Tree").html("a/b/two.py")
    labels = re.findall(r">([^<>]+)</a>", html)
    assert labels == ["Tree", "a", "b", "sub/", "one.py", "two.py"]
    assert "<a class=xref-here aria-current=page href=two.py_docs.html>" in html
    assert "href=sub/index.html>" in html and "href=../../index.html>" in html
    # Its _kw page is not the page that entry links to: the reader is there, not on it.
    kw = FolderTrees(index, PageNames(), "Tree").html("a/b/two.py", "kw")
    assert "aria-current=location href=two.py_docs.html>" in kw


def test_a_big_folder_shows_a_window_around_the_file(tmp_path: Path) -> None:
    files = {f"big/f{n:03}.py": "" for n in range(100)}
    index = index_tree(tmp_path, files)
    shown, before, after = tree_window(index, "big/f050.py")
    assert len(shown) == TREE_SHOWN and before + after == 100 - TREE_SHOWN
    assert shown[0] == f"big/f{before:03}.py" and "big/f050.py" in shown
    assert tree_window(index, "big/f000.py")[1:] == (0, 100 - TREE_SHOWN)
    assert tree_window(index, "big/f099.py")[1:] == (100 - TREE_SHOWN, 0)
    html = FolderTrees(index, PageNames(), "T").html("big/f050.py")
    assert f"{before} more before" in html and f"{after} more after" in html
    assert len(re.findall(r"<li><a [^>]*href=f\d+\.py_docs\.html>", html)) == TREE_SHOWN


def test_hostile_names_are_escaped(tmp_path: Path) -> None:
    name = 'x<script>alert("a")</script>&.py'
    index = index_tree(tmp_path, {f"d/{name}": "", "d/ok.py": ""})
    html = FolderTrees(index, PageNames(), "<T>").html("d/ok.py")
    assert "<script>" not in html and "&lt;script&gt;" in html and "&lt;T&gt;" in html
