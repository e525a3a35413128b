"""The cross-reference stage: the whole-tree index built purely from records, and how
references resolve across files."""
