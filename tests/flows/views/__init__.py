"""Tests of flows/views."""
