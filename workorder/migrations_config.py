"""Config for the `tortoise` CLI's makemigrations (developers only)."""

from workorder.db import tortoise_config

TORTOISE_ORM = tortoise_config("sqlite://./data/makemigrations.db")
