"""What each open socket receives: the streams behind the subscriptions (no GraphQL here)."""
