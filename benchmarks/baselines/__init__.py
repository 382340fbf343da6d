"""Baseline engines for the benchmark (not part of imr-search): SQLite FTS5 and tantivy."""
