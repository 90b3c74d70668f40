"""Pub/sub infrastructure: the broker (in-process, Redis), channel names, typed push messages."""
