"""The organisation: tenants, users, groups, departments and the lookups they share."""
