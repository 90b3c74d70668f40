"""Tests of flows/exports."""
