"""Data files (TOML, YAML, JSON, INI): their top-level keys, and whether they parse."""

from __future__ import annotations

import json
import re
import tomllib

from xrefdoc.core.model import Diagnostic, Symbol, SymbolKind, count_lines
from xrefdoc.extract.result import Extracted

_TOML_KEY = re.compile(r"^([A-Za-z0-9_.\"'-]+)\s*=")
_YAML_KEY = re.compile(r"^([A-Za-z_][\w.-]*|\"[^\"]+\"|'[^']+')\s*:(?:\s|$)")
_INI_SECTION = re.compile(r"^\[([^\]]+)\]")
_JSON_KEY = re.compile(r'^\s*"((?:[^"\\]|\\.)*)"\s*:')


def _toml_table(line: str) -> str | None:
    """The name of the table a line opens (``[tool.x]``, ``[[item]]``), else None: what the
    pattern ``^\\[\\[?\\s*([^\\]]+?)\\s*\\]\\]?\\s*(?:#.*)?$`` finds, without its cost (a lazy
    name before a run of spaces was quadratic in the run). The name runs to the first
    ``]``, stripped; a name of spaces alone is its last space, as the pattern had it."""
    if not line.startswith("["):
        return None
    close = line.find("]")
    if close < 0:
        return None
    opening = 2 if line.startswith("[[") and close > 2 else 1
    name = line[opening:close]
    rest = line[close + 1 :]
    rest = (rest[1:] if rest.startswith("]") else rest).lstrip()
    if not name or (rest and not rest.startswith("#")):
        return None
    return name.strip() or name[-1]


def _keys(text: str, language: str) -> list[tuple[str, int]]:
    keys: list[tuple[str, int]] = []
    in_table = False
    json_depth_one = None
    for number, line in enumerate(text.split("\n"), start=1):
        if language == "TOML":
            table = _toml_table(line)
            if table is not None:
                in_table = True
                keys.append((table, number))
            elif not in_table and (key := _TOML_KEY.match(line)):
                keys.append((key.group(1).strip("\"'"), number))
        elif language == "YAML" and (key := _YAML_KEY.match(line)):
            keys.append((key.group(1).strip("\"'"), number))
        elif language == "INI" and (section := _INI_SECTION.match(line)):
            keys.append((section.group(1).strip(), number))
        elif language == "JSON":
            indent = len(line) - len(line.lstrip())
            if (key := _JSON_KEY.match(line)) and (
                json_depth_one is None or indent == json_depth_one
            ):
                json_depth_one = indent
                keys.append((key.group(1), number))
    return keys


# ``tomllib`` reads a dotted key in time that grows with the square of its parts (0.7 s for
# one key of 32,000): a file with a line of more dots than this is not checked. A key's
# parts are on one line.
MAX_TOML_DOTS = 1000


def _parse_error(text: str, language: str) -> Diagnostic | None:
    try:
        if language == "TOML":
            dots = max(line.count(".") for line in text.split("\n"))
            if dots > MAX_TOML_DOTS:
                return Diagnostic(
                    f"TOML not checked: a line of {dots:,} dots (more than {MAX_TOML_DOTS:,})"
                )
            tomllib.loads(text)
        elif language == "JSON":
            json.loads(text)
    except tomllib.TOMLDecodeError as error:
        return Diagnostic(f"TOML does not parse: {error}")
    except json.JSONDecodeError as error:
        return Diagnostic(f"JSON does not parse: {error.msg}", error.lineno)
    except RecursionError:
        return Diagnostic(f"{language} nested too deeply to parse (RecursionError)")
    return None


def extract_data(text: str, language: str) -> Extracted:
    """Top-level keys with their lines (kind ``key``); a parse error is said, not fatal."""
    total = max(1, count_lines(text))
    keys = _keys(text, language)
    symbols = []
    for index, (name, line) in enumerate(keys):
        end = keys[index + 1][1] - 1 if index + 1 < len(keys) else total
        symbols.append(Symbol(name, SymbolKind.KEY, line, max(line, end)))
    error = _parse_error(text, language)
    return Extracted(symbols=tuple(symbols), diagnostics=(error,) if error else ())
