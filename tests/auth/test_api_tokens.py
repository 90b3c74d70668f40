"""Partner API tokens: expiry, integration users they act as, and bad input at creation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.auth.test_sessions import _connection_init
from tests.shop import Shop
from tests.support import PASSWORD, Api, OrgBuilder, gid
from workorder.flows.tickets.create import NewTicket, create_ticket
from workorder.models import ApiToken, User

ME = "{ me { username } }"
CREATE = """mutation($input: CreateApiTokenInput!) { createApiToken(input: $input) {
  secret apiToken { id scopes expiresAt actsAs { username isIntegration roles } }
  errors { code message field } } }"""


async def create(org: OrgBuilder, **input: Any) -> dict[str, Any]:
    made: dict[str, Any] = (await org.as_admin(CREATE, {"input": {"name": "t", **input}}))[
        "createApiToken"
    ]
    return made


async def test_an_expired_token_is_refused_on_http_and_at_connection_init(
    org: OrgBuilder, api: Api, server_url: str
) -> None:
    expires = datetime.now(UTC) + timedelta(hours=1)
    made = await create(org, scopes=["read"], expiresAt=expires.isoformat())
    assert made["errors"] == []
    assert datetime.fromisoformat(made["apiToken"]["expiresAt"]) == expires
    secret = made["secret"]
    assert (await api.ok(ME, token=secret))["me"]["username"] == "admin"
    assert (await _connection_init(server_url, secret)) == {"type": "connection_ack"}

    # The hour passes.
    await ApiToken.all().update(expires_at=datetime.now(UTC) - timedelta(seconds=1))
    body = await api.raw(ME, token=secret)
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert body["errors"][0]["message"] == "API token expired"
    assert await _connection_init(server_url, secret) == 4403
    listed = await org.as_admin("{ apiTokens { edges { node { expiresAt revokedAt } } } }")
    assert listed["apiTokens"]["edges"][0]["node"]["expiresAt"] is not None


async def test_a_token_acts_as_its_integration_user_in_the_tickets_trace(shop: Shop) -> None:
    org = shop.org
    made = await create(
        org, scopes=["admin"], integrationName="crm-sync", integrationRoles=["ADMIN"]
    )
    assert made["errors"] == [], made
    assert made["apiToken"]["actsAs"] == {
        "username": "crm-sync",
        "isIntegration": True,
        "roles": ["ADMIN"],
    }
    secret = made["secret"]
    assert (await org.api.ok(ME, token=secret))["me"]["username"] == "crm-sync"

    ticket = await create_ticket(
        org.admin_actor,
        NewTicket(template_id=shop.order.id, title="A-1", fields={"order_no": "A-1"}),
    )
    noted = await org.api.ok(
        """mutation($id: ID!) { addTicketNote(input: {id: $id, text: "from the CRM"}) {
        errors { code } } }""",
        {"id": gid("Ticket", ticket.id)},
        secret,
    )
    assert noted["addTicketNote"]["errors"] == []
    seen = await org.as_admin(
        "query($id: ID!) { ticket(id: $id) { events { actor { username isIntegration } } } }",
        {"id": gid("Ticket", ticket.id)},
    )
    actors = [e["actor"] for e in seen["ticket"]["events"]]
    assert actors[0] == {"username": "admin", "isIntegration": False}  # opened it
    assert actors[-1] == {"username": "crm-sync", "isIntegration": True}

    # A second token of the integration acts as the same user, made once.
    again = await create(org, scopes=["read"], integrationName="crm-sync")
    assert again["errors"] == [] and again["apiToken"]["actsAs"]["username"] == "crm-sync"
    assert await User.filter(username="crm-sync").count() == 1
    # The service account cannot sign in, whatever the password.
    login = await org.api.ok(
        """mutation($input: LoginInput!) { login(input: $input) { errors { code } } }""",
        {"input": {"tenant": "acme", "username": "crm-sync", "password": "!"}},
    )
    assert login["login"]["errors"] == [{"code": "UNAUTHENTICATED"}]
    listed = await org.as_admin("{ users { edges { node { username isIntegration } } } }")
    flags = {e["node"]["username"]: e["node"]["isIntegration"] for e in listed["users"]["edges"]}
    assert flags["crm-sync"] is True and flags["admin"] is False


async def test_bad_token_input_is_refused_with_typed_errors_and_stores_nothing(
    org: OrgBuilder,
) -> None:
    await org.user("pat")
    users = await User.all().count()
    past = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
    cases: list[tuple[dict[str, Any], dict[str, Any]]] = [
        (
            {"scopes": ["read", "tickets:delete"]},
            {"code": "INVALID", "field": ["scopes"]},
        ),
        ({"scopes": []}, {"code": "INVALID", "field": ["scopes"]}),
        ({"scopes": ["read"], "expiresAt": past}, {"code": "INVALID", "field": ["expiresAt"]}),
        # The integration user would be made first: it must not be left behind.
        (
            {"scopes": ["read"], "expiresAt": past, "integrationName": "new-bot"},
            {"code": "INVALID", "field": ["expiresAt"]},
        ),
        (
            {"scopes": ["read"], "integrationName": "pat"},
            {"code": "CONFLICT", "field": ["integrationName"]},
        ),
        (
            {"scopes": ["read"], "integrationName": "no spaces"},
            {"code": "INVALID", "field": ["integrationName"]},
        ),
    ]
    for given, expected in cases:
        made = await create(org, **given)
        assert made["secret"] is None and made["apiToken"] is None, given
        assert len(made["errors"]) == 1, made
        error = made["errors"][0]
        assert {"code": error["code"], "field": error["field"]} == expected, (given, error)
    assert (
        "tickets:delete" in (await create(org, scopes=["tickets:delete"]))["errors"][0]["message"]
    )
    assert await ApiToken.all().count() == 0
    assert await User.all().count() == users
    assert not await User.filter(is_integration=True).exists()


async def test_only_admins_make_tokens_and_integrations(org: OrgBuilder, api: Api) -> None:
    await org.user("agent.z")
    agent = await api.login("acme", "agent.z", PASSWORD)
    refused = await api.ok(
        CREATE, {"input": {"name": "x", "scopes": ["read"], "integrationName": "bot"}}, agent
    )
    assert refused["createApiToken"]["errors"][0]["code"] == "FORBIDDEN"
    assert not await User.filter(username="bot").exists()


async def test_scope_names_are_stored_canonical_and_legacy_names_still_hold(
    org: OrgBuilder, api: Api
) -> None:
    made = await create(org, scopes=["TICKETS:WRITE", "read"])
    assert made["errors"] == []
    assert made["apiToken"]["scopes"] == ["read", "tickets:write"]
    # A token stored before scopes had lower-case names keeps its scopes.
    await ApiToken.all().update(scopes=["READ"])
    refused = await api.ok(
        'mutation { createGroup(input: {name: "P"}) { errors { code message } } }',
        token=made["secret"],
    )
    assert refused["createGroup"]["errors"] == [
        {"code": "FORBIDDEN", "message": "This token lacks the org:write scope"}
    ]
    listed = await org.as_admin("{ apiTokens { edges { node { scopes } } } }")
    assert listed["apiTokens"]["edges"][0]["node"]["scopes"] == ["read"]
