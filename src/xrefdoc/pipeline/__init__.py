"""The stages before the site, run in order with the cache: walk, extract, cross-reference,
analyze."""
