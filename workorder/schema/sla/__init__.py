"""GraphQL types of the sla domain: SLA policies."""
