"""Resolvers and roots of the batch domain: batch actions, quotas, background jobs."""
