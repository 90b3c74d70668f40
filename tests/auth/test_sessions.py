"""Login, refresh rotation, logout and partner tokens, through the GraphQL API."""

from datetime import timedelta

import pytest

from tests.support import PASSWORD, session_token
from workorder.models import ApiToken, RefreshToken

LOGIN = """mutation($input: LoginInput!) { login(input: $input) {
  accessToken refreshToken accessTokenExpiresAt user { username } errors { code message field } } }"""
REFRESH = """mutation($t: String!) { refreshToken(input: {refreshToken: $t}) {
  accessToken refreshToken errors { code message } } }"""
ME = "{ me { username roles } }"


async def _login(api, tenant, username, password):
    data = await api.ok(
        LOGIN, {"input": {"tenant": tenant, "username": username, "password": password}}
    )
    return data["login"]


async def test_login_returns_tokens_that_open_me(org, api):
    session = await _login(api, "acme", "admin", PASSWORD)
    assert session["errors"] == []
    assert session["user"]["username"] == "admin"
    assert session["refreshToken"].startswith("wr_")
    me = await api.ok(ME, token=session["accessToken"])
    assert me["me"] == {"username": "admin", "roles": ["ADMIN"]}
    stored = await RefreshToken.all().values_list("token_hash", flat=True)
    assert session["refreshToken"] not in stored  # only the hash is kept


@pytest.mark.parametrize(
    ("tenant", "username", "password"),
    [
        ("acme", "admin", "wrong-password"),
        ("acme", "nobody", PASSWORD),
        ("no-such-tenant", "admin", PASSWORD),
    ],
)
async def test_bad_credentials_all_fail_alike(org, api, tenant, username, password):
    session = await _login(api, tenant, username, password)
    assert session["accessToken"] is None
    assert session["errors"] == [
        {
            "code": "UNAUTHENTICATED",
            "message": "Unknown tenant, username or password",
            "field": None,
        }
    ]


async def test_refresh_rotates_and_a_replayed_token_revokes_the_login(org, api):
    first = await _login(api, "acme", "admin", PASSWORD)
    second = (await api.ok(REFRESH, {"t": first["refreshToken"]}))["refreshToken"]
    assert second["errors"] == [] and second["refreshToken"] != first["refreshToken"]
    assert (await api.ok(ME, token=second["accessToken"]))["me"]["username"] == "admin"

    replay = (await api.ok(REFRESH, {"t": first["refreshToken"]}))["refreshToken"]
    assert replay["accessToken"] is None
    assert replay["errors"][0]["code"] == "UNAUTHENTICATED"
    # The replay means the token leaked: the newer token of the same login dies too.
    after = (await api.ok(REFRESH, {"t": second["refreshToken"]}))["refreshToken"]
    assert after["errors"][0]["code"] == "UNAUTHENTICATED"


async def test_logout_revokes_the_refresh_token(org, api):
    session = await _login(api, "acme", "admin", PASSWORD)
    out = await api.ok(
        "mutation($t: String!) { logout(input: {refreshToken: $t}) { ok errors { code } } }",
        {"t": session["refreshToken"]},
        token=session["accessToken"],
    )
    assert out["logout"] == {"ok": True, "errors": []}
    again = (await api.ok(REFRESH, {"t": session["refreshToken"]}))["refreshToken"]
    assert again["errors"][0]["code"] == "UNAUTHENTICATED"


LOGOUT = "mutation($t: String!) { logout(input: {refreshToken: $t}) { ok errors { code } } }"


async def _connection_init(server_url: str, token: str) -> dict[str, str] | int | None:
    """The server's answer to connection_init: its message, or the close code."""
    import asyncio
    import json

    import websockets
    from websockets.exceptions import ConnectionClosed
    from websockets.typing import Subprotocol

    async with websockets.connect(
        server_url, subprotocols=[Subprotocol("graphql-transport-ws")]
    ) as socket:
        init = {"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}}
        await socket.send(json.dumps(init))
        try:
            reply: dict[str, str] = json.loads(await asyncio.wait_for(socket.recv(), 5))
        except ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd else None
        return reply


async def test_logout_ends_the_access_token_at_once(org, api, server_url):
    ended = await _login(api, "acme", "admin", PASSWORD)
    other = await _login(api, "acme", "admin", PASSWORD)  # another device of the same user
    assert (await api.ok(ME, token=ended["accessToken"]))["me"]["username"] == "admin"

    out = await api.ok(LOGOUT, {"t": ended["refreshToken"]}, token=ended["accessToken"])
    assert out["logout"] == {"ok": True, "errors": []}

    body = await api.raw(ME, token=ended["accessToken"])
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert await _connection_init(server_url, ended["accessToken"]) == 4403
    # Only that session ended.
    assert (await api.ok(ME, token=other["accessToken"]))["me"]["username"] == "admin"
    assert await _connection_init(server_url, other["accessToken"]) == {"type": "connection_ack"}


async def test_logout_ends_the_callers_session_whatever_refresh_token_it_names(org, api):
    session = await _login(api, "acme", "admin", PASSWORD)
    out = await api.ok(LOGOUT, {"t": "wr_not-a-token"}, token=session["accessToken"])
    assert out["logout"]["ok"] is True
    body = await api.raw(ME, token=session["accessToken"])
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    again = (await api.ok(REFRESH, {"t": session["refreshToken"]}))["refreshToken"]
    assert again["errors"][0]["code"] == "UNAUTHENTICATED"


async def test_a_replayed_refresh_token_ends_that_logins_access_tokens(org, api):
    first = await _login(api, "acme", "admin", PASSWORD)
    second = (await api.ok(REFRESH, {"t": first["refreshToken"]}))["refreshToken"]
    await api.ok(REFRESH, {"t": first["refreshToken"]})  # the leak is detected
    body = await api.raw(ME, token=second["accessToken"])
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_expired_and_tampered_access_tokens_are_unauthenticated(org, api, settings):
    expired = await session_token(org.admin, settings, timedelta(seconds=-5))
    body = await api.raw(ME, token=expired)
    assert body["data"] is None
    assert body["errors"][0]["message"] == "Access token expired"
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"

    good = await org.token()
    body = await api.raw(ME, token=good[:-3] + ("aaa" if not good.endswith("aaa") else "bbb"))
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_token_of_deactivated_user_stops_working(org, api):
    agent = await org.user("agent.x")
    token = await org.token("agent.x")
    assert (await api.ok(ME, token=token))["me"]["username"] == "agent.x"
    from tests.support import gid

    result = await org.as_admin(
        "mutation($id: ID!) { deactivateUser(input: {id: $id}) { user { active } errors { code } } }",
        {"id": gid("User", agent.id)},
    )
    assert result["deactivateUser"] == {"user": {"active": False}, "errors": []}
    body = await api.raw(ME, token=token)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    session = await _login(api, "acme", "agent.x", PASSWORD)
    assert session["errors"][0]["code"] == "UNAUTHENTICATED"


CREATE_TOKEN = """mutation($input: CreateApiTokenInput!) { createApiToken(input: $input) {
  secret apiToken { id name prefix scopes revokedAt } errors { code message field } } }"""


async def test_partner_token_is_shown_once_scoped_and_revocable(org, api):
    made = (await org.as_admin(CREATE_TOKEN, {"input": {"name": "CRM sync", "scopes": ["READ"]}}))[
        "createApiToken"
    ]
    assert made["errors"] == []
    secret = made["secret"]
    assert secret.startswith("wo_") and made["apiToken"]["prefix"] == secret[:10]
    assert not await ApiToken.filter(token_hash=secret).exists()

    assert (await api.ok(ME, token=secret))["me"]["username"] == "admin"
    listed = await org.as_admin("{ apiTokens { totalCount edges { node { name } } } }")
    assert listed["apiTokens"]["totalCount"] == 1
    assert "secret" not in str(listed)

    # READ only: a mutation is refused and changes nothing.
    refused = await api.ok(
        'mutation { createGroup(input: {name: "Partners"}) { group { id } errors { code } } }',
        token=secret,
    )
    assert refused["createGroup"] == {"group": None, "errors": [{"code": "FORBIDDEN"}]}

    revoked = await org.as_admin(
        "mutation($id: ID!) { revokeApiToken(input: {id: $id}) { apiToken { revokedAt } errors { code } } }",
        {"id": made["apiToken"]["id"]},
    )
    assert revoked["revokeApiToken"]["apiToken"]["revokedAt"] is not None
    body = await api.raw(ME, token=secret)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_only_admins_create_partner_tokens(org, api):
    await org.user("agent.y")
    data = await api.ok(
        CREATE_TOKEN, {"input": {"name": "x", "scopes": ["READ"]}}, token=await org.token("agent.y")
    )
    assert data["createApiToken"]["errors"][0]["code"] == "FORBIDDEN"
    assert await ApiToken.all().count() == 0
