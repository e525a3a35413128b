"""The list of files to document: git's view of the tree, or a walk honouring .gitignore."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from xrefdoc.core.settings import Settings
from xrefdoc.walk.gitignore import IgnoreRule, IgnoreRules, parse_ignore_file
from xrefdoc.walk.plain_folders import PlainFolders

if TYPE_CHECKING:
    from pathspec import GitIgnoreSpec

# A folder holding one of these is a build output or our own work folder, never source.
OUTPUT_MARKERS = (".buildinfo", ".xrefdoc-work")
# The files a site writes at its top (Sphinx's and xrefdoc's own): a folder of the tree's top
# named like one would be a folder of the site's top of that name, which cannot be.
SITE_TOP_FILES = frozenset(
    {".buildinfo", "objects.inv", "searchindex.js"}
    | {f"{page}.html" for page in ("index", "doc", "genindex", "search", "references", "keywords")}
)
_KEYWORD_PAGE = re.compile(r"keywords-[^/]+\.html")
# A folder tagged like this is a cache (https://bford.info/cachedir/): ours, pytest's, mypy's.
CACHE_TAG = "CACHEDIR.TAG"
CACHE_TAG_SIGNATURE = b"Signature: 8a477f597d28d172789f06886806bc55"
VIRTUALENV_MARKER = "pyvenv.cfg"
# Every name that may make a folder's files undocumented.
MARKERS = (*OUTPUT_MARKERS, VIRTUALENV_MARKER, CACHE_TAG)


@dataclass(slots=True)
class WalkResult:
    """Files to document (relative, ``/``-separated, sorted) and files left out with why;
    the status of each file as the walk found it (a link's target's), and when the walk
    started, so later stages need not ask the file system again."""

    files: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    stats: dict[str, os.stat_result] = field(default_factory=dict)
    started_ns: int = 0
    # Files whose name on disk is not UTF-8: the name shown (``shown_name``) → the name on
    # disk, to read them by.
    sources: dict[str, str] = field(default_factory=dict)

    def on_disk(self, path: str) -> str:
        """The name on disk of a file the result lists."""
        return self.sources.get(path, path)


def _git_listing(root: Path) -> list[str] | None:
    """Tracked plus untracked-but-not-ignored files, or None when root is not in a work tree."""
    try:
        completed = subprocess.run(
            [
                "git",
                "-C",
                str(root),
                "ls-files",
                "-z",
                "--cached",
                "--others",
                "--exclude-standard",
            ],
            capture_output=True,
            check=False,
        )
    except OSError:
        return None
    if completed.returncode != 0:
        return None
    names = completed.stdout.decode("utf-8", "surrogateescape").split("\0")
    return sorted({name for name in names if name})


def _gitignore_rules(folder: Path) -> list[IgnoreRule]:
    """The rules of a folder's .gitignore; git reads no .gitignore through a link."""
    ignore_file = folder / ".gitignore"
    if ignore_file.is_symlink() or not ignore_file.is_file():
        return []
    try:
        return parse_ignore_file(ignore_file.read_bytes())
    except OSError:
        return []


def _may_hold(listed: frozenset[str] | None, name: str) -> bool:
    """Whether ``name`` may be in a folder: not when the walk's listing of it
    (``listed``, its names in lower case, as a file system that ignores case finds them)
    lacks it, which spares a system call per folder and marker."""
    return listed is None or name.lower() in listed


def _is_output_folder(folder: str, listed: frozenset[str] | None) -> bool:
    return any(
        _may_hold(listed, marker) and os.path.exists(os.path.join(folder, marker))
        for marker in OUTPUT_MARKERS
    )


def _is_cache_folder(folder: str, listed: frozenset[str] | None) -> bool:
    """The convention asks tools to check the signature, not only the file's name."""
    if not _may_hold(listed, CACHE_TAG):
        return False
    try:
        with open(os.path.join(folder, CACHE_TAG), "rb") as tag:
            return tag.read(len(CACHE_TAG_SIGNATURE)) == CACHE_TAG_SIGNATURE
    except OSError:
        return False


def _is_virtualenv(folder: str, listed: frozenset[str] | None) -> bool:
    return _may_hold(listed, VIRTUALENV_MARKER) and os.path.isfile(
        os.path.join(folder, VIRTUALENV_MARKER)
    )


@dataclass(slots=True)
class _Listing:
    """What a walk of the folders found: the files (relative, ``/``-separated, sorted), the
    folders not walked with why (linked folders, folders that cannot be listed), and the
    names in each folder walked (in lower case)."""

    files: list[str] = field(default_factory=list)
    unwalked: list[tuple[str, str]] = field(default_factory=list)
    names: dict[str, frozenset[str]] = field(default_factory=dict)


def _directory_listing(root: Path) -> _Listing:
    """The tree's files, walked without following links, .gitignore files applied as git
    applies them (see ``_Listing``). One listing per folder, with the kind of each entry
    from it: this runs for every folder and file of a tree that is not in git, and a
    no-change rebuild waits for it (``os.walk`` and a check for a link per folder took
    0.45 s of its 0.8 s at 20,000 files)."""
    listing = _Listing()
    rules = IgnoreRules()
    top = str(root)
    waiting = [""]  # folders to list, relative; each before the folders inside it
    while waiting:
        rel_dir = waiting.pop()
        current = os.path.join(top, rel_dir) if rel_dir else top
        try:
            with os.scandir(current) as scanned:
                entries = list(scanned)
        except OSError as error:
            why = f"folder that cannot be read: {error.strerror or error}"
            listing.unwalked.append((rel_dir or ".", why))
            continue
        listing.names[rel_dir] = frozenset(entry.name.lower() for entry in entries)
        folders: list[os.DirEntry[str]] = []
        files: list[str] = []
        for entry in entries:
            try:
                is_folder = entry.is_dir()  # a link to a folder too, as ``os.walk`` has it
            except OSError:
                is_folder = False
            if is_folder:
                folders.append(entry)
            else:
                files.append(entry.name)
        if ".gitignore" in files:
            rules.add(rel_dir, _gitignore_rules(Path(current)))
        kept = []
        for entry in sorted(folders, key=lambda entry: entry.name):
            rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
            if entry.name == ".git":
                continue
            if entry.is_symlink():
                # git lists a link as a file, whatever it points at.
                if not rules.ignored(rel, False):
                    listing.unwalked.append((rel, "linked folder, not followed"))
                continue
            if not rules.ignored(rel, True):
                kept.append(rel)
        waiting.extend(reversed(kept))
        for name in sorted(files):
            rel = f"{rel_dir}/{name}" if rel_dir else name
            if not rules.ignored(rel, False):
                listing.files.append(rel)
    listing.files.sort()
    return listing


def _examine(
    root: Path,
    rel: str,
    never: frozenset[str],
    checked: dict[str, str | None],
    links: dict[str, str],
    listed: dict[str, frozenset[str]],
    plain: PlainFolders,
) -> str | os.stat_result:
    """Why a listed path is not documented, or the status of the file to document.
    ``listed``: the names in each folder, where the walk listed them; ``plain``: the
    folders found plain before."""
    end = rel.find("/")
    while end >= 0:
        folder_rel = rel[:end]
        if folder_rel not in checked:
            checked[folder_rel] = _folder_reason(
                root, folder_rel, never, listed.get(folder_rel), plain
            )
        if folder_reason := checked[folder_rel]:
            return folder_reason
        end = rel.find("/", end + 1)
    # One system call for the common case, a plain file: this runs for every file of the tree.
    name = os.path.join(root, rel)
    try:
        info = os.lstat(name)
    except FileNotFoundError:
        return "listed by git but missing on disk"
    except OSError as error:
        return f"cannot be read: {error.strerror or error}"
    if stat.S_ISLNK(info.st_mode):
        try:
            target = Path(name).resolve(strict=True)
        except (OSError, RuntimeError):
            return "dangling or looping symbolic link"
        if not target.is_relative_to(root):
            return "symbolic link pointing outside the tree"
        info = os.stat(name)
        if stat.S_ISDIR(info.st_mode):
            return "linked folder, not followed"
        links[rel] = target.relative_to(root).as_posix()
    if stat.S_ISDIR(info.st_mode):
        return "a folder listed as a file (git submodule)"
    if not stat.S_ISREG(info.st_mode):
        return _not_a_regular_file(info.st_mode)
    return info


def _folder_reason(
    root: Path,
    folder_rel: str,
    never: frozenset[str],
    listed: frozenset[str] | None,
    plain: PlainFolders,
) -> str | None:
    """Why the files of a folder of the tree are not documented, if they are not. Its
    parents were checked first and are no links, and the root is resolved, so the folder
    is where its path says unless it is a link itself (not one the walk listed: it follows
    no link). ``never``: the folders never documented, as text; ``listed``: the names in
    the folder, when the walk listed it; ``plain``: the folders found plain before, and
    those found now."""
    folder = os.path.join(root, folder_rel)
    if is_site_top_file(folder_rel):
        return f"a folder named like a file the site writes at its top ({folder_rel})"
    if folder in never:
        return f"inside generated output {folder_rel}/"
    known, info = plain.still_plain(folder_rel, folder)
    if known:
        return None
    if _is_output_folder(folder, listed):
        return f"inside generated output {folder_rel}/"
    if _is_virtualenv(folder, listed):
        return f"inside virtual environment {folder_rel}/"
    if _is_cache_folder(folder, listed):
        return f"inside cache folder {folder_rel}/"
    if listed is None and os.path.islink(folder):
        return f"inside linked folder {folder_rel}/"
    plain.found_plain(folder_rel, folder, info)
    return None


def is_site_top_file(path: str) -> bool:
    """Whether ``path`` is the name of a file the site writes at its top (``SITE_TOP_FILES``,
    the A-Z pages ``keywords-<letter>.html``)."""
    return path in SITE_TOP_FILES or _KEYWORD_PAGE.fullmatch(path) is not None


def _not_a_regular_file(mode: int) -> str:
    """Why a special file (or a link to one) has no pages: reading a FIFO waits for a writer,
    a device may never end."""
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe), not a regular file"
    if stat.S_ISSOCK(mode):
        return "a socket, not a regular file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device file, not a regular file"
    return "not a regular file"


def _patterns(globs: tuple[str, ...]) -> GitIgnoreSpec | None:
    """``include`` or ``exclude`` as git matches its patterns; pathspec is imported only by
    a walk that has some (it was a twentieth of what a build that finds nothing changed
    spent importing)."""
    if not globs:
        return None
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines(globs)


def walk(settings: Settings, plain_folders: Path | None = None) -> WalkResult:
    """The files under ``settings.root`` to document, honouring include and exclude globs.
    ``plain_folders``: where the walks of this tree keep the folders they found plain
    (``PlainFolders``), when git lists its files."""
    root = settings.root
    started = time.time_ns()
    listing = _git_listing(root)
    unwalked: list[tuple[str, str]] = []
    listed: dict[str, frozenset[str]] = {}
    # A walk that lists each folder knows its names already: it has no checks to spare.
    plain = PlainFolders(plain_folders if listing is not None else None, MARKERS, started)
    if listing is None:
        walked = _directory_listing(root)
        listing, unwalked, listed = walked.files, walked.unwalked, walked.names
    include, exclude = _patterns(settings.include), _patterns(settings.exclude)
    result = WalkResult(skipped=unwalked, started_ns=started)
    checked: dict[str, str | None] = {}
    # As paths are joined below (a path object per folder took a tenth of the walk).
    never = frozenset(str(path) for path in settings.never)
    links: dict[str, str] = {}  # symbolic link → the file of the tree it points at
    for rel in listing:
        shown = shown_name(rel)
        if include is not None and not include.match_file(shown):
            continue
        if exclude is not None and exclude.match_file(shown):
            continue
        found = _examine(root, rel, never, checked, links, listed, plain)
        if isinstance(found, str):
            result.skipped.append((rel, found))
        else:
            result.files.append(rel)
            result.stats[rel] = found
    plain.save()
    _document_linked_files_once(result, links)
    _show_names_as_text(result)
    return result


def shown_name(rel: str) -> str:
    """A path as pages, logs and the cache show it: a byte of the name that is not UTF-8 as
    ``\\xNN`` (the name holds it as a lone surrogate, which no text output can encode)."""
    try:
        rel.encode("utf-8")
    except UnicodeEncodeError:
        return rel.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return rel


def _show_names_as_text(result: WalkResult) -> None:
    """Every path of the result as ``shown_name`` gives it, files keeping their names on
    disk in ``result.sources``; a file whose shown name is another file's is left out (only
    a name that holds ``\\x`` as text can be)."""
    if all(shown_name(rel) == rel for rel in result.files) and all(
        shown_name(f"{rel}{reason}") == f"{rel}{reason}" for rel, reason in result.skipped
    ):
        return
    taken = {rel for rel in result.files if shown_name(rel) == rel}
    files: list[str] = []
    stats: dict[str, os.stat_result] = {}
    skipped = [(shown_name(rel), shown_name(reason)) for rel, reason in result.skipped]
    for rel in result.files:
        shown = shown_name(rel)
        if shown != rel:
            if shown in taken:
                skipped.append((shown, "its name, shown as text, is another file's name"))
                continue
            taken.add(shown)
            result.sources[shown] = rel
        files.append(shown)
        stats[shown] = result.stats[rel]
    result.files = sorted(files)
    result.stats = stats
    result.skipped = skipped


def _document_linked_files_once(result: WalkResult, links: dict[str, str]) -> None:
    """A link to a file that has pages of its own is noted, not documented a second time
    (its names would be listed twice in the index)."""
    documented = set(result.files)
    doubles = {rel for rel, target in links.items() if target in documented}
    if not doubles:
        return
    result.files = [rel for rel in result.files if rel not in doubles]
    for rel in sorted(doubles):
        del result.stats[rel]
        result.skipped.append((rel, f"symbolic link to {links[rel]}, documented there"))


def skipped_report(skipped: list[tuple[str, str]]) -> list[str]:
    """What the walk left out, as log lines: one per file, except the files left out with
    their folder (an output folder, a virtual environment), one line per folder with its
    count, so a folder of thousands of generated pages does not flood every run."""
    lines: list[str] = []
    folders: dict[str, int] = {}
    for path, reason in skipped:
        if reason.startswith("inside ") and reason.endswith("/"):
            folders[reason] = folders.get(reason, 0) + 1
        else:
            lines.append(f"not documented: {path} ({reason})")
    for reason, count in folders.items():
        folder = reason.rpartition(" ")[2]
        files = "file" if count == 1 else "files"
        lines.append(f"not documented: {folder} ({reason}, {count:,} {files})")
    return lines
