"""Entry point for ``python -m xrefdoc``."""

from __future__ import annotations

from xrefdoc.commands.cli import run

run()
