"""One build of a tree, shared by ``xrefdoc build`` and the Sphinx extension it runs: the
walk, done once, and the one test of what changed since the last complete build."""

from __future__ import annotations

from dataclasses import dataclass, field

from xrefdoc.core.settings import Settings
from xrefdoc.store.buildstate import (
    Change,
    LastBuild,
    Signatures,
    content_hashes,
    content_signature,
    tree_signature,
)
from xrefdoc.store.cache import cache_location, make_cache_folder
from xrefdoc.walk.tree import WalkResult, walk

# In the tree's cache folder: the folders the last walk found plain (``walk.plain_folders``).
PLAIN_FOLDERS_FILE = "plain-folders.json"


def walk_tree(settings: Settings) -> WalkResult:
    """The walk of a tree that will be scanned with its cache: the cache folder is made
    first, so it already carries its markers when the walk lists it (and leaves it out),
    should the user have put it inside the tree; it keeps the folders the walk found plain
    for the next one."""
    location = cache_location(settings.root, settings.cache_dir)
    make_cache_folder(location)
    database = location.database
    return walk(settings, None if database is None else database.parent / PLAIN_FOLDERS_FILE)


@dataclass(eq=False, slots=True)
class TreeBuild:
    """The tree of ``settings`` as one build sees it. The standalone build decides with it
    whether Sphinx need run at all, then hands it to the extension (with the Sphinx
    application it starts), which decides against its own last build without walking or
    hashing the tree a second time."""

    settings: Settings
    _walked: WalkResult | None = field(default=None, init=False, repr=False)
    # Each file's content hash (``content_hashes``) once asked for (None: a file unreadable).
    _hashes: list[tuple[str, str]] | None = field(default=None, init=False, repr=False)
    _hashed: bool = field(default=False, init=False)

    def walks_like(self, settings: Settings) -> bool:
        """Whether a build with ``settings`` would walk the same files. The folders it never
        documents may differ: they are output and work folders, which the walk leaves out
        by their markers anyway."""
        mine = self.settings
        return (mine.root, mine.include, mine.exclude, mine.cache_dir) == (
            settings.root,
            settings.include,
            settings.exclude,
            settings.cache_dir,
        )

    def walked(self) -> WalkResult:
        """The walk of the tree, done the first time it is asked for."""
        if self._walked is None:
            self._walked = walk_tree(self.settings)
        return self._walked

    def changes(
        self, last: LastBuild, settings_digest: str, *, intact: bool
    ) -> tuple[Change, Signatures]:
        """What changed since ``last`` recorded a complete build made with ``settings_digest``
        (``buildstate.settings_signature``), and this build's signatures, to record when it
        completes. ``intact``: whether everything the last build wrote is still there; if not,
        nothing it made is trusted. A build that finds only times changed records them (the
        next one has nothing to read); one that finds a change forgets the last build before
        it writes anything."""
        walked = self.walked()
        by_time = tree_signature(self.settings, walked, settings_digest)
        if intact and last.matches_time(by_time):
            return Change.UNCHANGED, Signatures(by_time, None)
        # Taken before the build, so a file changed while it runs is seen as changed next time.
        hashes = self._content_hashes()
        by_content = None if hashes is None else content_signature(walked, hashes, settings_digest)
        signatures = Signatures(by_time, by_content)
        if intact and last.matches_content(by_content):
            last.record_time(by_time)
            return Change.TOUCHED, signatures
        last.forget()
        return Change.CHANGED, signatures

    def _content_hashes(self) -> list[tuple[str, str]] | None:
        if not self._hashed:
            self._hashes = content_hashes(self.settings, self.walked())
            self._hashed = True
        return self._hashes
