"""Resolvers and roots of the mail templates: list, update, reset, preview, language."""
