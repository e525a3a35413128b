"""The project's identity inside a user's Sphinx project: ``xrefdoc_project`` names the
reference over Sphinx's ``project``, a bad ``xrefdoc_forge`` stops the build early, and the
commit is in ``_xref/build.js`` alone."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from browser import browser
from helpers import git, git_repository
from sphinx.errors import ConfigError
from sphinx.testing.util import SphinxTestApp

MakeApp = Callable[..., SphinxTestApp]


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text("utf-8") + text, "utf-8")


def crumbs(page: Path) -> str:
    found = re.search(r'<nav class="xref-crumbs".*?</nav>', page.read_text("utf-8"), re.DOTALL)
    assert found
    return re.sub(r"<[^>]+>", "", found.group(0)).strip()


def test_the_reference_is_named_by_xrefdoc_project_else_sphinxs_project(
    make_app: MakeApp, engines: Path
) -> None:
    append(engines / "conf.py", 'project = "Engines guide"\n')
    app = make_app("html", srcdir=engines)
    app.build()
    assert crumbs(app.outdir / "_xref/pkg/core.py_docs.html") == "Engines guide / pkg / core.py"
    app.cleanup()
    append(engines / "conf.py", 'xrefdoc_project = "Engines reference"\n')
    again = make_app("html", srcdir=engines, freshenv=True)
    again.build()
    assert crumbs(again.outdir / "_xref/pkg/core.py_docs.html") == (
        "Engines reference / pkg / core.py"
    )


def test_a_bad_forge_is_a_configuration_error_that_names_it(
    make_app: MakeApp, engines: Path
) -> None:
    append(engines / "conf.py", 'xrefdoc_forge = "bitbucket"\n')
    with pytest.raises(ConfigError) as raised:
        make_app("html", srcdir=engines)
    assert str(raised.value) == (
        "xrefdoc_forge must be one of github, gitlab, gitea, got 'bitbucket'"
    )


def test_the_commit_is_in_the_build_script_and_a_new_one_rewrites_no_page(
    make_app: MakeApp, engines: Path
) -> None:
    """In a user's Sphinx project (its own theme): the pages never name the commit, the file
    page's script shows the link to the forge at it from ``_xref/build.js``."""
    first = git_repository(engines, "git@github.com:org/engines.git")
    app = make_app("html", srcdir=engines)
    app.build()
    page = app.outdir / "_xref/pkg/core.py_docs.html"
    script = (app.outdir / "_xref/build.js").read_text("utf-8")
    assert f'"commit":"{first}"' in script
    assert f'["https://github.com/org/engines/blob/{first}/tree/","path"]' in script
    assert 'data-forge-path="pkg/core.py"' in page.read_text("utf-8")
    assert first[:12] not in page.read_text("utf-8")
    written = page.stat().st_mtime_ns
    app.cleanup()

    (engines / "notes.txt").write_text("notes\n")
    git(engines, "add", "notes.txt")
    git(engines, "commit", "-qm", "second")
    second = git(engines, "rev-parse", "HEAD")
    again = make_app("html", srcdir=engines)
    again.build()
    assert page.stat().st_mtime_ns == written
    assert f'"commit":"{second}"' in (again.outdir / "_xref/build.js").read_text("utf-8")

    with browser() as chromium:
        opened = chromium.new_page()
        opened.goto(page.as_uri() + "#L1-L2")
        opened.wait_for_load_state("load")
        blob = f"https://github.com/org/engines/blob/{second}/tree/pkg/core.py"
        link = opened.locator("a.xref-forge")
        assert link.inner_text() == "View on GitHub"
        assert link.get_attribute("href") == blob
