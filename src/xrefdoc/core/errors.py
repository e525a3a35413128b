"""The one exception family for fatal problems, each carrying its exit code."""

from __future__ import annotations


class XrefdocError(Exception):
    """A fatal problem, reported as one line; ``exit_code`` is what the CLI returns."""

    exit_code = 1


class ConfigError(XrefdocError):
    """A usage or configuration error: a bad setting or a missing source path."""

    exit_code = 2


class BuildError(XrefdocError):
    """The Sphinx build itself failed."""

    exit_code = 1


class FileSystemError(XrefdocError):
    """A file or folder that could not be written or read (a read-only or full disk): the
    path and the cause, in one line."""

    exit_code = 1

    @classmethod
    def of(cls, error: OSError) -> FileSystemError:
        cause = error.strerror or str(error)
        return cls(f"{error.filename}: {cause}" if error.filename else cause)
