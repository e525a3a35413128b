"""Sphinx configuration of the standalone site that ``xrefdoc build`` makes.

The CLI sets ``xrefdoc_root`` (the tree to document) and ``project``; everything else
is here. The generated pages are the whole Sphinx source, so they sit at its top.
"""

project = "xrefdoc site"
extensions = ["myst_parser", "xrefdoc.sphinx"]
root_doc = "index"
source_suffix = {".md": "markdown"}

xrefdoc_output = ""

# xrefdoc's own theme (bench/themes.py measures it against others): light and dark, the
# keyword box and search in its header, no sidebar: no page carries the whole navigation
# tree, a file's page shows its folder's neighbours instead.
html_theme = "xrefdoc"
html_copy_source = False
html_show_sourcelink = False
html_show_sphinx = False
html_show_copyright = False
html_last_updated_fmt = None
