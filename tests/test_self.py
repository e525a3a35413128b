"""xrefdoc documents its own repository: every tracked file gets both of its pages."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from xrefdoc.commands.check import broken_links
from xrefdoc.commands.cli import main

CHECKOUT = Path(__file__).resolve().parents[1]


def _tracked_files() -> list[str]:
    completed = subprocess.run(
        ["git", "-C", str(CHECKOUT), "ls-files", "-z"], capture_output=True, check=False
    )
    if completed.returncode != 0:
        pytest.skip("the tests do not run from a git checkout")
    return [name for name in completed.stdout.decode().split("\0") if name]


def test_this_repository_documents_itself(tmp_path: Path) -> None:
    tracked = _tracked_files()
    output = tmp_path / "site"
    assert main(["build", str(CHECKOUT), "-o", str(output), "-q", "-W"]) == 0
    missing = [
        path
        for path in tracked
        if (CHECKOUT / path).is_file()
        and not (
            (output / f"{path}_docs.html").is_file() and (output / f"{path}_kw.html").is_file()
        )
    ]
    assert missing == []
    assert (output / "index.html").is_file()
    assert broken_links(output) == []
