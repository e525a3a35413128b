"""Extracted records kept between runs, keyed by path, content hash and extractor version;
and the highlighted source of each content, keyed by content hash, lexer, source cap and
highlighter version, so no content is lexed twice. A highlighted source is bytes to the
cache: the site makes and reads them (``site.highlight.SourceHTML``).

The cache of a tree lives outside it (``cache_location``): its rows are trusted, so no file
that comes with the tree (a commit, a pull request) may be read as one."""

from __future__ import annotations

import functools
import hashlib
import io
import json
import os
import pickle
import re
import secrets
import sqlite3
import subprocess
import sys
from collections.abc import Collection, Mapping
from contextlib import closing
from dataclasses import dataclass, replace
from pathlib import Path
from types import TracebackType
from typing import Any, Self, TypeGuard

from xrefdoc.core.model import FileRecord
from xrefdoc.core.settings import Settings
from xrefdoc.store.versions import extractor_version, highlighter_version
from xrefdoc.walk.tree import CACHE_TAG, CACHE_TAG_SIGNATURE

# Where the cache of a tree used to live, inside it; never read now (see ``cache_location``).
OLD_CACHE_FOLDER = ".xrefdoc-cache"
DATABASE = "records.sqlite"
# The folder that holds the cache of every tree, instead of the user's cache directory.
CACHE_DIR_VARIABLE = "XREFDOC_CACHE_DIR"
CACHEDIR_TAG_TEXT = (
    f"{CACHE_TAG_SIGNATURE.decode()}\n"
    "# This file is a cache directory tag created by xrefdoc.\n"
    "# For information about cache directory tags, see https://bford.info/cachedir/\n"
)
# Commit this often inside a run, so a killed run keeps most of its work.
COMMIT_EVERY = 500
# The tables, and their layout number (kept in ``PRAGMA user_version``): change the number
# with the tables, and a cache of the other layout is replaced by an empty one.
LAYOUT = 2
_TABLES = (
    """CREATE TABLE records (
    path TEXT PRIMARY KEY, sha256 TEXT NOT NULL, version TEXT NOT NULL, record BLOB NOT NULL,
    stamp TEXT NOT NULL DEFAULT ''
)""",
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    """CREATE TABLE sources (
    sha256 TEXT NOT NULL, lexer TEXT NOT NULL, cap INTEGER NOT NULL, version TEXT NOT NULL,
    run TEXT NOT NULL, html BLOB NOT NULL, PRIMARY KEY (sha256, lexer, cap)
)""",
)
# A highlighted source is found by its content, its lexer and the cap it was cut at.
SourceKey = tuple[str, str, int]


@dataclass(frozen=True, slots=True)
class StoredSource:
    """A highlighted source as stored, and whether the run that handed out this reader's
    location stored it (then nothing can have planted it since, and the site need not
    check its markup again: the check was 7% of writing a page)."""

    blob: bytes
    this_run: bool


class _ModelUnpickler(pickle.Unpickler):
    """Loads only our model's classes: the cache sits in the documented tree, and a planted
    file must not run code when it is read."""

    def find_class(self, module: str, name: str) -> type:
        if module == "xrefdoc.core.model":
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


def vouched_digest(stored: dict[str, tuple[str, str]], path: str, stamp: str) -> str | None:
    """The content hash stored for ``path`` (``RecordCache.stamps``) when the file's stamp
    now is the one stored with it, so the file is unchanged and need not be read; else None."""
    stored_stamp, digest = stored.get(path, ("", ""))
    return digest if stamp and stamp == stored_stamp else None


def _is_globs(value: object) -> TypeGuard[list[str]]:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _is_corrupt(error: sqlite3.Error) -> bool:
    return error.sqlite_errorcode in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)


def _reason(error: BaseException) -> str:
    if isinstance(error, OSError):
        return error.strerror or str(error)
    return str(error)


def _joined(*notes: str) -> str:
    """Notes for the log's one line about the cache."""
    return "; ".join(note for note in notes if note)


@dataclass(frozen=True, slots=True)
class CacheLocation:
    """Where the cache of one tree lives, as ``cache_location`` found it: ``folder`` holds
    its database unless ``refused`` says why it must not be used (then nothing there is read
    or written); ``note`` is a line for the log besides. ``run`` is a secret of the run
    that opened the cache to write (see ``RecordCache.location``): the rows it wrote carry
    it, and readers opened at this location know them by it."""

    folder: Path | None
    refused: str = ""
    note: str = ""
    run: str = ""

    @property
    def database(self) -> Path | None:
        """The database file to use, or None when there is none to use."""
        if self.folder is None or self.refused:
            return None
        return self.folder / DATABASE


def cache_location(root: Path, chosen: Path | None = None) -> CacheLocation:
    """Where the cache of the tree at ``root`` (resolved) lives: its own folder, named after
    the tree's path (a digest, and the end of its name to be read), inside ``chosen``
    (``--cache-dir``), else ``$XREFDOC_CACHE_DIR``, else the user's cache directory
    (``$XDG_CACHE_HOME/xrefdoc``, ``~/.cache/xrefdoc``). Every command asks here; none
    makes the path itself.

    A cached row is trusted as the record of a content, so the cache must never be a file a
    tree can bring along: a place where git tracks any file is refused (a commit could put
    rows there), and the old folder inside the tree is no longer read."""
    try:
        base = _cache_base(chosen)
    except RuntimeError as error:  # no home folder to find ~/.cache in
        return CacheLocation(None, f"cache disabled, no folder for it: {error}")
    folder = base / _tree_folder_name(root)
    note = ""
    old = root / OLD_CACHE_FOLDER
    if (old / DATABASE).exists():
        note = f"{old} is not read: a cache inside the tree is not trusted; this tree's is {folder}"
    untrusted = _written_by_git(base)
    if untrusted:
        refused = (
            f"cache disabled, {base} is not used: {untrusted}, and no commit may decide what "
            "pages show; choose a --cache-dir that git does not track"
        )
        return CacheLocation(folder, refused, note)
    return CacheLocation(folder, note=note)


def _cache_base(chosen: Path | None) -> Path:
    """The folder that holds the cache of every tree."""
    if chosen is None and os.environ.get(CACHE_DIR_VARIABLE):
        chosen = Path(os.environ[CACHE_DIR_VARIABLE])
    if chosen is not None:
        return Path(os.path.abspath(chosen.expanduser()))
    # The XDG specification: a relative path in the variable is invalid and ignored.
    xdg_cache = os.environ.get("XDG_CACHE_HOME", "")
    user_cache = Path(xdg_cache) if os.path.isabs(xdg_cache) else Path.home() / ".cache"
    return user_cache / "xrefdoc"


def _tree_folder_name(root: Path) -> str:
    """One folder per tree path: trees of the same name elsewhere never share a cache."""
    digest = hashlib.sha256(os.fsencode(root)).hexdigest()[:16]
    tail = re.sub(r"[^A-Za-z0-9._-]+", "_", root.name).strip("._-")[:32]
    return f"{tail}-{digest}" if tail else digest


def _written_by_git(folder: Path) -> str:
    """Why a checkout may have written into ``folder`` (git tracks a file in it, or at it: a
    committed link), or '' when it cannot have. Asked of the folder as given and as its
    links resolve."""
    for path in dict.fromkeys((folder, folder.resolve())):
        # git runs in the nearest folder that exists, not through a link (its target may be
        # in another repository, or none).
        anchor = path
        while anchor.parent != anchor and (anchor.is_symlink() or not anchor.is_dir()):
            anchor = anchor.parent
        found = _tracked_files(anchor, path.relative_to(anchor).as_posix())
        if found:
            return found
    return ""


def _tracked_files(anchor: Path, pathspec: str) -> str:
    """'git tracks FILE there' for the first file git tracks at ``pathspec`` (relative to
    ``anchor``); '' for none, or outside any repository; when git cannot answer, why."""
    environment = {**os.environ, "LC_ALL": "C", "LANGUAGE": ""}
    command = ["git", "--literal-pathspecs", "-C", str(anchor), "ls-files", "-z", "--", pathspec]
    try:
        listed = subprocess.run(command, capture_output=True, check=False, env=environment)
    except OSError as error:
        if any((folder / ".git").exists() for folder in (anchor, *anchor.parents)):
            return f"git, needed to see whether it tracks files there, did not run: {error}"
        return ""
    if listed.returncode != 0:
        if b"not a git repository" in listed.stderr:
            return ""
        answer = listed.stderr.decode(errors="replace").strip().splitlines() or ["no answer"]
        return f"git could not say whether it tracks files there: {answer[0]}"
    first = listed.stdout.partition(b"\0")[0]
    return f"git tracks {os.fsdecode(first)} there" if first else ""


class RecordCache:
    """One run's handle on the cache. ``reason`` is a one-line note for the log: why the cache
    is off (then every lookup misses and the run is only slower), or what was repaired."""

    def __init__(
        self,
        connection: sqlite3.Connection | None,
        version: str,
        reason: str = "",
        database: Path | None = None,
        location: CacheLocation | None = None,
    ) -> None:
        self._connection = connection
        self._version = version
        self._source_version = highlighter_version()
        self._pending = 0
        self.reason = reason
        self.database = database
        # Where it was opened, for the readers of the same cache (None: nowhere); a cache
        # opened to write gives it the secret its highlighted sources are stored with.
        self.location = location
        if location is not None and connection is not None and database is not None:
            self.location = replace(location, run=secrets.token_hex(16))
        self._run = "" if self.location is None else self.location.run

    @classmethod
    def disabled(cls, reason: str = "", location: CacheLocation | None = None) -> RecordCache:
        return cls(None, "", reason, location=location)

    @classmethod
    def open(cls, location: CacheLocation) -> RecordCache:
        """The cache at ``location`` (see ``cache_location``); never raises: a location that
        is refused or cannot be written gives a disabled cache with the reason, a database
        that is corrupt or of another layout is replaced by an empty one."""
        database = location.database
        if database is None:
            return cls.disabled(_joined(location.refused, location.note), location)
        folder = database.parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
            _write_markers(folder)
        except OSError as error:
            reason = f"cache disabled, cannot write {folder}: {_reason(error)}"
            return cls.disabled(_joined(reason, location.note), location)
        version = extractor_version()
        try:
            connection = _connect(database, version, highlighter_version())
            return cls(connection, version, location.note, database, location)
        except _OtherLayout as error:
            replaced = f"replaced the cache {database} of another layout ({error})"
        except sqlite3.Error as error:
            if not _is_corrupt(error):
                reason = f"cache disabled, cannot use {database}: {error}"
                return cls.disabled(_joined(reason, location.note), location)
            replaced = f"replaced corrupt cache {database} ({error})"
        try:
            _remove_database(database)
            connection = _connect(database, version, highlighter_version())
        except (OSError, sqlite3.Error, _OtherLayout) as retry_error:
            reason = f"cache disabled, cannot replace {database}: {_reason(retry_error)}"
            return cls.disabled(_joined(reason, location.note), location)
        return cls(connection, version, _joined(replaced, location.note), database, location)

    @classmethod
    def reader(cls, location: CacheLocation) -> RecordCache:
        """The cache at ``location`` opened read-only, for the page writers (several
        processes at once); disabled when there is none to read."""
        database = location.database
        if database is None or not database.is_file():
            return cls.disabled()
        try:
            connection = sqlite3.connect(f"{database.as_uri()}?mode=ro", uri=True)
        except sqlite3.Error as error:
            return cls.disabled(f"cache not readable: {error}")
        # No ``database``: a reader that meets damage turns itself off and deletes nothing
        # (the other writers are still reading it).
        return cls(connection, extractor_version(), location=location)

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

    def vouched_records(self, stamps: Mapping[str, str]) -> dict[str, FileRecord]:
        """The stored record of each path whose stamp now (``stamps``, see
        ``walk.stamps.file_stamp``) is the one stored with it: the file is unchanged and
        need not be read. Read in one pass over the table: a query for each of 20,000 files
        took a third of loading their records."""
        found: dict[str, FileRecord] = {}
        if self._connection is None or not stamps:
            return found
        try:
            rows = self._connection.execute(
                "SELECT path, stamp, sha256, record FROM records WHERE version = ? AND stamp != ''",
                (self._version,),
            )
            for path, stamp, sha256, blob in rows:
                if stamps.get(path) == stamp:
                    record = _record(blob, path, sha256)
                    if record is not None:
                        found[path] = record
        except sqlite3.Error as error:
            self._fail(error)
            return {}
        return found

    def stamps(self) -> dict[str, tuple[str, str]]:
        """Path → (stamp, content hash) of every stored record, read in one query."""
        rows = self._rows(
            "SELECT path, stamp, sha256 FROM records WHERE version = ? AND stamp != ''",
            (self._version,),
        )
        return {path: (stamp, sha256) for path, stamp, sha256 in rows}

    def put(self, record: FileRecord, stamp: str = "") -> None:
        """Store ``record``, replacing the row of an earlier content of the same path; with
        ``stamp`` (see ``walk.stamps.file_stamp``), a later scan trusts it without reading
        the file."""
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

    def get_source(self, key: SourceKey) -> StoredSource | None:
        """The highlighted source stored under ``key``, or None."""
        row = self._query(
            "SELECT html, run FROM sources "
            "WHERE sha256 = ? AND lexer = ? AND cap = ? AND version = ?",
            (*key, self._source_version),
        )
        if not row or not isinstance(row[0], bytes):
            return None
        return StoredSource(row[0], bool(self._run) and row[1] == self._run)

    def put_source(self, key: SourceKey, blob: bytes) -> None:
        """Store the highlighted source of a content, marked as this run's."""
        self._store(
            "INSERT OR REPLACE INTO sources VALUES (?, ?, ?, ?, ?, ?)",
            (*key, self._source_version, self._run, blob),
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


def make_cache_folder(location: CacheLocation) -> None:
    """Make the cache folder with its markers, before a walk of a tree that may hold it; a
    problem is left for ``RecordCache.open`` to report."""
    if location.database is not None:
        try:
            location.database.parent.mkdir(parents=True, exist_ok=True)
            _write_markers(location.database.parent)
        except OSError:
            pass


def _write_markers(folder: Path) -> None:
    """Keep git and backup tools out of the folder, as .pytest_cache does."""
    for name, text in (
        (".gitignore", "# Created by xrefdoc.\n*\n"),
        (CACHE_TAG, CACHEDIR_TAG_TEXT),
    ):
        marker = folder / name
        if not marker.is_file():
            marker.write_text(text, encoding="utf-8")


class _OtherLayout(Exception):
    """The database holds a cache of another layout (another xrefdoc wrote it)."""


def _schema(connection: sqlite3.Connection) -> list[tuple[object, ...]]:
    """Every table, index and trigger of the database, as SQLite keeps their definitions."""
    return connection.execute(
        "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
    ).fetchall()


@functools.cache
def _our_schema() -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(":memory:")) as connection:
        for table in _TABLES:
            connection.execute(table)
        return _schema(connection)


def _layout_problem(connection: sqlite3.Connection) -> str:
    """Why the database is not a cache of ``LAYOUT``, or '' (also for a new, empty one)."""
    (layout,) = connection.execute("PRAGMA user_version").fetchone()
    schema = _schema(connection)
    if layout == 0 and not schema:
        return ""
    if layout != LAYOUT:
        return f"its layout is {layout}, this xrefdoc's is {LAYOUT}"
    if schema != _our_schema():
        return f"its tables are not those of layout {LAYOUT}"
    return ""


def _connect(database: Path, version: str, sources_version: str) -> sqlite3.Connection:
    """Open, create the tables of a new database and drop rows of other extractor versions;
    any write problem shows here, before the run relies on the cache. A database of another
    layout raises ``_OtherLayout``."""
    connection = sqlite3.connect(database, isolation_level=None)
    try:
        # WAL: a killed run leaves the last committed state, and readers never block.
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        connection.execute("BEGIN IMMEDIATE")
        problem = _layout_problem(connection)
        if problem:
            raise _OtherLayout(problem)
        if not _schema(connection):
            for table in _TABLES:
                connection.execute(table)
            connection.execute(f"PRAGMA user_version = {LAYOUT}")
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
