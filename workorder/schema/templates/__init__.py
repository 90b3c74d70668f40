"""GraphQL types of the templates domain: templates, versions, fields, dictionaries."""
