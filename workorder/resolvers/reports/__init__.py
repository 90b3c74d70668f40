"""Resolvers and roots of the reports domain: the ticket report."""
