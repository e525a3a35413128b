"""Data files (TOML, YAML, JSON, INI): their top-level keys, and whether they parse."""

from __future__ import annotations

import json
import re
import tomllib

from xrefdoc.extract.result import Extracted
from xrefdoc.model import Diagnostic, Symbol, count_lines

_TOML_TABLE = re.compile(r"^\[\[?\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_TOML_KEY = re.compile(r"^([A-Za-z0-9_.\"'-]+)\s*=")
_YAML_KEY = re.compile(r"^([A-Za-z_][\w.-]*|\"[^\"]+\"|'[^']+')\s*:(?:\s|$)")
_INI_SECTION = re.compile(r"^\[([^\]]+)\]")
_JSON_KEY = re.compile(r'^\s*"((?:[^"\\]|\\.)*)"\s*:')


def _keys(text: str, language: str) -> list[tuple[str, int]]:
    keys: list[tuple[str, int]] = []
    in_table = False
    json_depth_one = None
    for number, line in enumerate(text.split("\n"), start=1):
        if language == "TOML":
            table = _TOML_TABLE.match(line)
            if table:
                in_table = True
                keys.append((table.group(1), number))
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


def _parse_error(text: str, language: str) -> Diagnostic | None:
    try:
        if language == "TOML":
            tomllib.loads(text)
        elif language == "JSON":
            json.loads(text)
    except tomllib.TOMLDecodeError as error:
        return Diagnostic(f"TOML does not parse: {error}")
    except json.JSONDecodeError as error:
        return Diagnostic(f"JSON does not parse: {error.msg}", error.lineno)
    return None


def extract_data(text: str, language: str) -> Extracted:
    """Top-level keys with their lines (kind ``key``); a parse error is said, not fatal."""
    total = max(1, count_lines(text))
    keys = _keys(text, language)
    symbols = []
    for index, (name, line) in enumerate(keys):
        end = keys[index + 1][1] - 1 if index + 1 < len(keys) else total
        symbols.append(Symbol(name, "key", line, max(line, end)))
    error = _parse_error(text, language)
    return Extracted(symbols=tuple(symbols), diagnostics=(error,) if error else ())
