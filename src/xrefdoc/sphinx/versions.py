"""A site of several versions (``xrefdoc build SRC -o OUT --versions 'v2.*'``): the tree at each
git ref, read from git's objects (``history.git``), built into ``OUT/<version>/``;
``OUT/index.html`` lists the versions, newest first, and ``OUT/_versions.js`` gives every
page the list for its version switcher.

Work is shared between versions: every version's files are exported into the same folder
and built with the same record cache, so a file whose content an earlier version had is not
extracted again, and a content highlighted once is not highlighted again. A version already
built from the same commit, by the same xrefdoc, with the same options, is not built again:
adding a tag builds that tag alone.
"""

from __future__ import annotations

import html
import json
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from xrefdoc.core.fsutil import write_if_changed
from xrefdoc.core.identity import project_metadata
from xrefdoc.history.git import SiteVersion, Version, export, versions
from xrefdoc.site.keyword_box import call_script
from xrefdoc.sphinx.standalone import build_site, default_work_dir
from xrefdoc.store.versions import pages_version

# Beside the versions' folders in the output.
VERSIONS_SCRIPT = "_versions.js"
INDEX_PAGE = "index.html"
# In the work folder: what each version's site was last built from.
STATE_FILE = "versions.json"


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
    for version in found:
        site = output / version.name
        built_from = [version.commit, *made_by]
        if state.get(version.name) == built_from and (site / INDEX_PAGE).is_file():
            if not quiet:
                print(f"xrefdoc: {version.name} ({version.commit[:12]}) is built already")
            continue
        if not quiet:
            print(f"xrefdoc: building {version.name} ({version.commit[:12]})", flush=True)
        code = build_site(
            export(source, version.commit, work / "tree"),
            site,
            work_dir=work / version.name,
            options=options,
            fail_on_warning=fail_on_warning,
            quiet=quiet,
            verbosity=verbosity,
            jobs=jobs,
            shown=SiteVersion(source, version),
        )
        if code != 0:
            return code
        state[version.name] = built_from
        write_if_changed(work / STATE_FILE, json.dumps(state, indent=1, sort_keys=True))
    name, _ = project_metadata(source, lambda message: None)
    write_if_changed(output / VERSIONS_SCRIPT, versions_script(found))
    write_if_changed(output / INDEX_PAGE, index_page(name or source.name, found))
    if not quiet:
        print(f"xrefdoc: {len(found)} versions listed in {output / INDEX_PAGE}")
    return 0


def _read_state(path: Path) -> dict[str, list[str]]:
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def _date(version: Version) -> str:
    return time.strftime("%Y-%m-%d", time.gmtime(version.time))


def versions_script(found: Sequence[Version]) -> str:
    """``xrefdocVersions({versions: [{name, ref, commit, date}, ...]})``, newest first."""
    listed = [{"name": v.name, "ref": v.ref, "commit": v.commit, "date": _date(v)} for v in found]
    return call_script("xrefdocVersions", {"versions": listed})


def index_page(project: str, found: Sequence[Version]) -> str:
    """The page that lists the versions, newest first, each a link to its site."""
    rows = "\n".join(
        f'    <li><a href="{html.escape(v.name)}/index.html">{html.escape(v.name)}</a>'
        f' <time datetime="{_date(v)}">{_date(v)}</time>'
        f" <code>{v.commit[:12]}</code></li>"
        for v in found
    )
    title = html.escape(f"{project}: versions")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{title}</title>
  <style>
    body {{ font-family: system-ui, sans-serif; max-width: 40rem; margin: 2rem auto;
            padding: 0 1rem; line-height: 1.5; }}
    li {{ margin: 0.25rem 0; }}
    time, code {{ color: #555; margin-left: 0.5rem; }}
  </style>
</head>
<body>
  <h1>{title}</h1>
  <ul class="xrefdoc-versions">
{rows}
  </ul>
  <p>Made with xrefdoc</p>
</body>
</html>
"""
