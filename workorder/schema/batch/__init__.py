"""GraphQL types of the batch domain: batch actions, quotas, background jobs."""
