"""Per-request loaders of the templates domain: templates, versions, fields, dictionaries."""
