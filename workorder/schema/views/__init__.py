"""GraphQL types of the views domain: ticket lists, filters, saved views, sharing rules."""
