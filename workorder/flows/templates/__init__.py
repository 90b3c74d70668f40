"""Templates: their configuration, versions, field values and dictionaries."""
