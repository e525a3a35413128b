"""The walk: which files of the tree are documented (git's view, or .gitignore honoured without
git)."""
