"""The command line: build, generate, scan, lookup and check."""
