"""The stages before the site, run in order with the cache: walk, extract, cross-reference,
analyze (``scan``); and the build of a tree the command and the extension share, with the one
test of what changed since the last complete build (``build``)."""
