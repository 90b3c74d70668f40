"""Tests of flows/sla."""
