"""Per-request loaders of the customers domain: customers and their contacts."""
