"""A login flood must not take the event loop: argon2 runs in worker threads."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.support import PASSWORD, OrgBuilder
from workorder.auth import passwords
from workorder.auth.passwords import HashCost

LOGIN = """mutation($input: LoginInput!) { login(input: $input) { accessToken errors { code } } }"""
CLIENTS = 8
FLOOD_SECONDS = 4.0
HEALTH_BOUND = 1.0  # seconds: the bound for a responsive /healthz, not a benchmark


@pytest.fixture
def standard_hashing() -> Iterator[None]:
    """The suite hashes cheaply; this test needs argon2's real cost (the admin's cheap hash
    is rehashed at the standard cost by the first login)."""
    passwords.use_cost(HashCost.STANDARD)
    yield
    passwords.use_cost(HashCost.TESTING)


async def test_healthz_answers_within_a_second_while_clients_flood_login(
    org: OrgBuilder, server_url: str, standard_hashing: None
) -> None:
    """Right passwords, so the throttle never refuses and every login costs argon2."""
    base = server_url.replace("ws://", "http://").removesuffix("/graphql")
    variables = {"input": {"tenant": "acme", "username": "admin", "password": PASSWORD}}
    stop = time.monotonic() + FLOOD_SECONDS
    logins: list[bool] = []
    health: list[float] = []

    async def flood(http: httpx.AsyncClient) -> None:
        while time.monotonic() < stop:
            reply = await http.post("/graphql", json={"query": LOGIN, "variables": variables})
            logins.append(bool(reply.json()["data"]["login"]["accessToken"]))

    async def probe(http: httpx.AsyncClient) -> None:
        while time.monotonic() < stop:
            start = time.perf_counter()
            reply = await http.get("/healthz")
            health.append(time.perf_counter() - start)
            assert reply.status_code == 200
            await asyncio.sleep(0.05)

    limits = httpx.Limits(max_connections=CLIENTS + 1)
    async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as http:
        await asyncio.gather(probe(http), *(flood(http) for _ in range(CLIENTS)))

    assert max(health) < HEALTH_BOUND, sorted(health)[-5:]
    assert len(health) >= 5
    assert len(logins) >= CLIENTS  # the flood did flood
    assert all(logins)
