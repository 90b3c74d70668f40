"""GraphQL types of the customers domain: customers and their contacts."""
