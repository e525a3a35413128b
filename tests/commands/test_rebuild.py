"""Rebuilds into an existing site: nothing redone after no change, every change shown, pages of
removed files deleted, and a failed build never taken for a complete one."""

from __future__ import annotations

import contextlib
import gc
import io
import os
import time
from pathlib import Path
from typing import Any

import pytest
from helpers import PLUGIN_FILES, script_data, uncoloured, whole_site, write_tree, written
from sites import hrefs, main_body, page_text
from sphinx.cmd.build import build_main

from xrefdoc.commands.check import broken_links
from xrefdoc.commands.cli import main
from xrefdoc.core import generated, memory
from xrefdoc.site import keyword_layout as kwlayout
from xrefdoc.site import keyword_views as kwviews
from xrefdoc.site import render, symbol_scripts, writer

FILES = {
    "pkg/__init__.py": "",
    "pkg/core.py": "class Engine:\n    def run(self):\n        return 1\n",
    "pkg/util.py": "from pkg.core import Engine\n\n\ndef start():\n    return Engine().run()\n",
    "old/gone.py": "def vanishing_helper():\n    return 2\n",
    "README.md": "# Demo\n",
}


def build(tree: Path, output: Path, *extra: str) -> int:
    return main(["build", str(tree), "-o", str(output), *extra])


def built_site(tmp_path: Path) -> tuple[Path, Path]:
    """``FILES`` written under ``tmp_path`` and built: the tree and the site."""
    tree = write_tree(tmp_path / "tree", FILES)
    output = tmp_path / "out"
    assert build(tree, output) == 0
    return tree, output


def rebuilt(tree: Path, output: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """What a rebuild that succeeds prints."""
    capsys.readouterr()
    assert build(tree, output) == 0
    return capsys.readouterr().out


def pages(output: Path) -> dict[str, tuple[bytes, int]]:
    """Every HTML page of the site: its bytes and modification time."""
    return {
        path.relative_to(output).as_posix(): (path.read_bytes(), path.stat().st_mtime_ns)
        for path in output.rglob("*.html")
    }


def test_a_rebuild_after_no_change_rewrites_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tree, output = built_site(tmp_path)
    before = pages(output)
    assert "no file changed since the last complete build" in rebuilt(tree, output, capsys)
    assert pages(output) == before, "every page kept, none written again, Sphinx not run"


def test_a_rebuild_after_only_times_changed_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tree = write_tree(tmp_path / "tree", FILES)
    output = tmp_path / "out"
    assert build(tree, output) == 0
    before = written(output)
    later = time.time() + 60  # a checkout, or a touch of every file
    for path in tree.rglob("*"):
        os.utime(path, (later, later))
    capsys.readouterr()
    assert build(tree, output) == 0
    assert "no file's content changed since the last complete build" in capsys.readouterr().out
    assert written(output) == before, "no file of the site written again"
    # And the times are known now: the next build has nothing to read.
    assert build(tree, output) == 0
    assert "no file changed since the last complete build" in capsys.readouterr().out


def test_a_page_deleted_after_a_rebuild_that_changed_nothing_is_written_again(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A rebuild with nothing to do stats the site's folders, not each page, once it has seen
    them all (their times are kept): removing a page changes its folder, so it is seen."""
    tree = write_tree(tmp_path / "tree", FILES)
    output = tmp_path / "out"
    assert build(tree, output) == 0
    hour_ago = time.time() - 3600  # folders changed a moment ago are not trusted yet
    for folder in [output, *(path for path in output.rglob("*") if path.is_dir())]:
        os.utime(folder, (hour_ago, hour_ago))
    for _ in range(2):  # the first looks at every page and keeps the folders' times
        capsys.readouterr()
        assert build(tree, output) == 0
        assert "no file changed since the last complete build" in capsys.readouterr().out
    page = output / "pkg/core.py_docs.html"
    text = page.read_bytes()
    page.unlink()
    assert build(tree, output) == 0
    assert "no file changed" not in capsys.readouterr().out
    assert page.read_bytes() == text


def test_a_page_deleted_right_after_the_build_is_written_again(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Stamped by the build's own check or not (it may end in the tick of the last page's
    write), the page's folder changed since: its listing is read again, and the page
    missing from it is seen."""
    tree, output = built_site(tmp_path)
    page = output / "pkg/core.py_kw.html"
    text = page.read_bytes()
    page.unlink()
    (output / "pkg" / "core.py_kw.html.kept").write_bytes(text)  # another name is no page
    assert "no file changed" not in rebuilt(tree, output, capsys)
    assert page.read_bytes() == text


def test_a_looping_link_beside_the_pages_does_not_make_them_all_again(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The folder the link came in has its listing read again: an entry that is not a page
    (a link to itself, which cannot be followed) says nothing about the pages."""
    tree, output = built_site(tmp_path)
    (output / "pkg" / "loop").symlink_to("loop")
    assert "no file changed since the last complete build" in rebuilt(tree, output, capsys)


def test_inside_sphinx_a_rebuild_after_no_change_renders_no_page(tmp_path: Path) -> None:
    tree = write_tree(tmp_path / "tree", FILES)
    project = write_tree(
        tmp_path / "docs",
        {
            "conf.py": f"extensions = ['xrefdoc.sphinx']\nxrefdoc_root = {str(tree)!r}\n",
            "index.md": "# Project\n\n```{toctree}\n_xref/index\n```\n",
        },
    )
    output = tmp_path / "html"
    assert sphinx_build([str(project), str(output), "-q"], io.StringIO()) == 0
    assert gc.isenabled(), "generation pauses the garbage collector, and turns it back on"
    assert gc.get_freeze_count() == 0, "what generation froze is thawed when the build ends"
    before = pages(output)
    status = io.StringIO()
    assert sphinx_build([str(project), str(output)], status) == 0
    assert "xrefdoc: no file changed since the last complete build" in status.getvalue()
    after = pages(output)
    assert (output / "_xref/pkg/core.py_docs.html").is_file()
    # Sphinx writes its own search and general index pages on every build; xrefdoc nothing.
    rewritten = {page for page in after if after[page][1] != before[page][1]}
    assert rewritten == {"search.html", "genindex.html"}


def sphinx_build(arguments: list[str], status: io.StringIO) -> int:
    with contextlib.redirect_stdout(status):
        return build_main(arguments)


def test_a_changed_file_shows_in_its_page_and_in_the_keyword_index(tmp_path: Path) -> None:
    tree = write_tree(tmp_path / "tree", FILES)
    output = tmp_path / "out"
    assert build(tree, output, "-q") == 0
    with (tree / "pkg/core.py").open("a", encoding="utf-8") as out:
        out.write("\n\ndef freshly_added():\n    return 3\n")
    assert build(tree, output, "-q") == 0
    assert "freshly_added" in main_body(page_text(output / "pkg/core.py_docs.html"))
    letter = main_body(page_text(output / "keywords-f.html"))
    assert "freshly_added" in letter and "pkg/core.py_docs.html#sym-freshly_added" in letter


def test_a_new_definition_renders_only_the_keyword_page_that_lists_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree = write_tree(tmp_path / "tree", FILES)
    output = tmp_path / "out"
    assert build(tree, output, "-q") == 0
    before = pages(output)
    rendered: list[str] = []
    real_letter_page = render.letter_page

    def counted(site: object, keyword_page: kwlayout.KeywordPage, *rest: Any) -> object:
        rendered.append(keyword_page.page)
        return real_letter_page(site, keyword_page, *rest)  # type: ignore[arg-type]

    monkeypatch.setattr(render, "letter_page", counted)
    # The edited file also defines Engine and run, whose entries do not change; the A-Z
    # root shows how many keywords each letter has.
    with (tree / "pkg/core.py").open("a", encoding="utf-8") as out:
        out.write("\n\ndef runner_added():\n    return 3\n")
    assert build(tree, output, "-q") == 0
    after = pages(output)
    keyword_pages = {page for page in after if page.startswith("keyword")}
    rewritten = {page for page in keyword_pages if after[page][1] != before[page][1]}
    assert rewritten - {"keywords.html"} == {"keywords-r.html"}
    assert rendered == ["keywords-r"], "no other letter page is even rendered"
    assert "runner_added" in main_body(page_text(output / "keywords-r.html"))
    # A new use of Engine in the same file: Engine's letter page is rewritten too.
    with (tree / "pkg/core.py").open("a", encoding="utf-8") as out:
        out.write("\n\ndef runner_two():\n    return Engine()\n")
    assert build(tree, output, "-q") == 0
    assert "pkg/core.py_docs.html#L11" in hrefs(main_body(page_text(output / "keywords-e.html")))


def _assert_as_from_scratch(tree: Path, output: Path, scratch: Path) -> None:
    """Every page and data file of ``output`` is as a build of ``tree`` into ``scratch``
    from scratch writes it: with its own cache beside it, so nothing the rebuilds kept
    (records, resolutions) is used."""
    assert build(tree, scratch, "-q", "--cache-dir", str(scratch.parent / "scratch-cache")) == 0
    rebuilt, clean = whole_site(output), whole_site(scratch)
    assert [page for page in clean if rebuilt.get(page) != clean[page]] == []


def _counting_file_pages(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths of the files whose pages are rendered from now on, in order."""
    rendered: list[str] = []
    real_file_pages = render.render_file_pages

    def counted(environment: Any, site: Any, inputs: Any, record: Any) -> Any:
        rendered.append(record.path)
        return real_file_pages(environment, site, inputs, record)

    monkeypatch.setattr(render, "render_file_pages", counted)
    return rendered


def test_lines_added_above_a_definition_render_no_page_that_links_to_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A link names the definition by its symbol's anchor, not its line: the pages of a
    file that uses ``Engine`` are not even rendered when lines come above ``Engine``, and
    its link still lands on ``Engine``'s line. The keyword's entry, which shows the line,
    is written again."""
    tree = write_tree(tmp_path / "tree", FILES)
    output = tmp_path / "out"
    assert build(tree, output, "-q") == 0
    before = pages(output)
    assert "href=core.py_docs.html#sym-Engine>" in before["pkg/util.py_docs.html"][0].decode()
    rendered = _counting_file_pages(monkeypatch)
    (tree / "pkg/core.py").write_text('"""The engine."""\n\n\n' + FILES["pkg/core.py"])
    assert build(tree, output, "-q") == 0
    after = pages(output)

    assert rendered == ["pkg/core.py"], "only the edited file's pages are rendered"
    assert after["pkg/util.py_docs.html"] == before["pkg/util.py_docs.html"]
    core = after["pkg/core.py_docs.html"][0].decode()
    assert "<li id=L4><span id=sym-Engine></span>" in core, "the anchor is on Engine's line"
    assert "pkg/core.py_docs.html#sym-Engine" in main_body(page_text(output / "keywords-e.html"))
    assert "pkg/core.py:4" in main_body(page_text(output / "keywords-e.html"))


def test_a_name_defined_once_more_renders_the_files_of_its_textual_matches_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second ``run`` changes what a textual match of ``run`` shows (its one candidate
    becomes the entry and a count), not what an exact use of ``Engine.run`` shows: the file
    of the match is rendered again, the file of the exact use is not, though it mentions
    ``run`` too. Both pages are then as a build from scratch writes them."""
    files = {
        **FILES,
        "pkg/poke.py": "def poke(thing):\n    return thing.run()\n",
        "pkg/motor.py": "SPEED = 1\n",
    }
    tree = write_tree(tmp_path / "tree", files)
    output = tmp_path / "out"
    assert build(tree, output, "-q") == 0
    before = pages(output)
    rendered = _counting_file_pages(monkeypatch)
    motor = "SPEED = 1\n\n\nclass Motor:\n    def run(self):\n        return SPEED\n"
    (tree / "pkg/motor.py").write_text(motor, encoding="utf-8")
    assert build(tree, output, "-q") == 0
    after = pages(output)

    assert sorted(rendered) == ["pkg/motor.py", "pkg/poke.py"]
    assert after["pkg/util.py_docs.html"] == before["pkg/util.py_docs.html"]
    poke = after["pkg/poke.py_docs.html"][0].decode()
    assert "textual match, run: 2 definitions" in poke
    _assert_as_from_scratch(tree, output, tmp_path / "scratch")


def test_a_base_named_by_a_short_name_defined_again_rewrites_its_subclasses_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """C++ names a base by its name alone, and a name this short has no textual match: a
    second class ``Sh`` makes ``Circle``'s base ambiguous. No page of ``circle.h`` or
    ``shape.h`` shows that, so only the edited file is rendered; their symbol data (the
    bases, subclasses and overrides of the type hierarchy) is as a build from scratch
    writes it."""
    files = {
        "include/shape.h": "class Sh {\n public:\n  virtual double area() const;\n};\n",
        "include/circle.h": (
            '#include "shape.h"\n'
            "class Circle : public Sh {\n public:\n  double area() const override;\n};\n"
        ),
        "include/other.h": "int helper_value(void);\n",
    }
    tree = write_tree(tmp_path / "tree", files)
    output = tmp_path / "out"
    assert build(tree, output, "-q") == 0
    circle = output / "_xref/refs/include/circle.h.js"
    assert [base[1] for base in script_data(circle)["h"]["sym-Circle"]["b"]] == ["sym-Sh"]
    rendered = _counting_file_pages(monkeypatch)
    (tree / "include/other.h").write_text(
        files["include/other.h"] + "class Sh {\n public:\n  int other;\n};\n", encoding="utf-8"
    )
    assert build(tree, output, "-q") == 0

    assert rendered == ["include/other.h"]
    assert [base[1] for base in script_data(circle)["h"]["sym-Circle"]["b"]] == [""], "ambiguous"
    _assert_as_from_scratch(tree, output, tmp_path / "scratch")


def test_pages_of_removed_files_and_folders_are_deleted(tmp_path: Path) -> None:
    tree = write_tree(tmp_path / "tree", FILES)
    output = tmp_path / "out"
    assert build(tree, output, "-q") == 0
    assert (output / "old/gone.py_docs.html").is_file()
    assert (output / "keywords-v.html").is_file()
    (tree / "old/gone.py").unlink()
    (tree / "old").rmdir()
    assert build(tree, output, "-q") == 0
    assert not (output / "old").exists(), "the file's pages and its folder's pages are gone"
    assert not (output / "keywords-v.html").exists(), "a letter page left without keywords"
    assert "gone.py" not in page_text(output / "index.html")
    assert (output / "pkg/core.py_docs.html").is_file()
    assert broken_links(output) == []


def test_a_build_failed_by_warnings_is_not_taken_for_a_complete_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tree = write_tree(tmp_path / "tree", {**FILES, "bad.py": "def f(:\n    pass\n"})
    output = tmp_path / "out"
    assert build(tree, output, "-q", "-W") == 1
    capsys.readouterr()
    assert build(tree, output, "-q", "-W") == 1, "the second build fails the same way"
    assert "bad.py:1" in capsys.readouterr().err


RICH = {
    **FILES,
    "pkg/models.py": (
        "from pkg.core import Engine\n\n\nclass Car(Engine):\n    wheels = 4\n\n"
        "    def drive(self):\n        return self.run()\n"
    ),
    "tests/test_core.py": (
        "from pkg.core import Engine\n\n\ndef test_run():\n    assert Engine().run() == 1\n"
    ),
    "docs/guide.md": "# Guide\n\nCall `pkg.core.Engine.run` or `start`.\n",
    "docs/README.md": "# Docs\n\nSee [the new module](../pkg/new.py).\n",
    "lib/__init__.py": "from lib.sub import f\n",
    "lib/sub/__init__.py": "from lib.sub.impl1 import f\n",
    "lib/sub/impl1.py": "def f():\n    return 1\n",
    "lib/sub/impl2.py": "\n\ndef f():\n    return 2\n",
    "app.py": "import lib\n\nlib.f()\n",
    "pkg/aliases.py": "from pkg.core import Engine as Motor\n\nSPARE = Motor()\n",
}

# A method two classes define, and a call that may mean either (a textual match held by
# each one's data, not by a shared list).
PAIR = {
    "shop/pair_a.py": "class PingA:\n    def ping(self):\n        return 1\n",
    "shop/pair_b.py": "class PingB:\n    def ping(self):\n        return 2\n",
    "shop/caller.py": "def call(target):\n    return target.ping()\n",
    "web/engine.js": "export function target() {\n  return 1\n}\n",
    "web/app.js": 'import { target } from "./engine.js"\nexport const caller = () => target()\n',
}


def _edit(tree: Path, path: str, text: str | None) -> None:
    target = tree / path
    if text is None:
        target.unlink()
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")


# A match of the shared list of ``handle`` in a file of its own, and one of ``serve``, of
# which four classes have a method: one short of a shared list.
RELAY = {
    "shop/relay.py": "def relay(plugin, host):\n    return plugin.handle(None) or host.serve()\n",
    **{
        f"hosts/h{n}.py": f"class H{n}:\n    def serve(self):\n        return {n}\n"
        for n in range(1, 5)
    },
}


@pytest.mark.parametrize(
    "edits",
    [
        pytest.param(
            [("pkg/core.py", '"""Engine."""\n\n' + FILES["pkg/core.py"])], id="lines-shift"
        ),
        pytest.param(
            [("pkg/extra.py", "from pkg.core import Engine\n\nSPARE = Engine()\n")],
            id="file-added",
        ),
        pytest.param([("pkg/models.py", None)], id="file-removed"),
        pytest.param(
            [("pkg/util.py", FILES["pkg/util.py"].replace("start", "begin"))],
            id="definition-renamed",
        ),
        pytest.param(
            [("pkg/__init__.py", "from pkg.core import Engine\n")], id="package-reexports"
        ),
        pytest.param([("zeta/z.py", "def zulu_name():\n    return 0\n")], id="new-letter"),
        pytest.param([("tests/test_core.py", None)], id="test-removed"),
        pytest.param(
            [("other/runner.py", "class Runner:\n    def run(self):\n        return 2\n")],
            id="second-definition-of-a-name",
        ),
        pytest.param(
            [("pkg/models.py", None), ("pkg/vehicles/models.py", RICH["pkg/models.py"])],
            id="file-moved",
        ),
        pytest.param([("README.md", "# Demo\n\nSee `pkg.util.start`.\n")], id="readme"),
        pytest.param(
            [("lib/sub/__init__.py", "from lib.sub.impl2 import f\n")],
            id="re-export-two-files-away",
        ),
        pytest.param([("pkg/new.py", "NEW = 1\n")], id="file-a-readme-elsewhere-links-to"),
        pytest.param([("pytest.ini", "[pytest]\n")], id="pytest-configuration-added"),
        pytest.param(
            [("pkg/trucks.py", "from pkg.models import Car\n\n\nclass Truck(Car):\n    pass\n")],
            id="subclass-two-levels-down",
        ),
        pytest.param(
            [("pkg/models.py", RICH["pkg/models.py"].replace("Car(Engine)", "Car"))],
            id="base-dropped",
        ),
        # The base class's file keeps its classes and methods: the subclass's data is kept.
        pytest.param(
            [("pkg/core.py", FILES["pkg/core.py"].replace("return 1", "return 2"))],
            id="base-method-body-edited",
        ),
        pytest.param(
            [("pkg/core.py", FILES["pkg/core.py"] + "\n\ndef helper():\n    return 0\n")],
            id="function-added-beside-a-base",
        ),
        # ``Car.drive`` now overrides a method of its base, and ``Car.run`` one of its own.
        pytest.param(
            [("pkg/core.py", FILES["pkg/core.py"] + "\n    def drive(self):\n        return 0\n")],
            id="method-added-to-a-base",
        ),
        pytest.param(
            [("pkg/models.py", RICH["pkg/models.py"] + "\n    def run(self):\n        return 3\n")],
            id="override-added-to-a-subclass",
        ),
        # Two subclasses of one base swap places in their file: the base lists them in order.
        pytest.param(
            [
                (
                    "pkg/pair.py",
                    "from pkg.core import Engine\n\n\nclass Bus(Engine):\n"
                    "    pass\n\n\nclass Van(Engine):\n    pass\n",
                ),
            ],
            id="subclasses-added",
        ),
        pytest.param(
            [(f"pkg/filler_{n:02}.py", f"FILLER_{n} = {n}\n") for n in range(30)],
            id="folder-grows-past-its-tree-window",
        ),
        # A textual match's line changes where it stands: the shared list that holds it
        # (five definitions of handle) and the data of the two pings it may mean show it.
        pytest.param(
            [
                (
                    "shop/dispatch.py",
                    str(PLUGIN_FILES["shop/dispatch.py"]).replace(
                        "plugin.handle(event)", "plugin.handle(event or None)"
                    ),
                )
            ],
            id="shared-match-line-changed",
        ),
        # A match more of the shared list: each of the five definitions counts it.
        pytest.param(
            [
                (
                    "shop/dispatch.py",
                    str(PLUGIN_FILES["shop/dispatch.py"]) + "\n\ndef again(p):\n    p.handle(1)\n",
                )
            ],
            id="shared-match-added",
        ),
        pytest.param(
            [("shop/caller.py", PAIR["shop/caller.py"].replace("()", "() + 0"))],
            id="match-line-changed",
        ),
        # ``ping`` is left defined once: its entry, and what ``target.ping()`` may mean,
        # lose the method of the file changed.
        pytest.param(
            [("shop/pair_b.py", "class PingB:\n    pass\n")],
            id="definition-removed-where-another-file-has-its-name",
        ),
        # Four definitions of ``handle`` are left: its matches leave the shared list for
        # each one's data, and the list is gone.
        pytest.param([("plugins/p5.py", None)], id="shared-list-falls-below-its-size"),
        # A fifth method ``serve``: the match of ``host.serve()`` leaves the data of the four
        # files that did not change for a shared list, which is new.
        pytest.param(
            [("hosts/h5.py", "class H5:\n    def serve(self):\n        return 5\n")],
            id="shared-list-reaches-its-size",
        ),
        # The same by an edit, no file removed: the four files that still define ``handle``
        # did not change, and each one's data now holds the matches.
        pytest.param(
            [("plugins/p5.py", "class P5:\n    def other(self, event):\n        return event\n")],
            id="shared-list-falls-below-its-size-by-an-edit",
        ),
        # A file removed with a match of a shared list that others still hold: the list
        # loses it.
        pytest.param([("shop/relay.py", None)], id="match-of-a-shared-list-removed-with-its-file"),
        # A file's match of a shared list edited away, the file kept: the list loses it,
        # and the five definitions count one line less.
        pytest.param(
            [("shop/relay.py", "def relay(plugin, host):\n    return host.serve()\n")],
            id="match-of-a-shared-list-edited-away",
        ),
        # The same, with a sixth ``handle`` added in the file: the list is still held, and
        # loses the match.
        pytest.param(
            [
                (
                    "shop/relay.py",
                    "def relay(plugin, host):\n    return host.serve()\n\n\n"
                    "class Relay:\n    def handle(self, event):\n        return event\n",
                )
            ],
            id="match-of-a-shared-list-edited-away-with-a-definition-added",
        ),
        # Every match of the shared list of ``handle`` edited away, the files kept: the
        # list is gone.
        pytest.param(
            [
                ("shop/relay.py", "def relay(plugin, host):\n    return host.serve()\n"),
                ("shop/dispatch.py", "def dispatch(plugins, event):\n    return event\n"),
            ],
            id="last-matches-of-a-shared-list-edited-away",
        ),
        # A match that two definitions hold themselves edited away: the data of both loses it.
        pytest.param(
            [("shop/caller.py", "def call(target):\n    return target\n")],
            id="match-held-by-its-definitions-edited-away",
        ),
        # The list's matches are all in the file removed: it is gone too.
        pytest.param(
            [("shop/dispatch.py", None), ("shop/relay.py", None)],
            id="last-matches-of-a-shared-list-removed",
        ),
        # The lines of the use are as they were; the definition around it is now the second
        # of its name (its anchor in the used file's data gains ``~2``).
        pytest.param(
            [("pkg/util.py", FILES["pkg/util.py"].replace("\n\n\n", "\ndef start(): pass\n\n"))],
            id="enclosing-defined-again-above",
        ),
        # The use's line is as it was, but the definition around it now goes on below it:
        # its first line is its signature, and the use there is no longer a call.
        pytest.param(
            [("web/app.js", PAIR["web/app.js"] + "  + 1\n")],
            id="use-now-on-a-signature-line",
        ),
        pytest.param(
            [
                (
                    "shop/dispatch.py",
                    str(PLUGIN_FILES["shop/dispatch.py"]).replace("dispatch(", "send("),
                )
            ],
            id="match-enclosing-renamed",
        ),
        # The entries of the names a file no longer uses lose it: ``f`` through a module,
        # ``Engine`` through an alias (the names as written are ``lib``, ``Motor``).
        pytest.param([("app.py", "import lib\n")], id="use-edited-away"),
        pytest.param([("pkg/aliases.py", "SPARE = None\n")], id="aliased-use-edited-away"),
    ],
)
@pytest.mark.parametrize("small_pages", [False, True], ids=["pages", "small-pages"])
def test_a_rebuild_after_changes_equals_a_build_from_scratch(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    edits: list[tuple[str, str | None]],
    small_pages: bool,
) -> None:
    if small_pages:
        # Letters split into parts and keywords with pages of their own, on a small tree.
        monkeypatch.setattr(kwlayout, "PAGE_ENTRY_LIMIT", 2)
        for module in (kwlayout, kwviews):
            monkeypatch.setattr(module, "DEFINITIONS_SHOWN", 1)
            monkeypatch.setattr(module, "USE_LINES_SHOWN", 1)
    tree = write_tree(tmp_path / "tree", {**RICH, **PLUGIN_FILES, **PAIR, **RELAY})
    output = tmp_path / "site" / "out"
    assert build(tree, output, "-q") == 0
    for path, text in edits:
        _edit(tree, path, text)
    assert build(tree, output, "-q") == 0
    # From scratch: its own cache, so nothing the rebuild kept (records, resolutions) is used.
    scratch = tmp_path / "scratch" / "out"
    assert build(tree, scratch, "-q", "--cache-dir", str(tmp_path / "scratch-cache")) == 0
    rebuilt, clean = whole_site(output), whole_site(scratch)
    assert sorted(rebuilt) == sorted(clean), "the same pages, none missing, none stale"
    different = [page for page in clean if rebuilt[page] != clean[page]]
    assert different == [], "every page as a build from scratch writes it"


def test_a_site_rebuilt_after_another_site_of_the_tree_equals_a_build_from_scratch(
    tmp_path: Path,
) -> None:
    """Two sites of one tree share its cache: the other site's build resolved ``app.py``
    again after a re-export moved, and kept that; this site's rebuild, which last saw the
    re-export where it was, still shows where ``lib.f`` now leads."""
    tree = write_tree(tmp_path / "tree", RICH)
    cache = str(tmp_path / "cache")
    this, other = tmp_path / "this" / "out", tmp_path / "other" / "out"
    assert build(tree, this, "-q", "--cache-dir", cache) == 0
    _edit(tree, "lib/sub/__init__.py", "from lib.sub.impl2 import f\n")
    assert build(tree, other, "-q", "--cache-dir", cache) == 0
    assert build(tree, this, "-q", "--cache-dir", cache) == 0
    _assert_as_from_scratch(tree, this, tmp_path / "scratch" / "out")


def test_pages_written_by_worker_processes_equal_those_written_in_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file pages, the A-Z pages and the symbol data, the shared lists among them
    (``PLUGIN_FILES``)."""
    tree = write_tree(tmp_path / "tree", {**RICH, **PLUGIN_FILES})
    serial = tmp_path / "serial" / "out"
    assert build(tree, serial, "-q", "-j", "1") == 0
    # Which processes wrote the A-Z pages and their index parts (a worker inherits the spy).
    writers = tmp_path / "writers.txt"
    real_write = generated.write_generated

    def write_generated(folder: Path, pages: Any, names: list[str]) -> int:
        with open(writers, "a", encoding="utf-8") as out:
            out.write(f"{folder.name}\t{os.getpid()}\n")
        return real_write(folder, pages, names)

    with monkeypatch.context() as workers:
        workers.setattr(writer, "PARALLEL_MIN_JOBS", 1)
        workers.setattr(writer, "CHUNKS_PER_WORKER", 5)
        workers.setattr(generated, "PARALLEL_MIN_FILES", 1)
        workers.setattr(generated, "write_generated", write_generated)
        workers.setattr(symbol_scripts, "PARALLEL_MIN_FILES", 1)
        workers.setattr(memory, "available_bytes", lambda: 2**40)  # room for every worker
        parallel = tmp_path / "parallel" / "out"
        assert build(tree, parallel, "-q", "-j", "2") == 0
        assert list((parallel / "_xref" / "text").glob("*.js"))
        by_folder: dict[str, set[str]] = {}
        for line in writers.read_text(encoding="utf-8").splitlines():
            folder, pid = line.split("\t")
            by_folder.setdefault(folder, set()).add(pid)
        assert by_folder.keys() == {"_xref", "src"}, "the A-Z pages' folder and _xref"
        for pids in by_folder.values():
            assert len(pids) > 1 and str(os.getpid()) not in pids, "written by workers"
        assert whole_site(parallel) == whole_site(serial)
        # And a rebuild after a change, written by the workers, matches too.
        _edit(tree, "pkg/core.py", '"""Engine."""\n\n' + FILES["pkg/core.py"])
        assert build(tree, parallel, "-q", "-j", "2") == 0
    assert build(tree, serial, "-q", "-j", "1") == 0
    assert whole_site(parallel) == whole_site(serial)


def test_forked_stages_fork_no_more_workers_than_the_memory_holds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A machine whose available memory holds one copy of the build: the symbol data, the
    A-Z pages and their index parts are written here, as the log says, and the site is the
    same."""
    tree = write_tree(tmp_path / "tree", {**RICH, **PLUGIN_FILES})
    serial = tmp_path / "serial" / "out"
    assert build(tree, serial, "-q", "-j", "1") == 0
    monkeypatch.setattr(symbol_scripts, "PARALLEL_MIN_FILES", 1)
    monkeypatch.setattr(generated, "PARALLEL_MIN_FILES", 1)
    monkeypatch.setattr(memory, "available_bytes", lambda: memory.resident_bytes())
    capsys.readouterr()
    tight = tmp_path / "tight" / "out"
    assert build(tree, tight, "-j", "2") == 0
    said = capsys.readouterr().out
    for what in ("symbol data", "A-Z pages", "A-Z index parts"):
        assert f"xrefdoc: {what} written by 1 worker(s), not 2: the available memory" in said
    assert whole_site(tight) == whole_site(serial)


@pytest.mark.parametrize("ci", [False, True], ids=["log", "ci-log"])
def test_progress_in_a_log_is_one_line_per_stage(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, ci: bool
) -> None:
    for name in ("CI", "FORCE_COLOR", "FORCE_COLOUR", "NO_COLOR", "NO_COLOUR"):
        monkeypatch.delenv(name, raising=False)
    if ci:  # Sphinx colours a CI log (CI=true), as its runners render colour; counts stay once.
        monkeypatch.setenv("CI", "true")
    tree = write_tree(tmp_path / "tree", RICH)
    assert build(tree, tmp_path / "out") == 0
    log = capsys.readouterr().out
    # Not a terminal: no colour unless CI; our stages print no redrawn or per-file
    # percentage lines (Sphinx's own, in colour, redraw with a carriage return), counts once.
    assert ("\x1b[" in log) == ci and ("\r" in log) <= ci
    ours = [line for line in log.split("\n") if "xrefdoc:" in line]
    assert ours and not [line for line in ours if "%]" in line or "\r" in line]
    assert log.count(f"xrefdoc: extracting and highlighting... {len(RICH)} files") == 1
    assert log.count("xrefdoc: writing pages... ") == 1


def test_a_failing_page_writer_fails_the_build_and_the_next_build_repairs_the_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    tree = write_tree(tmp_path / "tree", RICH)
    output = tmp_path / "site" / "out"
    real_render = render.render_file_pages

    def failing_render(*arguments: object) -> object:
        if getattr(arguments[3], "path", "") == "pkg/util.py":
            raise RuntimeError("planted failure")
        return real_render(*arguments)  # type: ignore[arg-type]

    monkeypatch.setattr(writer, "PARALLEL_MIN_JOBS", 1)
    monkeypatch.setattr(render, "render_file_pages", failing_render)
    assert build(tree, output, "-q", "-j", "2") != 0
    assert "planted failure" in capsys.readouterr().err
    monkeypatch.setattr(render, "render_file_pages", real_render)
    assert build(tree, output, "-q", "-j", "2") == 0
    scratch = tmp_path / "scratch" / "out"
    assert build(tree, scratch, "-q", "-j", "1") == 0
    assert whole_site(output) == whole_site(scratch)


def test_sphinx_indexes_written_beside_the_index_data_fail_the_build_when_they_fail(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """With two processes, Sphinx's ``objects.inv`` and ``searchindex.js`` are written by a
    process of their own while the index data is written: a failure there fails the
    build, which publishes nothing, and the next build writes them as a build in one
    process does."""
    from sphinx.util.inventory import InventoryFile

    tree = write_tree(tmp_path / "tree", RICH)
    output = tmp_path / "site" / "out"
    real_dump = InventoryFile.dump

    def failing_dump(*arguments: Any, **options: Any) -> None:
        raise RuntimeError("planted inventory failure")

    monkeypatch.setattr(InventoryFile, "dump", failing_dump)
    assert build(tree, output, "-q", "-j", "2") != 0
    assert "planted inventory failure" in capsys.readouterr().err
    assert not (output / "objects.inv").exists(), "nothing published"

    def recorded_dump(*arguments: Any, **options: Any) -> None:
        (tmp_path / "dumped-by").write_text(str(os.getpid()))
        real_dump(*arguments, **options)

    monkeypatch.setattr(InventoryFile, "dump", recorded_dump)
    assert build(tree, output, "-q", "-j", "2") == 0
    assert (tmp_path / "dumped-by").read_text() != str(os.getpid()), "written beside"
    monkeypatch.setattr(InventoryFile, "dump", real_dump)
    scratch = tmp_path / "scratch" / "out"
    assert build(tree, scratch, "-q", "-j", "1") == 0
    for name in ("objects.inv", "searchindex.js"):
        assert (output / name).read_bytes() == (scratch / name).read_bytes(), name
    keywords = InventoryFile.loads((output / "objects.inv").read_bytes(), uri="").data
    assert "pkg.core.Engine.run" in keywords["xref:keyword"]


def test_verbose_progress_in_a_log_names_every_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tree = write_tree(tmp_path / "tree", RICH)
    assert build(tree, tmp_path / "out", "-v") == 0
    log = uncoloured(capsys.readouterr().out)
    extracting = [line for line in log.split("\n") if "extracting and highlighting..." in line]
    assert len(extracting) == len(RICH)
    assert sorted(line.rsplit(" ", 1)[1] for line in extracting) == sorted(RICH)


def _refs_data(site: Path, path: str) -> Any:
    return script_data(site / "_xref" / "refs" / f"{path}.js")


def test_a_rebuild_lists_a_new_subclass_under_its_bases_and_drops_a_removed_caller(
    tmp_path: Path,
) -> None:
    """What the symbol page of ``Engine`` shows after one file changes elsewhere: a
    subclass of a subclass added in another file is among its subclasses, and a caller of
    ``run`` whose file is gone is no longer among its callers."""
    tree = write_tree(tmp_path / "tree", RICH)
    output = tmp_path / "site" / "out"
    assert build(tree, output, "-q") == 0

    def subclasses() -> list[tuple[int, str]]:
        rows = _refs_data(output, "pkg/core.py")["h"]["sym-Engine"]["s"]
        return [(depth, qualname) for depth, _, _, qualname, _ in rows]

    def callers() -> list[str]:
        data = _refs_data(output, "pkg/core.py")
        return sorted(data["p"][row[0]][0] for row in data["h"]["sym-Engine.run"]["c"])

    assert subclasses() == [(1, "pkg.models.Car")]
    assert "pkg/util.py" in callers()
    _edit(tree, "pkg/trucks.py", "from pkg.models import Car\n\n\nclass Truck(Car):\n    pass\n")
    assert build(tree, output, "-q") == 0
    assert subclasses() == [(1, "pkg.models.Car"), (2, "pkg.trucks.Truck")]
    _edit(tree, "pkg/util.py", None)
    assert build(tree, output, "-q") == 0
    assert "pkg/util.py" not in callers()
    assert callers(), "the other callers stay"
