"""Markdown, reStructuredText and data files, through extract_file on files written to disk."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import extract_one, index_tree

# --- Markdown ------------------------------------------------------------------------------

MARKDOWN = """\
# Project title

Intro paragraph.

## Install

Run it.

### Details

Text.

## Usage

Setext title
============

More.
"""


def test_markdown_headings_with_levels_and_lines(tmp_path: Path) -> None:
    record = extract_one(tmp_path, "README.md", MARKDOWN)
    assert record.language == "Markdown"
    assert [(h.level, h.text, h.line) for h in record.headings] == [
        (1, "Project title", 1),
        (2, "Install", 5),
        (3, "Details", 9),
        (2, "Usage", 13),
        (1, "Setext title", 15),
    ]


def test_markdown_heading_symbols_run_to_the_next_heading_of_same_or_higher_rank(
    tmp_path: Path,
) -> None:
    record = extract_one(tmp_path, "README.md", MARKDOWN)
    spans = [(s.name, s.kind, s.line, s.end_line) for s in record.symbols]
    assert spans[:4] == [
        ("Project title", "heading", 1, 14),  # up to the next level-1 title
        ("Install", "heading", 5, 12),  # past its level-3 child, up to "## Usage"
        ("Details", "heading", 9, 12),
        ("Usage", "heading", 13, 14),
    ]


PROSE = """\
# Using `load_config`

The API WILL change. If You call load_config with a dotted name like os.path or
xrefdoc.walk.tree, and getValue or parseHTTPHeader, see `a.b` and `x` too.
You can read MAX_RETRIES_3 but e.g. and i.e. are prose; HTTP is an acronym.
Links are skipped: https://example.com/some_path/file_name.html
"""


def prose_words(tmp_path: Path) -> dict[str, set[int]]:
    record = extract_one(tmp_path, "guide.md", PROSE)
    found: dict[str, set[int]] = {}
    for ref in record.references:
        found.setdefault(ref.name, set()).add(ref.line)
    return found


def test_markdown_keeps_identifier_like_words_with_their_lines(tmp_path: Path) -> None:
    words = prose_words(tmp_path)
    assert words["load_config"] == {1, 3}  # inline code in the heading, then prose
    assert words["os.path"] == {3}
    assert words["xrefdoc.walk.tree"] == {4}
    assert words["getValue"] == {4}
    assert words["parseHTTPHeader"] == {4}
    assert words["MAX_RETRIES_3"] == {5}
    # Inline code is code: every name in it counts, however short.
    assert words["a.b"] == {4}
    assert words["x"] == {4}


@pytest.mark.parametrize(
    "word", ["The", "If", "You", "API", "WILL", "HTTP", "e.g", "i.e", "see", "like", "change"]
)
def test_markdown_drops_plain_prose_words(tmp_path: Path, word: str) -> None:
    assert word not in prose_words(tmp_path)


def test_markdown_skips_urls(tmp_path: Path) -> None:
    words = prose_words(tmp_path)
    assert not any("some_path" in name or "file_name" in name for name in words)


def test_markdown_references_are_textual(tmp_path: Path) -> None:
    record = extract_one(tmp_path, "guide.md", PROSE)
    assert record.references
    assert not any(ref.exact for ref in record.references)


FENCES = """\
Text before.

```python
result = compute_total(items)
for item in items:
    print(item.price)
```

    indented_block = 1

```nosuchlanguage
plain words and some_identifier
```
"""


def test_markdown_code_fences_are_lexed_by_their_language(tmp_path: Path) -> None:
    record = extract_one(tmp_path, "fences.md", FENCES)
    refs = {(ref.name, ref.line) for ref in record.references}
    # The fence opens on line 3, so its first code line is line 4.
    assert {("result", 4), ("compute_total", 4), ("items", 4), ("item", 5), ("print", 6)} <= refs
    # Python keywords are not names.
    names = {name for name, _ in refs}
    assert not names & {"for", "in", "python"}
    # An indented code block and a fence in an unknown language fall back to the prose rule.
    assert ("indented_block", 9) in refs
    assert ("some_identifier", 12) in refs
    assert "plain" not in names
    assert "words" not in names


def test_markdown_reference_lines_after_a_code_span_that_wraps(tmp_path: Path) -> None:
    text = "Some `first_part\nsecond_part` text\nthen snake_case here\n"
    record = extract_one(tmp_path, "wrap.md", text)
    lines = {ref.name: ref.line for ref in record.references}
    assert lines["snake_case"] == 3


# --- reStructuredText ----------------------------------------------------------------------

RST = """\
==========
Main Title
==========

Intro with ``load_config()`` and snake_case, The API.

Section One
-----------

Text.

Deeper
~~~~~~

Section Two
-----------

Done.
"""


def test_rst_titles_levels_follow_first_use_of_each_adornment(tmp_path: Path) -> None:
    record = extract_one(tmp_path, "docs/index.rst", RST)
    assert record.language == "reStructuredText"
    assert [(h.level, h.text, h.line) for h in record.headings] == [
        (1, "Main Title", 2),
        (2, "Section One", 7),
        (3, "Deeper", 12),
        (2, "Section Two", 15),
    ]
    spans = [(s.name, s.kind, s.line, s.end_line) for s in record.symbols]
    assert spans[1:3] == [("Section One", "heading", 7, 14), ("Deeper", "heading", 12, 14)]


def test_rst_overline_and_underline_only_are_different_levels(tmp_path: Path) -> None:
    text = "Part\n====\n\n=======\nChapter\n=======\n\nOther\n=====\n"
    record = extract_one(tmp_path, "a.rst", text)
    assert [(h.level, h.text, h.line) for h in record.headings] == [
        (1, "Part", 1),
        (2, "Chapter", 5),
        (1, "Other", 8),
    ]


def test_rst_short_underline_and_separator_lines_are_not_titles(tmp_path: Path) -> None:
    text = "A long line of text\n---\n\n=====  =====\nname   value\n=====  =====\n"
    record = extract_one(tmp_path, "a.rst", text)
    assert record.headings == ()


def test_rst_inline_literals_and_prose_identifiers(tmp_path: Path) -> None:
    record = extract_one(tmp_path, "docs/index.rst", RST)
    refs = {(ref.name, ref.line) for ref in record.references}
    assert ("load_config", 5) in refs
    assert ("snake_case", 5) in refs
    names = {name for name, _ in refs}
    assert not names & {"The", "API", "Intro", "Main", "Title"}


# --- data files ----------------------------------------------------------------------------


def keys(record) -> list[tuple[str, int]]:  # type: ignore[no-untyped-def]
    assert all(s.kind == "key" for s in record.symbols)
    return [(s.name, s.line) for s in record.symbols]


def test_toml_top_level_keys_and_tables(tmp_path: Path) -> None:
    text = (
        'name = "demo"\n'
        '"quoted" = 1\n'
        "version.major = 2\n"
        "\n"
        "[tool.pytest]  # a comment\n"
        'addopts = "-q"\n'
        "\n"
        "[[bin]]\n"
        'path = "x"\n'
    )
    record = extract_one(tmp_path, "pyproject.toml", text)
    assert record.language == "TOML"
    # Keys inside a table belong to the table and are not listed.
    assert keys(record) == [
        ("name", 1),
        ("quoted", 2),
        ("version.major", 3),
        ("tool.pytest", 5),
        ("bin", 8),
    ]
    assert record.diagnostics == ()
    assert [(s.line, s.end_line) for s in record.symbols][:4] == [(1, 1), (2, 2), (3, 4), (5, 7)]


def test_malformed_toml_is_a_diagnostic_not_a_failure(tmp_path: Path) -> None:
    record = extract_one(tmp_path, "bad.toml", 'name = "demo"\nbroken = \n')
    assert keys(record) == [("name", 1), ("broken", 2)]
    assert len(record.diagnostics) == 1
    assert "TOML does not parse" in record.diagnostics[0].message


def test_yaml_top_level_keys(tmp_path: Path) -> None:
    text = (
        "# comment: not a key\n"
        "name: demo\n"
        "steps:\n"
        "  - run: x\n"
        "    nested: y\n"
        '"quoted key": 1\n'
        "on:\n"
        "url: http://example.com\n"
    )
    record = extract_one(tmp_path, "ci.yml", text)
    assert record.language == "YAML"
    assert keys(record) == [("name", 2), ("steps", 3), ("quoted key", 6), ("on", 7), ("url", 8)]
    assert record.diagnostics == ()


def test_json_top_level_keys(tmp_path: Path) -> None:
    text = '{\n  "name": "demo",\n  "scripts": {\n    "build": "x"\n  },\n  "version": "1.0"\n}\n'
    record = extract_one(tmp_path, "package.json", text)
    assert record.language == "JSON"
    assert keys(record) == [("name", 2), ("scripts", 3), ("version", 6)]
    assert record.diagnostics == ()


def test_malformed_json_gives_a_diagnostic_with_its_line_and_still_keys(tmp_path: Path) -> None:
    # A trailing comma: the parser meets "}" on line 7 where a key was expected.
    text = '{\n  "name": "demo",\n  "scripts": {\n    "build": "x"\n  },\n  "version": "1.0",\n}\n'
    record = extract_one(tmp_path, "package.json", text)
    assert keys(record) == [("name", 2), ("scripts", 3), ("version", 6)]
    assert len(record.diagnostics) == 1
    diagnostic = record.diagnostics[0]
    assert "JSON does not parse" in diagnostic.message
    assert diagnostic.line == 7


def test_ini_sections(tmp_path: Path) -> None:
    record = extract_one(
        tmp_path, "setup.cfg", "[metadata]\nname = x\n\n[options]\nzip_safe = False\n"
    )
    assert record.language == "INI"
    assert keys(record) == [("metadata", 1), ("options", 4)]


# --- where the last section ends -----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "text"),
    [
        pytest.param("a.md", "# Title\n\nBody.", id="markdown-no-final-newline"),
        pytest.param("a.md", "# Title\n\nBody.\n", id="markdown"),
        pytest.param("a.rst", "Title\n=====\n\nBody.\n", id="rst"),
        pytest.param("a.toml", "a = 1\nb = 2\n", id="toml"),
        pytest.param("a.yaml", "a: 1\nb: 2\n", id="yaml"),
    ],
)
def test_last_symbol_ends_on_the_last_line(tmp_path: Path, name: str, text: str) -> None:
    record = extract_one(tmp_path, name, text)
    assert record.symbols
    assert record.symbols[-1].end_line == record.lines


# --- code blocks read by their language's extractor ----------------------------------------

ENGINE = "class Engine:\n    def run(self):\n        return 1\n"


def _uses_by_file(index: object, name: str) -> dict[tuple[str, int, int], str | None]:
    return {
        (use.path, use.line, use.column): use.definition.qualname if use.definition else None
        for use in index.uses[name]  # type: ignore[attr-defined]
    }


def test_markdown_python_blocks_link_their_imports_to_the_tree(tmp_path: Path) -> None:
    readme = """\
# Usage

1. Build an engine:

   ```python
   from pkg.core import Engine
   Engine().run()
   ```

```{code-block} python
result = Engine()
```
"""
    index = index_tree(
        tmp_path, {"pkg/__init__.py": "", "pkg/core.py": ENGINE, "README.md": readme}
    )
    engine = _uses_by_file(index, "Engine")
    # Exact uses at the name's own byte column in the file (the block is indented 3).
    assert engine[("README.md", 6, 24)] == "pkg.core.Engine"
    assert engine[("README.md", 7, 3)] == "pkg.core.Engine"
    assert _uses_by_file(index, "run")[("README.md", 7, 12)] == "pkg.core.Engine.run"
    # Without an import, a name of the tree is still a (textual) use.
    assert engine[("README.md", 11, -1)] is None
    assert "result" not in index.definitions, "a block's definitions are examples"


def test_rst_code_blocks_and_highlighted_literal_blocks(tmp_path: Path) -> None:
    guide = """\
Guide
=====

.. code-block:: python
   :linenos:

   from pkg.core import Engine
   Engine().run()

.. highlight:: python

Then::

    from pkg import core
    core.Engine()

Back to prose about run_all.
"""
    index = index_tree(tmp_path, {"pkg/__init__.py": "", "pkg/core.py": ENGINE, "guide.rst": guide})
    engine = _uses_by_file(index, "Engine")
    assert engine[("guide.rst", 7, 24)] == "pkg.core.Engine"
    assert engine[("guide.rst", 8, 3)] == "pkg.core.Engine"
    assert engine[("guide.rst", 15, 9)] == "pkg.core.Engine"
    record = extract_one(tmp_path, "guide.rst", guide)
    assert ("run_all", 17) in {(ref.name, ref.line) for ref in record.references}
    assert [h.text for h in record.headings] == ["Guide"]
