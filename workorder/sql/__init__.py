"""SQL the ORM does not write for us: dialect-specific terms (JSON conditions, report periods)."""
