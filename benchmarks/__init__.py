"""Benchmarks for imr-search: a synthetic corpus with ground truth and accuracy/speed measures."""
