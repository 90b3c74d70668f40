"""Resolvers and roots of the templates domain: templates, versions, fields, dictionaries."""
