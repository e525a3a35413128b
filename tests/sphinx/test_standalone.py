"""The standalone build (``xrefdoc build``) and the extension it runs share one build of the
tree: it is walked once, and the same test decides, before Sphinx and inside it, what
changed."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import uncoloured, write_tree

from xrefdoc.core.settings import Settings
from xrefdoc.pipeline import build as build_module
from xrefdoc.sphinx.standalone import build_site

FILES: dict[str, str | bytes] = {
    "pkg/__init__.py": "",
    "pkg/core.py": "class Engine:\n    def run(self):\n        return 1\n",
}


@pytest.fixture
def walks(monkeypatch: pytest.MonkeyPatch) -> list[Settings]:
    """The settings of every walk of a tree a build does."""
    walked: list[Settings] = []
    real_walk = build_module.walk_tree

    def counted(settings: Settings) -> object:
        walked.append(settings)
        return real_walk(settings)

    monkeypatch.setattr(build_module, "walk_tree", counted)
    return walked


def test_the_tree_is_walked_once_by_a_build_that_runs_sphinx(
    tmp_path: Path, walks: list[Settings], capsys: pytest.CaptureFixture[str]
) -> None:
    tree = write_tree(tmp_path / "tree", FILES)
    site = tmp_path / "site"
    assert build_site(tree, site, quiet=True) == 0
    assert len(walks) == 1

    (tree / "pkg/core.py").write_text("class Engine:\n    pass\n", "utf-8")
    capsys.readouterr()
    assert build_site(tree, site) == 0
    assert len(walks) == 2, "the extension continued the standalone build's walk"
    said = uncoloured(capsys.readouterr().out)
    assert "xrefdoc: 1 files parsed, 1 taken from the cache" in said
    # Nothing of the handing over reaches Sphinx's configuration or its environment.
    assert "configuration has changed" not in said
    assert "loading pickled environment... done" in said

    assert build_site(tree, site) == 0
    assert len(walks) == 3
    assert "no file changed since the last complete build" in capsys.readouterr().out
