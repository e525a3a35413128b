"""The project's identity inside a user's Sphinx project: ``xrefdoc_project`` names the
reference over Sphinx's ``project``, and a bad ``xrefdoc_forge`` stops the build early."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
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
