"""The Sphinx side: the extension (``extensions = ["xrefdoc.sphinx"]``), its domain and
theme, and the standalone build that runs it with our own configuration."""

from __future__ import annotations

from typing import Any

__all__ = ["setup"]


def __getattr__(name: str) -> Any:
    """``setup``, imported when Sphinx asks for it: importing a module of this package
    (the standalone build's, to see whether anything changed) does not import Sphinx."""
    if name == "setup":
        from xrefdoc.sphinx.extension import setup

        return setup
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
