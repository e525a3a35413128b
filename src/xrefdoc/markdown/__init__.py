"""The Markdown export: the site's pages as a tree of Markdown files."""
