"""The incremental plan: from what changed since the last complete build, the pages a build
renders again, and no others. Each build here is the real scan and site of a small tree,
its facts kept between builds the way a build keeps them (saved, then loaded)."""

from __future__ import annotations

from pathlib import Path

from helpers import write_tree

from xrefdoc.core.settings import make_settings
from xrefdoc.pipeline.scan import scan
from xrefdoc.site.names import PageNames
from xrefdoc.site.plan import Plan, SiteFacts, plan_build
from xrefdoc.site.views import make_site

TREE: dict[str, str | bytes] = {
    "pkg/__init__.py": "",
    "pkg/engine.py": "class Engine:\n    def start(self) -> None:\n        pass\n",
    "pkg/pump.py": "def pump() -> int:\n    return 1\n",
    "app.py": "from pkg.engine import Engine\n\nEngine().start()\n",
    "docs/guide.md": "# Guide\n\nCall `pump`.\n",
}


class Builds:
    """A tree, and its builds one after the other, each planned from the facts of the one
    before."""

    def __init__(self, root: Path) -> None:
        self.root = write_tree(root / "tree", TREE)
        self.facts_file = root / "facts"

    def build(self, settings: str = "settings") -> Plan | None:
        result = scan(make_settings(self.root), use_cache=False)
        site = make_site(result.index, PageNames(), 1000, "demo")
        facts, plan = plan_build(site, settings, SiteFacts.load(self.facts_file))
        facts.save(self.facts_file)
        return plan

    def edit(self, path: str, text: str) -> Plan | None:
        write_tree(self.root, {path: text})
        return self.build()


def _pages(plan: Plan | None) -> tuple[list[str], list[str], list[str]]:
    assert plan is not None, "a build with earlier facts renders only what changed"
    return sorted(plan.files), sorted(plan.folders), sorted(plan.keyword_pages)


def test_a_first_build_and_other_settings_render_everything(tmp_path: Path) -> None:
    builds = Builds(tmp_path)
    assert builds.build() is None
    assert _pages(builds.build()) == ([], [], []), "nothing changed, nothing is rendered"
    assert builds.build(settings="other settings") is None
    builds.facts_file.write_bytes(b"damaged")
    assert builds.build(settings="other settings") is None


def test_an_edit_that_moves_nothing_renders_its_file_and_folders_only(tmp_path: Path) -> None:
    builds = Builds(tmp_path)
    builds.build()
    assert _pages(builds.edit("pkg/pump.py", "def pump() -> int:\n    return 2\n")) == (
        ["pkg/pump.py"],
        ["", "pkg"],
        [],
    )


def test_an_edit_renders_the_pages_of_the_names_it_defines_and_uses(tmp_path: Path) -> None:
    builds = Builds(tmp_path)
    builds.build()
    pump = """\
        from pkg.engine import Engine


        def pump() -> int:
            Engine().start()
            return 2
        """
    files, folders, keyword_pages = _pages(builds.edit("pkg/pump.py", pump))
    # engine.py says how many files use Engine and start. The guide links to pump, which
    # moved: by its anchor, which did not.
    assert files == ["pkg/engine.py", "pkg/pump.py"]
    assert folders == ["", "pkg"]
    # Engine and start have one more use; pump moved to line 4.
    assert keyword_pages == ["keywords-e", "keywords-p", "keywords-s"]
    assert "app.py" not in files


def test_the_data_of_what_a_file_uses_is_made_again_only_when_its_use_lines_change(
    tmp_path: Path,
) -> None:
    """``engine.py``'s symbol data shows the line of ``app.py`` that uses ``Engine`` and
    ``start``: an edit below that line leaves it as it was; an edit of the line does not."""
    builds = Builds(tmp_path)
    builds.build()
    below = builds.edit("app.py", str(TREE["app.py"]) + "\nVALUE = 1\n")
    assert below is not None and below.symbol_files == {"app.py"}
    line = builds.edit("app.py", str(TREE["app.py"]).replace("start()", "start()  # go"))
    assert line is not None and line.symbol_files == {"app.py", "pkg/engine.py"}
    above = builds.edit("app.py", "\n" + str(TREE["app.py"]))
    assert above is not None and above.symbol_files == {"app.py", "pkg/engine.py"}


def test_a_removed_file_renders_what_it_used_and_the_folders_involved(tmp_path: Path) -> None:
    builds = Builds(tmp_path)
    builds.build()
    (builds.root / "app.py").unlink()
    assert _pages(builds.build()) == (
        ["pkg/engine.py"],
        ["", "pkg"],  # app.py's folder, and engine.py's
        ["keywords-e", "keywords-s"],
    )


def test_a_new_file_renders_its_neighbours_and_a_new_letter_every_keyword_page(
    tmp_path: Path,
) -> None:
    builds = Builds(tmp_path)
    builds.build()
    assert _pages(builds.edit("pkg/valve.py", "def valve() -> None:\n    pass\n")) == (
        # A file's page lists the files of its folder.
        ["pkg/__init__.py", "pkg/engine.py", "pkg/pump.py", "pkg/valve.py"],
        ["", "pkg"],
        # Every page of the A-Z index links to every letter.
        ["keywords-e", "keywords-p", "keywords-s", "keywords-v"],
    )
