"""DataLoaders, created per request (and per subscription event) so they never go stale."""
