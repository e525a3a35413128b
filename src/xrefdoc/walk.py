"""The list of files to document: git's view of the tree, or a walk honouring .gitignore."""

from __future__ import annotations

import os
import stat
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import pathspec

from xrefdoc.config import Settings

# A folder holding one of these is a build output or our own work folder, never source.
OUTPUT_MARKERS = (".buildinfo", ".xrefdoc-work")
# A folder tagged like this is a cache (https://bford.info/cachedir/): ours, pytest's, mypy's.
CACHE_TAG = "CACHEDIR.TAG"
CACHE_TAG_SIGNATURE = b"Signature: 8a477f597d28d172789f06886806bc55"


@dataclass(slots=True)
class WalkResult:
    """Files to document (relative, ``/``-separated, sorted) and files left out with why;
    the status of each file as the walk found it (a link's target's), and when the walk
    started, so later stages need not ask the file system again."""

    files: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    stats: dict[str, os.stat_result] = field(default_factory=dict)
    started_ns: int = 0


def stat_stamp(info: os.stat_result) -> str:
    """Size, times and inode: what tells a file's content changed without reading it."""
    return f"{info.st_size}:{info.st_mtime_ns}:{info.st_ctime_ns}:{info.st_ino}"


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


def _gitignore_spec(folder: Path) -> pathspec.GitIgnoreSpec | None:
    ignore_file = folder / ".gitignore"
    if not ignore_file.is_file():
        return None
    lines = ignore_file.read_text(encoding="utf-8", errors="replace").splitlines()
    return pathspec.GitIgnoreSpec.from_lines(lines)


def _is_output_folder(folder: Path) -> bool:
    return any((folder / marker).exists() for marker in OUTPUT_MARKERS)


def _is_cache_folder(folder: Path) -> bool:
    """The convention asks tools to check the signature, not only the file's name."""
    try:
        with (folder / CACHE_TAG).open("rb") as tag:
            return tag.read(len(CACHE_TAG_SIGNATURE)) == CACHE_TAG_SIGNATURE
    except OSError:
        return False


def _is_virtualenv(folder: Path) -> bool:
    return (folder / "pyvenv.cfg").is_file()


def _directory_listing(root: Path) -> tuple[list[str], list[str]]:
    """Files (walked without following links, each folder's .gitignore applied to what lies
    below it) and the linked folders met on the way."""
    found: list[str] = []
    linked_folders: list[str] = []
    specs: list[tuple[str, pathspec.GitIgnoreSpec]] = []

    def ignored(rel: str, is_dir: bool) -> bool:
        # Like git: the last matching pattern decides, deeper .gitignore files coming later.
        decision: bool | None = None
        for base, spec in specs:
            if base and not rel.startswith(base + "/"):
                continue
            inner = rel[len(base) + 1 :] if base else rel
            result = spec.check_file(inner + ("/" if is_dir else ""))
            if result.include is not None:
                decision = result.include
        return bool(decision)

    for current, dirnames, filenames in os.walk(root, followlinks=False):
        current_path = Path(current)
        rel_dir = current_path.relative_to(root).as_posix()
        rel_dir = "" if rel_dir == "." else rel_dir
        spec = _gitignore_spec(current_path)
        if spec is not None:
            specs.append((rel_dir, spec))
        kept = []
        for name in sorted(dirnames):
            rel = f"{rel_dir}/{name}" if rel_dir else name
            if name == ".git" or ignored(rel, True):
                continue
            if (current_path / name).is_symlink():
                linked_folders.append(rel)
                continue
            kept.append(name)
        dirnames[:] = kept
        for name in sorted(filenames):
            rel = f"{rel_dir}/{name}" if rel_dir else name
            if not ignored(rel, False):
                found.append(rel)
    return sorted(found), linked_folders


def _examine(
    root: Path,
    rel: str,
    settings: Settings,
    checked: dict[str, str | None],
    links: dict[str, str],
) -> str | os.stat_result:
    """Why a listed path is not documented, or the status of the file to document."""
    parts = rel.split("/")
    for depth in range(1, len(parts)):
        folder_rel = "/".join(parts[:depth])
        if folder_rel not in checked:
            folder = root / folder_rel
            reason: str | None = None
            if folder.resolve() in settings.never or _is_output_folder(folder):
                reason = f"inside generated output {folder_rel}/"
            elif _is_virtualenv(folder):
                reason = f"inside virtual environment {folder_rel}/"
            elif _is_cache_folder(folder):
                reason = f"inside cache folder {folder_rel}/"
            elif folder.is_symlink():
                reason = f"inside linked folder {folder_rel}/"
            checked[folder_rel] = reason
        folder_reason = checked[folder_rel]
        if folder_reason:
            return folder_reason
    # One system call for the common case, a plain file: this runs for every file of the tree.
    name = os.path.join(root, rel)
    try:
        info = os.lstat(name)
    except OSError:
        return "listed by git but missing on disk"
    if stat.S_ISLNK(info.st_mode):
        try:
            target = Path(name).resolve(strict=True)
        except (OSError, RuntimeError):
            return "dangling or looping symbolic link"
        if not target.is_relative_to(root):
            return "symbolic link pointing outside the tree"
        links[rel] = target.relative_to(root).as_posix()
        info = os.stat(name)
    if stat.S_ISDIR(info.st_mode):
        return "a folder listed as a file (git submodule)"
    if not stat.S_ISREG(info.st_mode):
        return "listed by git but missing on disk"
    return info


def walk(settings: Settings) -> WalkResult:
    """The files under ``settings.root`` to document, honouring include and exclude globs."""
    root = settings.root
    started = time.time_ns()
    listing = _git_listing(root)
    linked_folders: list[str] = []
    if listing is None:
        listing, linked_folders = _directory_listing(root)
    include = pathspec.GitIgnoreSpec.from_lines(settings.include) if settings.include else None
    exclude = pathspec.GitIgnoreSpec.from_lines(settings.exclude) if settings.exclude else None
    result = WalkResult(
        skipped=[(rel, "linked folder, not followed") for rel in linked_folders],
        started_ns=started,
    )
    checked: dict[str, str | None] = {}
    links: dict[str, str] = {}  # symbolic link → the file of the tree it points at
    for rel in listing:
        if include is not None and not include.match_file(rel):
            continue
        if exclude is not None and exclude.match_file(rel):
            continue
        found = _examine(root, rel, settings, checked, links)
        if isinstance(found, str):
            result.skipped.append((rel, found))
        else:
            result.files.append(rel)
            result.stats[rel] = found
    _document_linked_files_once(result, links)
    return result


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
