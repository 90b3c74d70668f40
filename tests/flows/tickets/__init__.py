"""Tests of flows/tickets."""
