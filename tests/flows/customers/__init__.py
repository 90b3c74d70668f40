"""Tests of flows/customers."""
