"""xrefdoc inside a user's own Sphinx project, built with Sphinx's test fixtures: settings,
the ``kw`` role, intersphinx, warnings, and rebuilds."""

from __future__ import annotations

import io
import os
import re
import sys
import time
from collections.abc import Callable, Sized
from pathlib import Path
from typing import Any

import pytest
from helpers import write_tree
from sphinx.errors import ConfigError
from sphinx.testing.util import SphinxTestApp
from sphinx.util.inventory import InventoryFile

from xrefdoc import __version__
from xrefdoc.commands.check import broken_links
from xrefdoc.core.settings import PROJECT_SETTINGS
from xrefdoc.sphinx.extension import SETTING_TYPES

MakeApp = Callable[..., SphinxTestApp]


def links(page: Path, kind: str = "internal") -> list[str]:
    return [href for href, _ in linked(page, kind)]


def linked(page: Path, kind: str = "internal") -> list[tuple[str, str]]:
    """(target, text) of every link of ``kind`` on a page, tags taken out of the text."""
    found = re.findall(
        rf'<a class="reference {kind}" href="([^"]*)"[^>]*>(.*?)</a>', page.read_text("utf-8")
    )
    return [(href, re.sub(r"<[^>]+>", "", text)) for href, text in found]


def warnings(app: SphinxTestApp) -> str:
    """What the build warned, without the colour it has when ``CI`` is set."""
    return re.sub(r"\x1b\[[0-9;]*m", "", app.warning.getvalue())


def status(app: SphinxTestApp) -> str:
    """What the build said, without colour."""
    return re.sub(r"\x1b\[[0-9;]*m", "", app.status.getvalue())


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text("utf-8") + text, "utf-8")


@pytest.mark.parametrize("jobs", [1, 2])
def test_prose_links_to_keywords_files_and_folders_with_warnings_as_errors(
    make_app: MakeApp, engines: Path, jobs: int
) -> None:
    app = make_app("html", srcdir=engines, warningiserror=True, parallel=jobs)
    app.build()
    assert (app.statuscode, warnings(app)) == (0, "")
    out = app.outdir
    guide = links(out / "index.html")
    assert "_xref/keywords-e.html#def-pkg.core.Engine" in guide
    assert "_xref/keywords-r.html#def-pkg.core.Engine.run" in guide
    assert "_xref/pkg/core.py_docs.html" in guide
    assert "_xref/pkg/index.html" in guide
    assert "_xref/keywords-p.html#def-pkg.pumps.Pump" in guide
    assert "_xref/keywords-r.html#kw-run" in guide, "a name defined twice: the entry of both"
    assert ("_xref/keywords-p.html#def-pkg.pumps.Pump", "the pump") in linked(out / "index.html")
    reference = links(out / "reference.html")
    assert reference[:3] == [
        "_xref/keywords-r.html#def-pkg.core.Engine.run",
        "_xref/pkg/pumps.py_docs.html",
        "_xref/index.html",
    ]
    assert broken_links(out) == []


@pytest.mark.sphinx("html", testroot="engines", srcdir="settings-from-pyproject")
def test_the_settings_come_from_the_trees_pyproject_unless_conf_py_sets_them(
    app: SphinxTestApp, make_app: MakeApp
) -> None:
    app.build()
    assert app.statuscode == 0
    out = app.outdir
    assert (out / "_xref/pkg/core.py_docs.html").is_file()
    assert not (out / "_xref/scratch").exists(), "[tool.xrefdoc] exclude is applied"

    append(app.srcdir / "conf.py", "xrefdoc_exclude = []\n")
    app.cleanup()  # Sphinx's registries of this process are the next build's
    again = make_app("html", srcdir=app.srcdir)
    again.build()
    assert again.statuscode == 0
    assert (out / "_xref/scratch/notes.py_docs.html").is_file(), "conf.py wins"


def test_a_missing_role_target_is_a_warning_of_its_own_type(
    make_app: MakeApp, engines: Path
) -> None:
    write_tree(
        engines, {"broken.md": "# Broken\n\nSee {kw}`NoSuchEngine` and {kw}`pkg/gone.py`.\n"}
    )
    index = engines / "index.md"
    index.write_text(index.read_text("utf-8").replace("reference\n", "reference\nbroken\n"))
    app = make_app("html", srcdir=engines, warningiserror=True)
    app.build()
    assert app.statuscode == 1
    lines = [line for line in warnings(app).splitlines() if "WARNING" in line]
    assert len(lines) == 2, warnings(app)
    assert lines[0].startswith(f"{engines / 'broken.md'}:3: WARNING: xrefdoc: no keyword")
    assert "named 'NoSuchEngine' in the documented tree [ref.kw]" in lines[0]
    assert "named 'pkg/gone.py'" in lines[1]

    append(engines / "conf.py", "suppress_warnings = ['ref.kw']\n")
    app.cleanup()
    again = make_app("html", srcdir=engines, warningiserror=True, freshenv=True)
    again.build()
    assert (again.statuscode, warnings(again)) == (0, "")


def test_the_generated_pages_never_replace_the_users_own(make_app: MakeApp, engines: Path) -> None:
    own = "# API\n\nWritten by hand.\n"
    write_tree(engines, {"api/index.md": own})
    append(engines / "conf.py", "xrefdoc_output = 'api'\n")
    with pytest.raises(ConfigError) as raised:
        make_app("html", srcdir=engines)
    assert f"xrefdoc_output: {engines / 'api'} holds files that xrefdoc did not write" in str(
        raised.value
    )
    assert (engines / "api/index.md").read_text("utf-8") == own
    assert sorted(p.name for p in (engines / "api").iterdir()) == ["index.md"]

    append(engines / "conf.py", "xrefdoc_output = '../outside'\n")
    with pytest.raises(ConfigError) as raised:
        make_app("html", srcdir=engines)
    assert str(raised.value) == (
        "xrefdoc_output must be a folder inside the Sphinx source, got '../outside'"
    )
    assert not (engines.parent / "outside").exists()


def test_a_bad_setting_is_a_configuration_error_that_names_it(
    make_app: MakeApp, engines: Path
) -> None:
    append(engines / "conf.py", "xrefdoc_include = 'pkg/*.py'\n")
    warned = io.StringIO()
    with pytest.raises(ConfigError) as raised:
        make_app("html", srcdir=engines, warning=warned)
    assert str(raised.value) == "xrefdoc_include must be a list of glob patterns, got 'pkg/*.py'"
    # Sphinx says first that the type is not one the setting declares.
    assert "The config value `xrefdoc_include' has type `str'" in warned.getvalue()


def test_every_setting_declares_its_types(rootdir: Path, make_app: MakeApp, tmp_path: Path) -> None:
    """Each ``xrefdoc_*`` value has declared types: Sphinx names a value of another type
    (here a set, which no setting takes) before anything is built."""
    assert set(SETTING_TYPES) == set(PROJECT_SETTINGS)
    # xrefdoc_root, typed too, must stay unset here.
    names = [
        *(f"xrefdoc_{key}" for key in PROJECT_SETTINGS),
        "xrefdoc_output",
        "xrefdoc_site_folder",
        "xrefdoc_cache_dir",
    ]
    # A project that documents no tree: the extension only loads its settings and its role.
    app = make_app(
        "html",
        srcdir=rootdir / "test-domain",
        builddir=tmp_path / "build",
        confoverrides={name: {"a set"} for name in names},
    )
    said = warnings(app)
    for name in names:
        assert f"The config value `{name}' has type `set'" in said


@pytest.mark.sphinx("html", testroot="domain", srcdir="extension-metadata")
def test_the_extension_is_safe_for_parallel_reading_and_writing(app: SphinxTestApp) -> None:
    extension = app.extensions["xrefdoc.sphinx"]
    assert (extension.parallel_read_safe, extension.parallel_write_safe) == (True, True)
    assert extension.version == __version__


def module_state() -> dict[tuple[str, str], tuple[int, int | None]]:
    """Every global of the extension's modules: the object it is bound to and, for a
    container, how many items it holds."""
    state: dict[tuple[str, str], tuple[int, int | None]] = {}
    for name, module in list(sys.modules.items()):
        if name == "xrefdoc.sphinx" or name.startswith("xrefdoc.sphinx."):
            for attribute, value in vars(module).items():
                size = len(value) if isinstance(value, Sized) else None
                state[(name, attribute)] = (id(value), size)
    return state


def test_a_build_leaves_the_extensions_module_globals_as_they_were(
    make_app: MakeApp, engines: Path
) -> None:
    """What a build finds (its identity, its pages) is its own: held by the environment or
    by the handlers connected to its Sphinx, never by a module, which another Sphinx of the
    same process shares."""
    make_app("html", srcdir=engines).build()
    before = module_state()
    again = make_app("html", srcdir=engines, freshenv=True)
    again.build()
    after = module_state()
    assert {key: after[key] for key in before} == before


def test_another_project_links_to_a_keyword_through_intersphinx(
    make_app: MakeApp, engines: Path, rootdir: Path, tmp_path: Path
) -> None:
    first = make_app("html", srcdir=engines, warningiserror=True)
    first.build()
    assert (first.statuscode, warnings(first)) == (0, "")
    inventory = InventoryFile.loads((first.outdir / "objects.inv").read_bytes(), uri="")
    assert "pkg/core.py" in inventory.data["xref:file"]

    first.cleanup()
    mapping = {"engines": ("https://engines.invalid/docs/", str(first.outdir / "objects.inv"))}
    second = make_app(
        "html",
        srcdir=rootdir / "test-intersphinx",
        builddir=tmp_path / "second",
        warningiserror=True,
        confoverrides={"intersphinx_mapping": mapping},
    )
    second.build()
    assert (second.statuscode, warnings(second)) == (0, "")
    assert links(second.outdir / "index.html", "external") == [
        "https://engines.invalid/docs/_xref/keywords-r.html#def-pkg.core.Engine.run",
        "https://engines.invalid/docs/_xref/pkg/core.py_docs.html",
    ]


@pytest.mark.sphinx("dirhtml", testroot="engines", srcdir="dirhtml-builder")
def test_a_builder_whose_urls_differ_is_warned_about(app: SphinxTestApp) -> None:
    app.build()
    assert app.statuscode == 0
    said = warnings(app)
    assert "xrefdoc: the dirhtml builder names pages differently" in said
    assert said.rstrip().endswith("[xrefdoc.builder]")


def build(make_app: MakeApp, srcdir: Path, **options: Any) -> SphinxTestApp:
    """A build of ``srcdir`` as ``sphinx-build`` would run it, one of several in this test:
    Sphinx's registries of this process are cleared for the next one."""
    app = make_app("html", srcdir=srcdir, **options)
    app.build()
    app.cleanup()
    return app


def file_pages(app: SphinxTestApp) -> dict[str, int]:
    """Every page of a file or folder in the output, with when it was written."""
    folder = app.outdir / "_xref"
    return {
        page.relative_to(folder).as_posix(): page.stat().st_mtime_ns
        for page in folder.rglob("*.html")
    }


def test_a_rebuild_keeps_the_pages_when_nothing_or_only_times_changed(
    make_app: MakeApp, engines: Path
) -> None:
    first = build(make_app, engines)
    before = file_pages(first)
    assert "xrefdoc: 4 files documented" in status(first)

    again = build(make_app, engines)
    assert "xrefdoc: no file changed since the last complete build; pages kept" in (status(again))
    assert file_pages(again) == before

    later = time.time() + 60  # a checkout, or a touch of every file
    for path in (engines / "tree").rglob("*"):
        os.utime(path, (later, later))
    touched = build(make_app, engines)
    assert "no file's content changed since the last complete build; pages kept" in (
        status(touched)
    )
    assert file_pages(touched) == before
    assert "no file changed since" in status(build(make_app, engines))


def test_a_rebuild_after_an_edit_or_a_lost_page_renders_again(
    make_app: MakeApp, engines: Path
) -> None:
    build(make_app, engines)
    append(engines / "tree/pkg/pumps.py", "\n\ndef prime():\n    return Pump()\n")
    edited = build(make_app, engines)
    assert "pages kept" not in status(edited)
    assert "prime" in (edited.outdir / "_xref/pkg/pumps.py_docs.html").read_text("utf-8")

    (edited.outdir / "_xref/pkg/core.py_docs.html").unlink()
    restored = build(make_app, engines)
    assert "pages kept" not in status(restored)
    assert (restored.outdir / "_xref/pkg/core.py_docs.html").is_file()
    assert broken_links(restored.outdir) == []


def test_the_warnings_of_kept_pages_are_said_again_so_w_fails_again(
    make_app: MakeApp, engines: Path
) -> None:
    """Sphinx does not tell an extension whether warnings fail the build: the warnings about
    the tree's files are said by every build, whether it renders the pages or keeps them."""
    write_tree(engines, {"tree/bad.py": "def f(:\n    pass\n"})
    location = f"{engines / 'tree/bad.py'}:1: WARNING:"

    first = build(make_app, engines)
    assert first.statuscode == 0
    assert location in warnings(first) and "[xrefdoc.parse]" in warnings(first)

    strict = build(make_app, engines, warningiserror=True)
    assert "pages kept" in status(strict)
    assert strict.statuscode == 1, "the unchanged file's warning fails the build again"
    assert location in warnings(strict)

    assert build(make_app, engines, warningiserror=True).statuscode == 1, "and again"

    (engines / "tree/bad.py").write_text("def f():\n    pass\n", "utf-8")
    fixed = build(make_app, engines, warningiserror=True)
    assert (fixed.statuscode, warnings(fixed)) == (0, "")
