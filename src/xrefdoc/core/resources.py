"""Where the templates, the standalone Sphinx configuration and the static files live."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parents[1]


def resource_dir(name: str) -> Path:
    """``templates``, ``conf`` or ``static``: inside the installed package, else (a source
    checkout run in place) at the top of the checkout."""
    for candidate in (_PACKAGE / name, _PACKAGE.parents[1] / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"xrefdoc resource folder missing: {name}")
