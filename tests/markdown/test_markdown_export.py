"""``xrefdoc generate --format markdown``: the pages a forge shows, their links, escaping,
and what the command writes, keeps and removes."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest
from helpers import assert_usage_error, run_xrefdoc, write_tree
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_links import OUR_HTML, broken_links, parser, scan_page
from sites import make_git_repository

from xrefdoc.commands.cli import main
from xrefdoc.core.fsutil import read_listing
from xrefdoc.markdown import export as markdown_export
from xrefdoc.markdown.escape import code_block, code_span, escape_text

CORE = '''"""The engine: runs jobs."""

import os
import yaml

MAX_SIZE = 10


class Engine:
    """Runs jobs one by one."""

    def run(self, job: str) -> int:
        """Run one job."""
        return len(job) + MAX_SIZE


def helper(path: str) -> str:
    return os.path.basename(path)
'''

HOSTILE_NAME = "a b*[x]|<y>.py"
HOSTILE = '''"""Hostile <script>alert(1)</script> & *stars* | pipes ``` fences `x` $m$ ~s~."""

FENCE = "````"


def hostile_run():
    """Return ```` and <b>bold</b>."""
    return FENCE
'''
TICKS_NAME = "docs/tick`s [1].md"
TICKS = """# Title with `code` & <i>html</i>

````python
from pkg.core import Engine
````

```{raw} html
<b>raw</b>
```

Text with a [link](../pkg/core.py) and | pipes.
"""
BIG = "".join(f"VALUE_{n} = {n}\n" for n in range(600))

FILES: dict[str, str | bytes] = {
    "README.md": (
        "# Sample\n\nThe *engine* of <b>this</b> tree, see [core](pkg/core.py).\n\n"
        "## Usage\n\nRun it.\n"
    ),
    "pkg/__init__.py": '"""The package."""\n\nfrom .core import Engine\n',
    "pkg/core.py": CORE,
    "pkg/util.py": (
        "from .core import Engine, helper\n\n\ndef make_engine() -> Engine:\n    return Engine()\n"
    ),
    "tests/test_core.py": (
        "from pkg.core import Engine\n\n\ndef test_run():\n    assert Engine().run('ab') == 12\n"
    ),
    HOSTILE_NAME: HOSTILE,
    TICKS_NAME: TICKS,
    "big.py": BIG,
    "data.bin": b"\x00\x01\x02binary\x00",
    "broken.py": "def ok():\n    pass\n\ndef broken(:\n    pass\n",
    "empty.json": "",
}
SOURCE_CAP = "4096"


def generate(tree: Path, output: Path, *extra: str) -> None:
    assert main(["generate", str(tree), "-o", str(output), "-q", *extra]) == 0


@pytest.fixture(scope="module")
def inside(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A git tree with its pages generated into ``docs/reference`` inside it."""
    tree = write_tree(tmp_path_factory.mktemp("inside"), FILES)
    make_git_repository(tree)
    output = tree / "docs" / "reference"
    generate(tree, output, "--source-cap", SOURCE_CAP)
    return tree, output


@pytest.fixture(scope="module")
def outside(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A tree (no git) with its pages generated into a folder beside it."""
    base = tmp_path_factory.mktemp("outside")
    tree = write_tree(base / "tree", FILES)
    output = base / "pages"
    generate(tree, output, "--source-cap", SOURCE_CAP)
    return tree, output


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def h2_titles(text: str) -> list[str]:
    return re.findall(r"^## (.+)$", text, re.M)


def rendered(text: str) -> str:
    """The page as a forge's CommonMark renderer (with tables) makes it, HTML let through."""
    return str(parser().render(text))


def links(text: str) -> list[str]:
    return scan_page(text).links


def test_every_file_and_folder_has_its_pages(inside: tuple[Path, Path]) -> None:
    _, output = inside
    for path in FILES:
        assert (output / f"{path}_docs.md").is_file(), path
        assert (output / f"{path}_kw.md").is_file(), path
    for folder in ("", "pkg", "tests", "docs"):
        assert (output / folder / "index.md").is_file(), folder
        assert (output / folder / "doc.md").is_file(), folder
    assert (output / "keywords.md").is_file() and (output / "keywords-e.md").is_file()
    documented = {
        page.relative_to(output).as_posix().removesuffix("_docs.md")
        for page in output.rglob("*_docs.md")
    }
    assert documented == set(FILES), "exactly the tree's files: not the pages themselves"
    listed = read_listing(output / ".xrefdoc-manifest")
    assert listed == {page.relative_to(output).as_posix() for page in output.rglob("*.md")}


def test_pages_written_by_workers_are_the_same(
    outside: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree, output = outside
    monkeypatch.setattr(markdown_export, "PARALLEL_MIN_JOBS", 0)
    parallel = tmp_path / "parallel"
    generate(tree, parallel, "--source-cap", SOURCE_CAP)
    pages = sorted(page.relative_to(output) for page in output.rglob("*") if page.is_file())
    assert pages == sorted(
        page.relative_to(parallel) for page in parallel.rglob("*") if page.is_file()
    )
    for page in pages:
        assert (parallel / page).read_bytes() == (output / page).read_bytes(), page


@pytest.mark.parametrize("layout", ["inside", "outside"])
def test_every_link_resolves(layout: str, request: pytest.FixtureRequest) -> None:
    tree, output = request.getfixturevalue(layout)
    assert broken_links(output, tree) == []
    page_count = sum(1 for _ in output.rglob("*.md"))
    assert page_count > 2 * len(FILES)


@pytest.mark.parametrize("layout", ["inside", "outside"])
def test_the_only_html_is_our_anchors(layout: str, request: pytest.FixtureRequest) -> None:
    _, output = request.getfixturevalue(layout)
    for page in output.rglob("*.md"):
        for html in scan_page(read(page)).html:
            assert OUR_HTML.fullmatch(html.strip()), (page, html)


def test_docs_page_has_the_sections_in_order_with_their_values(inside: tuple[Path, Path]) -> None:
    _, output = inside
    text = read(output / "pkg/core.py_docs.md")
    assert text.startswith("# `pkg/core.py`\n")
    assert h2_titles(text) == [
        "File Metadata",
        "Original Source",
        "High-Level Overview",
        "Detailed Analysis",
        "Architecture & Design",
        "Dependencies",
        "Code Patterns & Idioms",
        "Testing & Usage",
        "Related Files",
        "Cross-References",
    ]
    assert "- **Path:** [`pkg/core.py`](../../../pkg/core.py)\n" in text
    assert "- **Lines:** 18\n" in text
    assert "- **Language:** Python\n" in text
    assert "\nThe engine: runs jobs.\n" in text
    engine = (
        "- [`Engine`](../../../pkg/core.py#L9) line 9\u201314 · [uses](../keywords-e.md#kw-Engine)"
    )
    assert engine in text
    assert (
        "  - method [`run(self, job: str) -> int`](../../../pkg/core.py#L12) line 12\u201314 · "
        "[uses](../keywords-r.md#kw-run) — Run one job.\n"
    ) in text
    assert "- [line 4](../../../pkg/core.py#L4): `yaml`" in text, "a third-party import"
    assert "- [`tests/test_core.py`](../tests/test_core.py_docs.md)" in text, "tested by"
    test_page = read(output / "tests/test_core.py_docs.md")
    assert (
        "- [line 4](../../../tests/test_core.py#L4): Test module of `pkg.core`: 1 test function "
        "(`purpose.test-module`)\n"
    ) in test_page
    assert (
        "- [line 4](../../../tests/test_core.py#L4): Run its test from the root of the tree "
        "with `python -m pytest tests/test_core.py` (`testing.run`)\n"
    ) in test_page
    assert (
        "- [line 9](../../../pkg/core.py#L9): Tested by `tests/test_core.py`, which uses "
        "`Engine`, `run` (`testing.tested-by`)"
    ) in text
    package = read(output / "pkg/__init__.py_docs.md")
    assert (
        "Initialiser of the package `pkg`; re-exports 1 name from its submodules: `Engine`"
    ) in package


def test_problems_reading_a_file_are_said_with_their_line(inside: tuple[Path, Path]) -> None:
    _, output = inside
    broken = read(output / "broken.py_docs.md")
    problems = broken.split("Problems met while reading the file:\n\n", 1)[1].split("\n\n")[0]
    assert problems.startswith("- [Line 4](../../broken.py#L4): ")
    empty = read(output / "empty.json_docs.md")
    assert "```json\n```" in empty, "an empty file is an empty block"


def test_sections_with_nothing_to_say_are_left_out(inside: tuple[Path, Path]) -> None:
    _, output = inside
    binary = read(output / "data.bin_docs.md")
    assert h2_titles(binary) == ["File Metadata", "Related Files", "Cross-References"]
    assert "- **Language:** Binary (its content is not shown)\n" in binary
    assert "- **Lines:**" not in binary
    readme = h2_titles(read(output / "README.md_docs.md"))
    assert "Dependencies" not in readme and "Testing & Usage" not in readme


def test_source_block_holds_the_file_exactly(inside: tuple[Path, Path]) -> None:
    tree, output = inside
    for path in (HOSTILE_NAME, TICKS_NAME, "pkg/core.py"):
        tokens = MarkdownIt("commonmark").enable("table").parse(read(output / f"{path}_docs.md"))
        fences = [token for token in tokens if token.type == "fence"]
        assert fences[0].content == read(tree / path), path
        assert len(fences) == 1, f"{path}: the file's own fences closed the block"


def test_a_big_file_is_cut_with_a_note_and_links_past_the_cut_still_land(
    inside: tuple[Path, Path],
) -> None:
    _, output = inside
    text = read(output / "big.py_docs.md")
    note = re.search(
        r"\n\*Source cut after line (\d+) of 600: the file is larger than the source cap of "
        r"4,096 bytes\.\*\n",
        text,
    )
    assert note
    shown = next(t for t in MarkdownIt("commonmark").parse(text) if t.type == "fence").content
    assert shown == "".join(BIG.splitlines(keepends=True)[: int(note.group(1))])
    assert len(shown.encode()) <= 4096
    kw = read(output / "big.py_kw.md")
    assert "[`VALUE_599`](../../big.py#L600)" in kw, "the original file has every line"


def test_line_links_go_to_the_original_files_when_the_pages_are_inside(
    inside: tuple[Path, Path],
) -> None:
    _, output = inside
    kw = read(output / "pkg/core.py_kw.md")
    assert "- [`Engine`](../../../pkg/core.py#L9) line 9" in kw
    # A forge shows Markdown rendered: its lines are reached through ?plain=1.
    readme = read(output / "README.md_docs.md")
    assert "- [Sample](../../README.md?plain=1#L1) line 1" in readme
    assert "  - [Usage](../../README.md?plain=1#L5) line 5" in readme


def test_line_links_go_to_the_source_section_when_the_pages_are_elsewhere(
    outside: tuple[Path, Path],
) -> None:
    _, output = outside
    kw = read(output / "pkg/core.py_kw.md")
    assert "- [`Engine`](core.py_docs.md#original-source) line 9" in kw
    docs = read(output / "pkg/core.py_docs.md")
    assert "- **Path:** `pkg/core.py`\n" in docs, "no link to a file a forge cannot reach"
    assert "\n## Original Source\n" in docs


def test_keyword_index_lists_definitions_and_uses(inside: tuple[Path, Path]) -> None:
    _, output = inside
    letter = read(output / "keywords-e.md")
    entry = letter.split('## <a id="kw-Engine"></a>`Engine`\n', 1)[1].split("\n## ", 1)[0]
    assert "1 definition · " in entry
    assert "- class [`pkg.core.Engine`](../../pkg/core.py#L9) at `pkg/core.py:9`" in entry
    assert "- [`pkg/util.py`](pkg/util.py_docs.md): [1](../../pkg/util.py#L1)" in entry
    assert "[`tests/test_core.py`](tests/test_core.py_docs.md)" in entry
    index = read(output / "keywords.md")
    assert "- [E](keywords-e.md): " in index
    kw = read(output / "pkg/core.py_kw.md")
    assert "[uses](../keywords-e.md#kw-Engine)" in kw


def test_folder_pages_list_files_and_summarise_the_readme(inside: tuple[Path, Path]) -> None:
    _, output = inside
    index = read(output / "pkg/index.md")
    size = len(CORE.encode())
    assert f"| [core.py](core.py_docs.md) | Python | {size} bytes | 18 | [4](core.py_kw.md) |" in (
        index
    )
    assert "[main](../index.md) / **pkg**" not in index  # the root is named after the tree
    assert re.search(r"^\[[^\]]+\]\(\.\./index\.md\) / \*\*pkg\*\*$", index, re.M)
    doc = read(output / "doc.md")
    assert "\nThe engine of this tree, see core.\n" in doc, "first paragraph, as text"
    assert "[The page of `README.md`, with its source](README.md_docs.md)" in doc
    assert "[the file itself](../../README.md)" in doc
    assert "<b>" not in doc


def test_hostile_names_are_escaped_and_their_links_resolve(inside: tuple[Path, Path]) -> None:
    _, output = inside
    row = r"| [a b\*\[x\]\|&lt;y&gt;.py](a%20b%2A%5Bx%5D%7C%3Cy%3E.py_docs.md) | Python |"
    assert row in read(output / "index.md")
    html = rendered(read(output / "index.md"))
    cells = re.search(
        r"<tr>\s*<td><a [^>]*>a b\*\[x\]\|&lt;y&gt;\.py</a></td>(.*?)</tr>", html, re.S
    )
    assert cells, "the name is one cell, shown as it is"
    assert cells.group(1).count("<td") == 4
    page = read(output / f"{HOSTILE_NAME}_docs.md")
    assert page.startswith("# `a b*[x]|<y>.py`\n")
    ticks = read(output / f"{TICKS_NAME}_docs.md")
    assert ticks.startswith("# ``docs/tick`s [1].md``\n")
    outline = rendered(ticks).split("<h2>High-Level Overview</h2>")[1]
    assert "Title with `code` &amp; &lt;i&gt;html&lt;/i&gt;</a>" in outline


def test_a_rendered_page_has_its_links_and_no_markup_from_the_tree(
    inside: tuple[Path, Path],
) -> None:
    _, output = inside
    html = rendered(read(output / f"{HOSTILE_NAME}_docs.md"))
    assert "<script" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    title = re.search(r"<h1>(.*?)</h1>", html, re.S)
    assert title and unescape(re.sub(r"<[^>]+>", "", title.group(1))) == HOSTILE_NAME
    hrefs = re.findall(r'<a href="([^"]*)"', html)
    assert "a%20b%2A%5Bx%5D%7C%3Cy%3E.py_kw.md" in hrefs
    assert "../../a%20b%2A%5Bx%5D%7C%3Cy%3E.py#L6" in hrefs, "hostile_run's line"
    assert "index.md" in hrefs and "doc.md" in hrefs
    for tag in re.findall(r"<a\b[^>]*>", html):
        assert re.fullmatch(r'<a href="[^"]*">|<a id="[A-Za-z0-9_.-]+">', tag), tag
    overview = html.split("<h2>High-Level Overview</h2>")[1].split("<h2>")[0]
    assert "*stars* | pipes ``` fences `x` $m$ ~s~." in unescape(overview)


def test_the_pages_are_never_documented_and_a_second_run_writes_nothing(
    inside: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    tree, output = inside
    before = {path: path.stat().st_mtime_ns for path in output.rglob("*")}
    capsys.readouterr()
    assert main(["generate", str(tree), "-o", str(output), "--source-cap", SOURCE_CAP]) == 0
    out = capsys.readouterr().out
    assert f"{len(FILES)} files documented in {output}: 0 pages written" in out
    assert ", 0 removed" in out
    assert {path: path.stat().st_mtime_ns for path in output.rglob("*")} == before
    assert not list(output.rglob("docs/reference/*")), "the pages documented themselves"
    pages = sum(1 for page in output.rglob("*") if page.is_file())
    assert (
        f"not documented: docs/reference/ (inside generated output docs/reference/, {pages} files)"
        in (out)
    )


def test_removed_files_lose_their_pages_and_the_users_files_stay(tmp_path: Path) -> None:
    tree = write_tree(
        tmp_path / "tree",
        {"pkg/a.py": "A = 1\n", "pkg/b.py": "B = 2\n", "old/c.py": "C = 3\n"},
    )
    output = tmp_path / "pages"
    users = {"notes.md": "# My notes\n", "pkg/mine.txt": "mine\n", "old/keep.md": "keep\n"}
    write_tree(output, users)
    generate(tree, output)
    (tree / "pkg/b.py").unlink()
    (tree / "old/c.py").unlink()
    (tree / "old").rmdir()
    generate(tree, output)
    assert not (output / "pkg/b.py_docs.md").exists()
    assert not (output / "pkg/b.py_kw.md").exists()
    assert not (output / "old/index.md").exists() and not (output / "old/c.py_docs.md").exists()
    assert (output / "pkg/a.py_docs.md").is_file()
    for path, text in users.items():
        assert read(output / path) == text, path
    assert "pkg/b.py" not in read(output / "pkg/index.md")


def test_a_users_file_in_the_pages_folder_is_kept_and_said_undocumented(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tree = write_tree(tmp_path, {"a.py": "A = 1\n", "docs/reference/mine.md": "# Mine\n"})
    assert main(["generate", str(tree), "-o", str(tree / "docs/reference")]) == 0
    out = capsys.readouterr().out
    note = "note: 1 file of yours in docs/reference/ (such as docs/reference/mine.md) is not"
    assert note in out
    assert read(tree / "docs/reference/mine.md") == "# Mine\n"
    assert not (tree / "docs/reference/docs/reference/mine.md_docs.md").exists()
    assert (tree / "docs/reference/a.py_docs.md").is_file()


def test_a_users_file_where_a_page_goes_stops_the_run(tmp_path: Path) -> None:
    tree = write_tree(tmp_path / "tree", {"a.py": "A = 1\n"})
    output = write_tree(tmp_path / "pages", {"index.md": "# Mine\n"})
    completed = run_xrefdoc("generate", str(tree), "-o", str(output))
    assert_usage_error(completed, "index.md exists where pages go", "not written by xrefdoc")
    assert sorted(p.name for p in output.iterdir()) == ["index.md"], "nothing written"
    assert read(output / "index.md") == "# Mine\n"


@pytest.mark.parametrize(
    ("case", "fragments"),
    [
        ("missing source", ("SRC", "does not exist")),
        ("output is the source", ("--output", "must not contain the source")),
        ("output holds the source", ("--output", "must not contain the source")),
        ("output is a file", ("--output", "not a folder")),
        ("unknown format", ("--format", "html")),
        ("no output", ("-o/--output",)),
        ("bad source cap", ("--source-cap", "positive")),
    ],
)
def test_usage_errors_are_one_line(tmp_path: Path, case: str, fragments: tuple[str, ...]) -> None:
    tree = write_tree(tmp_path / "tree", {"a.py": "A = 1\n"})
    source, output, extra = str(tree), str(tmp_path / "pages"), []
    if case == "missing source":
        source = str(tmp_path / "nowhere")
    elif case == "output is the source":
        output = source
    elif case == "output holds the source":
        output = str(tmp_path)
    elif case == "output is a file":
        output = str(tree / "a.py")
    elif case == "unknown format":
        extra = ["--format", "html"]
    elif case == "bad source cap":
        extra = ["--source-cap", "0"]
    arguments = [source, *extra] if case == "no output" else [source, "-o", output, *extra]
    assert_usage_error(run_xrefdoc("generate", *arguments), *fragments)
    assert not (tmp_path / "pages").exists()


# Escaping, checked against the renderer: whatever the text, the reader sees it.
_TEXT = st.lists(
    st.sampled_from([*"ab _*`[]()<>&#|~$!\\-+=.:1\t\n{}\"'é", "__", "```", "&amp;", "1. "]),
    max_size=20,
).map("".join)


def _collapsed(text: str) -> str:
    return re.sub(r"[ \t\r\n\f\v]+", " ", text)


def _inline_html(markdown: str) -> str:
    html = str(MarkdownIt("commonmark").enable("table").render(markdown))
    return unescape(re.sub(r"<[^>]+>", "", html)).strip("\n")


@given(_TEXT)
def test_escaped_text_renders_as_itself_wherever_it_stands(text: str) -> None:
    escaped = escape_text(text)
    expected = _collapsed(text)
    assert _inline_html(f"A {escaped} Z") == f"A {expected} Z"
    if expected.strip():
        assert _inline_html(f"[{escaped}](x.md)") == expected
    assert _inline_html(f"- {escaped}").strip() == expected.strip()
    assert _inline_html(f"## {escaped}").strip() == expected.strip()
    table = str(MarkdownIt("commonmark").enable("table").render(f"| h |\n| --- |\n| {escaped} |"))
    cell = re.search(r"<td>(.*?)</td>", table, re.S)
    assert cell and unescape(cell.group(1)) == expected.strip()


@given(_TEXT)
def test_code_spans_and_blocks_hold_any_text(text: str) -> None:
    html = str(MarkdownIt("commonmark").render(f"A {code_span(text)} Z"))
    code = re.search(r"<code>(.*?)</code>", html, re.S)
    assert code and unescape(code.group(1)) == (_collapsed(text) or " ")
    tokens = MarkdownIt("commonmark").parse(code_block(text, "python"))
    assert [t.type for t in tokens] == ["fence"]
    assert tokens[0].content == (text if not text or text.endswith("\n") else text + "\n")
