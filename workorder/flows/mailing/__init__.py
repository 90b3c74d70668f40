"""Mail to outsiders: the tenant's mail templates and the language they are written in."""
