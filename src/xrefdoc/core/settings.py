"""The settings of one run, validated up front so a bad value stops nothing half-built."""

from __future__ import annotations

import os
import sys
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from xrefdoc.core.cluster import check_scheduler
from xrefdoc.core.errors import ConfigError
from xrefdoc.core.identity import (
    Identity,
    Warn,
    check_forge,
    check_link_template,
    project_identity,
)

DEFAULT_SOURCE_CAP = 512 * 1024

# How the command line spells each setting, for error messages.
CLI_SETTING_NAMES = {
    "root": "SRC",
    "include": "--include",
    "exclude": "--exclude",
    "source_cap": "--source-cap",
    "disable_rules": "--disable-rule",
    "cache_dir": "--cache-dir",
    "templates": "--templates",
    "project": "--project",
    "version": "--project-version",
    "repository": "--repository",
    "forge": "--forge",
    "source_link_template": "--source-link-template",
    "history": "--no-history",
    "blame": "--blame",
    "scheduler": "--scheduler",
    "shared_fs": "--no-shared-fs",
}


@dataclass(frozen=True, slots=True)
class RuleNames:
    """What ``disable_rules`` may name: the analysis rules' ids and their categories. The
    analyze stage knows them (``analyze.rule_names``); core imports no later stage, so
    whoever makes the settings hands in how to get them, asked only when a rule is named."""

    ids: frozenset[str]
    categories: tuple[str, ...]


def no_rule_names() -> RuleNames:
    """For settings that name no rules to turn off: any name given is unknown."""
    return RuleNames(frozenset(), ())


@dataclass(frozen=True, slots=True)
class Settings:
    """What to document and how; ``root`` is absolute and exists."""

    root: Path
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    source_cap: int = DEFAULT_SOURCE_CAP
    # Analysis rules or whole categories not reported (``security.eval``, ``pattern``).
    disable_rules: tuple[str, ...] = ()
    # Paths never documented although inside the root (the output, Sphinx's work folders).
    never: tuple[Path, ...] = ()
    # The folder that holds the cache of every tree (see ``cache.cache_location``); None:
    # $XREFDOC_CACHE_DIR, else the user's cache directory. Never from the tree's own files.
    cache_dir: Path | None = None
    # A folder of the user's templates, searched before ours (``render.template_loader``),
    # so one can extend ours (``{% extends "!file_docs.html" %}``) and replace a block.
    templates: Path | None = None
    # The project's name and version, over what the tree's metadata says (``identity``).
    project: str | None = None
    version: str | None = None
    # The repository's web address (over git's ``origin``), its forge (``identity.FORGES``,
    # over what the host says) and a link template over the forge's (``{repository}``,
    # ``{commit}``, ``{path}``, ``{line}``, ``{end_line}``).
    repository: str | None = None
    forge: str | None = None
    source_link_template: str | None = None
    # Each file page's last commits, from git (``history.log``); and who last changed each
    # line, loaded on demand (``history.blame``: one ``git blame`` a file, so off unless set).
    history: bool = True
    blame: bool = False
    # A Dask cluster that runs the work that fans out (``core.cluster``): ``local:N`` or a
    # scheduler's address; None: this machine's processes. It never changes the output.
    scheduler: str | None = None
    # Whether the cluster's workers see the tree, the cache and the site at this process's
    # paths (they read and write there), or get everything from this process and hand it
    # back (``--no-shared-fs``). It never changes the output.
    shared_fs: bool = True


def settings_identity(settings: Settings, warn: Warn) -> Identity:
    """The identity of the settings' tree, the identity settings over what the tree says;
    one place, so the Sphinx extension and the standalone build hand over the same ones."""
    identity = project_identity(
        settings.root,
        project=settings.project,
        version=settings.version,
        repository=settings.repository,
        forge=settings.forge,
        source_link_template=settings.source_link_template,
        warn=warn,
    )
    return replace(identity, history=settings.history and bool(identity.commit))


def _glob_list(setting: str, value: object) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise ConfigError(f"{setting} must be a list of glob patterns, got {value!r}")
    for item in value:
        if not isinstance(item, str) or not item:
            raise ConfigError(f"{setting} must hold non-empty strings, got {item!r}")
    return tuple(value)


def make_settings(
    root: str | Path,
    *,
    include: object = (),
    exclude: object = (),
    source_cap: object = DEFAULT_SOURCE_CAP,
    disable_rules: object = (),
    never: Sequence[Path] = (),
    cache_dir: str | Path | None = None,
    templates: object = None,
    project: object = None,
    version: object = None,
    repository: object = None,
    forge: object = None,
    source_link_template: object = None,
    history: object = True,
    blame: object = False,
    scheduler: object = None,
    shared_fs: object = True,
    setting_names: Mapping[str, str] | None = None,
    rule_names: Callable[[], RuleNames] = no_rule_names,
) -> Settings:
    """Check every value and name the offending setting in the error (``setting_names``
    maps a field to how the user spells it; ``rule_names`` gives what ``disable_rules``
    may name)."""

    def name(field: str) -> str:
        return (setting_names or {}).get(field, field)

    root_path = Path(root).expanduser()
    if not root_path.exists():
        raise ConfigError(f"{name('root')}: source path does not exist: {root}")
    if not root_path.is_dir():
        raise ConfigError(f"{name('root')}: source path is not a folder: {root}")
    if isinstance(source_cap, bool) or not isinstance(source_cap, int) or source_cap <= 0:
        raise ConfigError(
            f"{name('source_cap')} must be a positive number of bytes, got {source_cap!r}"
        )
    cache_path = None
    if cache_dir is not None:
        cache_path = Path(os.path.abspath(Path(cache_dir).expanduser()))
        if cache_path.exists() and not cache_path.is_dir():
            raise ConfigError(f"{name('cache_dir')}: not a folder: {cache_dir}")
    return Settings(
        root=root_path.resolve(),
        include=_glob_list(name("include"), include),
        exclude=_glob_list(name("exclude"), exclude),
        source_cap=source_cap,
        disable_rules=_rule_list(name("disable_rules"), disable_rules, rule_names),
        never=tuple(Path(p).resolve() for p in never),
        cache_dir=cache_path,
        templates=_template_folder(name("templates"), templates),
        project=_text(name("project"), project),
        version=_text(name("version"), version, empty=True),
        repository=_text(name("repository"), repository),
        forge=_checked(check_forge, name("forge"), forge),
        source_link_template=_checked(
            check_link_template, name("source_link_template"), source_link_template
        ),
        history=_switch(name("history"), history),
        blame=_switch(name("blame"), blame),
        scheduler=_checked(check_scheduler, name("scheduler"), scheduler),
        shared_fs=_switch(name("shared_fs"), shared_fs),
    )


def _switch(setting: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{setting} must be true or false, got {value!r}")
    return value


def _text(setting: str, value: object, empty: bool = False) -> str | None:
    """A text setting (``empty``: "" is allowed, and means none, as a version may be)."""
    if value is None:
        return None
    if not isinstance(value, str) or not (value.strip() or empty):
        raise ConfigError(f"{setting} must be a non-empty text, got {value!r}")
    return value.strip()


def _checked(check: Callable[[str, object], str | None], setting: str, value: object) -> str | None:
    try:
        return check(setting, value)
    except ValueError as error:
        raise ConfigError(str(error)) from None


def _template_folder(setting: str, value: object) -> Path | None:
    """An existing folder (relative paths were resolved where they were set): a misspelt
    one would silently leave every page as it was."""
    if value is None:
        return None
    if not isinstance(value, (str, Path)) or not str(value):
        raise ConfigError(f"{setting} must be the path of a folder of templates, got {value!r}")
    folder = Path(os.path.abspath(Path(value).expanduser()))
    if not folder.exists():
        raise ConfigError(f"{setting}: no such folder of templates: {value}")
    if not folder.is_dir():
        raise ConfigError(f"{setting}: not a folder: {value}")
    return folder


# The settings a tree may keep in its pyproject.toml, under [tool.xrefdoc].
PROJECT_SETTINGS = (
    "include",
    "exclude",
    "source_cap",
    "disable_rules",
    "templates",
    "project",
    "version",
    "repository",
    "forge",
    "source_link_template",
    "history",
    "blame",
    "scheduler",
    "shared_fs",
)


# Settings a tree may keep in [tool.xrefdoc] for ``xrefdoc build`` alone, not for the Sphinx
# extension: the git refs to build a site of (``--versions``).
BUILD_SETTINGS = ("versions",)


def versions_setting(root: Path) -> tuple[str, ...]:
    """The tree's ``[tool.xrefdoc] versions`` (none without it): the git refs, or patterns of
    tags and branches, that ``xrefdoc build`` builds a site of."""
    value = project_settings(root).get("versions")
    if value is None:
        return ()
    return _glob_list(f"{root / 'pyproject.toml'} [tool.xrefdoc] versions", value)


def _rule_list(setting: str, value: object, rule_names: Callable[[], RuleNames]) -> tuple[str, ...]:
    """Rule ids or categories, each one xrefdoc has: a misspelt one would silently turn
    nothing off."""
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise ConfigError(f"{setting} must be a list of rule ids or categories, got {value!r}")
    if not value:
        return ()
    known = rule_names()
    for item in value:
        if item not in known.ids and item not in known.categories:
            categories = ", ".join(known.categories)
            raise ConfigError(f"{setting}: no rule or category {item!r} (categories: {categories})")
    return tuple(value)


def _warn_on_stderr(message: str) -> None:
    print(f"xrefdoc: warning: {message}", file=sys.stderr)


def project_settings(
    root: Path, warn: Callable[[str], None] = _warn_on_stderr
) -> dict[str, object]:
    """The ``[tool.xrefdoc]`` table of the tree's ``pyproject.toml`` ({} without one). A
    file that is not TOML is a warning, not an error: it is also a file of the tree, and no
    file of the tree stops the build. A setting we do not know is an error."""
    path = root / "pyproject.toml"
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return {}
    except tomllib.TOMLDecodeError as error:
        warn(f"{path} is not TOML ({error}); [tool.xrefdoc] not read")
        return {}
    tool = document.get("tool", {})
    table = tool.get("xrefdoc", {}) if isinstance(tool, dict) else {}
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.xrefdoc] must be a table, got {table!r}")
    unknown = sorted(set(table) - {*PROJECT_SETTINGS, *BUILD_SETTINGS})
    if unknown:
        known = ", ".join((*PROJECT_SETTINGS, *BUILD_SETTINGS))
        raise ConfigError(f"{path}: [tool.xrefdoc] has no setting {unknown[0]!r} (known: {known})")
    return table


def layered_settings(
    root: str | Path,
    given: Mapping[str, object],
    setting_names: Mapping[str, str],
    *,
    rule_names: Callable[[], RuleNames],
    never: Sequence[Path] = (),
    warn: Callable[[str], None] = _warn_on_stderr,
) -> Settings:
    """Settings from three layers: what the user gave (the command line, ``conf.py``; a
    value of None was not given), then the tree's ``[tool.xrefdoc]``, then the defaults. An
    error names where the bad value was set (``setting_names`` spells the first layer).
    ``cache_dir`` only comes from the first layer: a tree must not choose where its cache is.
    ``rule_names`` is what ``disable_rules`` may name."""
    root_path = Path(root).expanduser()
    names = dict(setting_names)
    values = {key: given.get(key) for key in PROJECT_SETTINGS}
    wanted = root_path.is_dir() and None in values.values()
    project = project_settings(root_path, warn) if wanted else {}
    for key, value in project.items():
        if key in values and values[key] is None:
            # A folder named in the tree's pyproject.toml is relative to the tree.
            values[key] = (
                root_path / value if key == "templates" and isinstance(value, str) else value
            )
            names[key] = f"{root_path / 'pyproject.toml'} [tool.xrefdoc] {key}"
    chosen = {key: value for key, value in values.items() if value is not None}
    cache_dir = given.get("cache_dir")
    if cache_dir is not None and not isinstance(cache_dir, (str, Path)):
        raise ConfigError(
            f"{names.get('cache_dir', 'cache_dir')} must be a path, got {cache_dir!r}"
        )
    return make_settings(
        root,
        **chosen,
        never=never,
        cache_dir=cache_dir,
        setting_names=names,
        rule_names=rule_names,
    )


def tree_options(
    *,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    source_cap: int | None = None,
    disable_rules: Sequence[str] = (),
    cache_dir: str | None = None,
    templates: str | None = None,
    project: str | None = None,
    version: str | None = None,
    repository: str | None = None,
    forge: str | None = None,
    source_link_template: str | None = None,
    history: bool | None = None,
    blame: bool | None = None,
    scheduler: str | None = None,
    shared_fs: bool | None = None,
) -> dict[str, object]:
    """The tree's settings as a command line gives them, each None where it was left out
    (an empty list, no number; 0 is given, and is an error); and where the cache goes."""
    return {
        "include": list(include) or None,
        "exclude": list(exclude) or None,
        "source_cap": source_cap,
        "disable_rules": list(disable_rules) or None,
        "cache_dir": cache_dir,
        "templates": templates,
        "project": project,
        "version": version,
        "repository": repository,
        "forge": forge,
        "source_link_template": source_link_template,
        "history": history,
        "blame": blame,
        "scheduler": scheduler,
        "shared_fs": shared_fs,
    }


def command_settings(
    root: str | Path,
    options: Mapping[str, object],
    never: Sequence[Path] = (),
    *,
    rule_names: Callable[[], RuleNames],
) -> Settings:
    """The settings of a command: what ``options`` (see ``tree_options``) leaves out comes
    from the tree's ``[tool.xrefdoc]``, then the defaults; ``rule_names`` is what
    ``disable_rules`` may name."""
    return layered_settings(root, options, CLI_SETTING_NAMES, rule_names=rule_names, never=never)


def check_output_folder(
    folder: Path, setting: str, root: Path | None = None, what: str = ""
) -> None:
    """A folder a command writes into: not a file and, when ``root`` is the documented tree,
    neither the tree nor a folder that holds it (``what`` names the folder in the error)."""
    if folder.exists() and not folder.is_dir():
        raise ConfigError(f"{setting}: not a folder: {folder}")
    if root is not None and (folder == root or root.is_relative_to(folder)):
        raise ConfigError(f"{setting}: the {what} must not contain the source: {folder}")
