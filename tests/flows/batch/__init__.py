"""Tests of flows/batch."""
