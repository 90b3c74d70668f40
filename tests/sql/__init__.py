"""Tests of workorder.sql."""
