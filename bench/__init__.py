"""Benchmarks, run by `make bench` (not tests: timings are measured, never asserted)."""
