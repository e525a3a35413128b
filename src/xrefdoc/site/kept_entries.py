"""The A-Z letter pages' entries as the last build rendered them, so that a page rendered
again renders only the entries whose keyword changed.

A letter page is rendered whole when one of its entries changes, and a file edited changes
the entries of every name it uses (their lines): a three-file step between two versions of
Sphinx rewrote 19 of its A-Z documents, their rendering 11% of its processor time. An
entry shows its keyword's definitions, where they are and link to, and its uses by line
(``keyword_views.keyword_entry``): what the plan's facts digest per keyword, the keyword's
place and definitions (``SiteFacts.keywords``) and its uses (``SiteFacts.uses``). An entry
is kept with those two digests and taken again only where both are the same, on a page made
with the same settings, code and templates (``SiteFacts.settings``).

Each letter page's entries are kept in a file of their own beside Sphinx's doctrees, written
by whichever process renders the page; a page not rendered keeps its file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from urllib.parse import quote

from markupsafe import Markup

from xrefdoc.core.fsutil import pickle_atomically, read_plain_pickle


class KeptEntries:
    """The entries of the letter pages, kept in ``folder`` from one build to the next;
    ``settings``, ``keywords`` and ``uses`` are this build's facts (``SiteFacts``)."""

    def __init__(
        self,
        folder: Path,
        settings: str,
        keywords: Mapping[str, bytes],
        uses: Mapping[str, bytes],
    ) -> None:
        self._folder = folder
        self._settings = settings
        self._keywords = keywords
        self._uses = uses

    def entries(
        self, page: str, names: Sequence[str], make: Callable[[str], Markup]
    ) -> list[Markup]:
        """The HTML of each of ``names``'s entries on ``page``: kept where its keyword's
        facts are those it was rendered with, else made by ``make``. The page's file then
        holds them all, as they are now."""
        kept = self._read(page)
        keeping: dict[str, tuple[bytes, str]] = {}
        shown = []
        for name in names:
            key = self._key(name)
            entry = kept.get(name)
            html = Markup(entry[1]) if key is not None and entry and entry[0] == key else make(name)
            if key is not None:  # an entry without facts is made again each time
                keeping[name] = (key, str(html))
            shown.append(html)
        if keeping != kept:
            pickle_atomically(self._file(page), (self._settings, keeping))
        return shown

    def forget_others(self, pages: Iterable[str]) -> None:
        """Delete the files of letter pages that are not among ``pages`` (the site's)."""
        if not self._folder.is_dir():
            return
        keep = {self._file(page).name for page in pages}
        for path in self._folder.iterdir():
            if path.name not in keep:
                path.unlink(missing_ok=True)

    def _key(self, name: str) -> bytes | None:
        """What the keyword's entry is made from, or None when a fact of it is missing."""
        keyword, uses = self._keywords.get(name), self._uses.get(name)
        if keyword is None or uses is None:
            return None
        return keyword + uses

    def _read(self, page: str) -> dict[str, tuple[bytes, str]]:
        """The page's kept entries; none when its file is missing or damaged, or was written
        with other settings, code or templates."""
        try:
            value = read_plain_pickle(self._file(page))
        except Exception:  # missing or damaged, whatever the unpickler raised: made again
            return {}
        if not isinstance(value, tuple) or len(value) != 2:
            return {}
        settings, found = value
        if settings != self._settings or not isinstance(found, dict):
            return {}
        return {
            name: entry
            for name, entry in found.items()
            if isinstance(entry, tuple)
            and len(entry) == 2
            and isinstance(entry[0], bytes)
            and isinstance(entry[1], str)
        }

    def _file(self, page: str) -> Path:
        return self._folder / (quote(page, safe="") + ".pickle")
