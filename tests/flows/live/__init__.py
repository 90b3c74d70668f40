"""Tests of flows/live: what each open socket receives, over a real WebSocket."""
