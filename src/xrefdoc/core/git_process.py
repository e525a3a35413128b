"""Running git for what a build reads of a work tree (its commit, its history, its blame):
one place that says how, and that a missing or failing git is an answer (None), never an
error, since a tree need not be in git."""

from __future__ import annotations

import subprocess
from pathlib import Path


def git_output(root: Path, *arguments: str, timeout: float) -> bytes | None:
    """What ``git -C ROOT ARGUMENTS`` printed; None when git is missing, fails or takes
    longer than ``timeout`` seconds."""
    try:
        done = subprocess.run(
            ["git", "-C", str(root), *arguments],
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None
