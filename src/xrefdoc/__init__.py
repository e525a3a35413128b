"""xrefdoc: cross-referenced documentation sites for whole source trees."""

from __future__ import annotations

__version__ = "0.1.0"
