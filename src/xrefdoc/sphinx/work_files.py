"""Where a build keeps what it knows between runs: the names of its files in Sphinx's
doctree folder and in the site. Apart from the extension, so that a rebuild that finds
nothing changed reads them without importing Sphinx (a third of its time)."""

from __future__ import annotations

from xrefdoc.site.names import DATA_FOLDER
from xrefdoc.walk.tree import OUTPUT_MARKERS

WORK_MARKER = OUTPUT_MARKERS[1]
# In Sphinx's doctree folder: the signatures of the last complete build, by the files' times
# and by their contents, and the warnings it gave about the tree's files.
STATE_FILE = "xrefdoc-build-state"
CONTENTS_STATE_FILE = "xrefdoc-build-contents"
WARNINGS_FILE = "xrefdoc-build-warnings"
# In Sphinx's doctree folder: the pages the last build rendered into the HTML builder.
PAGES_FILE = "xrefdoc-pages"
# In Sphinx's doctree folder: what the last complete build's pages were made from.
FACTS_FILE = "xrefdoc-page-facts"
# In Sphinx's doctree folder: the letter pages' entries as last rendered (``site.kept_entries``).
ENTRIES_FOLDER = "xrefdoc-letter-entries"
# In Sphinx's doctree folder: the parts of ``_xref/index.json`` the last build wrote.
INDEX_PARTS_FILE = "xrefdoc-index-parts"
# In the site: the index of every keyword, and its folder.
INDEX_FILE = "index.json"
INDEX_FOLDER = DATA_FOLDER
# What the last build wrote of the code-search index, beside Sphinx's doctrees.
CODE_STATE_FILE = "xrefdoc-code-search.pickle"
# What must outlive a stopped build: the lists of what the builds wrote into the site.
WRITTEN_LISTS = frozenset({PAGES_FILE, INDEX_PARTS_FILE})
# Settings that change where the work runs, never what it makes.
OUTPUT_NEUTRAL_SETTINGS = frozenset({"scheduler", "shared_fs"})
