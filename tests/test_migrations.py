"""Migrations: idempotent, and in step with the models."""

from tortoise import Tortoise
from tortoise.migrations.autodetector import MigrationAutodetector

from workorder import db


async def test_migrate_is_idempotent(app):
    assert await db.migrate() == []


async def test_models_and_migrations_agree(app):
    apps_config = db.tortoise_config("sqlite://:memory:")["apps"]
    detector = MigrationAutodetector(Tortoise.apps, apps_config)
    writers = await detector.changes()
    assert writers == [], "models changed without a migration: run `make migration`"
