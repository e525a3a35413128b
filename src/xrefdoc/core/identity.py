"""What the documented project is called, which version and commit the site shows, and where
its files are on the forge: read from the tree's own metadata files and from git.

The name and version come from the first of ``pyproject.toml`` (``[project]``, else Poetry's
``[tool.poetry]``), ``package.json``, ``Cargo.toml`` (``[package]``), ``go.mod`` (the last
part of the module path; Go modules have no version there) and ``setup.cfg`` (``[metadata]``)
at the tree's root that names the project; the ``project`` and ``version`` settings override
them, and the folder's name is the last resort. A version declared dynamic (computed by the
build backend) is not known. A metadata file that cannot be read is a warning, never a stop:
it is a file of the tree, and no file of the tree stops the build.

The commit is the tree's git ``HEAD``, dirty when a tracked file under the tree differs from
it (files git does not track do not count: the site itself is often built inside the tree).
The repository is the ``repository`` setting, else ``origin``'s URL, written as the https
address of its web pages; the forge (GitHub, GitLab, Gitea) is the ``forge`` setting, else
told by the host's name, and says how a file's lines are linked. Links are pinned to the
commit, so they show the lines the site shows; without a known commit there are none (a
branch moves, and its lines would not be the site's).
"""

from __future__ import annotations

import configparser
import json
import os
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from string import Formatter
from urllib.parse import quote, urlsplit

from xrefdoc.core.git_process import git_output

# How each forge links a file's lines at a commit.
FORGE_TEMPLATES = {
    "github": "{repository}/blob/{commit}/{path}#L{line}-L{end_line}",
    "gitlab": "{repository}/-/blob/{commit}/{path}#L{line}-{end_line}",
    "gitea": "{repository}/src/commit/{commit}/{path}#L{line}-L{end_line}",
}
# And a commit's own page.
_COMMIT_PAGES = {
    "github": "{repository}/commit/{commit}",
    "gitlab": "{repository}/-/commit/{commit}",
    "gitea": "{repository}/commit/{commit}",
}
FORGE_TITLES = {"github": "GitHub", "gitlab": "GitLab", "gitea": "Gitea"}
FORGES = tuple(FORGE_TEMPLATES)
# What a ``source_link_template`` may name.
TEMPLATE_FIELDS = frozenset({"repository", "commit", "path", "line", "end_line"})
# Hosts whose forge is known by name (a self-hosted GitLab or Gitea needs the setting).
_HOST_FORGES = (
    ("github", "github"),
    ("gitlab", "gitlab"),
    ("codeberg", "gitea"),
    ("gitea", "gitea"),
)
SHORT_COMMIT = 12
_GIT_TIMEOUT = 20

Warn = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class Identity:
    """The project as the site names it, and where its files are on the forge. ``commit``
    is "" when the tree is not a git work tree (or git is missing); ``link_template`` is ""
    when no link can be made, else a format of ``path``, ``line`` and ``end_line`` (the
    repository and commit filled in); ``forge_title`` names the forge for link texts;
    ``site_version`` is the site's folder among the versions of a multi-version site ("" in
    a site of one version); ``commit_template`` links any commit (of a file's history)."""

    name: str
    version: str = ""
    commit: str = ""
    dirty: bool = False
    commit_url: str = ""
    link_template: str = ""
    forge_title: str = ""
    site_version: str = ""
    # Any commit's page on the forge, a format of ``commit`` ("" without a forge).
    commit_template: str = ""
    # Whether the site has each file's history (``site.git_data``): a commit, and the
    # ``history`` setting on.
    history: bool = False

    @property
    def short_commit(self) -> str:
        return self.commit[:SHORT_COMMIT]

    def file_link(self, path: str) -> str:
        """The file on the forge at the commit ("" without one): the link of its lines
        without their fragment."""
        return self.lines_link(path).partition("#")[0]

    def lines_link(
        self, path: str, line: str | int = "{line}", end_line: str | int = "{end_line}"
    ) -> str:
        """Lines of ``path`` on the forge; by default a template the page's script fills in
        with the selected lines (``{line}``, ``{end_line}``)."""
        if not self.link_template:
            return ""
        path = quote(os.fsencode(path), safe="/")
        return self.link_template.format(path=path, line=line, end_line=end_line)


def check_forge(setting: str, value: object) -> str | None:
    """A ``forge`` setting: one of ``FORGES``, or None."""
    if value is None:
        return None
    if value not in FORGES:
        raise ValueError(f"{setting} must be one of {', '.join(FORGES)}, got {value!r}")
    return str(value)


def check_link_template(setting: str, value: object) -> str | None:
    """A ``source_link_template`` setting: a string naming only ``TEMPLATE_FIELDS``, and the
    path (a link to every file at one place would be wrong everywhere)."""
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise ValueError(f"{setting} must be a text with {{path}} in it, got {value!r}")
    try:
        named = {field for _, field, _, _ in Formatter().parse(value) if field is not None}
    except ValueError as error:
        raise ValueError(f"{setting}: not a template ({error}): {value!r}") from None
    unknown = sorted(named - TEMPLATE_FIELDS)
    if unknown:
        known = ", ".join(f"{{{name}}}" for name in sorted(TEMPLATE_FIELDS))
        raise ValueError(f"{setting}: no field {{{unknown[0]}}} (known: {known})")
    if "path" not in named:
        raise ValueError(f"{setting} must have {{path}} in it, got {value!r}")
    return value


# --- the tree's metadata -----------------------------------------------------------------


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _pyproject(text: str) -> tuple[str, str]:
    document = tomllib.loads(text)
    project = document.get("project")
    if isinstance(project, dict) and _text(project.get("name")):
        dynamic = project.get("dynamic")
        version = (
            "" if isinstance(dynamic, list) and "version" in dynamic else project.get("version")
        )
        return _text(project.get("name")), _text(version)
    tool = document.get("tool")
    poetry = tool.get("poetry") if isinstance(tool, dict) else None
    if isinstance(poetry, dict):
        return _text(poetry.get("name")), _text(poetry.get("version"))
    return "", ""


def _package_json(text: str) -> tuple[str, str]:
    document = json.loads(text)
    if not isinstance(document, dict):
        return "", ""
    return _text(document.get("name")), _text(document.get("version"))


def _cargo(text: str) -> tuple[str, str]:
    package = tomllib.loads(text).get("package")
    if not isinstance(package, dict):
        return "", ""
    # A version inherited from the workspace (``version.workspace = true``) is not text.
    return _text(package.get("name")), _text(package.get("version"))


_GO_MODULE = re.compile(r"^\s*module\s+\"?([^\s\"]+)\"?", re.MULTILINE)
_GO_MAJOR = re.compile(r"^v\d+$")


def _go_mod(text: str) -> tuple[str, str]:
    found = _GO_MODULE.search(text)
    if not found:
        return "", ""
    parts = found.group(1).split("/")
    # github.com/org/proj/v2 is proj: the last part names a major version.
    if len(parts) > 1 and _GO_MAJOR.match(parts[-1]):
        parts.pop()
    return parts[-1], ""


def _setup_cfg(text: str) -> tuple[str, str]:
    parser = configparser.ConfigParser(interpolation=None)
    parser.read_string(text)
    if not parser.has_section("metadata"):
        return "", ""
    version = parser.get("metadata", "version", fallback="")
    # ``attr:`` and ``file:`` versions are computed when the package is built.
    if version.startswith(("attr:", "file:")):
        version = ""
    return _text(parser.get("metadata", "name", fallback="")), _text(version)


_METADATA_FILES: tuple[tuple[str, Callable[[str], tuple[str, str]]], ...] = (
    ("pyproject.toml", _pyproject),
    ("package.json", _package_json),
    ("Cargo.toml", _cargo),
    ("go.mod", _go_mod),
    ("setup.cfg", _setup_cfg),
)


def project_metadata(root: Path, warn: Warn) -> tuple[str, str]:
    """(name, version) from the first metadata file at ``root`` that names the project;
    ("", "") without one."""
    for file_name, read in _METADATA_FILES:
        path = root / file_name
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            continue
        except (OSError, UnicodeDecodeError) as error:
            warn(f"{path}: not read ({error}); the project's name is taken from elsewhere")
            continue
        try:
            name, version = read(text)
        # TOML, JSON and INI errors; a deeply nested document exhausts the parser's stack.
        except (ValueError, RecursionError, configparser.Error) as error:
            warn(f"{path}: not read ({error}); the project's name is taken from elsewhere")
            continue
        if name:
            return name, version
    return "", ""


# --- git -----------------------------------------------------------------------------------


def _git(root: Path, *arguments: str) -> str | None:
    """git's output in ``root``; None when git is missing or fails (no work tree). Read as
    bytes and decoded as file names are: a folder's name that is not UTF-8 (``--show-prefix``)
    never stops the build."""
    found = git_output(root, *arguments, timeout=_GIT_TIMEOUT)
    return None if found is None else os.fsdecode(found)


@dataclass(frozen=True, slots=True)
class GitState:
    """The tree's commit, whether tracked files under it changed, its folder inside the
    repository (``src/``, "" at the top) and ``origin``'s URL ("" without one)."""

    commit: str
    dirty: bool
    prefix: str
    remote: str


def git_state(root: Path) -> GitState | None:
    """The state of the git work tree ``root`` is in; None outside one, without a commit, or
    when the commit does not hold the tree's folder (an untracked folder inside an unrelated
    repository: that repository's commit and links would name files it does not have)."""
    found = _git(root, "rev-parse", "--show-prefix", "--verify", "HEAD")
    lines = (found or "").split("\n")
    if len(lines) < 2 or not lines[1].strip():
        return None
    prefix, commit = lines[0], lines[1].strip()
    if _git(root, "rev-parse", "--verify", "--quiet", "HEAD:./") is None:
        return None
    changes = _git(root, "status", "--porcelain", "--untracked-files=no", "--", ".")
    remote = (_git(root, "remote", "get-url", "origin") or "").strip()
    return GitState(commit, bool(changes and changes.strip()), prefix, remote)


_SCP_LIKE = re.compile(r"^(?:[^@/]+@)?([^:/]+):(?!//)(.+)$")


def repository_url(remote: str) -> str:
    """A remote's URL as the https address of its web pages: ``git@github.com:org/proj.git``
    and ``ssh://git@github.com/org/proj`` are ``https://github.com/org/proj``; credentials and
    ports of ssh are dropped. "" for what is not a remote on a host (a local path)."""
    remote = remote.strip()
    if not remote:
        return ""
    if "://" not in remote:
        found = _SCP_LIKE.match(remote)
        if not found or found.group(1) in ("", "."):
            return ""
        host, path = found.group(1), found.group(2)
        scheme = "https"
    else:
        parts = urlsplit(remote)
        if parts.scheme not in ("http", "https", "ssh", "git", "git+ssh") or not parts.hostname:
            return ""
        host = parts.hostname
        if parts.scheme in ("http", "https") and parts.port:
            host = f"{host}:{parts.port}"
        path = parts.path
        scheme = "http" if parts.scheme == "http" else "https"
    path = path.strip("/")
    if path.endswith(".git"):
        path = path[:-4]
    return f"{scheme}://{host}/{path}" if path else ""


def forge_of(repository: str) -> str | None:
    """The forge a repository's host names, if any."""
    host = (urlsplit(repository).hostname or "").lower()
    for part, forge in _HOST_FORGES:
        if part in host.split("."):
            return forge
    return None


# --- the identity ----------------------------------------------------------------------------


def project_identity(
    root: Path,
    *,
    project: str | None = None,
    version: str | None = None,
    repository: str | None = None,
    forge: str | None = None,
    source_link_template: str | None = None,
    at_commit: str | None = None,
    warn: Warn,
) -> Identity:
    """The identity of the tree at ``root`` (see the module's docstring); the arguments are
    the settings, each None when not set, and ``at_commit``, a commit of the work tree's
    repository the site shows instead of the checked-out one (a version of a multi-version
    site)."""
    name, found_version = project_metadata(root, warn)
    git = git_state(root)
    if git and at_commit is not None:
        git = replace(git, commit=at_commit, dirty=False)
    commit = git.commit if git else ""
    address = _repository_setting(repository or "")
    if repository is None and git:
        address = repository_url(git.remote)
    chosen_forge = forge or (forge_of(address) if address else None)
    template = source_link_template or (FORGE_TEMPLATES[chosen_forge] if chosen_forge else "")
    link_template = ""
    if commit and template and (address or "{repository}" not in template):
        prefix = git.prefix if git else ""
        link_template = _fill(template, address, commit, prefix)
    commit_url = commit_template = ""
    if address and chosen_forge:
        # Braces of the address, if any, doubled: literal text of the template, not fields.
        literal = address.replace("{", "{{").replace("}", "}}")
        commit_template = _COMMIT_PAGES[chosen_forge].format(repository=literal, commit="{commit}")
    if commit and commit_template:
        commit_url = commit_template.format(commit=commit)
    return Identity(
        name=project or name or root.name or str(root),
        version=version if version is not None else found_version,
        commit=commit,
        dirty=bool(git and git.dirty),
        commit_url=commit_url,
        link_template=link_template,
        forge_title=FORGE_TITLES.get(chosen_forge or "", "the forge"),
        commit_template=commit_template,
    )


def _repository_setting(value: str) -> str:
    """The ``repository`` setting as ``repository_url`` writes a remote (``git@host:o/p.git``
    and a trailing ``.git`` are the https address of its pages); what is no remote's URL is
    kept as written."""
    value = value.strip().rstrip("/")
    return repository_url(value) or value


def _fill(template: str, repository: str, commit: str, prefix: str) -> str:
    """``template`` with the repository and commit filled in and the tree's folder inside
    the repository put before the path; ``{path}``, ``{line}`` and ``{end_line}`` stay."""
    escaped = {
        "repository": repository.replace("{", "{{").replace("}", "}}"),
        "commit": commit,
        "path": quote(os.fsencode(prefix), safe="/").replace("{", "{{") + "{path}",
        "line": "{line}",
        "end_line": "{end_line}",
    }
    return template.format(**escaped)
