"""SQL the ORM does not write: dialect-specific expressions (JSON conditions, periods)."""
