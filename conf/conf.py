"""Sphinx configuration of the standalone site that ``xrefdoc build`` makes.

The CLI sets ``xrefdoc_root`` (the tree to document) and ``project``; everything else
is here. The generated pages are the whole Sphinx source, so they sit at its top.
"""

project = "xrefdoc site"
extensions = ["myst_parser", "xrefdoc.sphinx"]
root_doc = "index"
source_suffix = {".md": "markdown"}

xrefdoc_output = ""

html_theme = "alabaster"
# No page carries the whole navigation tree: breadcrumbs and folder pages instead.
html_sidebars = {"**": ["searchfield.html"]}
html_theme_options = {"page_width": "min(1400px, 96vw)", "show_powered_by": False}
html_copy_source = False
html_show_sourcelink = False
html_show_sphinx = False
html_show_copyright = False
html_last_updated_fmt = None
