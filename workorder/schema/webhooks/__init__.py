"""GraphQL types of the webhooks domain: endpoints, their deliveries and the mutations on them."""
