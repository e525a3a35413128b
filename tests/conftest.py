"""Shared fixtures: the record cache of every tree lives in a temporary folder (for every
test), and a git that sees no configuration or repository of the user's (when asked); and
Sphinx's own test fixtures (``app``, ``make_app``, the ``sphinx`` marker) for the extension's
tests, whose roots are in ``roots/``."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser import browser

pytest_plugins = ("sphinx.testing.fixtures",)


@pytest.fixture(scope="session", autouse=True)
def user_cache_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The user's cache directory (``$XDG_CACHE_HOME``, where xrefdoc keeps the cache of each
    tree) is a temporary folder for the whole run, so no test writes into the real
    ``~/.cache``; it is set in the environment, so the builds run as subprocesses use it too.
    An ``XREFDOC_CACHE_DIR`` of the person running the tests is set aside."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("user-cache")))
        patch.delenv("XREFDOC_CACHE_DIR", raising=False)
        yield


@pytest.fixture
def isolated_git(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Keep the user's git configuration out, and stop git from finding a repository above."""
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """One headless Chromium for a module's browser tests (or a skip saying what is missing)."""
    with browser() as launched:
        yield launched
