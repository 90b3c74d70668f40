"""GraphQL types of the reports domain: the ticket report."""
