"""Tests of flows/org."""
