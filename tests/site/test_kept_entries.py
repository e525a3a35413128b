"""A letter page rendered again renders only the entries whose keyword changed; the others
come as the last build rendered them (``site.kept_entries``), and the site is the same
bytes as a build from scratch."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from helpers import whole_site, write_tree
from markupsafe import Markup
from sites import hrefs, main_body, page_text

from xrefdoc.commands.cli import main
from xrefdoc.site import keyword_views, render
from xrefdoc.site.kept_entries import KeptEntries
from xrefdoc.sphinx.work_files import ENTRIES_FOLDER

FILES = {
    "pkg/__init__.py": "",
    "pkg/core.py": "class Engine:\n    def run(self):\n        return 1\n",
    "pkg/util.py": "from pkg.core import Engine\n\n\ndef start():\n    return Engine().run()\n",
    "pkg/radio.py": "def receiver():\n    return 2\n",
}


def build(tree: Path, output: Path, *extra: str) -> int:
    return main(["build", str(tree), "-o", str(output), "-q", *extra])


def counting_entries(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The keywords whose letter-page entries are made from now on (their views: by the
    page's own view, or one at a time for the entries not kept)."""
    made: list[str] = []
    real_entry = keyword_views.keyword_entry

    def counted(site: Any, page: str, name: str, limit: bool) -> Any:
        if limit:  # a letter page's, not a keyword's own page's
            made.append(name)
        return real_entry(site, page, name, limit)

    monkeypatch.setattr(render, "keyword_entry", counted)
    monkeypatch.setattr(keyword_views, "keyword_entry", counted)
    return made


def built(tmp_path: Path, *extra: str) -> tuple[Path, Path]:
    """``FILES`` written under ``tmp_path`` and built: the tree and the site."""
    tree = write_tree(tmp_path / "tree", FILES)
    output = tmp_path / "out"
    assert build(tree, output, *extra) == 0
    return tree, output


def add_runner(tree: Path) -> None:
    """A new name on the letter page of run and receiver, whose entries do not change."""
    with (tree / "pkg/core.py").open("a", encoding="utf-8") as out:
        out.write("\n\ndef runner_added():\n    return 3\n")


def assert_as_from_scratch(tree: Path, output: Path, scratch: Path) -> None:
    assert build(tree, scratch, "--cache-dir", str(scratch.parent / "scratch-cache")) == 0
    rebuilt, clean = whole_site(output), whole_site(scratch)
    assert [page for page in clean if rebuilt.get(page) != clean[page]] == []


def test_a_letter_page_rendered_again_makes_only_the_entries_that_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree, output = built(tmp_path)
    made = counting_entries(monkeypatch)
    add_runner(tree)
    assert build(tree, output) == 0
    assert made == ["runner_added"]
    letter = main_body(page_text(output / "keywords-r.html"))
    assert "runner_added" in letter and "receiver" in letter and "pkg/util.py" in letter
    assert_as_from_scratch(tree, output, tmp_path / "scratch1")

    # A line added above util.py's uses moves them: run's entry (a use in it) is made
    # again, receiver's and runner_added's are not.
    made.clear()
    (tree / "pkg/util.py").write_text("# Helpers.\n" + FILES["pkg/util.py"], encoding="utf-8")
    assert build(tree, output) == 0
    assert "run" in made and "Engine" in made
    assert "receiver" not in made and "runner_added" not in made
    assert "pkg/util.py_docs.html#L6" in hrefs(main_body(page_text(output / "keywords-r.html")))
    assert_as_from_scratch(tree, output, tmp_path / "scratch2")


def test_a_damaged_file_of_kept_entries_makes_them_all_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree, output = built(tmp_path)
    (kept,) = [path for path in tmp_path.rglob(ENTRIES_FOLDER) if path.is_dir()]
    letter_r = kept / "keywords-r.pickle"
    assert letter_r.is_file()
    letter_r.write_bytes(b"not a pickle")
    made = counting_entries(monkeypatch)
    add_runner(tree)
    assert build(tree, output) == 0
    assert sorted(made) == ["receiver", "run", "runner_added"]
    assert_as_from_scratch(tree, output, tmp_path / "scratch")


def test_a_templates_folder_renders_letter_pages_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A letter page of the user's may show any field of an entry: none is kept."""
    templates = write_tree(
        tmp_path / "templates",
        {
            "keywords_letter.md": '{% extends "!keywords_letter.md" %}\n'
            "{% block crumbs %}{{ super() }} · {{ entries|length }} entries{% endblock %}\n"
        },
    )
    tree, output = built(tmp_path, "--templates", str(templates))
    assert "· 2 entries" in page_text(output / "keywords-r.html")
    made = counting_entries(monkeypatch)
    add_runner(tree)
    assert build(tree, output, "--templates", str(templates)) == 0
    assert sorted(made) == ["receiver", "run", "runner_added"]
    assert "· 3 entries" in page_text(output / "keywords-r.html")
    assert not [path for path in tmp_path.rglob(ENTRIES_FOLDER) if any(path.iterdir())]


def test_letter_pages_are_the_same_bytes_made_whole_or_from_kept_entries(tmp_path: Path) -> None:
    """An empty templates folder renders each letter page whole, through ``letter_body``'s
    loop over the entries' views; without one, the entries come one at a time through
    ``entry``, and the pages are the same."""
    tree = write_tree(tmp_path / "tree", FILES)
    whole, kept = tmp_path / "whole", tmp_path / "kept"
    (tmp_path / "templates").mkdir()
    assert build(tree, whole, "--templates", str(tmp_path / "templates")) == 0
    assert build(tree, kept) == 0
    letters = sorted(path.name for path in kept.glob("keywords-*.html"))
    assert "keywords-r.html" in letters
    for name in letters:
        assert (whole / name).read_bytes() == (kept / name).read_bytes(), name


def markup_of(name: str) -> Markup:
    return Markup(f"<dt>{name}</dt>")


def test_kept_entries_are_taken_only_with_the_facts_and_settings_they_were_made_with(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "entries"
    keywords = {"run": b"k1", "runner": b"k2", "receiver": b"k3"}
    uses = {"run": b"u1", "runner": b"u2"}  # receiver has no use digest: never kept
    made: list[str] = []

    def make(name: str) -> Markup:
        made.append(name)
        return markup_of(name)

    first = KeptEntries(folder, "settings-1", keywords, uses)
    names = ["receiver", "run", "runner"]
    assert first.entries("keywords-r", names, make) == [markup_of(n) for n in names]
    assert made == names

    made.clear()
    again = KeptEntries(folder, "settings-1", {**keywords, "runner": b"k2-moved"}, uses)
    shown = again.entries("keywords-r", names, make)
    assert made == ["receiver", "runner"]
    assert shown == [markup_of(n) for n in names] and all(isinstance(h, Markup) for h in shown)

    made.clear()
    other = KeptEntries(folder, "settings-2", {**keywords, "runner": b"k2-moved"}, uses)
    other.entries("keywords-r", names, make)
    assert made == names, "a page of other settings keeps nothing"


def test_the_entries_of_letter_pages_no_longer_in_the_site_are_deleted(tmp_path: Path) -> None:
    folder = tmp_path / "entries"
    kept = KeptEntries(folder, "s", {"a": b"k", "b": b"k"}, {"a": b"u", "b": b"u"})
    kept.entries("keywords-a", ["a"], markup_of)
    kept.entries("keywords-b", ["b"], markup_of)
    kept.forget_others(["keywords-a"])
    assert sorted(path.name for path in folder.iterdir()) == ["keywords-a.pickle"]
