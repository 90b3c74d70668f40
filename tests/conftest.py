"""Fixtures: one backend set per pytest process, chosen by WORKORDER_TEST_BACKEND.

embedded (default): an SQLite file and the in-process broker.
full: a throwaway PostgreSQL and Redis started here (see services.py).

Everything async shares the session's event loop (see pyproject), so the database opened
once for the session stays valid in every test.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette
from tortoise import Tortoise
from tortoise.connection import get_connection

from tests import services
from tests.js import node  # noqa: F401  (the fixture: Node with tests/node's packages)
from tests.shop import Shop, build_shop
from tests.support import Api, OrgBuilder
from workorder import db
from workorder.flows.live.memory import memory_of
from workorder.jobs.registry import JobKinds, job_kinds
from workorder.server import create_app
from workorder.settings import Settings
from workorder.storage import LocalStorage

BACKEND = os.environ.get("WORKORDER_TEST_BACKEND", "embedded")
if BACKEND not in ("embedded", "full"):
    raise RuntimeError(f"WORKORDER_TEST_BACKEND must be embedded or full, not {BACKEND!r}")


def pytest_report_header() -> str:
    return f"workorder backend set: {BACKEND}"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if BACKEND == "full":
        return
    skip = pytest.mark.skip(reason="needs the full backend set (WORKORDER_TEST_BACKEND=full)")
    for item in items:
        if "full_only" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def workdir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="workorder-test-") as folder:
        yield Path(folder)


@pytest.fixture(scope="session")
def backend_urls(workdir: Path) -> Iterator[tuple[str, str | None]]:
    if BACKEND == "embedded":
        yield f"sqlite://{workdir / 'test.db'}", None
        return
    pg = services.start_postgres(Path(tempfile.mkdtemp(prefix="workorder-pg-")))
    redis = services.start_redis(workdir / "redis")
    try:
        yield pg.url, redis.url
    finally:
        redis.stop()
        pg.stop()


@pytest.fixture(scope="session")
def settings(workdir: Path, backend_urls: tuple[str, str | None]) -> Settings:
    database_url, redis_url = backend_urls
    return Settings(
        workorder_env="test",
        data_dir=workdir / "data",
        database_url=database_url,
        redis_url=redis_url,
        secret_key="test-secret-key-that-is-long-enough-for-hs256",
        password_hash_cost="testing",  # argon2's cost is measured by its own tests
        log_json=False,
        cors_origins=["http://spa.example"],
        sla_check_seconds=0,  # the scheduler is driven by its own tests, not by a clock
        reminder_check_seconds=0,  # likewise
        job_poll_seconds=0.2,  # the in-process job runner answers quickly
        # Budgets are the business of tests/schema/test_cost.py and tests/test_middleware.py
        # (which turn them on): a sweep makes thousands of requests.
        rate_limit_points=0,
        rate_limit_requests_per_address=0,
        webhooks_allow_private=True,  # the webhook tests' receiver listens on loopback
        webhook_retry_base_seconds=0.2,  # retries follow within a second
    )


@pytest.fixture(scope="session")
async def app(settings: Settings) -> AsyncIterator[Starlette]:
    async with db.open_database(settings.database):
        await db.migrate()
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture(autouse=True)
async def _clean_database(app: Starlette) -> AsyncIterator[None]:
    yield
    await truncate_everything()
    # Failed logins are counted like rows: each test starts with none (all share 127.0.0.1).
    await app.state.login_throttle.reset()
    await app.state.rate_limits.reset()
    # The ids of the next test's rows start again at 1: what the sockets' memory kept of
    # this test's users would be read as theirs.
    memory_of(app.state.broker).reset()


async def truncate_everything() -> None:
    """Empty every table, the many-to-many ones included, between tests."""
    assert Tortoise.apps is not None
    models = list(Tortoise.apps.get_models_iterable())
    tables = {m._meta.db_table for m in models}
    for model in models:
        for name in model._meta.m2m_fields:
            tables.add(model._meta.fields_map[name].through)
    connection = get_connection("default")
    if connection.capabilities.dialect == "postgres":
        await connection.execute_script(
            "TRUNCATE " + ", ".join(f'"{t}"' for t in sorted(tables)) + " RESTART IDENTITY CASCADE"
        )
    else:
        await connection.execute_script("PRAGMA foreign_keys = OFF")
        for table in sorted(tables):
            await connection.execute_script(f'DELETE FROM "{table}"')
        await connection.execute_script("PRAGMA foreign_keys = ON")


@pytest.fixture
async def client(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http


@pytest.fixture
def api(client: httpx.AsyncClient) -> Api:
    return Api(client)


@pytest.fixture
async def org(api: Api) -> OrgBuilder:
    """A tenant 'acme' with an admin; build more of the org in a line or two."""
    return await OrgBuilder.create(api, "acme")


@pytest.fixture
async def shop(org: OrgBuilder) -> Shop:
    """The e-commerce company of the seeds: Sales, Finance, Warehouse, Logistics, Managers."""
    return await build_shop(org)


@pytest.fixture(scope="session")
async def server_url(app) -> AsyncIterator[str]:
    """The session's app served by a real uvicorn on loopback (its lifespan is already open)."""
    async with services.serving(app) as url:
        yield url


@pytest.fixture
def file_store(app: Starlette) -> LocalStorage:
    """The server's own file store (attachments, export files)."""
    store: LocalStorage = app.state.storage
    return store


@pytest.fixture
def kinds(settings: Settings) -> JobKinds:
    """The kinds of job, built as the server and the worker build theirs."""
    return job_kinds(settings)
