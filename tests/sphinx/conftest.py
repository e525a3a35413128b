"""The roots of the extension's tests: ``tests/roots/test-NAME``, a Sphinx project each,
named by ``@pytest.mark.sphinx(testroot="NAME", srcdir=...)`` (Sphinx copies it to build)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def rootdir() -> Path:
    return Path(__file__).resolve().parents[1] / "roots"


@pytest.fixture
def engines(rootdir: Path, tmp_path: Path) -> Path:
    """A copy of the ``engines`` root of this test's own, to change and build again."""
    return Path(shutil.copytree(rootdir / "test-engines", tmp_path / "engines"))
