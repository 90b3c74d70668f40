"""Pub/sub: the broker interface, its in-process and Redis implementations."""
