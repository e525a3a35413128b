"""A Sphinx project that documents the tree beside its pages, and links to it from prose."""

extensions = ["xrefdoc.sphinx"]
xrefdoc_root = "tree"
# The tree is xrefdoc's to document, not Sphinx's to read.
exclude_patterns = ["tree", "_build"]
