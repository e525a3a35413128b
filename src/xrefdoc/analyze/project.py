"""What the tree's own configuration files say about running its code: the console scripts
its packaging declares, and where pytest finds its configuration. Read from the files of
the walk (so excluded ones say nothing); a file that does not parse says nothing either
(its own parse warning already tells the user)."""

from __future__ import annotations

import configparser
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

# pytest's own order when one folder holds several (its "rootdir" rules).
PYTEST_FILES = (
    "pytest.toml",
    ".pytest.toml",
    "pytest.ini",
    ".pytest.ini",
    "pyproject.toml",
    "tox.ini",
    "setup.cfg",
)
_READ_CAP = 1 << 20


@dataclass(frozen=True, slots=True)
class Script:
    """A command the project installs: ``name`` runs ``target`` (``pkg.cli:main``), as
    ``declared_in`` (a path of the tree) says under ``table``."""

    name: str
    target: str
    declared_in: str
    table: str

    @property
    def function(self) -> str:
        """The object the script calls, without the extras a setup.cfg may add
        (``pkg.cli:main [color]``)."""
        return self.target.partition(":")[2].partition("[")[0].strip()


@dataclass(slots=True)
class ProjectFacts:
    """``scripts``: file path → the scripts whose target is in it. ``pytest_configs``: folder
    → the file that makes it a pytest root. ``tox``: folder → its tox.ini, when that hands
    its extra arguments (``{posargs}``) to pytest, so ``tox -- PATH`` runs one file."""

    scripts: dict[str, list[Script]] = field(default_factory=dict)
    pytest_configs: dict[str, str] = field(default_factory=dict)
    tox: dict[str, str] = field(default_factory=dict)

    def pytest_root(self, path: str) -> tuple[str, str] | None:
        """The folder pytest would take as the root for ``path`` and its configuration
        file: the nearest folder above it that holds one."""
        return _nearest(self.pytest_configs, path)

    def tox_run(self, path: str) -> tuple[str, str] | None:
        """The nearest tox.ini above ``path`` that hands paths to pytest, and its folder."""
        return _nearest(self.tox, path)


def _nearest(by_folder: Mapping[str, str], path: str) -> tuple[str, str] | None:
    """The nearest folder above ``path`` among the keys of ``by_folder``, with its value."""
    folder = path.rpartition("/")[0]
    while True:
        if folder in by_folder:
            return folder, by_folder[folder]
        if not folder:
            return None
        folder = folder.rpartition("/")[0]


def _text(root: Path, path: str) -> str | None:
    try:
        with (root / path).open("rb") as stream:
            return stream.read(_READ_CAP).decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _toml(text: str) -> dict[str, object]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return {}


def _ini(text: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(text)
    except configparser.Error:
        return configparser.ConfigParser()
    return parser


def _table(data: object, *keys: str) -> dict[str, object]:
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None
    return data if isinstance(data, dict) else {}


def _pyproject(path: str, data: dict[str, object]) -> tuple[list[Script], bool]:
    scripts = [
        Script(name, target, path, f"[project.{table}]")
        for table in ("scripts", "gui-scripts")
        for name, target in _table(data, "project", table).items()
        if isinstance(target, str)
    ]
    for name, target in _table(data, "tool", "poetry", "scripts").items():
        if isinstance(target, dict):
            # Poetry: a table without a type is a console script; "file" scripts run a file.
            target = target.get("reference") if target.get("type", "console") != "file" else None
        if isinstance(target, str):
            scripts.append(Script(name, target, path, "[tool.poetry.scripts]"))
    tool = _table(data, "tool")
    # [tool.pytest.ini_options], or pytest 9's native [tool.pytest].
    has_pytest = "pytest" in tool
    return scripts, has_pytest


def _setup_cfg(path: str, parser: configparser.ConfigParser) -> list[Script]:
    if not parser.has_option("options.entry_points", "console_scripts"):
        return []
    scripts = []
    for line in parser.get("options.entry_points", "console_scripts").splitlines():
        name, equals, target = line.partition("=")
        if equals and name.strip() and target.strip():
            scripts.append(
                Script(name.strip(), target.strip(), path, "[options.entry_points] console_scripts")
            )
    return scripts


def _tox_passes_paths(parser: configparser.ConfigParser) -> bool:
    commands = parser.get("testenv", "commands", fallback="")
    return (
        "pytest" in commands
        and "{posargs" in commands
        and not parser.has_option("testenv", "changedir")
    )


def _module_files(folder: str, module: str) -> list[str]:
    """Where a dotted module of the project in ``folder`` may live: flat or ``src/``."""
    base = module.replace(".", "/")
    prefix = f"{folder}/" if folder else ""
    return [
        f"{prefix}{layout}{base}{tail}"
        for layout in ("", "src/")
        for tail in (".py", "/__init__.py")
    ]


def read_project(root: Path, files: Iterable[str]) -> ProjectFacts:
    """The facts of every configuration file among ``files`` (paths of the tree)."""
    present = set(files)
    facts = ProjectFacts()
    found: dict[str, dict[str, str]] = {}
    scripts: list[Script] = []
    # Only the few configuration files are sorted, not every path of the tree.
    for path in sorted(p for p in present if p.rpartition("/")[2] in PYTEST_FILES):
        folder, _, name = path.rpartition("/")
        text = _text(root, path)
        if text is None:
            continue
        is_pytest_root = False
        if name == "pyproject.toml":
            declared, is_pytest_root = _pyproject(path, _toml(text))
            scripts.extend(declared)
        else:
            parser = _ini(text)
            if name == "setup.cfg":
                scripts.extend(_setup_cfg(path, parser))
                is_pytest_root = parser.has_section("tool:pytest")
            elif name == "tox.ini":
                is_pytest_root = parser.has_section("pytest")
                if _tox_passes_paths(parser):
                    facts.tox[folder] = path
            else:  # pytest.ini and pytest.toml make a root even when empty
                is_pytest_root = True
        if is_pytest_root:
            found.setdefault(folder, {})[name] = path
    for folder, configs in found.items():
        facts.pytest_configs[folder] = next(configs[n] for n in PYTEST_FILES if n in configs)
    for script in scripts:
        folder = script.declared_in.rpartition("/")[0]
        module = script.target.partition(":")[0].strip()
        where = next((p for p in _module_files(folder, module) if p in present), None)
        if where is not None:
            facts.scripts.setdefault(where, []).append(script)
    return facts
