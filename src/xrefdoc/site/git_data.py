"""What git knows of each file, for its page: ``_xref/git/<key>.js``, its last commits (the
History part, see ``history.log``), and with the ``blame`` setting ``_xref/blame/<key>.js``,
who last changed each line and each definition (see ``history.blame``), loaded when the
reader asks for it.

They are data, not part of the pages: a commit changes the history of the files it touched,
and rewrites their scripts, never a page. Their names are the file's key, as the symbol
scripts' are (``symbol_data``). What was written is remembered (``GitState``), so a build
rewrites the scripts of the files whose history or blame changed, and a build whose pages
all stand still brings them up to a new commit (``update_git_data``).

A commit is an array: hash, author time (seconds), author, subject; a blame's lines are runs
of [commit, line count] from line 1, its definitions an anchor (``names.symbol_anchors``) to
the commit that last changed one of their lines.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from xrefdoc.core.fsutil import write_bytes_atomically, write_if_changed
from xrefdoc.core.model import FileRecord
from xrefdoc.core.settings import Settings
from xrefdoc.history.blame import Blame, blame_files
from xrefdoc.history.git import SiteVersion
from xrefdoc.history.log import Commit, Histories, WalkStart, file_histories, walk_start
from xrefdoc.site.data_scripts import packed_script
from xrefdoc.site.names import PageNames, symbol_anchors

# In the folder of the build's own state (Sphinx's doctrees): what was written.
STATE_FILE = "xrefdoc-git.pickle"
GIT_FOLDER = "git"
BLAME_FOLDER = "blame"
# Bumped when the state's shape changes: an older state is dropped, every script written.
_STATE_VERSION = 3


def history_script(key: str) -> str:
    """Where a file's last commits live, relative to ``_xref/``."""
    return f"{GIT_FOLDER}/{key}.js"


def blame_script(key: str) -> str:
    """Where a file's blame lives, relative to ``_xref/``."""
    return f"{BLAME_FOLDER}/{key}.js"


class GitFile(NamedTuple):
    """A documented file as its git data needs it: its script name, its content's digest,
    and its definitions as ``anchor<TAB>first line<TAB>last line`` a line (``spans``).

    The state keeps one for every file of the tree. As a dataclass with its definitions in
    tuples, they took 0.35 s to write and read back on a one-file rebuild at 20,590 files;
    as a tuple with its definitions in one string, 0.03 s."""

    path: str
    key: str
    sha256: str
    definitions: str

    def spans(self) -> Iterator[tuple[str, int, int]]:
        """Each definition: its anchor, first line and last line."""
        for line in self.definitions.splitlines():
            anchor, first, last = line.split("\t")
            yield anchor, int(first), int(last)


def git_files(
    records: Iterable[FileRecord], names: PageNames, last: Mapping[str, GitFile] | None = None
) -> list[GitFile]:
    """The files as their git data needs them. A file ``last`` holds (the last build's, by
    path) with the same content and key keeps that entry: its spans come from its content
    alone, and making every file's anchors again took 0.8 s of a one-file rebuild at 20,000
    files."""
    files = []
    for record in records:
        key = names.file_key(record.path)
        known = last.get(record.path) if last else None
        if known is not None and known.sha256 == record.sha256 and known.key == key:
            files.append(known)
            continue
        anchors = symbol_anchors(record.symbols)
        definitions = "".join(
            f"{anchors[(s.qualname, s.line)]}\t{s.line}\t{max(s.line, s.end_line)}\n"
            for s in record.symbols
        )
        files.append(GitFile(record.path, key, record.sha256, definitions))
    return sorted(files, key=lambda file: file.path)


# Given the last build's files by path, this build's (``git_files`` with the records).
FileLister = Callable[[Mapping[str, GitFile]], list[GitFile]]


@dataclass(frozen=True, slots=True)
class GitSource:
    """Where the history comes from: the work tree's folder of the documented tree and the
    commit (``HEAD``, or a version's in a site of several); whether to blame, with how many
    git processes at a time."""

    root: Path
    at: str = "HEAD"
    blame: bool = False
    workers: int = 1


def git_source(settings: Settings, shown: SiteVersion | None, workers: int) -> GitSource | None:
    """The history the settings ask for (None when ``history`` is off): the tree's own, or
    in a site of several versions, the repository's at the version's commit (``shown``; the
    tree built is an export with no history)."""
    if not settings.history:
        return None
    if shown is not None:
        return GitSource(shown.source, shown.version.commit, settings.blame, workers)
    return GitSource(settings.root, "HEAD", settings.blame, workers)


@dataclass(slots=True)
class GitState:
    """What the last build wrote: the walk of the history, the files, per file the commits
    its history script holds and the blame it was given, each blame by (last commit,
    content digest)."""

    version: int = _STATE_VERSION
    histories: Histories | None = None
    files: list[GitFile] = field(default_factory=list)
    # Per file, its history script's commits and "blame" when it has one.
    written: dict[str, tuple[str, ...]] = field(default_factory=dict)
    blames: dict[str, tuple[tuple[str, str], Blame | None]] = field(default_factory=dict)
    # Per file, the blame's key and the definitions its script was written with.
    blamed: dict[str, tuple[tuple[str, str], str]] = field(default_factory=dict)

    @property
    def start(self) -> WalkStart | None:
        """Where the walk of the history started (None without one)."""
        return None if self.histories is None else self.histories.start


# The state file's first byte: whether the state holds anything of git's (a history, a
# script written from one, a blame), so that a rebuild of a tree without history need not
# load the files' list to learn that it has nothing to bring up to date (0.2 s at 20,000
# files, a fifth of a no-change rebuild). Then, pickled before the state, its head: where
# its walk started and whether it blamed (``_Head``), so that a rebuild whose pages stand
# and whose commit is the same need not load the state either.
_WITH_GIT = b"G"
_WITHOUT_GIT = b"-"
_Head = tuple[WalkStart, bool] | None


def read_state(path: Path) -> GitState:
    read = _read_state_file(path, 2)
    state = None if read is None else read[1][1]  # none yet, or not ours: every script is written
    return state if isinstance(state, GitState) and state.version == _STATE_VERSION else GitState()


def _read_head(path: Path) -> _Head:
    """The head of the state ``path`` holds (None when it holds none or is not ours)."""
    read = _read_state_file(path, 1)
    head = None if read is None or read[0] != _WITH_GIT else read[1][0]
    return head if isinstance(head, tuple) else None


def _holds_git_data(path: Path) -> bool:
    read = _read_state_file(path, 0)
    return read is not None and read[0] == _WITH_GIT


def _read_state_file(path: Path, values: int) -> tuple[bytes, list[object]] | None:
    """The state file's first byte and the first ``values`` values pickled after it (the
    head, then the state), read no further; None when it is missing, cut short or not ours."""
    try:
        with path.open("rb") as stream:
            first = stream.read(1)
            if first not in (_WITH_GIT, _WITHOUT_GIT):
                return None
            return first, [pickle.load(stream) for _ in range(values)]
    except Exception:
        return None


def _write_state(path: Path, state: GitState, blame: bool) -> None:
    with_git = state.histories is not None or state.written or state.blames or state.blamed
    head: _Head = None if state.start is None else (state.start, blame)
    data = pickle.dumps(head) + pickle.dumps(state)
    write_bytes_atomically(path, (_WITH_GIT if with_git else _WITHOUT_GIT) + data)


def _row(commit: Commit) -> list[object]:
    return [commit.hash, commit.authored, commit.author, commit.subject]


def history_text(key: str, commits: Iterable[Commit], blamed: bool) -> str:
    """``xrefdocHistory({k, commits, blame})``, packed (``data_scripts``): the file's last
    commits, newest first, and whether the site has its blame."""
    rows = [_row(commit) for commit in commits]
    return packed_script("xrefdocHistory", {"k": key, "commits": rows, "blame": blamed})


def blame_text(file: GitFile, blame: Blame) -> str:
    """``xrefdocBlame({k, commits, runs, defs})``, packed."""
    changed = {}
    for anchor, first, last in file.spans():
        newest = blame.last_change(first, last)
        if newest is not None:
            changed[anchor] = newest
    return packed_script(
        "xrefdocBlame",
        {
            "k": file.key,
            "commits": [_row(commit) for commit in blame.commits],
            "runs": [list(run) for run in blame.runs],
            "defs": changed,
        },
    )


def git_scripts(state: GitState) -> list[str]:
    """The scripts the site holds after a build with this state, for its list of data."""
    keys = {file.path: file.key for file in state.files}
    names = [history_script(keys[path]) for path in state.written if path in keys]
    names += [blame_script(keys[path]) for path, (_, found) in state.blames.items() if found]
    return sorted(names)


def update_git_data(
    folder: Path,
    state_file: Path,
    source: GitSource | None,
    files: FileLister | None = None,
    everything: bool = False,
    start: WalkStart | None = None,
    state: GitState | None = None,
) -> GitState:
    """Bring the git scripts of ``folder`` (the site's ``_xref``) up to ``source``: for the
    files ``files`` lists (by default the last build's), the history scripts whose commits
    changed and the blames whose file or last commit changed; all of them when
    ``everything`` (and then no file's entry is taken from the last build). Without a
    source (the setting is off) or outside a git work tree, none. ``start``: the source's
    ``walk_start``, when the caller asked git for it already; ``state``, the state as the
    caller read it already. Returns the new state, which is saved."""
    state = read_state(state_file) if state is None else state
    scripts_before = git_scripts(state)
    if everything:
        state.written, state.blamed = {}, {}
    histories = None
    if source is not None:
        histories = file_histories(source.root, state.histories, source.at, start=start)
    if files is None:
        listed = state.files
    else:
        listed = files({} if everything else {file.path: file for file in state.files})
    new = GitState(histories=histories, files=listed)
    if histories is not None and source is not None:
        if source.blame:
            _update_blames(folder, state, new, source)
        # Every file has a script, an empty list where git has none for it (a file not
        # committed yet): the page loads it whenever the site has history.
        for file in listed:
            commits = histories.files.get(file.path, [])
            blamed = new.blamed.get(file.path) is not None
            new.written[file.path] = (*commits, "blame" if blamed else "")
            if state.written.get(file.path) != new.written[file.path]:
                text = history_text(file.key, histories.of(file.path), blamed)
                write_if_changed(folder / history_script(file.key), text)
    # A script the state no longer names (history or blame turned off, a file gone) leaves
    # the folder: the site it is published to keeps no file the pages do not load.
    for name in sorted(set(scripts_before) - set(git_scripts(new))):
        (folder / name).unlink(missing_ok=True)
    if new != state:
        # Written only when it changed: outside a git work tree, the state only keeps the
        # files' list for when history comes (0.1 s of a one-file rebuild at 20,000 files);
        # inside one, a rebuild with no change wrote it again each time (0.3 s). The same
        # head gives back the same walk (``file_histories``), so the comparison is short.
        _write_state(state_file, new, source is not None and source.blame)
    return new


class Refreshed(NamedTuple):
    """What ``refresh_git_data`` did: where the history's walk starts (None without one),
    and the scripts the site had before and has now (relative to ``_xref/``), for the lists
    of what it holds."""

    start: WalkStart | None
    before: frozenset[str] = frozenset()
    after: frozenset[str] = frozenset()


def refresh_git_data(folder: Path, state_file: Path, source: GitSource | None) -> Refreshed:
    """``update_git_data`` for a build whose pages all stand: when the commit, the shallow
    clone's boundary and the blame setting are those the state was written with, nothing
    can have changed, and only the state's head is read, not the state (0.2 s at 20,000
    files in a git work tree)."""
    start = None if source is None else walk_start(source.root, source.at)
    if start is not None and source is not None and _read_head(state_file) == (start, source.blame):
        return Refreshed(start)
    if start is None and not _holds_git_data(state_file):
        return Refreshed(None)  # no history then or now: nothing to bring up to date
    state = read_state(state_file)
    before = frozenset(git_scripts(state))
    new = update_git_data(folder, state_file, source, start=start, state=state)
    return Refreshed(new.start, before, frozenset(git_scripts(new)))


def _update_blames(folder: Path, state: GitState, new: GitState, source: GitSource) -> None:
    """Blame the files whose content or last commit changed; write the scripts whose blame
    or definitions changed."""
    assert new.histories is not None
    wanted: dict[str, tuple[str, str]] = {}
    for file in new.files:
        last = new.histories.files.get(file.path, [""])[0]
        wanted[file.path] = (last, file.sha256)
    by_path = {file.path: file for file in new.files}
    stale = []
    # A clone made deeper (or shallower) names other commits for old lines: all again.
    same_cut = state.histories is not None and state.histories.cut == new.histories.cut
    for path, key in wanted.items():
        if same_cut and path in state.blames and state.blames[path][0] == key:
            new.blames[path] = state.blames[path]
        else:
            stale.append(path)

    def done(path: str, found: Blame | None) -> None:
        new.blames[path] = (wanted[path], found)

    at = None if source.at == "HEAD" else source.at
    cut = new.histories.cut
    blame_files(source.root, stale, at=at, cut=cut, workers=source.workers, done=done)
    for path, (key, found) in sorted(new.blames.items()):
        if found is None:
            continue
        file = by_path[path]
        new.blamed[path] = (key, file.definitions)
        if state.blamed.get(path) != new.blamed[path]:
            write_if_changed(folder / blame_script(file.key), blame_text(file, found))
