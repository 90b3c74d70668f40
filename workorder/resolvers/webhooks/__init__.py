"""Resolvers and roots of the webhooks domain: endpoints and their delivery log."""
