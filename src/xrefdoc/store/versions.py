"""The version of what a stored value was made by: a digest of the code that made it, found
by following its imports, and of the libraries it used.

A cached record, a cached highlighted source and a complete build are each valid only for
the code that made them. Rather than a hand-kept list of files for each (which goes stale
the day a module imports a new one), ``code_version`` is given the modules a stage runs and
digests them with every module of xrefdoc they import, directly or not.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import re
import sys
from collections.abc import Iterable
from pathlib import Path

from xrefdoc.core.resources import resource_dir
from xrefdoc.extract.grammars import GRAMMAR_DISTRIBUTIONS

# The folder that holds the package ``xrefdoc`` (``src`` in a checkout).
_ROOT = Path(__file__).resolve().parents[2]

# Third-party code whose output lands in records: a new release may extract differently.
EXTRACTION_DISTRIBUTIONS = (
    "pygments",
    "markdown-it-py",
    "tree-sitter",
    *(f"tree-sitter-{grammar}" for grammar in GRAMMAR_DISTRIBUTIONS),
)
# What the highlighter runs besides our code: Pygments, and the Python grammar that tells
# its names apart.
HIGHLIGHTING_DISTRIBUTIONS = ("pygments", "tree-sitter", "tree-sitter-python")
# What besides xrefdoc's own files decides how pages look.
PAGE_DISTRIBUTIONS = ("sphinx", "myst-parser", "jinja2", "markupsafe", "pygments", "alabaster")

# ``from xrefdoc.a.b import c, d`` (the names possibly in parentheses over several lines)
# and ``import xrefdoc.a.b``: read from the text, which is twenty times quicker than parsing
# every module; a false find (in a docstring) only makes a digest cover more.
_FROM_IMPORT = re.compile(
    r"^[ \t]*from[ \t]+(xrefdoc(?:\.\w+)*)[ \t]+import[ \t]+(\([^)]*\)|[^\n]*)", re.MULTILINE
)
_IMPORT = re.compile(r"^[ \t]*import[ \t]+(xrefdoc(?:\.\w+)*)", re.MULTILINE)


def _folder_of(module: str) -> Path:
    return _ROOT.joinpath(*module.split("."))


@functools.cache
def _our_modules() -> dict[str, Path]:
    """Every module of ours by its dotted name (a package by its own), found in one walk."""
    found = {}
    for path in (_ROOT / "xrefdoc").rglob("*.py"):
        parts = path.relative_to(_ROOT).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _imported(text: str) -> list[str]:
    """The modules of ours a module's text imports; ``from package import name`` may import
    the module ``package.name``, so that is listed too (and dropped if there is none)."""
    found = _IMPORT.findall(text)
    for module, names in _FROM_IMPORT.findall(text):
        found.append(module)
        found += (f"{module}.{name}" for name in re.findall(r"\w+", names))
    return found


def module_closure(modules: Iterable[str]) -> list[Path]:
    """The files of ``modules`` (dotted names; a package stands for every module in it), of
    every module of ours they import, directly or not, and of the packages that hold them
    (Python runs a package's ``__init__`` before any module in it); sorted."""
    ours = _our_modules()
    waiting = [
        name
        for module in modules
        for name in ours
        if name == module or name.startswith(module + ".")
    ]
    seen: set[str] = set()
    while waiting:
        module = waiting.pop()
        if module in seen or module not in ours:
            continue
        seen.add(module)
        waiting += _imported(ours[module].read_text(encoding="utf-8"))
        parts = module.split(".")
        waiting += (".".join(parts[:end]) for end in range(1, len(parts)))
    return sorted(ours[module] for module in seen)


def _distribution_version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "absent"


def code_version(
    modules: Iterable[str],
    *,
    distributions: Iterable[str] = (),
    resources: Iterable[str] = (),
) -> str:
    """A digest of what makes a stored value: the code of ``modules`` and of all they import
    of ours (``module_closure``); every other file in the packages named (a theme, static
    files) and in our ``resources`` folders (``templates``, ``static``, ``conf``); the
    versions of ``distributions`` (third-party code whose releases change the output); and
    the Python that runs it all, and the byte order of the numbers it stores."""
    modules = list(modules)
    files = {path.relative_to(_ROOT).as_posix(): path for path in module_closure(modules)}
    folders = [_folder_of(module) for module in modules if _folder_of(module).is_dir()]
    folders += (resource_dir(name) for name in resources)
    for folder in folders:
        for path in folder.rglob("*"):
            if path.is_file() and path.suffix != ".pyc":
                files.setdefault(f"{folder.name}/{path.relative_to(folder).as_posix()}", path)
    digest = hashlib.sha256(f"{sys.version}\0{sys.byteorder}\0".encode())
    for label in sorted(files):
        digest.update(f"{label}\0".encode() + files[label].read_bytes() + b"\0")
    for name in distributions:
        digest.update(f"{name}={_distribution_version(name)}\0".encode())
    return digest.hexdigest()


@functools.cache
def extractor_version() -> str:
    """What decides a record: extraction and the rules that add findings to it (they plug
    into extraction's hooks, so they are named besides it)."""
    return code_version(
        ["xrefdoc.extract", "xrefdoc.analyze"], distributions=EXTRACTION_DISTRIBUTIONS
    )


@functools.cache
def highlighter_version() -> str:
    """What decides a highlighted source: the site's highlighter and what it imports."""
    return code_version(["xrefdoc.site.highlight"], distributions=HIGHLIGHTING_DISTRIBUTIONS)


@functools.cache
def resolver_version() -> str:
    """What decides a file's uses: the index and its resolver, and what makes the records
    they read (a record made anew for the same content may list other definitions)."""
    return code_version(
        ["xrefdoc.xref.index", "xrefdoc.extract", "xrefdoc.analyze"],
        distributions=EXTRACTION_DISTRIBUTIONS,
    )


@functools.cache
def pages_version() -> str:
    """What decides the pages: all of xrefdoc, its templates, static files and standalone
    configuration, and every library whose output reaches a page."""
    return code_version(
        ["xrefdoc"],
        distributions=(*EXTRACTION_DISTRIBUTIONS, *PAGE_DISTRIBUTIONS),
        resources=("templates", "static", "conf"),
    )


def code_identity() -> tuple[str, str]:
    """This process's xrefdoc: its version and ``pages_version`` (two checkouts of one version
    may differ), which the workers of a cluster must share with the client (``core.cluster``)."""
    from xrefdoc import __version__

    return __version__, pages_version()
