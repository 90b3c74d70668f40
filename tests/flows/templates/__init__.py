"""Tests of flows/templates."""
