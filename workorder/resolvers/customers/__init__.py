"""Resolvers and roots of the customers domain: customers and their contacts."""
