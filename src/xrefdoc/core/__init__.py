"""The plain model and what every stage shares: settings, errors, languages, files written
atomically, timings, progress, the executor."""
