"""The site's data for its scripts, as scripts: a call with the data, ``xrefdocRefs({...});``.

A browser reading the site from disk (``file://``) runs a script it is given, where it
refuses to fetch a JSON file, so every piece of ``_xref/`` data is a script. The pieces a
site has many of, or large ones (each file's symbols, references, history and blame, the
shared lists of textual matches, the keyword box's parts), are packed: the call is given a
string, the JSON compressed with zlib, in base64, which ``xrefdoc.js`` inflates with the
browser's own ``DecompressionStream("deflate")``. On ten copies of Sphinx's sources
(20,570 files) that took the symbol data and the keyword box's parts from 110.2 to 23.2 MiB,
7% of the site (``bench/site_size.py``). The small pieces a page loads at once stay plain.
"""

from __future__ import annotations

import base64
import json
import re
import zlib

# zlib's level: 9 writes these pieces 1% smaller than 6, in twice the time.
LEVEL = 6

_CALL = re.compile(r"[A-Za-z]\w*\((.*)\);\n?\Z", re.S)


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def json_line(value: object) -> str:
    """``value`` as compact JSON (names as they are, not escaped), one line."""
    return _json(value) + "\n"


def call_script(function: str, value: object) -> str:
    """``function(<value as JSON>);``, which a page loads as a script."""
    # A name such as "</script>" must not end a script element that inlines this text.
    safe = _json(value).replace("</", "<\\/")
    return f"{function}({safe});\n"


def packed(value: object) -> str:
    """``value`` as JSON, compressed, in base64, quoted: a string for a script to hand over."""
    data = zlib.compress(_json(value).encode("utf-8"), LEVEL)
    return f'"{base64.b64encode(data).decode("ascii")}"'


def packed_script(function: str, value: object) -> str:
    """``function("<packed value>");``: ``call_script`` for a large piece (see the module)."""
    return f"{function}({packed(value)});\n"


def unpacked(argument: object) -> object:
    """What a script's argument stands for: a packed string's value, else the argument (no
    plain script hands over a string)."""
    if isinstance(argument, str):
        return json.loads(zlib.decompress(base64.b64decode(argument, validate=True)))
    return argument


def script_value(text: str) -> object:
    """The value a data script hands over, packed or not; ``ValueError`` when it is not such
    a script."""
    found = _CALL.match(text)
    if found is None:
        raise ValueError("not a data script")
    try:
        return unpacked(json.loads(found.group(1)))
    except (ValueError, zlib.error) as error:
        raise ValueError(f"not a data script: {error}") from error
