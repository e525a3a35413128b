"""Sphinx's search index as a clean build writes it, after pages were removed.

When documents go, Sphinx's incremental index drops them from each term's list of pages but
keeps the terms, which it then writes with no page at all (``"engine_12":[]``): the index of
a rebuild differs from a clean build's and grows with every removal. Those terms are taken
out here, and the file is rewritten only when it held one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinx.search import js_index

from xrefdoc.core.fsutil import write_if_changed

# The parts of the index that map a term to its pages.
_TERM_TABLES = ("terms", "titleterms")


def drop_empty_terms(path: Path) -> bool:
    """Remove the terms that list no page from the search index at ``path``; whether the
    file changed."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return False
    if ":[]" not in text:
        return False
    try:
        data: Any = js_index.loads(text)
    except ValueError:
        return False
    for table in _TERM_TABLES:
        terms = data.get(table) if isinstance(data, dict) else None
        if isinstance(terms, dict):
            data[table] = {term: pages for term, pages in terms.items() if pages != []}
    return write_if_changed(path, js_index.dumps(data))
