"""Where an import or include of a language other than Python points in the tree:
relative paths, ``#include`` suffixes, Go packages, Rust modules, Java classes."""

from __future__ import annotations

import posixpath
from collections import defaultdict
from collections.abc import Iterable

_SCRIPT_SUFFIXES = (".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs", ".d.ts")

# Import names that belong to a language's standard library, by family.
_STANDARD_PREFIXES = {
    "rust": ("std::", "core::", "alloc::"),
    "java": ("java.", "javax.", "jdk.", "sun."),
}


def _common_prefix_length(a: str, b: str) -> int:
    return len(posixpath.commonprefix([a, b]))


class FileImports:
    """Resolves non-Python import specs against the tree's files."""

    def __init__(self, files: Iterable[str]) -> None:
        self._files = frozenset(files)
        self._by_name: dict[str, list[str]] = defaultdict(list)
        self._folder_files: dict[str, list[str]] = defaultdict(list)
        for path in sorted(self._files):
            self._by_name[path.rpartition("/")[2]].append(path)
            self._folder_files[path.rpartition("/")[0]].append(path)

    def _exists(self, candidate: str) -> str | None:
        candidate = posixpath.normpath(candidate)
        return candidate if candidate in self._files and not candidate.startswith("..") else None

    def _by_suffix(self, path: str, suffix: str) -> str | None:
        """The tree file whose path ends with ``suffix``, closest to ``path`` on a tie."""
        name = suffix.rpartition("/")[2]
        matches = [
            p for p in self._by_name.get(name, ()) if p == suffix or p.endswith("/" + suffix)
        ]
        if not matches:
            return None
        return max(matches, key=lambda match: (_common_prefix_length(match, path), -len(match)))

    def resolve(self, path: str, family: str, spec: str) -> str | None:
        folder = path.rpartition("/")[0]
        if family in ("c", "cpp"):
            return self._exists(posixpath.join(folder, spec)) or self._by_suffix(path, spec)
        if family in ("javascript", "typescript", "tsx"):
            return self._script(folder, spec)
        if family == "ruby":
            spec = spec if spec.endswith(".rb") else spec + ".rb"
            return self._exists(posixpath.join(folder, spec)) or self._by_suffix(path, spec)
        if family == "bash":
            return self._exists(posixpath.join(folder, spec)) or self._exists(spec)
        if family == "go":
            return self._go_package(spec)
        if family == "rust":
            return self._rust_module(path, spec)
        if family == "java":
            return self._by_suffix(path, spec.replace(".", "/") + ".java")
        return None

    def _script(self, folder: str, spec: str) -> str | None:
        if not spec.startswith("."):
            return None  # a package from node_modules
        base = posixpath.join(folder, spec)
        candidates = [base, *(base + suffix for suffix in _SCRIPT_SUFFIXES)]
        candidates += [posixpath.join(base, "index" + suffix) for suffix in _SCRIPT_SUFFIXES]
        for candidate in candidates:
            found = self._exists(candidate)
            if found is not None:
                return found
        return None

    def _go_package(self, spec: str) -> str | None:
        """A Go import names a package folder: the longest tree folder the import path ends
        with (whole segments); its first non-test ``.go`` file stands for it."""
        segments = spec.split("/")
        for start in range(len(segments)):
            files = self._folder_files.get("/".join(segments[start:]), ())
            go_files = [f for f in files if f.endswith(".go")]
            if go_files:
                plain = [f for f in go_files if not f.endswith("_test.go")]
                return (plain or go_files)[0]
        return None

    def _rust_module(self, path: str, spec: str) -> str | None:
        """``mod x;`` beside the file, or ``use crate::a::b`` / ``super::`` / ``self::``
        through the crate's ``src/`` folder: the longest prefix that is a module file."""
        folder, _, name = path.rpartition("/")
        stem = name.removesuffix(".rs")
        own = folder if stem in ("mod", "lib", "main") else posixpath.join(folder, stem)
        parts = spec.split("::{")[0].split("::")
        if len(parts) == 1 and "::" not in spec:  # mod x;
            return self._rust_file(own, parts)
        head, rest = parts[0], parts[1:]
        if head == "crate":
            base = self._crate_root(folder)
        elif head == "self":
            base = own
        elif head == "super":
            base = posixpath.dirname(own)
        else:
            return None
        if base is None:
            return None
        for size in range(len(rest), 0, -1):
            found = self._rust_file(base, rest[:size])
            if found is not None:
                return found
        return None

    def _rust_file(self, base: str, parts: list[str]) -> str | None:
        stem = posixpath.join(base, *parts)
        return self._exists(stem + ".rs") or self._exists(posixpath.join(stem, "mod.rs"))

    def _crate_root(self, folder: str) -> str | None:
        current = folder
        while True:
            for root in ("lib.rs", "main.rs"):
                if posixpath.join(current, root) in self._files:
                    return current
            if not current:
                return None
            current = posixpath.dirname(current)


def is_standard_import(family: str, spec: str) -> bool:
    """True for a language's own library: ``fmt`` in Go, ``std::`` in Rust, ``java.`` in
    Java, a ``<header>`` in C."""
    if family == "go":
        return "." not in spec.split("/")[0]
    return spec.startswith(_STANDARD_PREFIXES.get(family, ("\0",)))
