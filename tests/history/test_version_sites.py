"""``xrefdoc build SRC -o OUT --versions PATTERN``: a site per git ref, each read from git's
objects, a page that lists them newest first, a version switcher that lands on the same page
or the nearest folder that version has, a tag added later built alone, and one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from browser import DESKTOP, browser, served
from helpers import commit_as, git, run_xrefdoc, script_data, write_tree

V1 = {
    "pkg/__init__.py": "",
    "pkg/core.py": "def run(task):\n    return task()\n\n\nclass Engine:\n    pass\n",
    "README.md": "# Demo\n",
}
V2 = {**V1, "pkg/engine.py": "class Engine:\n    def start(self):\n        return 1\n"}
V3 = {**V2, "pkg/core.py": "def run(task, retries=3):\n    return task()\n"}


def tagged_repository(root: Path) -> Path:
    """A repository at ``root`` with V1, V2 and V3 committed a day apart, tagged v1 to v3."""
    root.mkdir()
    git(root, "init", "-q")
    for number, files in enumerate((V1, V2, V3), start=1):
        write_tree(root, files)
        commit_as(root, f"v{number}", number * 86400)
        git(root, "tag", f"v{number}")
    return root


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("versions")
    root = tagged_repository(base / "repo")
    (root / "pkg" / "core.py").write_text("def uncommitted():\n    pass\n")
    out = base / "site"
    done = run_xrefdoc("build", str(root), "-o", str(out), "--versions", "v*", "-q")
    assert done.returncode == 0, done.stderr
    return root, out


def test_each_version_is_a_site_of_its_own_files(built: tuple[Path, Path]) -> None:
    root, out = built
    assert (out / "v1" / "pkg" / "core.py_docs.html").is_file()
    assert not (out / "v1" / "pkg" / "engine.py_docs.html").exists()
    assert (out / "v2" / "pkg" / "engine.py_docs.html").is_file()
    v3 = (out / "v3" / "pkg" / "core.py_docs.html").read_text(encoding="utf-8")
    assert "retries" in v3 and "uncommitted" not in v3
    # Built after it, v2 and v3 left v1's pages as they were.
    assert "retries" not in (out / "v1" / "pkg" / "core.py_docs.html").read_text(encoding="utf-8")
    # A page all three versions share is one file.
    readme = [(out / name / "README.md_docs.html").stat().st_ino for name in ("v1", "v2", "v3")]
    assert len(set(readme)) == 1
    build = (out / "v2" / "_xref" / "build.js").read_text(encoding="utf-8")
    data = json.loads(build[build.index("(") + 1 : build.rindex(")")])
    assert data["version"] == "v2"
    assert data["commit"] == git(root, "rev-parse", "v2")
    assert git(root, "status", "--porcelain") == "M pkg/core.py", "the work tree is untouched"


def test_the_versions_page_lists_them_newest_first(built: tuple[Path, Path]) -> None:
    _, out = built
    page = (out / "index.html").read_text(encoding="utf-8")
    links = [page.index(f'href="{name}/index.html"') for name in ("v3", "v2", "v1")]
    assert links == sorted(links)
    assert "2024-01-04" in page  # v3's commit date


def test_a_second_run_builds_nothing_and_a_new_tag_alone(built: tuple[Path, Path]) -> None:
    root, out = built
    again = run_xrefdoc("build", str(root), "-o", str(out), "--versions", "v*")
    assert again.returncode == 0, again.stderr
    assert again.stdout.count("is built already") == 3 and "building" not in again.stdout
    write_tree(root, {"pkg/extra.py": "def extra():\n    pass\n"})
    commit_as(root, "v4", 4 * 86400)
    git(root, "tag", "v4")
    done = run_xrefdoc("build", str(root), "-o", str(out), "--versions", "v*")
    assert done.returncode == 0, done.stderr
    assert "building v4" in done.stdout and done.stdout.count("is built already") == 3
    assert (out / "v4" / "pkg" / "extra.py_docs.html").is_file()
    page = (out / "index.html").read_text(encoding="utf-8")
    assert page.index('href="v4/index.html"') < page.index('href="v3/index.html"')


def test_the_switcher_lands_on_the_same_page_or_the_nearest_folder(
    built: tuple[Path, Path],
) -> None:
    _, out = built
    with browser() as chromium, served(out) as base:
        page = chromium.new_page(viewport=DESKTOP)
        page.goto(base + "v2/pkg/core.py_docs.html#L1")
        switcher = page.locator(".xt-versions select")
        switcher.wait_for()
        assert switcher.input_value() == "v2"
        assert page.locator(".xt-versions option").all_inner_texts()[0].startswith("v")
        switcher.select_option("v1")
        # Line 1 is run()'s: the other version opens at that definition.
        page.wait_for_url(base + "v1/pkg/core.py_docs.html#sym-run")

        page.goto(base + "v2/pkg/engine.py_docs.html")
        page.locator(".xt-versions select").select_option("v1")
        page.wait_for_url("**/v1/pkg/index.html?*")
        note = page.locator(".xref-version-note")
        note.wait_for()
        assert "pkg/engine.py is not in this version (v1)" in note.inner_text()


def test_a_pattern_that_matches_nothing_is_one_line(built: tuple[Path, Path]) -> None:
    root, out = built
    done = run_xrefdoc("build", str(root), "-o", str(out / "x"), "--versions", "v9*")
    assert done.returncode == 2
    assert done.stderr.strip() == f"xrefdoc: error: no tag or branch of {root} matches v9*"


def test_versions_of_a_tree_outside_git_is_one_line(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "plain", {"a.py": "x = 1\n"})
    done = run_xrefdoc("build", str(root), "-o", str(tmp_path / "out"), "--versions", "v1")
    assert done.returncode == 2
    assert "is not in a git repository" in done.stderr and done.stderr.count("\n") == 1


def test_a_page_shows_the_api_changes_since_the_version_before(built: tuple[Path, Path]) -> None:
    _, out = built
    index = (out / "index.html").read_text(encoding="utf-8")
    assert '<a href="_diff/v2..v3.html">API changes since v2</a>' in index
    page = (out / "_diff" / "v2..v3.html").read_text(encoding="utf-8")
    assert "1 removed, 1 changed, 0 moved, 0 added" in page
    changed = page[
        page.index('<h2 id="changed">') : page.index("</table>", page.index('id="changed"'))
    ]
    assert "<code>run(task, retries=3)</code>" in changed
    assert 'href="../v2/pkg/core.py_docs.html#L1"' in changed
    assert 'href="../v3/pkg/core.py_docs.html#L1"' in changed
    assert "<code>run(task)</code>" in changed
    removed = page[page.index('<h2 id="removed">') :]
    assert "<code>Engine</code>" in removed.split("</table>")[0]
    added = (out / "_diff" / "v1..v2.html").read_text(encoding="utf-8")
    assert 'href="../v2/pkg/engine.py_docs.html#L1"' in added
    # Each linked line is there in the version's site.
    assert (out / "v2" / "pkg" / "engine.py_docs.html").is_file()


def test_a_site_folder_inside_the_repository_that_ignores_it(tmp_path: Path) -> None:
    # As a docs job builds: the site in _build/, which the repository's .gitignore ignores;
    # each version's files are exported under it, and must still be documented.
    root = write_tree(tmp_path / "repo", {**V1, ".gitignore": "_build/\n"})
    git(root, "init", "-q")
    commit_as(root, "v1", 86400)
    git(root, "tag", "v1")
    out = root / "_build" / "html"
    done = run_xrefdoc("build", str(root), "-o", str(out), "--versions", "v1", "-q")
    assert done.returncode == 0, done.stderr
    assert (out / "v1" / "pkg" / "core.py_docs.html").is_file()
    assert git(root, "status", "--porcelain") == ""


def test_the_versions_setting_of_pyproject_toml(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "repo", V1)
    git(root, "init", "-q")
    commit_as(root, "v1", 86400)
    git(root, "tag", "v1")
    write_tree(root, V2)
    commit_as(root, "v2", 2 * 86400)
    git(root, "tag", "v2")
    (root / "pyproject.toml").write_text('[tool.xrefdoc]\nversions = ["v*"]\n')
    out = tmp_path / "site"
    done = run_xrefdoc("build", str(root), "-o", str(out), "-q")
    assert done.returncode == 0, done.stderr
    assert (out / "v1" / "index.html").is_file() and (out / "v2" / "index.html").is_file()
    # The command line says otherwise.
    only = tmp_path / "only"
    done = run_xrefdoc("build", str(root), "-o", str(only), "--versions", "v1", "-q")
    assert done.returncode == 0, done.stderr
    assert (only / "v1" / "index.html").is_file() and not (only / "v2").exists()
    (root / "pyproject.toml").write_text('[tool.xrefdoc]\nversions = "v*"\n')
    done = run_xrefdoc("build", str(root), "-o", str(out), "-q")
    assert done.returncode == 2
    assert "[tool.xrefdoc] versions must be a list of glob patterns" in done.stderr


def since_of(site: Path, path: str) -> dict[str, str]:
    return dict(script_data(site / "_xref" / "since" / f"{path}.js")["defs"])


def test_each_definition_says_the_version_it_came_in(built: tuple[Path, Path]) -> None:
    root, out = built
    assert since_of(out / "v2", "pkg/core.py") == {"sym-run": "v1", "sym-Engine": "v1"}
    assert since_of(out / "v3", "pkg/core.py") == {"sym-run": "v1"}
    assert since_of(out / "v3", "pkg/engine.py") == {"sym-Engine": "v2", "sym-Engine.start": "v2"}
    # Each version's history is the repository's at its commit, not the work tree's.
    history = script_data(out / "v1" / "_xref" / "git" / "pkg/core.py.js")
    assert [row[0] for row in history["commits"]] == [git(root, "rev-parse", "v1")]


def built_versions(tmp_path: Path, *refs: str) -> tuple[Path, Path]:
    """The tagged repository in ``tmp_path`` and its site of the versions ``refs``."""
    root = tagged_repository(tmp_path / "repo")
    out = tmp_path / "site"
    versions = [argument for ref in refs for argument in ("--versions", ref)]
    first = run_xrefdoc("build", str(root), "-o", str(out), *versions)
    assert first.returncode == 0, first.stderr
    return root, out


def test_a_version_added_between_two_built_ones_changes_what_the_later_one_says(
    tmp_path: Path,
) -> None:
    root, out = built_versions(tmp_path, "v1", "v3")
    # Without v2, Engine moved from core.py (v1) and start came in v3.
    assert since_of(out / "v3", "pkg/engine.py") == {"sym-Engine": "v1", "sym-Engine.start": "v3"}
    done = run_xrefdoc("build", str(root), "-o", str(out), "--versions", "v*")
    assert done.returncode == 0, done.stderr
    assert "building v2" in done.stdout and done.stdout.count("is built already") == 2
    # v3 was not built again, but what it says is what a build of all three says.
    assert since_of(out / "v3", "pkg/engine.py") == {"sym-Engine": "v2", "sym-Engine.start": "v2"}
    assert since_of(out / "v2", "pkg/engine.py") == {"sym-Engine": "v2", "sym-Engine.start": "v2"}
    assert since_of(out / "v1", "pkg/core.py") == {"sym-run": "v1", "sym-Engine": "v1"}


def test_a_version_added_after_the_others_reads_only_the_definitions_of_the_one_before(
    tmp_path: Path,
) -> None:
    root, out = built_versions(tmp_path, "v1", "v2")
    work = tmp_path / ".xrefdoc" / "site" / "versions"
    v1_kept = [work / "v1" / "definitions.pickle", work / "v1" / "since.pickle"]
    assert all(path.is_file() for path in v1_kept)
    for path in v1_kept:
        path.unlink()
    done = run_xrefdoc("build", str(root), "-o", str(out), "--versions", "v*")
    assert done.returncode == 0, done.stderr
    assert "building v3" in done.stdout and done.stdout.count("is built already") == 2
    # v3's since scripts and the v2..v3 page come from v2's definitions and since alone.
    assert not any(path.exists() for path in v1_kept)
    assert since_of(out / "v3", "pkg/core.py") == {"sym-run": "v1"}
    assert since_of(out / "v3", "pkg/engine.py") == {"sym-Engine": "v2", "sym-Engine.start": "v2"}
    assert "run(task, retries=3)" in (out / "_diff" / "v2..v3.html").read_text(encoding="utf-8")


def test_a_version_whose_since_is_lost_has_it_made_again_from_the_oldest(tmp_path: Path) -> None:
    root, out = built_versions(tmp_path, "v1", "v2")
    kept = tmp_path / ".xrefdoc" / "site" / "versions" / "v2" / "since.pickle"
    kept.unlink()
    done = run_xrefdoc("build", str(root), "-o", str(out), "--versions", "v*")
    assert done.returncode == 0, done.stderr
    assert kept.is_file(), "made again, and kept for the next time"
    assert since_of(out / "v3", "pkg/core.py") == {"sym-run": "v1"}
    assert since_of(out / "v3", "pkg/engine.py") == {"sym-Engine": "v2", "sym-Engine.start": "v2"}


def test_a_version_added_after_one_whose_definitions_are_lost_is_built_from_its_own_tree(
    tmp_path: Path,
) -> None:
    """The build of v3 takes the definitions of the files v2 has as they were from v2's;
    lost, they are not made again while v3's tree is being built (that would put v2's files
    where v3's are read), but after, for v3's API changes."""
    root, out = built_versions(tmp_path, "v1", "v2")
    lost = tmp_path / ".xrefdoc" / "site" / "versions" / "v2" / "definitions.pickle"
    lost.unlink()
    done = run_xrefdoc("build", str(root), "-o", str(out), "--versions", "v*")
    assert done.returncode == 0, done.stderr
    assert "building v3" in done.stdout
    assert lost.is_file(), "made again, and kept for the next time"
    assert "retries" in (out / "v3" / "pkg" / "core.py_docs.html").read_text(encoding="utf-8")
    assert since_of(out / "v3", "pkg/engine.py") == {"sym-Engine": "v2", "sym-Engine.start": "v2"}
    assert "run(task, retries=3)" in (out / "_diff" / "v2..v3.html").read_text(encoding="utf-8")


def test_the_switcher_keeps_the_definition_and_the_bar_says_when_it_came(
    built: tuple[Path, Path],
) -> None:
    _, out = built
    with browser() as chromium, served(out) as base:
        page = chromium.new_page(viewport=DESKTOP)
        # Line 2 is in run(), which is on line 1 in every version: the switch lands on the
        # definition, not on a line number that may hold something else there.
        page.goto(base + "v3/pkg/core.py_docs.html#L2")
        page.locator(".xt-versions select").select_option("v1")
        page.wait_for_url(base + "v1/pkg/core.py_docs.html#sym-run")

        page.goto(base + "v2/pkg/core.py_docs.html#sym-Engine")
        page.locator(".xt-versions select").select_option("v3")
        page.wait_for_url(base + "v3/pkg/core.py_docs.html#sym-Engine")
        note = page.locator(".xref-version-note")
        note.wait_for()
        assert note.inner_text() == "Engine is not in this version (v3) of the file."

        page.goto(base + "v3/pkg/engine.py_docs.html#sym-Engine.start")
        page.locator(".xref-since").wait_for()
        assert page.locator(".xref-since").inner_text() == "Introduced in v2"


def test_a_branch_that_moved_is_built_again_and_its_api_changes_follow(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "trunk")
    write_tree(root, V1)
    commit_as(root, "v1", 86400)
    git(root, "tag", "v1")
    write_tree(root, {"NOTES.txt": "later\n"})
    commit_as(root, "later", 2 * 86400)
    out = tmp_path / "site"
    first = run_xrefdoc(
        "build", str(root), "-o", str(out), "--versions", "v1", "--versions", "trunk"
    )
    assert first.returncode == 0, first.stderr
    page = out / "_diff" / "v1..trunk.html"
    assert 'id="added"' not in page.read_text(encoding="utf-8")
    write_tree(root, {"pkg/extra.py": "def extra():\n    pass\n"})
    commit_as(root, "more", 3 * 86400)
    done = run_xrefdoc(
        "build", str(root), "-o", str(out), "--versions", "v1", "--versions", "trunk"
    )
    assert done.returncode == 0, done.stderr
    assert "building trunk" in done.stdout and "v1 (" in done.stdout
    assert '<h2 id="added">Added (1)</h2>' in page.read_text(encoding="utf-8")
    assert since_of(out / "trunk", "pkg/extra.py") == {"sym-extra": "trunk"}


def test_a_version_is_built_without_the_last_ones_index_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each version is built in the same process: the index (and Sphinx application) of the
    one before must be freed first, or every version's build stands on the last one's peak."""
    import gc

    from xrefdoc.commands.cli import main
    from xrefdoc.sphinx import versions
    from xrefdoc.xref.index import Index

    held: list[int] = []
    build_site = versions.build_site
    # Indexes other tests left alive, kept here so that no new one can take their ids.
    earlier = [found for found in gc.get_objects() if isinstance(found, Index)]
    known = {id(found) for found in earlier}

    def counting(*arguments: object, **options: object) -> int:
        gc.collect()
        alive = [found for found in gc.get_objects() if isinstance(found, Index)]
        held.append(sum(1 for found in alive if id(found) not in known))
        return build_site(*arguments, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(versions, "build_site", counting)
    root = tagged_repository(tmp_path / "repo")
    assert main(["build", str(root), "-o", str(tmp_path / "site"), "-q", "--versions", "v*"]) == 0
    assert held == [0, 0, 0]
