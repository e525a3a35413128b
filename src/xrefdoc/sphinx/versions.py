"""A site of several versions (``xrefdoc build SRC -o OUT --versions 'v2.*'``): the tree at each
git ref, read from git's objects (``history.git``), built into ``OUT/<version>/``;
``OUT/index.html`` lists the versions, newest first, ``OUT/_versions.js`` gives every page
the list for its version switcher, and ``OUT/_diff/<A>..<B>.html`` shows the API changes
(``history.apidiff``) of each version since the one before it.

Work is shared between versions: every version's files are exported into the same folder
and built, oldest first, into the same site in the work folder, each build a rebuild of the
one before: it extracts, highlights and renders only what changed between the two, as a
rebuild after a checkout would. Each version's folder of the output is then made a copy of
that site by hard links (``mirror``), so the pages two versions share take room once. A
version already built from the same commit, by the same xrefdoc, with the same options, is
not built again: adding a tag builds that tag alone, as a rebuild of the last one built.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import html
import json
import logging
import os
import pickle
import shutil
import time
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from pathlib import Path
from urllib.parse import quote

from xrefdoc.core.fsutil import (
    TEMPORARY_SUFFIX,
    hard_linked,
    read_plain_pickle,
    write_bytes_atomically,
    write_if_changed,
)
from xrefdoc.core.gc_pause import collector_paused
from xrefdoc.core.identity import project_metadata
from xrefdoc.core.model import FileRecord
from xrefdoc.history.apidiff import (
    ApiDiff,
    Change,
    Definitions,
    Known,
    Since,
    compare,
    definitions,
    introduced,
    introduced_in,
    known,
    tree_known,
)
from xrefdoc.history.git import SiteVersion, Version, export, versions
from xrefdoc.site.data_scripts import call_script
from xrefdoc.site.names import DATA_FOLDER, page_stem, symbol_anchor_base
from xrefdoc.sphinx.publish import staged_files
from xrefdoc.sphinx.standalone import build_site, default_work_dir
from xrefdoc.store.versions import pages_version

# Beside the versions' folders in the output.
VERSIONS_SCRIPT = "_versions.js"
INDEX_PAGE = "index.html"
# The API changes of each version since the one before it: _diff/<old>..<new>.html.
DIFF_FOLDER = "_diff"
# In each version's data folder: per file, the version each of its definitions came in.
SINCE_FOLDER = "since"
# In the work folder: what each version's site was last built from, and per version its
# definitions (for the API changes when a later version is added).
STATE_FILE = "versions.json"
API_FILE = "definitions.pickle"
# In the work folder, per version: the version each of its definitions came in, with the
# digest of what that was made from (``WRITTEN_FILE``'s for its since scripts).
SINCE_FILE = "since.pickle"
# In the work folder: the digest of what each version's ``since`` scripts and each diff page
# were made from.
WRITTEN_FILE = "written.json"


def build_versions(
    source: Path,
    output: Path,
    patterns: Sequence[str],
    *,
    work_dir: Path | None = None,
    options: Mapping[str, object] | None = None,
    fail_on_warning: bool = False,
    quiet: bool = False,
    verbosity: int = 0,
    jobs: int = 1,
) -> int:
    """Build the site of each version ``patterns`` name (``history.git.versions``) into
    ``output``; returns the exit code of the first build that failed, else 0."""
    source, output = source.resolve(), output.resolve()
    found = versions(source, patterns)
    work = (work_dir or default_work_dir(output)).resolve() / "versions"
    work.mkdir(parents=True, exist_ok=True)
    state = _read_state(work / STATE_FILE)
    made_by = [pages_version(), json.dumps(options or {}, sort_keys=True, default=str)]
    tree, shared = work / "tree", work / "site"
    apis = _Apis(work, partial(_api, source, tree=tree, options=options, jobs=jobs))
    built_one = False
    # Oldest first: each build is a rebuild of the one before, in the same folders, so it
    # renders only the pages of what changed between them.
    oldest_first = list(reversed(found))
    for before, version in zip([None, *oldest_first], oldest_first, strict=False):
        site = output / version.name
        built_from = [version.commit, *made_by]
        if state.get(version.name) == built_from and (site / INDEX_PAGE).is_file():
            if not quiet:
                print(f"xrefdoc: {version.name} ({version.commit[:12]}) is built already")
            continue
        if not quiet:
            print(f"xrefdoc: building {version.name} ({version.commit[:12]})", flush=True)
        if built_one:
            # What the last build left in cycles (Sphinx's application, its environment, our
            # index) goes first, or each version's build would stand on the last one's peak
            # (it did: 96 MiB more for the second of 10 versions of Sphinx). Sphinx's log
            # handlers hold the application until the next one sets up its own, so they go
            # first.
            _release_sphinx_logging()
            gc.collect()
        built_one = True
        scanned: list[Known] = []
        take = partial(_take_definitions, scanned, tree, apis, before)
        code = build_site(
            export(source, version.commit, tree),
            shared,
            work_dir=work / "build",
            options=options,
            fail_on_warning=fail_on_warning,
            quiet=quiet,
            verbosity=verbosity,
            jobs=jobs,
            shown=SiteVersion(source, version, take),
        )
        if code != 0:
            return code
        mirror(shared, site, keep=f"{DATA_FOLDER}/{SINCE_FOLDER}/")
        if not quiet:
            print(f"xrefdoc: {version.name} is in {site}", flush=True)
        # Scanned again only when the build found nothing to scan (its site stood already).
        apis.put(
            version,
            scanned[0]
            if scanned
            else tree_known(tree, options or {}, use_cache=True, workers=jobs),
        )
        state[version.name] = built_from
        write_if_changed(work / STATE_FILE, json.dumps(state, indent=1, sort_keys=True))
    named, _ = project_metadata(source, lambda message: None)
    project = named or source.name
    _write_versions_own(output, work, found, state, apis, project)
    write_if_changed(output / VERSIONS_SCRIPT, versions_script(found))
    write_if_changed(output / INDEX_PAGE, index_page(project, found))
    if not quiet:
        print(f"xrefdoc: {len(found)} versions listed in {output / INDEX_PAGE}")
    return 0


def _write_versions_own(
    output: Path,
    work: Path,
    found: Sequence[Version],
    state: Mapping[str, object],
    apis: _Apis,
    project: str,
) -> None:
    """Write each file of the versions' own whose making changed: a version's since scripts
    when it or a version before it was built again or came in, a diff page when either side
    was built again; not each time a version is added after them. Oldest first, each from
    the version before it: a version's definitions are read only when a file of its own or
    of the next version's is written."""
    written = _read_state(work / WRITTEN_FILE)
    now: dict[str, str] = {}
    chain = ""  # what the since scripts of the versions so far are made from
    before: Version | None = None
    since_before: Since | None = None  # made in this pass, else read when needed
    for version in reversed(found):
        chain_before, chain = chain, _chain(chain, version, state)
        key = f"{SINCE_FOLDER}/{version.name}"
        now[key] = chain
        folder = output / version.name / DATA_FOLDER / SINCE_FOLDER
        since = None
        if written.get(key) != chain or not folder.is_dir():
            if before is None:
                since = {definition: version.name for definition in apis.get(version)}
            else:
                if since_before is None:
                    since_before = _read_since(work, before, chain_before)
                if since_before is None:  # lost: made again from the oldest version on
                    oldest_first = list(reversed(found))
                    older = oldest_first[: oldest_first.index(before) + 1]
                    since_before = _since_again(work, older, chain_before, apis)
                since = introduced_in(
                    version.name, apis.get(version), apis.get(before), since_before
                )
            like = None if before is None else output / before.name / DATA_FOLDER / SINCE_FOLDER
            write_since_scripts(folder, since, like)
            _save_since(work, version, chain, since)
        if before is not None:
            name = diff_page_name(before, version)
            sides = [(v.name, v.ref, v.time, state[v.name]) for v in (before, version)]
            now[name] = _digest([project, *sides])
            if written.get(name) != now[name] or not (output / name).is_file():
                diff = compare(apis.get(before), apis.get(version))
                write_if_changed(output / name, diff_page(project, before, version, diff))
        if before is not None:
            apis.let_go(before)
        before, since_before = version, since
    write_if_changed(work / WRITTEN_FILE, json.dumps(now, indent=1, sort_keys=True))


def _chain(before: str, version: Version, state: Mapping[str, object]) -> str:
    """What the since map of ``version`` is made from: the chain of the version before it
    (``""`` for the oldest), its name and what its site was built from."""
    return _digest([before, version.name, state[version.name]])


def _since_again(work: Path, older: list[Version], chain: str, apis: _Apis) -> Since:
    """The since map of the last of ``older`` (oldest first), whose kept one is lost, made
    again from the oldest version on, two versions' definitions held at a time; kept again
    with ``chain``, the digest of what it is made from."""
    since = introduced((version.name, apis.alone(version)) for version in older)[older[-1].name]
    _save_since(work, older[-1], chain, since)
    return since


def _save_since(work: Path, version: Version, chain: str, since: Since) -> None:
    write_bytes_atomically(work / version.name / SINCE_FILE, pickle.dumps((chain, since)))


class _Apis:
    """The versions' definitions, each read from its file in the work folder when first
    asked for (or scanned again when that is lost), and held until let go: adding a version
    to ten reads the one or two its files are made from, not all ten (1.1 s of 12.9 s)."""

    def __init__(self, work: Path, rescan: Callable[[Version], Known]) -> None:
        self._work = work
        self._rescan = rescan
        self._held: dict[str, Known] = {}

    def put(self, version: Version, found: Known) -> None:
        """Keep ``found`` as the definitions of ``version``, letting go of every other
        version's: the next build draws on this one's alone."""
        self._save(version, found)
        self._held = {version.name: found}

    def get(self, version: Version) -> Definitions:
        return self.known(version).definitions

    def known(self, version: Version) -> Known:
        """``get``, with the content hash of each file."""
        found = self.saved(version)
        if found is None:  # lost: scanned again, and kept for the next time
            found = self._held[version.name] = self._rescan(version)
            self._save(version, found)
        return found

    def saved(self, version: Version) -> Known | None:
        """``known``, but None when the file is lost: not scanned again (which exports the
        version's tree where a build may be reading another's)."""
        if version.name not in self._held:
            found = _read_api(self._work / version.name / API_FILE)
            if found is None:
                return None
            self._held[version.name] = found
        return self._held[version.name]

    def alone(self, version: Version) -> Definitions:
        """``get``, letting go of every other version's definitions first."""
        self._held = {name: held for name, held in self._held.items() if name == version.name}
        return self.get(version)

    def _save(self, version: Version, found: Known) -> None:
        held = (found.definitions, dict(found.digests))
        write_bytes_atomically(self._work / version.name / API_FILE, pickle.dumps(held))

    def let_go(self, version: Version) -> None:
        self._held.pop(version.name, None)


def mirror(site: Path, into: Path, keep: str) -> None:
    """Make ``into`` hold what ``site`` holds, each file a hard link to the site's (a copy
    where the two are on different file systems; one that was there is replaced by a
    rename), so a version's folder costs no room for the pages it shares with the others;
    the files under ``keep`` (a folder, relative, with its ``/``) are the versions' own and
    stay. The shared site is only ever replaced file by file (``publish``,
    ``write_if_changed``), never written in place, so a later build never changes a version
    already mirrored."""
    fresh = not into.exists()  # then it holds nothing but what is linked here
    wanted = set(staged_files(site))
    made: set[str] = set()  # folders of ``into`` known to be there
    for relative in sorted(wanted):
        source, target = os.path.join(site, relative), os.path.join(into, relative)
        there = None if fresh else _stat_of(target)
        if there is not None and os.path.samestat(there, os.stat(source)):
            continue
        folder = os.path.dirname(target)
        if folder not in made:
            os.makedirs(folder, exist_ok=True)
            made.add(folder)
        if there is None and hard_linked(source, target):
            continue
        temporary = os.path.join(folder, f".{os.path.basename(target)}{TEMPORARY_SUFFIX}")
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        if not hard_linked(source, temporary):
            shutil.copyfile(source, temporary)
        os.replace(temporary, target)
    for relative in [] if fresh else sorted(set(staged_files(into)) - wanted):
        if not relative.startswith(keep):
            (into / relative).unlink()


def _stat_of(path: str) -> os.stat_result | None:
    """The file's ``lstat``; None when it is not there (then a link is made in its place
    at once, with no rename)."""
    try:
        return os.lstat(path)
    except OSError:
        return None


def _api(
    source: Path,
    version: Version,
    *,
    tree: Path,
    options: Mapping[str, object] | None,
    jobs: int,
) -> Known:
    """A built version's definitions when their file is lost: its tree read again by
    ``jobs`` processes."""
    exported = export(source, version.commit, tree)
    return tree_known(exported, options or {}, use_cache=True, workers=jobs)


def _release_sphinx_logging() -> None:
    """Take off the handlers the last Sphinx application put on Sphinx's logger: they hold
    that application (the next one replaces them, but only once it has started)."""
    from sphinx.util.logging import NAMESPACE  # loaded already: a build has run

    logger = logging.getLogger(NAMESPACE)
    for handler in logger.handlers[:]:
        logger.removeHandler(handler)


def _take_definitions(
    into: list[Known],
    tree: Path,
    apis: _Apis,
    earlier: Version | None,
    records: Sequence[FileRecord],
) -> None:
    """The definitions of a version's records, those of the files it shares with the
    version ``earlier`` (built before it) taken from that one's."""
    before = None if earlier is None else apis.saved(earlier)
    into.append(known(records, definitions(records, tree, before)))


def _read_since(work: Path, version: Version, chain: str) -> Since | None:
    """The since map the work folder holds for ``version``, if it was made from ``chain``
    (plain data: read with nothing but builtins)."""
    try:
        kept, since = read_plain_pickle(work / version.name / SINCE_FILE)
    except Exception:  # not there, or not what we write: made again
        return None
    return since if kept == chain and isinstance(since, dict) else None


def _read_api(path: Path) -> Known | None:
    """A version's definitions as the work folder holds them, if it does."""
    try:
        # Without the collector, which walks the build's heap again and again while the
        # 14,000 definitions of a version of Sphinx are made: 0.25 s, 0.05 s without.
        with path.open("rb") as stream, collector_paused(freeze_after=False):
            found = pickle.load(stream)
    except Exception:  # not there, or not what we write: scanned again
        return None
    if not (isinstance(found, tuple) and len(found) == 2):
        return None
    return Known(*found) if all(isinstance(part, dict) for part in found) else None


def _read_state(path: Path) -> dict[str, object]:
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def _digest(made_from: object) -> str:
    return hashlib.blake2b(repr(made_from).encode(), digest_size=16).hexdigest()


def _date(version: Version) -> str:
    return time.strftime("%Y-%m-%d", time.gmtime(version.time))


def write_since_scripts(
    folder: Path, since: Mapping[tuple[str, str], str], like: Path | None = None
) -> None:
    """``since/<key>.js`` for each file of a version: ``xrefdocSince({k, defs})``, each
    definition's anchor and the version it came in; the folder holds no other script.
    ``like``: the since folder of the version before, whose scripts a new folder starts
    from, as links: most files say what they said there, and a script found the same is
    not written (writing a new version's 1,100 scripts took 0.5 s)."""
    if like is not None and like.is_dir() and not folder.exists():
        mirror(like, folder, keep="")
    by_file: dict[str, dict[str, str]] = {}
    for (path, qualname), version in sorted(since.items()):
        by_file.setdefault(path, {})[symbol_anchor_base(qualname)] = version
    current = set()
    for path, anchors in by_file.items():
        key = page_stem(path)
        current.add(f"{key}.js")
        text = call_script("xrefdocSince", {"k": key, "defs": anchors})
        write_if_changed(folder / f"{key}.js", text)
    if folder.is_dir():
        for script in sorted(folder.rglob("*.js")):
            if script.relative_to(folder).as_posix() not in current:
                script.unlink()


def versions_script(found: Sequence[Version]) -> str:
    """``xrefdocVersions({versions: [{name, ref, commit, date}, ...]})``, newest first."""
    listed = [{"name": v.name, "ref": v.ref, "commit": v.commit, "date": _date(v)} for v in found]
    return call_script("xrefdocVersions", {"versions": listed})


def diff_page_name(old: Version, new: Version) -> str:
    return f"{DIFF_FOLDER}/{old.name}..{new.name}.html"


def index_page(project: str, found: Sequence[Version]) -> str:
    """The page that lists the versions, newest first, each a link to its site and to its
    API changes since the version before it."""
    rows = []
    for at, version in enumerate(found):
        name = html.escape(version.name)
        row = (
            f'<li><a href="{name}/index.html">{name}</a>'
            f' <time datetime="{_date(version)}">{_date(version)}</time>'
            f" <code>{version.commit[:12]}</code>"
        )
        if at + 1 < len(found):
            before = found[at + 1]
            href = html.escape(diff_page_name(before, version))
            row += f' · <a href="{href}">API changes since {html.escape(before.name)}</a>'
        rows.append(row + "</li>")
    title = f"{project}: versions"
    body = '<ul class="xrefdoc-versions">\n' + "\n".join(rows) + "\n</ul>"
    return _page(title, body)


def diff_page(project: str, old: Version, new: Version, diff: ApiDiff) -> str:
    """The API changes from ``old`` to ``new``: a table per kind of change, every definition
    linked to its line in each version's site; then the files whose bodies alone changed."""
    parts = [f"<p>{html.escape(diff.summary())}.</p>"]
    headings = {"removed": "Removed", "changed": "Changed", "moved": "Moved", "added": "Added"}
    for what, heading in headings.items():
        changes = diff.of(what)
        if not changes:
            continue
        rows = "\n".join(_diff_row(change, old, new) for change in changes)
        parts.append(
            f'<h2 id="{what}">{heading} ({len(changes)})</h2>\n<table class="xrefdoc-api">\n'
            f"<tr><th>Kind</th><th>Definition</th><th>{html.escape(old.name)}</th>"
            f"<th>{html.escape(new.name)}</th></tr>\n{rows}\n</table>"
        )
    if diff.bodies:
        items = "\n".join(
            f'<li><a href="{_file_href(new, path)}">{html.escape(path)}</a>: {count} '
            f"definition{'' if count == 1 else 's'}</li>"
            for path, count in diff.bodies.items()
        )
        parts.append(f'<h2 id="bodies">Changed in body only</h2>\n<ul>\n{items}\n</ul>')
    title = f"{project}: API changes from {old.name} to {new.name}"
    return _page(title, "\n".join(parts), up="../index.html")


def _diff_row(change: Change, old: Version, new: Version) -> str:
    definition = change.definition
    name = html.escape(definition.qualname + definition.signature)
    kind = html.escape(definition.kind)
    if change.what == "changed" and change.old is not None and change.old.kind != definition.kind:
        kind = f"{html.escape(change.old.kind)} → {kind}"
    cells = []
    for version, side in ((old, change.old), (new, change.new)):
        if side is None:
            cells.append("<td>—</td>")
            continue
        shown = html.escape(f"{side.path}:{side.line}")
        signature = ""
        if change.what == "changed":
            signature = f"<br><code>{html.escape(side.qualname + side.signature)}</code>"
        cells.append(
            f'<td><a href="{_file_href(version, side.path, side.line)}">{shown}</a>{signature}</td>'
        )
    return f"<tr><td>{kind}</td><td><code>{name}</code></td>{''.join(cells)}</tr>"


def _file_href(version: Version, path: str, line: int = 0) -> str:
    """A file's page in a version's site, from a page of ``_diff/``."""
    page = quote(f"{page_stem(path)}_docs.html")
    return html.escape(f"../{quote(version.name)}/{page}" + (f"#L{line}" if line else ""))


def _page(title: str, body: str, up: str = "") -> str:
    """A page of the versions' own: the list of versions, an API diff."""
    back = f'<p><a href="{up}">All versions</a></p>\n' if up else ""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem;
       line-height: 1.5; }}
li {{ margin: 0.25rem 0; }}
time, code {{ color: #555; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ text-align: left; padding: 0.25rem 0.5rem; border-bottom: 1px solid #ddd;
          vertical-align: top; overflow-wrap: anywhere; }}
</style>
</head>
<body>
{back}<h1>{html.escape(title)}</h1>
{body}
<p>Made with xrefdoc</p>
</body>
</html>
"""
