"""``xrefdoc grep``: the lines the site's code-search index answers are exactly those ``git
grep`` finds in the same files; its output, JSON, exit codes and notes; an update after a
one-file change.

The comparison with git, and the one place where the two differ on purpose: xrefdoc searches
the text its pages show, with ``\\r\\n`` line ends read as ``\\n``, so a line of a CRLF file
is compared without the ``\\r`` git prints at its end. A Latin-1 file is decoded as the site
decodes it; git's bytes of its lines are decoded the same way before comparing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import assert_usage_error, git_repository, load_bench, run_xrefdoc, write_tree

from xrefdoc.codesearch.reader import CodeIndex
from xrefdoc.site.names import code_search_folder

# The source cap of the test's builds: the large file is under it (three regions of 64 KiB),
# the dump over it.
SOURCE_CAP = 256 * 1024

Row = tuple[str, int, str]
# bench/grep.py: its git grep runner is the exactness tests' oracle too.
GREP_BENCH = load_bench("grep")


def _handlers() -> str:
    """A large module (some 190 KB, so the index cuts it into regions): every line unlike its
    neighbours, a few rare ones far apart."""
    lines = ['"""Request handlers, one per status."""', ""]
    for n in range(2400):
        lines.append(f"def handler_{n:04d}(request):")
        lines.append(f'    return respond(request, {n}, "status-{n:04d}")')
        if n % 600 == 299:
            lines.append(f"    # TODO: retry handler_{n:04d} with backoff")
    lines.append("class HandlerError(Exception):")
    lines.append('    """Raised when no handler answers: No such command."""')
    return "\n".join(lines) + "\n"


def tree_files() -> dict[str, str | bytes]:
    return {
        "README.md": """
            # Fleet

            A small service. Run `fleet serve`; see docs/guide.md.

            Die Überprüfung der Eingabe schlug fehl: naïve café colour.
            """,
        "docs/guide.md": """
            # Guide

            ```python
            ctx.invoke(serve, port=8080)
            ```

            If the command is unknown it prints "No such command 'x'." and exits 2.
            """,
        "app/__init__.py": "",
        "app/server.py": """
            import os
            import sys

            from app.handlers import handler_0042


            class UsageError(Exception):
                pass


            def serve(ctx, port):
                \"\"\"Serve until stopped; the colour of the log is set by FLEET_COLOR.\"\"\"
                if port < 1024:
                    raise UsageError(f"No such command: port {port} needs root")
                timeout = float(os.environ.get("FLEET_TIMEOUT", "2.5"))
                return ctx.invoke(handler_0042, timeout=timeout)


            def fooBaz():
                return barBaz()


            def barBaz():
                return "Überprüfung: ok"  # TODO non-ASCII
            """,
        "app/handlers.py": _handlers(),
        "app/util.js": """
            // Utilities for the web client.
            export function retry(fn, times) {
              for (let i = 0; i < times; i++) {
                try { return fn(); } catch (error) { console.error("error: retry", i); }
              }
              throw new Error("No such command");
            }
            """,
        "cmd/main.go": """
            package main

            import "fmt"

            func main() {
            \tfmt.Println("error: no such command")
            \tfmt.Println(ctxInvoke(42))
            }
            """,
        # CRLF line ends.
        "lib/parse.c": (
            b"#include <stdio.h>\r\n\r\n"
            b"/* TODO: parse the colour table */\r\n"
            b"int parse(const char *text) {\r\n"
            b'    if (!text) { fprintf(stderr, "error: no text\\n"); return -1; }\r\n'
            b"    return 0;\r\n}\r\n"
        ),
        "config/settings.cfg": """
            [server]
            timeout = 30
            port = 8080
            message = No such command, sorry
            colour = blue
            """,
        "messages.txt": """
            error: No such command 'deploy'
            error: the colour xxx is not known
            warning: timeout after 2.5 s
            Error: 1234 items failed
            pattern: [a-z]+ (a regex)
            """,
        # Latin-1, not UTF-8: decoded as the site decodes it.
        "legacy/notes.txt": b"Gr\xfc\xdfe aus M\xfcnchen\nerror: caf\xe9 closed at 10.30\n",
        # No final newline.
        "scripts/deploy.rb": "def deploy\n  puts 'error: deploy failed'\nend",
        "empty.txt": "",
        # Binary: a NUL in the first block.
        "assets/logo.png": b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR No such command ctx.invoke(\n",
        # Over the source cap.
        "data/dump.sql": "".join(
            f"INSERT INTO log VALUES ({n}, 'error: No such command {n}');\n" for n in range(6000)
        ),
    }


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The tree, a git repository of one commit, and its site built with a small source cap."""
    base = tmp_path_factory.mktemp("grep")
    tree = write_tree(base / "tree", tree_files())
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
        patch.setenv("GIT_CONFIG_NOSYSTEM", "1")
        git_repository(tree)
    site = base / "site"
    completed = run_xrefdoc(
        "build", str(tree), "-o", str(site), "-q", "--source-cap", str(SOURCE_CAP)
    )
    assert completed.returncode == 0, completed.stderr
    return tree, site


def grep(site: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    return run_xrefdoc("grep", "--site", str(site), *arguments)


def rows_of(output: str) -> list[Row]:
    rows = []
    for line in output.splitlines():
        path, number, text = line.split(":", 2)
        rows.append((path, int(number), text))
    return rows


def searched_files(site: Path) -> dict[str, str]:
    """The files the index searches, with their languages."""
    index = CodeIndex(code_search_folder(site))
    return {path: language for path, language, _ in index.files}


def git_grep(tree: Path, pattern: str, *options: str, within: str = ".") -> list[Row]:
    """``git grep -n -I`` of the committed tree as the site shows each line (the bench's
    runner, ``bench/grep.py``)."""
    rows: list[Row] = GREP_BENCH.git_grep_rows(tree, [*options, "--", within], pattern)
    return rows


# (xrefdoc's options, git grep's options, pattern, its filters). Every query finds something,
# in both (checked below), so an empty answer on either side cannot pass for agreement.
QUERIES: list[tuple[tuple[str, ...], tuple[str, ...], str]] = [
    # Literals.
    (("-F",), ("-F",), "No such command"),
    (("-F",), ("-F",), "ctx.invoke("),
    (("-F",), ("-F",), "status-0042"),
    (("-F",), ("-F",), "handler_2399"),
    (("-F",), ("-F",), "TODO"),
    (("-F",), ("-F",), "timeout = "),
    (("-F",), ("-F",), "error:"),
    (("-F",), ("-F",), "Überprüfung"),
    (("-F",), ("-F",), "naïve café"),
    (("-F",), ("-F",), ")"),
    (("-F",), ("-F",), "Gr"),
    (("-F",), ("-F",), "    return"),
    (("-F",), ("-F",), "[a-z]+"),
    # Literals, case ignored.
    (("-F", "-i"), ("-F", "-i"), "no such command"),
    (("-F", "-i"), ("-F", "-i"), "CTX.INVOKE"),
    (("-F", "-i"), ("-F", "-i"), "Error"),
    (("-F", "-i"), ("-F", "-i"), "HANDLER_01"),
    (("-F", "-i"), ("-F", "-i"), "todo"),
    # Non-ASCII letters fold too, as in git grep (and JavaScript); the index folds only
    # ASCII's, so these look up the trigrams of their ASCII parts only.
    (("-F", "-i"), ("-F", "-i"), "überprüfung"),
    (("-F", "-i"), ("-F", "-i"), "NAÏVE CAFÉ"),
    # Regular expressions.
    ((), ("-P",), r"def \w+\("),
    ((), ("-P",), r"^import "),
    ((), ("-P",), r"(foo|bar)Baz"),
    ((), ("-P",), r"[0-9]{4}"),
    ((), ("-P",), r"\bctx\b"),
    ((), ("-P",), r"^\s*$"),
    ((), ("-P",), r"err(or|no)r?:"),
    ((), ("-P",), r"status-00[0-4]2"),
    ((), ("-P",), r"colou?r"),
    ((), ("-P",), r"\d+\.\d+"),
    ((), ("-P",), r"[A-Z][a-z]+Error"),
    ((), ("-P",), r"return [a-z_]+\("),
    ((), ("-P",), r"x{2,}"),
    ((), ("-P",), r"^package main$"),
    ((), ("-P",), r"handler_(0007|1999|2399)\b"),
    ((), ("-P",), r"na.ve"),
    ((), ("-P",), r"\S"),
    ((), ("-P",), r"(?:TODO|FIXME):?\s+\w+"),
    (("-i",), ("-P", "-i"), r"NO SUCH \w+"),
    (("-i",), ("-P", "-i"), r"über\w+"),
    ((), ("-P",), r"(?i)ÜBERPRÜ[a-z]+"),
    # \w, \b, \d, \s are ASCII's, also in a set (git grep -P's, without PCRE's UCP): the
    # first branch would match README.md's "naïve café" with Unicode's.
    ((), ("-P",), r"[\w.]+ caf[\w]|Error: \d+"),
    ((), ("-P",), r"\bna\w+ve\b|Error: \d+"),
    (("-i",), ("-P", "-i"), r"NA\wVE|ERROR: \d+"),
    (("-i",), ("-P", "-i"), r"^\s+return respond\(REQUEST, 1[0-9]{3},"),
]

# (xrefdoc's options, git grep's options, pattern, --path filters, --lang filters).
FILTERED: list[tuple[tuple[str, ...], tuple[str, ...], str, tuple[str, ...], tuple[str, ...]]] = [
    (("-F",), ("-F",), "return", ("app/",), ()),
    (("-F", "-i"), ("-F", "-i"), "error", (), ("python",)),
    (("-F", "-i"), ("-F", "-i"), "todo", ("lib/",), ("C",)),
    ((), ("-P",), r"\w+\(", (".go",), ()),
    ((), ("-P",), r"No such", ("a",), ("Markdown", "text")),
    (("-F",), ("-F",), "handler", ("app", "handlers"), ("python",)),
]


def assert_same_as_git(
    built: tuple[Path, Path],
    ours: tuple[str, ...],
    theirs: tuple[str, ...],
    pattern: str,
    paths: tuple[str, ...] = (),
    languages: tuple[str, ...] = (),
) -> None:
    tree, site = built
    searched = searched_files(site)
    wanted = {language.lower() for language in languages}
    expected = [
        row
        for row in git_grep(tree, pattern, *theirs)
        if row[0] in searched
        and all(part in row[0] for part in paths)
        and (not wanted or searched[row[0]].lower() in wanted)
    ]
    filters = [f"--path={part}" for part in paths] + [f"--lang={name}" for name in languages]
    completed = grep(site, *ours, *filters, "--", pattern)
    assert completed.returncode == 0, completed.stderr
    found = rows_of(completed.stdout)
    assert expected, "the query must find something"
    assert found == expected


@pytest.mark.parametrize(("ours", "theirs", "pattern"), QUERIES)
def test_a_query_finds_what_git_grep_finds_in_the_searched_files(
    built: tuple[Path, Path], ours: tuple[str, ...], theirs: tuple[str, ...], pattern: str
) -> None:
    assert_same_as_git(built, ours, theirs, pattern)


@pytest.mark.parametrize(("ours", "theirs", "pattern", "paths", "languages"), FILTERED)
def test_path_and_language_filters_keep_what_git_grep_finds_in_those_files(
    built: tuple[Path, Path],
    ours: tuple[str, ...],
    theirs: tuple[str, ...],
    pattern: str,
    paths: tuple[str, ...],
    languages: tuple[str, ...],
) -> None:
    assert_same_as_git(built, ours, theirs, pattern, paths, languages)


def test_the_large_file_is_cut_into_regions_and_matches_in_each_keep_their_lines(
    built: tuple[Path, Path],
) -> None:
    _, site = built
    index = CodeIndex(code_search_folder(site))
    handlers = next(n for n, (path, _, _) in enumerate(index.files) if path == "app/handlers.py")
    group = index.files[handlers][2]
    regions = [
        number
        for number in range(index.region_count(group))
        if index.region(group, number).path == "app/handlers.py"
    ]
    assert len(regions) >= 3
    completed = grep(site, "-F", "TODO: retry")
    lines = [line for _, line, _ in rows_of(completed.stdout)]
    expected = [n for n, line in enumerate(_handlers().split("\n"), 1) if "TODO: retry" in line]
    assert len(expected) == 4
    assert lines == expected


def test_the_output_is_git_greps_byte_for_byte(built: tuple[Path, Path]) -> None:
    tree, site = built
    git_output = subprocess.run(
        ["git", "-C", str(tree), "grep", "-n", "-I", "--no-color", "-F", "-e", "ctx.invoke("],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert git_output.count("\n") == 2
    assert grep(site, "-F", "ctx.invoke(").stdout == git_output


def test_a_latin1_file_is_searched_as_the_site_shows_it(built: tuple[Path, Path]) -> None:
    """git matches bytes, and finds no UTF-8 ``Grüße`` in a Latin-1 file; the site shows
    the file decoded, and its search finds the word there."""
    _, site = built
    completed = grep(site, "-F", "Grüße")
    assert rows_of(completed.stdout) == [("legacy/notes.txt", 1, "Grüße aus München")]


def test_a_crlf_file_is_searched_line_by_line_without_its_carriage_returns(
    built: tuple[Path, Path],
) -> None:
    """``$`` after the last character of a CRLF line matches: the line is the site's, ended by
    ``\\n`` (git grep, which keeps the ``\\r``, finds nothing here)."""
    tree, site = built
    completed = grep(site, "--path=lib/", r"\{$")
    assert rows_of(completed.stdout) == [("lib/parse.c", 4, "int parse(const char *text) {")]
    assert git_grep(tree, r"\{$", "-P", within="lib/") == []


def test_json_holds_the_matches_their_spans_and_the_files_not_searched(
    built: tuple[Path, Path],
) -> None:
    _, site = built
    completed = grep(site, "--json", "-i", r"colou?r")
    assert completed.returncode == 0, completed.stderr
    data = json.loads(completed.stdout)
    assert set(data) == {"matches", "searched", "skipped"}
    assert data["searched"] == len(searched_files(site))
    assert sorted(data["skipped"]) == [
        ["assets/logo.png", "binary"],
        ["data/dump.sql", f"larger than the source cap ({SOURCE_CAP} bytes)"],
    ]
    first = data["matches"][0]
    assert first == {
        "path": "README.md",
        "line": 5,
        "text": "Die Überprüfung der Eingabe schlug fehl: naïve café colour.",
        "spans": [[52, 58]],
    }
    assert first["text"][52:58] == "colour"
    server = [match for match in data["matches"] if match["path"] == "app/server.py"]
    assert server[0]["spans"] == [[32, 38], [66, 71]]
    assert [server[0]["text"][start:end] for start, end in server[0]["spans"]] == [
        "colour",
        "COLOR",
    ]
    assert [(m["path"], m["line"], m["text"]) for m in data["matches"]] == rows_of(
        grep(site, "-i", r"colou?r").stdout
    )


def test_the_files_not_searched_are_said_in_one_line_on_stderr(built: tuple[Path, Path]) -> None:
    _, site = built
    completed = grep(site, "-F", "No such command")
    assert completed.returncode == 0
    assert completed.stderr == (
        "xrefdoc: 2 files not searched: 1 binary, 1 larger than the source cap "
        f"({SOURCE_CAP} bytes) (--json lists them)\n"
    )
    # A path filter that lets no left-out file through: nothing to say.
    assert grep(site, "-F", "No such command", "--path", "app/").stderr == ""


def test_exit_codes_are_greps(built: tuple[Path, Path], tmp_path: Path) -> None:
    _, site = built
    assert grep(site, "-F", "handler_0042").returncode == 0
    nothing = grep(site, "-F", "handler_9999")
    assert (nothing.returncode, nothing.stdout) == (1, "")
    nothing_json = grep(site, "-F", "handler_9999", "--json")
    assert nothing_json.returncode == 1
    assert json.loads(nothing_json.stdout)["matches"] == []
    assert_usage_error(grep(site, "handler_(0042"), "PATTERN", "not a regular expression")
    assert_usage_error(run_xrefdoc("grep", "x", "--site", str(tmp_path)), "no code-search index")
    assert_usage_error(grep(site, "x", "--colour"), "--colour")
    assert_usage_error(
        run_xrefdoc("grep", "x", "--site", str(site), "--root", str(tmp_path)), "--root"
    )


def test_a_misspelt_language_is_said(built: tuple[Path, Path]) -> None:
    _, site = built
    completed = grep(site, "-F", "error", "--lang", "pyhton")
    assert (completed.returncode, completed.stdout) == (1, "")
    assert "no searched file is in pyhton" in completed.stderr
    assert "Python" in completed.stderr


def test_a_broken_index_is_one_line_and_exit_2(built: tuple[Path, Path], tmp_path: Path) -> None:
    _, site = built
    code = code_search_folder(tmp_path / "site")
    code.mkdir(parents=True)
    table = (code_search_folder(site) / "index.js").read_text()
    (code / "index.js").write_text(table)
    # The table without the groups' chunks and shards it names.
    assert_usage_error(
        run_xrefdoc("grep", "-F", "handler_0042", "--site", str(tmp_path / "site")),
        "code-search index",
        "broken",
    )
    (code / "index.js").write_text(table[:100])
    assert_usage_error(
        run_xrefdoc("grep", "-F", "handler_0042", "--site", str(tmp_path / "site")),
        "code-search index",
        "broken",
    )


def test_root_finds_the_site_built_in_the_tree_or_says_how_to_build_it(
    built: tuple[Path, Path], tmp_path: Path
) -> None:
    _, site = built
    elsewhere = tmp_path / "elsewhere"
    missing = run_xrefdoc("grep", "-F", "handler_0042", "--root", "elsewhere", cwd=tmp_path)
    assert_usage_error(missing, "no code-search index in elsewhere/_build/html", "xrefdoc build")
    (elsewhere / "_build").mkdir(parents=True)
    (elsewhere / "_build" / "html").symlink_to(site)
    found = run_xrefdoc("grep", "-F", "handler_0042", cwd=elsewhere)
    assert found.returncode == 0, found.stderr
    assert rows_of(found.stdout)[0][:2] == ("app/handlers.py", 87)


def test_a_one_file_change_is_found_after_the_rebuild(tmp_path: Path) -> None:
    tree = write_tree(
        tmp_path / "tree",
        {
            "pkg/core.py": "def run():\n    raise SystemExit('engine stalled')\n",
            "pkg/other.py": "VALUE = 'engine started'\n",
        },
    )
    site = tmp_path / "site"
    assert run_xrefdoc("build", str(tree), "-o", str(site), "-q").returncode == 0
    assert rows_of(grep(site, "-F", "stalled").stdout) == [
        ("pkg/core.py", 2, "    raise SystemExit('engine stalled')")
    ]
    (tree / "pkg/core.py").write_text("def run():\n    pass\n\n\nFAILURE = 'engine halted'\n")
    assert run_xrefdoc("build", str(tree), "-o", str(site), "-q").returncode == 0
    assert grep(site, "-F", "stalled").returncode == 1
    assert rows_of(grep(site, "engine (halted|started)").stdout) == [
        ("pkg/core.py", 5, "FAILURE = 'engine halted'"),
        ("pkg/other.py", 1, "VALUE = 'engine started'"),
    ]


def test_grep_starts_without_the_builds_heavy_libraries(built: tuple[Path, Path]) -> None:
    """A grep loads the index's reader and nothing of the build: importing numpy alone took
    longer than a whole query, Sphinx or Pygments far longer."""
    _, site = built
    heavy = ("sphinx", "jinja2", "pygments", "tree_sitter", "numpy", "markdown_it", "docutils")
    script = (
        "import sys\n"
        "from xrefdoc.commands.cli import main\n"
        f"code = main(['grep', '-F', 'handler_0042', '--site', {str(site)!r}])\n"
        f"loaded = sorted({{m.split('.')[0] for m in sys.modules}} & {set(heavy)!r})\n"
        "print(code, loaded)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout.splitlines()[-1] == "0 []"
