"""The search page's Code tab in a real browser (headless Chromium) on a site built by the CLI
from a tree the test writes: literal search with and without case, regular expressions,
``path:`` and ``lang:`` filters, a match that no name search reaches, results after a
one-file rebuild, ``file://``, an expression that backtracks for ever (the page still
answers and says the search stopped), a scan with no literal and its progress bar, an
invalid expression, and the planner's literals against ``codesearch.query``'s. Screenshots
at desktop and phone widths go to ``_build/screenshots``."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from browser import DESKTOP, PHONE, opened_page, served, shoot
from helpers import write_tree

from xrefdoc.codesearch import layout
from xrefdoc.codesearch.query import Query, requirement
from xrefdoc.codesearch.trigrams import shard_of
from xrefdoc.commands.cli import main

PUMP = '''"""Pumps."""


class ValveError(Exception):
    """Raised when a valve sticks."""


def start_pump(rate):
    return rate * 2


def stop_pump(rate):
    # a valveerror, written in lower case, is still one
    raise ValveError("the pump cannot stop at rate %d" % rate)
'''
FILES: dict[str, str | bytes] = {
    "README.md": "# Plant\n\nPumps move water. Start one with `start_pump`.\n",
    "plant/__init__.py": "",
    "plant/pump.py": PUMP,
    "tests/test_pump.py": "from plant.pump import start_pump\n\n\ndef test_start():\n"
    "    assert start_pump(2) == 4\n",
    # A message no name search reaches: text in a configuration file.
    "config/plant.cfg": "[alarm]\nmessage = the reservoir overflowed twice\nlevel = 9\n",
    # One line that (a+)+$ backtracks on for ever.
    "data/long.txt": "a" * 40 + "b\n",
    # A line longer than a phone is wide, with a match near its end.
    "notes.txt": "x = " + "word " * 300 + "needle at the end\n",
    "data/readings.txt": "2024-01-05 12.5\n2024-01-06 13.0\nno reading\n",
    # Left out of the search, and said to be.
    "data/pump.bin": b"\x00\x01pump\x00" * 64,
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tree = write_tree(tmp_path_factory.mktemp("plant"), FILES)
    output = tree / "_build" / "html"
    assert main(["build", str(tree), "-o", str(output), "-q"]) == 0
    return output


@pytest.fixture(scope="module")
def url(site: Path) -> Iterator[str]:
    with served(site) as address:
        yield address


@pytest.fixture
def page(chromium: Any) -> Iterator[Any]:
    yield from opened_page(chromium, viewport=DESKTOP)


def code_search(page: Any, base: str, box: str, **flags: str) -> str:
    """Opens the Code tab's results for ``box`` and waits until the search is done; the
    status line."""
    page.goto(base + "search.html?" + urlencode({"q": box, "tab": "code", **flags}))
    return finished(page)


def finished(page: Any) -> str:
    page.wait_for_function(
        """() => { const s = document.querySelector('.xref-code-status');
                   return s && s.textContent &&
                     !/so far|Loading|Searching/.test(s.textContent); }""",
        timeout=15000,
    )
    return str(page.inner_text(".xref-code-status"))


def hits(page: Any) -> list[tuple[str, str, str]]:
    """(file, href of the line number from the site's root, the line's text) per matching line
    shown."""
    return [
        (file, href.removeprefix("./"), text)
        for file, href, text in page.evaluate(
            """() => [...document.querySelectorAll('.xref-code-file')].flatMap(file =>
                 [...file.querySelectorAll('.xref-code-hit')].map(row => [
                   file.querySelector('h3').textContent,
                   row.querySelector('a.xref-code-n').getAttribute('href'),
                   row.querySelector('.xref-code-text').textContent]))"""
        )
    ]


def marks(page: Any) -> list[str]:
    return list(page.locator(".xref-code-hit mark").all_inner_texts())


def test_a_literal_is_found_with_its_line_link_mark_and_context(page: Any, url: str) -> None:
    assert code_search(page, url, "cannot stop") == "1 match in 1 file"
    assert hits(page) == [
        (
            "plant/pump.py",
            "plant/pump.py_docs.html#L14",
            '    raise ValveError("the pump cannot stop at rate %d" % rate)',
        )
    ]
    assert marks(page) == ["cannot stop"]
    # Two lines of context before the match (and none after the file's end).
    assert page.locator(".xref-code-lines .xref-code-n").all_inner_texts() == ["12", "13", "14"]
    # The line number leads to the line on the file's page.
    page.click("a.xref-code-n")
    assert page.url.endswith("plant/pump.py_docs.html#L14")
    assert "cannot stop" in page.inner_text("#L14")


def test_case_is_ignored_unless_aa_is_pressed(page: Any, url: str) -> None:
    assert code_search(page, url, "ValveError") == "3 matches in 1 file"
    assert sorted(set(marks(page))) == ["ValveError", "valveerror"]
    page.get_by_role("button", name="Match case").click()
    assert finished(page) == "2 matches in 1 file"
    assert set(marks(page)) == {"ValveError"}
    assert page.get_by_role("button", name="Match case").get_attribute("aria-pressed") == "true"
    # The address says so, for a link to these results.
    assert "case=1" in page.url and "tab=code" in page.url
    shoot(page, "code-search-desktop")


def test_a_regular_expression_in_javascript_syntax(page: Any, url: str) -> None:
    status = code_search(page, url, r"def \w+_pump\(", re="1", case="1")
    assert status == "2 matches in 1 file"
    assert marks(page) == ["def start_pump(", "def stop_pump("]
    assert [href for _, href, _ in hits(page)] == [
        "plant/pump.py_docs.html#L8",
        "plant/pump.py_docs.html#L12",
    ]
    # Without the regular expression toggle the same text is a literal, found nowhere.
    page.get_by_role("button", name="Regular expression").click()
    assert finished(page) == "No match"
    assert "re=1" not in page.url


def test_path_and_lang_filters(page: Any, url: str) -> None:
    code_search(page, url, "start_pump")
    assert {file for file, _, _ in hits(page)} == {
        "README.md",
        "plant/pump.py",
        "tests/test_pump.py",
    }
    code_search(page, url, "path:tests/ start_pump")
    assert {file for file, _, _ in hits(page)} == {"tests/test_pump.py"}
    code_search(page, url, "-path:tests/ lang:python start_pump")
    assert {file for file, _, _ in hits(page)} == {"plant/pump.py"}
    code_search(page, url, "lang:MARKDOWN start_pump")
    assert {file for file, _, _ in hits(page)} == {"README.md"}


def test_a_message_in_a_config_file_that_no_name_search_reaches(page: Any, url: str) -> None:
    page.goto(url + "search.html?q=" + "reservoir+overflowed")
    page.wait_for_selector("#search-results h2", timeout=15000)
    assert "plant.cfg" not in page.inner_text("#search-results")
    # The Code tab, from the same box.
    page.get_by_role("tab", name="Code").click()
    assert finished(page) == "1 match in 1 file"
    assert hits(page) == [
        (
            "config/plant.cfg",
            "config/plant.cfg_docs.html#L2",
            "message = the reservoir overflowed twice",
        )
    ]
    assert page.get_by_role("tab", name="Code").get_attribute("aria-selected") == "true"
    assert page.locator("#search-results").is_hidden()
    # Enter in the box searches again, in the Code tab.
    page.fill(".body form input[name=q]", "level = 9")
    page.press(".body form input[name=q]", "Enter")
    assert finished(page) == "1 match in 1 file"
    assert "q=level+%3D+9" in page.url and "tab=code" in page.url


def test_a_pathological_expression_does_not_hang_the_tab(page: Any, url: str) -> None:
    page.goto(url + "search.html?" + urlencode({"q": "(a+)+$", "tab": "code", "re": "1"}))
    page.wait_for_selector(".xref-code-status:has-text('Searching'), .xref-code-progress")
    # While the worker backtracks, the page answers at once.
    for _ in range(3):
        started = time.monotonic()
        assert page.evaluate("1 + 1") == 2
        assert time.monotonic() - started < 0.5
        time.sleep(0.3)
    page.wait_for_selector(".xref-code-status:has-text('took too long')", timeout=10000)
    status = page.inner_text(".xref-code-status")
    assert "The expression took too long on data/long.txt" in status
    assert "the search stopped" in status


def test_a_regex_without_a_literal_scans_with_a_progress_bar(page: Any, url: str) -> None:
    # Whether the bar was ever shown, however fast the scan.
    page.add_init_script(
        """new MutationObserver(() => {
             const bar = document.querySelector('.xref-code-progress');
             if (bar && !bar.hidden) { window.barShown = true; }
           }).observe(document, {subtree: true, childList: true, attributes: true});"""
    )
    status = code_search(page, url, r"\d+\.\d", re="1")
    assert page.evaluate("window.barShown") is True
    assert "scanning all 8 files" in page.inner_text(".xref-code-note")
    assert "No literal of 3 or more characters" in page.inner_text(".xref-code-note")
    assert status == "2 matches in 1 file"
    assert marks(page) == ["12.5", "13.0"]
    # The binary file is not searched, and the page says so.
    summary = page.locator(".xref-code-skipped summary")
    assert summary.inner_text() == "1 file not searched (binary or larger than the source cap)"
    summary.click()
    assert "data/pump.bin" in page.inner_text(".xref-code-skipped li")


def test_an_invalid_expression_says_so_in_one_line(page: Any, url: str) -> None:
    status = code_search(page, url, "(unclosed", re="1")
    assert status.startswith("Not a valid regular expression:")
    assert "\n" not in status
    assert page.locator(".xref-code-file").count() == 0


def test_file_url_and_a_phone(chromium: Any, site: Path) -> None:
    context = chromium.new_context(viewport=PHONE)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    status = code_search(page, site.as_uri() + "/", "needle")
    assert status == "1 match in 1 file"
    assert hits(page)[0][1] == "notes.txt_docs.html#L1"
    assert marks(page) == ["needle"]
    # Of a line this long, the part from a little before the match.
    assert hits(page)[0][2] == "…" + "word " * 20 + "needle at the end"
    # The long line scrolls inside its box; the page does not scroll sideways.
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]
    assert page.eval_on_selector("pre.xref-code-lines", "e => e.scrollWidth > e.clientWidth")
    shoot(page, "code-search-phone")
    # The worker verified from file:// too: a stuck expression is stopped there as well.
    code_search(page, site.as_uri() + "/", "(a+)+$", re="1")
    assert "took too long" in page.inner_text(".xref-code-status")
    context.close()
    assert errors == []


def test_the_results_follow_a_one_file_rebuild(page: Any, tmp_path: Path) -> None:
    tree = write_tree(
        tmp_path / "tree", {"a.py": "OLD_MESSAGE = 'first words'\n", "b.txt": "other\n"}
    )
    output = tmp_path / "site"
    assert main(["build", str(tree), "-o", str(output), "-q"]) == 0
    (tree / "a.py").write_text("NEW_MESSAGE = 'second words'\n")
    assert main(["build", str(tree), "-o", str(output), "-q"]) == 0
    with served(output) as address:
        assert code_search(page, address, "second words") == "1 match in 1 file"
        assert hits(page)[0][:2] == ("a.py", "a.py_docs.html#L1")
        assert code_search(page, address, "first words") == "No match"


# Patterns whose literals JavaScript's syntax and Python's agree on: the browser's planner
# must require what codesearch.query requires.
SHARED_PATTERNS = [
    "No such command",
    r"ctx\.invoke\(",
    r"def \w+_callback",
    "a?bcd",
    "(?:abc)def",
    "abc*",
    "abcd*",
    r"\.py\b",
    "x{2,}yzw",
    "[abc]def",
    "a.bcd",
    r"\d+foo",
    "(abc)+",
    "(abc)*def",
    "abc|de",
    r"(x)\1abc",
    "(?=abc)",
    "import (os|sys)$",
    "^$",
    r"\x41ttribute",
    "colou?r",
]


def test_the_planner_requires_what_the_python_query_requires(page: Any, url: str) -> None:
    page.goto(url + "search.html")
    page.wait_for_function("window.xrefdocCodePlan")
    for pattern in SHARED_PATTERNS:
        python = requirement(Query(pattern, regex=True))
        got = page.evaluate(
            "p => window.xrefdocCodePlan.requirement({pattern: p, regex: true})", pattern
        )
        wanted = None if python is None else sorted(sorted(literals) for literals in python)
        assert (None if got is None else sorted(sorted(literals) for literals in got)) == wanted, (
            pattern
        )
    search = "window.xrefdocCodePlan"
    # What JavaScript reads differently from Python, and its own syntax.
    for pattern, wanted in (
        ("(?<name>abc)def", [["abcdef"]]),
        ("(?i:abc)def", [["def"]]),
        ("(?<=abc)def", [["def"]]),
        ("a\\u0062c", [["abc"]]),
        ("\\p{L}abc", [["{L}abc"]]),
        ("(?:abc|x)", None),
        # Python's parser takes the common "ba" out of the branches, and then has no literal.
        ("foo(bar|baz)qux", [["bar", "foo", "qux"], ["baz", "foo", "qux"]]),
        ("(abc|abd)e", [["abc"], ["abd"]]),
    ):
        got = page.evaluate(f"p => {search}.requirement({{pattern: p, regex: true}})", pattern)
        assert got == wanted, pattern
    # A case-insensitive literal uses no trigram past ASCII: JavaScript's i flag folds é.
    assert (
        page.evaluate(f"{search}.plan({{pattern: 'naïve', regex: false, ignoreCase: true}})")
        is None
    )
    assert page.evaluate(f"{search}.plan({{pattern: 'naïve', regex: false, ignoreCase: false}})")
    # The shard hash is the writer's.
    for trigram in (1, 0x616263, 0xFFFFFF, 0x20E2AC):
        assert page.evaluate(f"{search}.shardOf({trigram}, 4096)") == shard_of(trigram, 4096)
    assert page.evaluate(f"{search}.parseQuery('path:a/ -path:b lang:Python  x  y ')") == {
        "paths": ["a/"],
        "notPaths": ["b"],
        "languages": ["python"],
        "pattern": "x  y",
    }


def _alternatives(required: Any) -> list[list[str]] | None:
    return None if required is None else sorted(sorted(literals) for literals in required)


def test_fifty_files_then_more(page: Any, tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        f"parts/part_{n:02}.txt": f"part {n}\nthe shared marker\n" for n in range(55)
    }
    tree = write_tree(tmp_path / "tree", files)
    output = tmp_path / "site"
    assert main(["build", str(tree), "-o", str(output), "-q"]) == 0
    with served(output) as address:
        page.goto(address + "search.html?" + urlencode({"q": "shared marker", "tab": "code"}))
        more = page.get_by_role("button", name="More files")
        more.wait_for()
        assert page.inner_text(".xref-code-status") == "50 matches in 50 files so far"
        assert page.locator(".xref-code-file").count() == 50
        more.click()
        assert finished(page) == "55 matches in 55 files"
        assert page.locator(".xref-code-file h3").last.inner_text() == "parts/part_54.txt"
        assert more.count() == 0


def test_a_file_with_a_strings_trigrams_but_not_the_string_is_not_read(
    page: Any, tmp_path: Path
) -> None:
    # Each file over 128 KiB, so that their last lines are in chunks of their own (in one
    # chunk, candidates are read rather than narrowed).
    padding = "x = 1\n" * 40_000
    files: dict[str, str | bytes] = {
        "decoy.txt": padding + "attest the station: ion_path\n",
        "real.txt": padding + "attestation_path = 1\n",
    }
    tree = write_tree(tmp_path / "tree", files)
    output = tmp_path / "site"
    assert main(["build", str(tree), "-o", str(output), "-q"]) == 0
    with served(output) as address:
        assert code_search(page, address, "attestation_path") == "1 match in 1 file"
        # The decoy holds every trigram of the string, but "est" is followed there by " ".
        assert page.inner_text(".xref-code-note") == (
            "1 of 2 files hold the literals the pattern needs."
        )
        assert [file for file, _, _ in hits(page)] == ["real.txt"]


def test_a_probed_group_orders_the_trigrams_rarest_first(
    page: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every trigram of "alpha_beta" is in nearly every file, each followed as there but
    # "_be" (followed by "y"); the directory cannot tell, the probe finds "_be" then "t" rare.
    filler = "".join(f"row {line} of the table\n" for line in range(100))
    files: dict[str, str | bytes] = {
        f"f{number:03}.txt": filler + ("alpha_by a_bey beta\n" if number % 10 else "x_bet\n")
        for number in range(400)
    }
    files["f123.txt"] = filler + "alpha_beta\n"
    tree = write_tree(tmp_path / "tree", files)
    output = tmp_path / "site"
    monkeypatch.setattr(layout, "PROBE_GROUPS", 1)  # this tree has one group
    assert main(["build", str(tree), "-o", str(output), "-q"]) == 0
    with served(output) as address:
        assert code_search(page, address, "alpha_beta") == "1 match in 1 file"
        # Narrowed in the plan's order, the first trigrams are in every file and narrowing
        # settles with some 360 candidates.
        assert page.inner_text(".xref-code-note") == (
            "1 of 400 files hold the literals the pattern needs."
        )


@pytest.mark.parametrize("cores", [1, 4])
def test_workers_answer_in_path_order_whatever_chunk_each_owns(
    chromium: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cores: int
) -> None:
    # Small groups and chunks: 150 files in many chunks, which the workers (one per core)
    # share out by name; the results must come in path order all the same.
    filler = "".join(f"row {line} of the table\n" for line in range(120))
    files: dict[str, str | bytes] = {
        f"parts/p{number:03}.txt": filler + "\n" * (number % 7) + "the shared marker\n"
        for number in range(150)
    }
    tree = write_tree(tmp_path / "tree", files)
    output = tmp_path / "site"
    monkeypatch.setattr(layout, "GROUP_BYTES", 64 << 10)
    monkeypatch.setattr(layout, "CHUNK_MIN", 4 << 10)
    monkeypatch.setattr(layout, "CHUNK_MAX", 8 << 10)
    assert main(["build", str(tree), "-o", str(output), "-q"]) == 0
    packs = list((output / "_xref" / "code").glob("g*/k*.js"))
    assert len(packs) >= 8 and len(list((output / "_xref" / "code").glob("g*"))) > 2
    expected = [
        (path, f"{path}_docs.html#L{121 + int(path[7:10]) % 7}", "the shared marker")
        for path in sorted(files)
    ]
    context = chromium.new_context(viewport=DESKTOP)
    context.add_init_script(
        f"Object.defineProperty(navigator, 'hardwareConcurrency', {{get: () => {cores}}})"
    )
    page = context.new_page()
    with served(output) as address:
        page.goto(address + "search.html?" + urlencode({"q": "shared marker", "tab": "code"}))
        more = page.get_by_role("button", name="More files")
        for _ in range(2):
            more.wait_for()
            more.click()
        assert finished(page) == "150 matches in 150 files"
        assert hits(page) == expected
    context.close()


@pytest.fixture
def packed_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A site whose index holds 120 files in small chunks, four to a pack (the table tells
    the page how many): one file says "unique_needle_77"."""
    filler = "".join(f"row {line} of the table\n" for line in range(100))
    files: dict[str, str | bytes] = {
        f"rows/r{number:03}.txt": filler + ("unique_needle_77\n" if number == 77 else "")
        for number in range(120)
    }
    tree = write_tree(tmp_path / "tree", files)
    output = tmp_path / "site"
    monkeypatch.setattr(layout, "CHUNK_MIN", 2 << 10)
    monkeypatch.setattr(layout, "CHUNK_MAX", 4 << 10)
    monkeypatch.setattr(layout, "PACK_CHUNKS", 4)
    assert main(["build", str(tree), "-o", str(output), "-q"]) == 0
    assert len(list((output / "_xref" / "code").glob("g*/k*.js"))) >= 10
    return output


def pack_responses(page: Any) -> list[tuple[str, str | None, int, int]]:
    """Records, for each response to a request for a pack of the code index: its file, the
    range asked for, its status and the bytes of its body."""
    heard: list[tuple[str, str | None, int, int]] = []

    def hear(response: Any) -> None:
        if "/_xref/code/g" in response.url and "/k" in response.url:
            name = response.url.split("/_xref/code/", 1)[1]
            heard.append(
                (name, response.request.headers.get("range"), response.status, len(response.body()))
            )

    page.context.on("response", hear)
    return heard


@pytest.mark.parametrize("ranges", ["served", "whole", "shifted"])
def test_a_selective_literal_reads_one_chunk_of_a_pack(
    page: Any, packed_site: Path, ranges: str
) -> None:
    heard = pack_responses(page)
    with served(packed_site, ranges=ranges) as address:
        assert code_search(page, address, "unique_needle_77") == "1 match in 1 file"
        assert hits(page) == [("rows/r077.txt", "rows/r077.txt_docs.html#L101", "unique_needle_77")]
    name, asked, status, size = heard[0]
    pack = (packed_site / "_xref" / "code" / name).stat().st_size
    assert asked is not None and asked.startswith("bytes=")
    if ranges == "served":  # the chunk's bytes alone
        assert len(heard) == 1 and status == 206 and size < pack / 2
    elif ranges == "whole":  # a server that ignores ranges sends the pack, which serves as well
        assert len(heard) == 1 and status == 200 and size == pack
    else:  # other bytes than asked for: the pack is fetched whole
        assert status == 206 and heard[1:] == [(name, None, 200, pack)]


def test_a_scan_reads_each_pack_once_and_whole(page: Any, packed_site: Path) -> None:
    heard = pack_responses(page)
    with served(packed_site) as address:
        # No literal of three characters: every file is read.
        assert code_search(page, address, r"e_\w+_7\d", re="1") == "1 match in 1 file"
        assert "scanning all 120 files" in page.inner_text(".xref-code-note")
    packs = sorted(
        path.relative_to(packed_site / "_xref" / "code").as_posix()
        for path in (packed_site / "_xref" / "code").glob("g*/k*.js")
    )
    names = sorted(name for name, _, _, _ in heard)
    assert len(names) == len(set(names)), "no pack is fetched twice"
    assert all(asked is None and status == 200 for _, asked, status, _ in heard)
    assert names == packs
