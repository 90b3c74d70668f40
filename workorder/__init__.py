"""workorder: a multi-tenant work-order service with a GraphQL API and live push."""

__version__ = "0.1.0"
