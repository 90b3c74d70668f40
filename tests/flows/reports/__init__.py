"""Tests of flows/reports."""
