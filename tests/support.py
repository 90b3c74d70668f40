"""Test helpers: a GraphQL caller and a builder for tenants, users, groups."""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import httpx
from starlette.applications import Starlette

from tests import services
from workorder.auth.actor import Actor
from workorder.auth.sessions import TokenSettings, start_session
from workorder.flows.org.tenants import create_tenant
from workorder.models import Group, Role, Tenant, User
from workorder.schema.node import to_global_id
from workorder.server import create_app
from workorder.settings import Settings

PASSWORD = "correct-horse-battery"


class Api:
    """POSTs GraphQL to the app in-process, optionally as someone."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def raw(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> dict[str, Any]:
        headers = {"authorization": f"Bearer {token}"} if token else {}
        response = await self.client.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def ok(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> dict[str, Any]:
        """The data of a query that must succeed without any error."""
        body = await self.raw(query, variables, token)
        assert "errors" not in body, body["errors"]
        data: dict[str, Any] = body["data"]
        return data

    async def login(self, tenant: str, username: str, password: str = PASSWORD) -> str:
        data = await self.ok(
            """mutation($input: LoginInput!) { login(input: $input) {
                accessToken errors { code message } } }""",
            {"input": {"tenant": tenant, "username": username, "password": password}},
        )
        assert data["login"]["errors"] == [], data
        token: str = data["login"]["accessToken"]
        return token


@dataclass
class OrgBuilder:
    """A tenant with an admin; users and groups are made directly, fast, in a line each."""

    api: Api
    tenant: Tenant
    admin: User
    tokens: dict[str, str] = field(default_factory=dict)

    @classmethod
    async def create(cls, api: Api, slug: str) -> OrgBuilder:
        tenant, admin = await create_tenant(slug, slug.title(), "admin", PASSWORD)
        return cls(api, tenant, admin)

    @property
    def admin_actor(self) -> Actor:
        return Actor.of(self.admin)

    async def user(
        self,
        username: str,
        *roles: Role,
        superior: User | None = None,
        permissions: list[str] | None = None,
    ) -> User:
        from workorder.flows.org.users import NewUser, create_user

        return await create_user(
            self.admin_actor,
            NewUser(
                username=username,
                password=PASSWORD,
                roles=list(roles) or [Role.AGENT],
                superior_id=superior.id if superior else None,
                permissions=permissions or [],
            ),
        )

    async def group(
        self, name: str, members: list[User] | None = None, supervisors: list[User] | None = None
    ) -> Group:
        from workorder.flows.org.groups import create_group

        return await create_group(
            self.admin_actor,
            name,
            member_ids=[u.id for u in members or []],
            supervisor_ids=[u.id for u in supervisors or []],
        )

    async def token(self, username: str = "admin") -> str:
        if username not in self.tokens:
            self.tokens[username] = await self.api.login(self.tenant.slug, username)
        return self.tokens[username]

    async def as_admin(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        return await self.api.ok(query, variables, await self.token())


def gid(type_name: str, pk: int) -> str:
    return str(to_global_id(type_name, pk))


async def session_token(user: User, settings: Settings, ttl: timedelta) -> str:
    """The access token of a new login session, with a lifetime of the test's choosing (an
    expiry test) and no argon2 round."""
    tokens = TokenSettings(settings.signing_key, ttl, timedelta(days=1))
    return (await start_session(user, tokens)).access_token


@asynccontextmanager
async def app_with(app: Starlette, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """Another app on the session's database and broker, with settings of the test's own
    (limits, trusted documents), and a client for it. Its lifespan is not run: whatever it
    opens there (Redis clients for budgets, registries) it opens lazily."""
    other = create_app(settings)
    other.state.broker = app.state.broker
    transport = httpx.ASGITransport(app=other)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http


async def answering(http: httpx.AsyncClient, process: asyncio.subprocess.Process) -> None:
    """Wait (up to 30 s) until a `workorder serve` process answers /healthz on `http`."""
    for _ in range(300):
        try:
            if (await http.get("/healthz")).status_code == 200:
                return
        except httpx.TransportError:
            pass
        assert process.returncode is None, "the server process died at start-up"
        await asyncio.sleep(0.1)
    raise AssertionError("the server process never answered /healthz")


@asynccontextmanager
async def server_process(settings: Settings, **env_given: str) -> AsyncIterator[str]:
    """`workorder serve` in a process of its own (as in production) on the session's
    database and Redis, `env_given` over those; yields its http base URL once it answers
    /healthz."""
    port = services.free_port()
    env = {
        **os.environ,
        "WORKORDER_ENV": "test",
        "DATABASE_URL": settings.database,
        "REDIS_URL": settings.redis_url or "",
        "SECRET_KEY": settings.signing_key,
        "DATA_DIR": tempfile.mkdtemp(prefix="workorder-proc-"),
        "LOG_LEVEL": "WARNING",
        **env_given,
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "workorder.cli",
        "serve",
        "--port",
        str(port),
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=base) as http:
            await answering(http, process)
        yield base
    finally:
        await services.stop_child(process)
