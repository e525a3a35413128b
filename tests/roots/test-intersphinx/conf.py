"""A project that links to another's keywords: the test names the other's inventory in
``intersphinx_mapping``."""

extensions = ["sphinx.ext.intersphinx", "xrefdoc.sphinx"]
exclude_patterns = ["_build"]
