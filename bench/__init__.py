"""Benchmarks for kentcard at scale (see bench/README.md)."""
