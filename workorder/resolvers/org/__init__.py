"""Resolvers and roots of the org domain: users, groups, departments, sessions, tenant settings."""
