"""The data of finding things by name: every file and folder path (``_xref/paths.js``, for the
file finder, the search page and the keyword box) and every keyword (``_xref/kw/names.js``,
so the keyword box matches inside names, not only at their start).

Both are scripts, like the keyword box's parts (see ``keyword_box``), loaded on the first
keystroke that needs them and never by a page before: a page read from disk may run a script
but not fetch a file. Both are compact. A folder is written once, with the names of its
files, not once per file; a file's page is its path plus ``_docs.html``, so only the rare file
whose page name is cut short (``names.page_stem``) carries its page. The keywords are listed
in the A-Z pages' order with how many each page holds, so a name's page is found by counting
and no name carries its page.
"""

from __future__ import annotations

from xrefdoc.site.data_scripts import call_script
from xrefdoc.site.keyword_box import FOLDER
from xrefdoc.site.keyword_layout import KeywordLayout
from xrefdoc.site.names import PageNames, page_stem
from xrefdoc.xref.index import Index

PATHS_SCRIPT = "paths.js"
NAMES_SCRIPT = f"{FOLDER}/names.js"


def paths_script(index: Index, names: PageNames) -> str:
    """``xrefdocPaths({prefix, folders: [[folder, [file name, ...]], ...], pages})``: every
    folder (``""`` the root) in sorted order with its files' names, and ``pages`` the
    address from the site's root of each file whose page is not ``prefix + path +
    "_docs.html"``."""
    folders = []
    pages = {}
    for folder in sorted(index.folders):
        files = index.folders[folder].files
        folders.append([folder, [path.rpartition("/")[2] for path in files]])
        for path in files:
            if page_stem(path) != path:
                pages[path] = names.file_page(path) + names.suffix
    return call_script("xrefdocPaths", {"prefix": names.prefix, "folders": folders, "pages": pages})


def names_script(layout: KeywordLayout) -> str:
    """``xrefdocKeywordNames([count per A-Z page], [name, ...])``: the keywords in the
    order of the A-Z pages of ``kw/index.js``, each page's run as long as its count."""
    counts = [len(page.keywords) for page in layout.pages]
    listed = [name for page in layout.pages for name in page.keywords]
    return call_script("xrefdocKeywordNames", [counts, listed])
