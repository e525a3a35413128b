"""Versions and history: a tree as it was at a git ref, read from git's objects without
touching the work tree (``git``), and what changed in its definitions between two refs
(``apidiff``)."""
