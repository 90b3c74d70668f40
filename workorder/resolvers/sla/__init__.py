"""Resolvers and roots of the sla domain: SLA policies."""
