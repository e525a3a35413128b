"""Extracted records kept between runs, keyed by path, content hash and extractor version;
and the highlighted source of each content (``SourceHTML``), keyed by content hash, lexer and
source cap, so no content is lexed twice."""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import importlib.resources
import io
import json
import os
import pickle
import sqlite3
import sys
from collections.abc import Collection
from pathlib import Path
from types import TracebackType
from typing import Any, Self, TypeGuard

import xrefdoc
from xrefdoc.config import Settings
from xrefdoc.extract.treesitter import GRAMMAR_DISTRIBUTIONS
from xrefdoc.highlight import SourceHTML
from xrefdoc.model import FileRecord
from xrefdoc.walk import CACHE_TAG, CACHE_TAG_SIGNATURE, stat_stamp

CACHE_FOLDER = ".xrefdoc-cache"
DATABASE = "records.sqlite"
CACHEDIR_TAG_TEXT = (
    f"{CACHE_TAG_SIGNATURE.decode()}\n"
    "# This file is a cache directory tag created by xrefdoc.\n"
    "# For information about cache directory tags, see https://bford.info/cachedir/\n"
)
# Commit this often inside a run, so a killed run keeps most of its work.
COMMIT_EVERY = 500
# Third-party code whose output lands in records: a new release may extract differently.
_EXTRACTION_DISTRIBUTIONS = (
    "pygments",
    "markdown-it-py",
    "tree-sitter",
    *(f"tree-sitter-{grammar}" for grammar in GRAMMAR_DISTRIBUTIONS),
)
_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    path TEXT PRIMARY KEY, sha256 TEXT NOT NULL, version TEXT NOT NULL, record BLOB NOT NULL,
    stamp TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sources (
    sha256 TEXT NOT NULL, lexer TEXT NOT NULL, cap INTEGER NOT NULL, version TEXT NOT NULL,
    html BLOB NOT NULL, PRIMARY KEY (sha256, lexer, cap)
);
"""
# A highlighted source is found by its content, its lexer and the cap it was cut at.
SourceKey = tuple[str, str, int]


@functools.cache
def extractor_version() -> str:
    """A hash of everything that decides what extraction returns, so a change to any of it
    (our extraction code, the model, the Python that parses, a lexer library) misses."""
    digest = hashlib.sha256(f"{xrefdoc.__version__}\0{sys.version}\0".encode())
    for name in _EXTRACTION_DISTRIBUTIONS:
        try:
            digest.update(f"{name}={importlib.metadata.version(name)}\0".encode())
        except importlib.metadata.PackageNotFoundError:
            digest.update(f"{name}=absent\0".encode())
    package = importlib.resources.files("xrefdoc")
    # Every module of ours that extraction imports; extend this when it imports another.
    sources = [package / "model.py", package / "languages.py"]
    for folder in ("extract", "analysis"):
        sources += sorted(
            (item for item in (package / folder).iterdir() if item.name.endswith(".py")),
            key=lambda item: item.name,
        )
    for source in sources:
        digest.update(f"{source.name}\0".encode())
        if source.is_file():
            digest.update(source.read_bytes())
    return digest.hexdigest()


@functools.cache
def source_version() -> str:
    """A hash of everything that decides a highlighted source (``SourceHTML``): our
    highlighter, the line anchors and token rules it uses, Pygments and the Python grammar;
    and the byte order its stored numbers are written in."""
    digest = hashlib.sha256(sys.byteorder.encode())
    for name in ("pygments", "tree-sitter", "tree-sitter-python"):
        digest.update(f"{name}={importlib.metadata.version(name)}\0".encode())
    package = importlib.resources.files("xrefdoc")
    modules = ("highlight.py", "pages.py", "extract/tokens.py", "extract/python_tokens.py")
    for source in (package / module for module in modules):
        digest.update(f"{source.name}\0".encode() + source.read_bytes())
    return digest.hexdigest()


class _ModelUnpickler(pickle.Unpickler):
    """Loads only our model's classes: the cache sits in the documented tree, and a planted
    file must not run code when it is read."""

    def find_class(self, module: str, name: str) -> type:
        if module == "xrefdoc.model":
            found = getattr(sys.modules[module], name, None)
            if isinstance(found, type) and found.__module__ == module:
                return found
        raise pickle.UnpicklingError(f"{module}.{name} is not a record class")


def _record(blob: object, path: str, sha256: str) -> FileRecord | None:
    """The record a row holds, when it is one of this path and content."""
    if not isinstance(blob, bytes):
        return None
    try:
        record = _ModelUnpickler(io.BytesIO(blob)).load()
    except Exception:  # any damage to one row is a miss, whatever the unpickler raised
        return None
    if isinstance(record, FileRecord) and record.path == path and record.sha256 == sha256:
        return record
    return None


# A file changed this close to the scan may change again within the same timestamp.
_RACY_NS = 2_000_000_000


def file_stamp(info: os.stat_result, scan_started_ns: int) -> str:
    """The ``stat_stamp`` a record is stored with, which make and git would trust; empty for
    a file modified just before the scan, which is read every time until it is older (git's
    "racy" case)."""
    if max(info.st_mtime_ns, info.st_ctime_ns) >= scan_started_ns - _RACY_NS:
        return ""
    return stat_stamp(info)


def _is_globs(value: object) -> TypeGuard[list[str]]:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _is_corrupt(error: sqlite3.Error) -> bool:
    return error.sqlite_errorcode in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)


def _reason(error: BaseException) -> str:
    if isinstance(error, OSError):
        return error.strerror or str(error)
    return str(error)


class RecordCache:
    """One run's handle on the cache. ``reason`` is a one-line note for the log: why the cache
    is off (then every lookup misses and the run is only slower), or what was repaired."""

    def __init__(
        self,
        connection: sqlite3.Connection | None,
        version: str,
        reason: str = "",
        database: Path | None = None,
    ) -> None:
        self._connection = connection
        self._version = version
        self._source_version = source_version()
        self._pending = 0
        self.reason = reason
        self.database = database

    @classmethod
    def disabled(cls, reason: str = "") -> RecordCache:
        return cls(None, "", reason)

    @classmethod
    def open(cls, root: Path) -> RecordCache:
        """The cache of ``root``; never raises: an unusable location gives a disabled cache
        with the reason, a corrupt database is replaced by an empty one."""
        folder = root / CACHE_FOLDER
        try:
            folder.mkdir(exist_ok=True)
            _write_markers(folder)
        except OSError as error:
            return cls.disabled(f"cache disabled, cannot write {folder}: {_reason(error)}")
        database = folder / DATABASE
        version = extractor_version()
        try:
            return cls(_connect(database, version, source_version()), version, database=database)
        except sqlite3.Error as error:
            if not _is_corrupt(error):
                return cls.disabled(f"cache disabled, cannot use {database}: {error}")
            try:
                _remove_database(database)
                connection = _connect(database, version, source_version())
            except (OSError, sqlite3.Error) as retry_error:
                return cls.disabled(
                    f"cache disabled, cannot replace corrupt {database}: {_reason(retry_error)}"
                )
            note = f"replaced corrupt cache {database} ({error})"
            return cls(connection, version, note, database)

    @classmethod
    def reader(cls, root: Path) -> RecordCache:
        """The cache of ``root`` opened read-only, for the page writers (several processes
        at once); disabled when there is none to read."""
        database = root / CACHE_FOLDER / DATABASE
        if not database.is_file():
            return cls.disabled()
        try:
            connection = sqlite3.connect(f"{database.as_uri()}?mode=ro", uri=True)
        except sqlite3.Error as error:
            return cls.disabled(f"cache not readable: {error}")
        # No ``database``: a reader that meets damage turns itself off and deletes nothing
        # (the other writers are still reading it).
        return cls(connection, extractor_version())

    @property
    def enabled(self) -> bool:
        return self._connection is not None

    def get(self, path: str, sha256: str) -> FileRecord | None:
        """The stored record of this exact content at this path, or None."""
        row = self._query(
            "SELECT record FROM records WHERE path = ? AND sha256 = ? AND version = ?",
            (path, sha256, self._version),
        )
        return _record(row[0], path, sha256) if row else None

    def stamps(self) -> dict[str, tuple[str, str]]:
        """Path → (stamp, content hash) of every stored record, read in one query."""
        rows = self._rows(
            "SELECT path, stamp, sha256 FROM records WHERE version = ? AND stamp != ''",
            (self._version,),
        )
        return {path: (stamp, sha256) for path, stamp, sha256 in rows}

    def put(self, record: FileRecord, stamp: str = "") -> None:
        """Store ``record``, replacing the row of an earlier content of the same path; with
        ``stamp`` (see ``file_stamp``), a later scan trusts it without reading the file."""
        blob = pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL)
        self._store(
            "INSERT OR REPLACE INTO records VALUES (?, ?, ?, ?, ?)",
            (record.path, record.sha256, self._version, blob, stamp),
        )

    def set_stamp(self, path: str, stamp: str) -> None:
        """Remember that the file at ``path`` with this stamp holds its stored content."""
        self._store("UPDATE records SET stamp = ? WHERE path = ?", (stamp, path))

    def prune(self, root: Path, documented: Collection[str]) -> None:
        """Forget paths neither documented this run nor present on disk any more (a file left
        out by include/exclude keeps its row for the next full run)."""
        if self._connection is None:
            return
        stored = [path for (path,) in self._rows("SELECT path FROM records", ())]
        kept = set(documented)
        gone = [path for path in stored if path not in kept and not (root / path).is_file()]
        for path in gone:
            self._execute("DELETE FROM records WHERE path = ?", (path,))
        self._execute("DELETE FROM sources WHERE sha256 NOT IN (SELECT sha256 FROM records)", ())

    def source_keys(self) -> set[SourceKey]:
        """The keys of every highlighted source stored, read in one query."""
        rows = self._rows(
            "SELECT sha256, lexer, cap FROM sources WHERE version = ?", (self._source_version,)
        )
        return {(sha256, lexer, cap) for sha256, lexer, cap in rows}

    def get_source(self, key: SourceKey, fresh: bool = False) -> SourceHTML | None:
        """The highlighted source stored under ``key``; ``fresh``: this build stored it
        (see ``SourceHTML.from_bytes``)."""
        row = self._query(
            "SELECT html FROM sources WHERE sha256 = ? AND lexer = ? AND cap = ? AND version = ?",
            (*key, self._source_version),
        )
        if not row or not isinstance(row[0], bytes):
            return None
        return SourceHTML.from_bytes(row[0], check_markup=not fresh)

    def put_source(self, key: SourceKey, blob: bytes) -> None:
        """Store the ``SourceHTML.to_bytes()`` of a content."""
        self._store(
            "INSERT OR REPLACE INTO sources VALUES (?, ?, ?, ?, ?)",
            (*key, self._source_version, blob),
        )

    def save_settings(self, settings: Settings) -> None:
        """Remember the selection of this scan, for commands that later look records up."""
        value = json.dumps({"include": list(settings.include), "exclude": list(settings.exclude)})
        self._execute("INSERT OR REPLACE INTO meta VALUES ('selection', ?)", (value,))

    def last_settings(self) -> dict[str, list[str]] | None:
        """The include and exclude globs of the last scan that saved them, or None."""
        row = self._query("SELECT value FROM meta WHERE key = 'selection'", ())
        if not row or not isinstance(row[0], str):
            return None
        try:
            value = json.loads(row[0])
        except ValueError:
            return None
        if not isinstance(value, dict):
            return None
        include, exclude = value.get("include"), value.get("exclude")
        if not (_is_globs(include) and _is_globs(exclude)):
            return None
        return {"include": include, "exclude": exclude}

    def commit(self) -> None:
        if self._connection is not None and self._connection.in_transaction:
            try:
                self._connection.execute("COMMIT")
            except sqlite3.Error as error:
                self._fail(error)
        self._pending = 0

    def close(self) -> None:
        """Commit what this run stored and let go of the database."""
        self.commit()
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _query(self, sql: str, parameters: tuple[object, ...]) -> tuple[object, ...] | None:
        """The first row of a read, or None; a failure turns the cache off."""
        if self._connection is None:
            return None
        try:
            row: tuple[object, ...] | None = self._connection.execute(sql, parameters).fetchone()
        except sqlite3.Error as error:
            self._fail(error)
            return None
        return row

    def _rows(self, sql: str, parameters: tuple[object, ...]) -> list[tuple[Any, ...]]:
        """Every row of a read, or none; a failure turns the cache off."""
        if self._connection is None:
            return []
        try:
            rows: list[tuple[Any, ...]] = self._connection.execute(sql, parameters).fetchall()
        except sqlite3.Error as error:
            self._fail(error)
            return []
        return rows

    def _store(self, sql: str, parameters: tuple[object, ...]) -> None:
        """One write of a stored value, committed with the next ``COMMIT_EVERY``."""
        self._execute(sql, parameters)
        self._pending += 1
        if self._pending >= COMMIT_EVERY:
            self.commit()

    def _execute(self, sql: str, parameters: tuple[object, ...]) -> None:
        """Run one write inside the run's transaction. A failure (another run holding the lock,
        a full disk, damage) turns the cache off."""
        if self._connection is None:
            return
        try:
            if not self._connection.in_transaction:
                self._connection.execute("BEGIN")
            self._connection.execute(sql, parameters)
        except sqlite3.Error as error:
            self._fail(error)

    def _fail(self, error: sqlite3.Error) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            connection.close()
        self.reason = f"cache disabled during the run: {error}"
        if _is_corrupt(error) and self.database is not None:
            try:
                _remove_database(self.database)
            except OSError:
                return
            self.reason += " (removed; the next run starts a fresh cache)"


def _write_markers(folder: Path) -> None:
    """Keep git and backup tools out of the folder, as .pytest_cache does."""
    for name, text in (
        (".gitignore", "# Created by xrefdoc.\n*\n"),
        (CACHE_TAG, CACHEDIR_TAG_TEXT),
    ):
        marker = folder / name
        if not marker.is_file():
            marker.write_text(text, encoding="utf-8")


def _connect(database: Path, version: str, sources_version: str) -> sqlite3.Connection:
    """Open, create the tables and drop rows of other extractor versions; any write problem
    shows here, before the run relies on the cache."""
    connection = sqlite3.connect(database, isolation_level=None)
    try:
        # WAL: a killed run leaves the last committed state, and readers never block.
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        columns = {row[1] for row in connection.execute("PRAGMA table_info(records)")}
        if columns and "stamp" not in columns:
            connection.execute("DROP TABLE records")  # a cache of an earlier layout
        connection.executescript(_SCHEMA)
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("DELETE FROM records WHERE version != ?", (version,))
        connection.execute("DELETE FROM sources WHERE version != ?", (sources_version,))
        connection.execute("INSERT OR REPLACE INTO meta VALUES ('extractor', ?)", (version,))
        connection.execute("COMMIT")
    except BaseException:
        connection.close()
        raise
    return connection


def _remove_database(database: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        database.with_name(database.name + suffix).unlink(missing_ok=True)
