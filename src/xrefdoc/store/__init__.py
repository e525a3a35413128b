"""What outlives a build: the record cache and the state of the last complete build."""
