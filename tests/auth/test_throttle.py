"""Login throttling: failed logins per account and per client address end in RATE_LIMITED,
with Retry-After, the same for accounts that exist and accounts that do not.

(The throttle's own names are imported in the tests that need them, so the rest also run,
and fail, against a server without throttling.)"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import httpx
import pytest
import redis.asyncio as aioredis
from starlette.applications import Starlette

from tests.support import PASSWORD, OrgBuilder
from workorder.models import User
from workorder.settings import Settings

LOGIN = """mutation($input: LoginInput!) { login(input: $input) {
  accessToken retryAfterSeconds errors { code message field } } }"""

Address = Callable[[str], AbstractAsyncContextManager[httpx.AsyncClient]]


@pytest.fixture
def from_address(app: Starlette) -> Address:
    """A client whose requests come from the given (loopback) address."""

    @asynccontextmanager
    async def connect(host: str) -> AsyncIterator[httpx.AsyncClient]:
        transport = httpx.ASGITransport(app=app, client=(host, 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            yield http

    return connect


async def attempt(
    http: httpx.AsyncClient, username: str, password: str, tenant: str = "acme"
) -> tuple[httpx.Response, dict[str, Any]]:
    variables = {"input": {"tenant": tenant, "username": username, "password": password}}
    response = await http.post("/graphql", json={"query": LOGIN, "variables": variables})
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"]["login"]
    return response, payload


def codes(payload: dict[str, Any]) -> list[str]:
    return [error["code"] for error in payload["errors"]]


async def test_failed_logins_lock_the_account_even_for_the_right_password(
    org: OrgBuilder, client: httpx.AsyncClient, settings: Settings
) -> None:
    await org.user("agent.a")
    allowed = settings.login_failures_per_account
    for n in range(allowed):
        response, payload = await attempt(client, "admin", f"wrong-{n}")
        assert codes(payload) == ["UNAUTHENTICATED"]
        assert "retry-after" not in response.headers

    response, payload = await attempt(client, "admin", "wrong-again")
    assert codes(payload) == ["RATE_LIMITED"]
    wait = payload["retryAfterSeconds"]
    assert 0 < wait <= settings.login_failure_window_seconds
    assert response.headers["retry-after"] == str(wait)
    assert str(wait) in payload["errors"][0]["message"]

    response, payload = await attempt(client, "admin", PASSWORD)
    assert codes(payload) == ["RATE_LIMITED"]
    assert payload["accessToken"] is None
    assert int(response.headers["retry-after"]) > 0

    # The lock is the account's: a colleague at the same address still gets in.
    _, payload = await attempt(client, "agent.a", PASSWORD)
    assert payload["errors"] == []
    assert payload["accessToken"]


async def test_a_strangers_guesses_do_not_lock_the_owner_out_elsewhere(
    org: OrgBuilder, from_address: Address, settings: Settings
) -> None:
    """The guesser's address is locked for the account; the owner, elsewhere, gets in until
    failures from everywhere reach the account's total."""
    async with from_address("127.0.0.3") as guesser, from_address("127.0.0.4") as owner:
        for n in range(settings.login_failures_per_account + 1):
            _, payload = await attempt(guesser, "admin", f"wrong-{n}")
        assert codes(payload) == ["RATE_LIMITED"]
        _, payload = await attempt(owner, "admin", PASSWORD)
        assert payload["errors"] == [] and payload["accessToken"]

        spread = settings.login_failures_per_account_total
        for n in range(spread):
            async with from_address(f"127.0.1.{n % 250 + 1}") as somewhere:
                await attempt(somewhere, "admin", f"wrong-{n}")
        _, payload = await attempt(owner, "admin", PASSWORD)
        assert codes(payload) == ["RATE_LIMITED"]


@pytest.mark.full_only
async def test_the_failures_are_counted_in_redis(
    org: OrgBuilder, client: httpx.AsyncClient, settings: Settings
) -> None:
    """Every server process shares the count: it lives in the real Redis."""
    from workorder.auth.throttle import KEY_PREFIX

    assert settings.redis_url is not None
    await attempt(client, "admin", "wrong")
    redis = aioredis.from_url(settings.redis_url)
    try:
        keys = await redis.keys(f"{KEY_PREFIX}:*")
    finally:
        await redis.aclose()
    assert len(keys) == 3  # the account's from this address, the account's, the address's


async def test_the_lock_ends_when_the_window_moves_on(
    org: OrgBuilder,
    app: Starlette,
    client: httpx.AsyncClient,
    settings: Settings,
) -> None:
    """Same storage as the server's (Redis in the full set), with a window short enough to
    wait out."""
    from workorder.auth.throttle import LoginThrottle, ThrottleLimits

    throttle = LoginThrottle(ThrottleLimits(per_account=2, window_seconds=2), settings.redis_url)
    server_throttle, app.state.login_throttle = app.state.login_throttle, throttle
    try:
        for n in range(2):
            _, payload = await attempt(client, "admin", f"wrong-{n}")
            assert codes(payload) == ["UNAUTHENTICATED"]
        _, payload = await attempt(client, "admin", PASSWORD)
        assert codes(payload) == ["RATE_LIMITED"]
        assert 1 <= payload["retryAfterSeconds"] <= 2

        await asyncio.sleep(payload["retryAfterSeconds"] + 0.2)
        _, payload = await attempt(client, "admin", PASSWORD)
        assert payload["errors"] == []
        assert payload["accessToken"]
    finally:
        app.state.login_throttle = server_throttle
        await throttle.reset()
        await throttle.close()


async def test_failures_from_one_address_lock_it_for_every_account(
    org: OrgBuilder, from_address: Address, settings: Settings
) -> None:
    """Guessing one password across many accounts is stopped at the address."""
    async with from_address("127.0.0.2") as guesser:
        for n in range(settings.login_failures_per_address):
            _, payload = await attempt(guesser, f"user-{n}", "wrong")
            assert codes(payload) == ["UNAUTHENTICATED"]
        response, payload = await attempt(guesser, "admin", PASSWORD)
        assert codes(payload) == ["RATE_LIMITED"]
        assert int(response.headers["retry-after"]) == payload["retryAfterSeconds"] > 0
    async with from_address("127.0.0.3") as elsewhere:
        _, payload = await attempt(elsewhere, "admin", PASSWORD)
        assert payload["errors"] == []


async def test_unknown_and_known_accounts_are_answered_alike(
    org: OrgBuilder, from_address: Address, settings: Settings
) -> None:
    """Wrong password, unknown user, unknown tenant, deactivated user: the same answers,
    locked after the same number of failures. Each comes from its own address so only the
    account's count is at play."""
    await org.user("gone")
    await User.filter(username="gone").update(active=False)
    cases = {
        "wrong password": ("acme", "admin", "127.0.0.11"),
        "unknown user": ("acme", "ghost", "127.0.0.12"),
        "unknown tenant": ("nowhere", "admin", "127.0.0.13"),
        "deactivated user": ("acme", "gone", "127.0.0.14"),
    }
    answers: dict[str, list[tuple[list[str], list[dict[str, Any]], str | None]]] = {}
    for kind, (tenant, username, host) in cases.items():
        async with from_address(host) as http:
            seen: list[tuple[list[str], list[dict[str, Any]], str | None]] = []
            for n in range(settings.login_failures_per_account + 2):
                password = PASSWORD if kind == "deactivated user" else f"wrong-{n}"
                response, payload = await attempt(http, username, password, tenant)
                headers = sorted(h for h in response.headers if h != "x-request-id")
                errors = [
                    {**e, "message": e["message"].split(" in ")[0]} for e in payload["errors"]
                ]
                seen.append((headers, errors, payload["accessToken"]))
            answers[kind] = seen
    first, *others = answers.values()
    assert first[0][1] == [
        {
            "code": "UNAUTHENTICATED",
            "message": "Unknown tenant, username or password",
            "field": None,
        }
    ]
    assert first[-1][1][0]["code"] == "RATE_LIMITED"
    for other in others:
        assert other == first


async def test_a_burst_of_concurrent_guesses_gets_no_further(
    org: OrgBuilder, client: httpx.AsyncClient, settings: Settings
) -> None:
    """All sent at once, before any failure is counted: the count is checked again when a
    guess gets its hashing slot, so at most a slot's worth slip past the limit."""
    from workorder.auth.passwords import HASHING_THREADS

    replies = await asyncio.gather(*(attempt(client, "admin", f"guess-{n}") for n in range(20)))
    outcomes = [codes(payload)[0] for _, payload in replies]
    assert outcomes.count("UNAUTHENTICATED") <= settings.login_failures_per_account + (
        HASHING_THREADS - 1
    )
    assert outcomes.count("RATE_LIMITED") >= 20 - settings.login_failures_per_account - (
        HASHING_THREADS - 1
    )
