"""A socket is authenticated once, at connection_init; when its credential ends (logout, a
revoked API token) its streams end and it can start no new one."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from gql.transport.exceptions import TransportQueryError

from tests.flows.live.test_streams import live, request, take
from tests.shop import Shop
from tests.support import PASSWORD, gid
from workorder.flows.tickets.create import NewTicket, create_ticket
from workorder.models import User
from workorder.subscriptions.channels import user_channel

BADGE = "subscription { unreadNotificationCount }"
LOGIN = """mutation($input: LoginInput!) { login(input: $input) {
  accessToken refreshToken errors { code } } }"""


async def _wake(app: Any, user: User) -> None:
    """What a new notification sends the user's streams (the row itself does not matter)."""
    await app.state.broker.publish(user_channel(user.id), {"notificationId": 0})


async def _after_the_credential_ends(
    app: Any, server_url: str, user: User, token: str, end: Any
) -> None:
    async with live(server_url, token) as session:
        badge = session.subscribe(request(BADGE))
        assert await take(badge, 1) == [{"unreadNotificationCount": 0}]
        await end()
        await asyncio.sleep(0.3)
        await _wake(app, user)
        # The open stream ends instead of telling of the new notification.
        assert await asyncio.wait_for(_rest(badge), 10) == []
        with pytest.raises(TransportQueryError, match="Session ended"):
            await take(session.subscribe(request(BADGE)), 1)


async def _rest(stream: Any) -> list[Any]:
    return [item async for item in stream]


async def test_logout_ends_the_sockets_streams(shop: Shop, app: Any, server_url: str):
    session = (
        await shop.org.api.ok(
            LOGIN, {"input": {"tenant": "acme", "username": "cal", "password": PASSWORD}}
        )
    )["login"]
    token = session["accessToken"]

    async def logout() -> None:
        done = await shop.org.api.ok(
            "mutation($t: String!) { logout(input: {refreshToken: $t}) { ok } }",
            {"t": session["refreshToken"]},
            token,
        )
        assert done["logout"]["ok"]

    await _after_the_credential_ends(app, server_url, shop.users["cal"], token, logout)


async def test_a_revoked_api_token_ends_the_sockets_streams(shop: Shop, app: Any, server_url: str):
    made = await shop.gql(
        "admin",
        """mutation { createApiToken(input: {name: "wall", scopes: ["read"]}) {
        apiToken { id } secret errors { code } } }""",
    )
    created = made["createApiToken"]
    assert created["errors"] == [], created

    async def revoke() -> None:
        done = await shop.gql(
            "admin",
            "mutation($id: ID!) { revokeApiToken(input: {id: $id}) { errors { code } } }",
            {"id": created["apiToken"]["id"]},
        )
        assert done["revokeApiToken"]["errors"] == []

    await _after_the_credential_ends(
        app, server_url, shop.users["admin"], created["secret"], revoke
    )


async def _ends_without_a_push(server_url: str, token: str, end: Any, tid: str = "") -> None:
    """Open streams learn at once that their credential ended, though nothing else happens:
    they do not poll, the ending tells them."""
    async with live(server_url, token) as session:
        streams = [session.subscribe(request(BADGE))]
        if tid:
            streams.append(session.subscribe(request(TICKET_FEED, id=tid)))
        for stream in streams:
            assert len(await take(stream, 1)) == 1
        await end()
        for stream in streams:
            assert await asyncio.wait_for(_rest(stream), 5) == []


TICKET_FEED = "subscription($id: ID!) { ticketFeed(id: $id) { ready } }"


async def test_deactivation_ends_the_users_quiet_streams(shop: Shop, server_url: str):
    ticket = await create_ticket(
        shop.actor("cal"),
        NewTicket(template_id=shop.order.id, title="Mine", fields={"order_no": "A-1"}),
    )
    cal = gid("User", shop.users["cal"].id)

    async def deactivate() -> None:
        done = await shop.gql(
            "admin",
            "mutation($id: ID!) { deactivateUser(input: {id: $id}) { errors { code } } }",
            {"id": cal},
        )
        assert done["deactivateUser"]["errors"] == []

    await _ends_without_a_push(
        server_url, await shop.token("cal"), deactivate, gid("Ticket", ticket.id)
    )


async def _login(shop: Shop) -> dict[str, Any]:
    answer = await shop.org.api.ok(
        LOGIN, {"input": {"tenant": "acme", "username": "cal", "password": PASSWORD}}
    )
    session: dict[str, Any] = answer["login"]
    return session


async def test_logout_ends_the_sessions_quiet_streams(shop: Shop, server_url: str):
    session = await _login(shop)

    async def logout() -> None:
        done = await shop.org.api.ok(
            "mutation($t: String!) { logout(input: {refreshToken: $t}) { ok } }",
            {"t": session["refreshToken"]},
            session["accessToken"],
        )
        assert done["logout"]["ok"]

    await _ends_without_a_push(server_url, session["accessToken"], logout)


async def test_a_replayed_refresh_token_ends_the_sessions_quiet_streams(
    shop: Shop, server_url: str
):
    session = await _login(shop)
    refresh = (
        "mutation($t: String!) { refreshToken(input: {refreshToken: $t}) { errors { code } } }"
    )
    first = await shop.org.api.ok(refresh, {"t": session["refreshToken"]})
    assert first["refreshToken"]["errors"] == []

    async def replay() -> None:  # the spent token again: it leaked, the session ends
        again = await shop.org.api.ok(refresh, {"t": session["refreshToken"]})
        assert again["refreshToken"]["errors"] == [{"code": "UNAUTHENTICATED"}]

    await _ends_without_a_push(server_url, session["accessToken"], replay)


async def test_a_revoked_api_token_ends_its_quiet_streams(shop: Shop, server_url: str):
    made = await shop.gql(
        "admin",
        """mutation { createApiToken(input: {name: "wall", scopes: ["read"]}) {
        apiToken { id } secret errors { code } } }""",
    )
    created = made["createApiToken"]

    async def revoke() -> None:
        done = await shop.gql(
            "admin",
            "mutation($id: ID!) { revokeApiToken(input: {id: $id}) { errors { code } } }",
            {"id": created["apiToken"]["id"]},
        )
        assert done["revokeApiToken"]["errors"] == []

    await _ends_without_a_push(server_url, created["secret"], revoke)
