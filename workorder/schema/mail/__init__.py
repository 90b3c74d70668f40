"""GraphQL types of the tenant's mail templates: the wording of mail to a ticket's CC."""
