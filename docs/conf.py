"""Sphinx configuration of xrefdoc's user guide (``make docs``).

The guide is hand-written MyST; the extension documents this repository beside it, so the
guide links into the code with the ``kw`` role and the reference sits under ``_xref/``.
"""

project = "xrefdoc"
extensions = ["myst_parser", "xrefdoc.sphinx"]
root_doc = "index"
source_suffix = {".md": "markdown"}
exclude_patterns = ["_build", "ci", "_xref/.xrefdoc-work"]
myst_heading_anchors = 3

# The repository this folder belongs to; the pages go to docs/_xref/ (never committed).
xrefdoc_root = ".."

html_theme = "alabaster"
html_theme_options = {"page_width": "min(1200px, 96vw)", "show_powered_by": False}
html_show_sourcelink = False
html_show_copyright = False
