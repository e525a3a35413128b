"""The settings of one run, validated up front so a bad value stops nothing half-built."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from xrefdoc.errors import ConfigError

DEFAULT_SOURCE_CAP = 512 * 1024

# How the command line spells each setting, for error messages.
CLI_SETTING_NAMES = {
    "root": "SRC",
    "include": "--include",
    "exclude": "--exclude",
    "source_cap": "--source-cap",
}


@dataclass(frozen=True, slots=True)
class Settings:
    """What to document and how; ``root`` is absolute and exists."""

    root: Path
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    source_cap: int = DEFAULT_SOURCE_CAP
    # Paths never documented although inside the root (the output, Sphinx's work folders).
    never: tuple[Path, ...] = ()


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
    never: Sequence[Path] = (),
    setting_prefix: str = "",
    setting_names: Mapping[str, str] | None = None,
) -> Settings:
    """Check every value and name the offending setting in the error (``setting_names``
    maps a field to how the user spells it, else ``setting_prefix`` + field)."""

    def name(field: str) -> str:
        return (setting_names or {}).get(field, setting_prefix + field)

    root_path = Path(root).expanduser()
    if not root_path.exists():
        raise ConfigError(f"{name('root')}: source path does not exist: {root}")
    if not root_path.is_dir():
        raise ConfigError(f"{name('root')}: source path is not a folder: {root}")
    if isinstance(source_cap, bool) or not isinstance(source_cap, int) or source_cap <= 0:
        raise ConfigError(
            f"{name('source_cap')} must be a positive number of bytes, got {source_cap!r}"
        )
    return Settings(
        root=root_path.resolve(),
        include=_glob_list(name("include"), include),
        exclude=_glob_list(name("exclude"), exclude),
        source_cap=source_cap,
        never=tuple(Path(p).resolve() for p in never),
    )
