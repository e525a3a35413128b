from .core import Engine  # noqa: F401  (the package names it)
