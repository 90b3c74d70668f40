"""The domain: actions and their rules as plain async functions over models. No GraphQL."""
