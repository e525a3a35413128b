"""A project that documents no tree: its A-Z pages register keywords by hand, as the pages
xrefdoc writes do, and its prose links to them with the ``kw`` role."""

extensions = ["xrefdoc.sphinx"]
exclude_patterns = ["_build"]
