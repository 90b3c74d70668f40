"""Per-request loaders of the org domain: users, groups, departments, sessions, tenant settings."""
