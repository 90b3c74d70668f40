"""node(id:): global ids resolve within the caller's tenant; anything else is null."""

import base64

from tests.support import OrgBuilder, gid

NODE = "query($id: ID!) { node(id: $id) { __typename id ... on User { username } } }"


async def test_node_resolves_own_objects(org):
    agent = await org.user("agent")
    data = await org.as_admin(NODE, {"id": gid("User", agent.id)})
    assert data["node"] == {"__typename": "User", "id": gid("User", agent.id), "username": "agent"}


async def test_malformed_unknown_and_foreign_ids_are_null(org, api):
    other = await OrgBuilder.create(api, "globex")
    stranger = await other.user("stranger")
    for bad in [
        "not base64 at all",
        base64.b64encode(b"User:").decode(),
        base64.b64encode(b"User:-4").decode(),
        base64.b64encode(b"Spaceship:1").decode(),
        gid("User", 999_999),
        gid("User", 2**31),  # beyond PostgreSQL's integer keys
        gid("User", 2**63),  # beyond SQLite's
        gid("User", stranger.id),  # exists, but in another tenant
        gid("User", other.admin.id),
    ]:
        body = await api.raw(NODE, {"id": bad}, token=await org.token())
        assert "errors" not in body and body["data"] == {"node": None}, bad


async def test_api_tokens_are_nodes_for_admins_only(org, api):
    made = await org.as_admin(
        'mutation { createApiToken(input: {name: "n", scopes: ["read"]}) { apiToken { id } } }'
    )
    token_id = made["createApiToken"]["apiToken"]["id"]
    assert (await org.as_admin(NODE, {"id": token_id}))["node"]["__typename"] == "ApiToken"
    await org.user("agent")
    assert (await api.ok(NODE, {"id": token_id}, token=await org.token("agent")))["node"] is None
