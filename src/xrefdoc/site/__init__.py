"""The site's pages: their names, what each shows (views), highlighting, rendering, the
incremental plan and the writer."""
