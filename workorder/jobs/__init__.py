"""The job engine: kinds, their registry, starting and cancelling, leases, the executor, runners."""
