"""SQL the ORM does not write for us: dialect-specific expressions (JSON conditions, report periods)."""
