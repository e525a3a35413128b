"""The Sphinx side: the extension (``extensions = ["xrefdoc.sphinx"]``), its domain and
theme, and the standalone build that runs it with our own configuration."""

from xrefdoc.sphinx.extension import setup

__all__ = ["setup"]
