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


def test_model_docstrings_make_valid_sql_comments():
    # Tortoise writes a model's docstring into the CREATE TABLE as a comment, and the
    # SQLite schema editor splits statements on semicolons.
    assert Tortoise.apps is not None
    for model in Tortoise.apps.get_models_iterable():
        assert ";" not in (model.__doc__ or ""), model.__name__
