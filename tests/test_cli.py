"""The CLI as an operator runs it: a separate process with its own SQLite folder."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest


def _run(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "LOG_JSON": "false", **env}
    environment.pop("DATABASE_URL", None)
    environment.pop("REDIS_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "workorder.cli", *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path


def test_demo_loads_once_and_reloading_changes_nothing(folder):
    first = _run("demo", "--no-serve", cwd=folder)
    assert first.returncode == 0, first.stderr
    assert "GraphiQL: http://127.0.0.1:8000/graphql" in first.stdout
    assert "admin" in first.stdout and "workorder-demo" in first.stdout
    database = folder / "data" / "workorder.db"

    def counts() -> tuple[int, ...]:
        with sqlite3.connect(database) as conn:
            return tuple(
                conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
                for table in (
                    "tenant",
                    "app_user",
                    "department",
                    "agent_group",
                    "group_member",
                    "template",
                    "template_version",
                    "dictionary_item",
                    "ticket",
                )
            )

    loaded = counts()
    assert loaded == (1, 10, 4, 5, 11, 2, 2, 6, 3)
    second = _run("demo", "--no-serve", cwd=folder)
    assert second.returncode == 0, second.stderr
    assert "0 migration(s) applied" in second.stdout
    assert counts() == loaded


def test_migrate_is_idempotent_and_create_tenant_refuses_duplicates(folder):
    assert "workorder.0001_initial" in _run("migrate", cwd=folder).stdout
    assert "up to date" in _run("migrate", cwd=folder).stdout
    made = _run(
        "create-tenant",
        "globex",
        "--name",
        "Globex",
        "--admin",
        "root",
        "--admin-password",
        "long-enough-1",
        cwd=folder,
    )
    assert made.returncode == 0, made.stderr
    again = _run(
        "create-tenant",
        "globex",
        "--name",
        "Globex",
        "--admin",
        "root",
        "--admin-password",
        "long-enough-1",
        cwd=folder,
    )
    assert again.returncode == 2
    assert "already exists" in again.stderr
    assert "Traceback" not in again.stderr


def test_production_refuses_to_start_without_a_secret_key(folder):
    result = _run("export-schema", cwd=folder, WORKORDER_ENV="production")
    assert result.returncode == 0  # exporting needs no key
    result = subprocess.run(
        [sys.executable, "-c", "from workorder.server import create_app; create_app()"],
        cwd=folder,
        env={**os.environ, "WORKORDER_ENV": "production", "SECRET_KEY": ""},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_development_key_is_generated_once_and_kept(folder):
    from workorder.settings import Settings

    first = Settings(data_dir=folder / "d", secret_key=None).signing_key
    again = Settings(data_dir=folder / "d", secret_key=None).signing_key
    assert first == again and len(first) >= 48
    assert (folder / "d" / "secret_key").stat().st_mode & 0o077 == 0


def test_serve_and_worker_collect_garbage_less_often(folder):
    """A process holding thousands of sockets spends its pushes in garbage collections at
    Python's default threshold (700): `serve` and `worker` raise it (GC_THRESHOLD), and 0
    leaves Python's settings alone."""
    import gc

    from workorder.cli import tune_gc
    from workorder.settings import Settings

    before = gc.get_threshold()
    try:
        tune_gc(Settings(data_dir=folder / "d", gc_threshold=0))
        assert gc.get_threshold() == before
        tune_gc(Settings(data_dir=folder / "d", gc_threshold=123_456))
        assert gc.get_threshold()[0] == 123_456
        assert gc.get_freeze_count() > 0  # what start-up built is left out of collections
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
