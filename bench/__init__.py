"""Benchmarks: the archive against Datasette on the same synthetic corpus (issue #8)."""
