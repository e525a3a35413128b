"""Extraction: one ``FileRecord`` per file (``file_record``), from its text as ``reading``
reads it. The package itself imports nothing, so a module that only reads files (the check
for changes) does not load every extractor."""
