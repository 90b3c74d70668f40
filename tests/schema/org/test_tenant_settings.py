"""tenantSettings and updateTenantSettings through GraphQL."""

from tests.support import OrgBuilder
from workorder.models import Role, Tenant

SETTINGS = "{ tenantSettings { customerLookupMode } }"
UPDATE = """mutation($input: UpdateTenantSettingsInput!) { updateTenantSettings(input: $input) {
  tenantSettings { customerLookupMode } errors { code message field } } }"""


async def stored_mode(org: OrgBuilder) -> str:
    return str((await Tenant.get(id=org.tenant.id)).customer_lookup_mode)


async def test_an_admin_changes_the_lookup_mode_everyone_reads(org, api):
    await org.user("agent")
    assert (await org.as_admin(SETTINGS))["tenantSettings"] == {"customerLookupMode": "FUZZY"}

    changed = (await org.as_admin(UPDATE, {"input": {"customerLookupMode": "EXACT"}}))[
        "updateTenantSettings"
    ]
    assert changed == {"tenantSettings": {"customerLookupMode": "EXACT"}, "errors": []}
    assert await stored_mode(org) == "EXACT"
    seen = await api.ok(SETTINGS, token=await org.token("agent"))
    assert seen["tenantSettings"] == {"customerLookupMode": "EXACT"}

    kept = (await org.as_admin(UPDATE, {"input": {}}))["updateTenantSettings"]
    assert kept == {"tenantSettings": {"customerLookupMode": "EXACT"}, "errors": []}


async def test_a_null_mode_is_refused_in_the_payload(org):
    result = (await org.as_admin(UPDATE, {"input": {"customerLookupMode": None}}))[
        "updateTenantSettings"
    ]
    assert result["tenantSettings"] is None
    assert [(e["code"], e["field"]) for e in result["errors"]] == [
        ("INVALID", ["customerLookupMode"])
    ]
    assert await stored_mode(org) == "FUZZY"


async def test_only_an_administrator_may_change_settings(org, api):
    await org.user("agent")
    await org.user("sup", Role.SUPERVISOR)
    for username in ["agent", "sup"]:
        result = await api.ok(
            UPDATE, {"input": {"customerLookupMode": "EXACT"}}, token=await org.token(username)
        )
        assert result["updateTenantSettings"]["tenantSettings"] is None
        assert [e["code"] for e in result["updateTenantSettings"]["errors"]] == ["FORBIDDEN"]
    assert await stored_mode(org) == "FUZZY"


async def test_an_admin_token_without_the_admin_scope_may_only_read(org, api):
    made = await org.as_admin(
        'mutation { createApiToken(input: {name: "CRM", scopes: ["read", "write"]}) { secret } }'
    )
    secret = made["createApiToken"]["secret"]
    assert (await api.ok(SETTINGS, token=secret))["tenantSettings"] == {
        "customerLookupMode": "FUZZY"
    }
    result = await api.ok(UPDATE, {"input": {"customerLookupMode": "EXACT"}}, token=secret)
    assert [e["code"] for e in result["updateTenantSettings"]["errors"]] == ["FORBIDDEN"]
    assert await stored_mode(org) == "FUZZY"


async def test_each_tenant_keeps_its_own_settings(org, api):
    other = await OrgBuilder.create(api, "other")
    await org.as_admin(UPDATE, {"input": {"customerLookupMode": "EXACT"}})
    theirs = await api.ok(SETTINGS, token=await other.token())
    assert theirs["tenantSettings"] == {"customerLookupMode": "FUZZY"}
    assert (await Tenant.get(id=other.tenant.id)).customer_lookup_mode == "FUZZY"


async def test_anonymous_callers_are_refused(api):
    calls: list[tuple[str, dict[str, object] | None]] = [(SETTINGS, None), (UPDATE, {"input": {}})]
    for query, variables in calls:
        body = await api.raw(query, variables)
        assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
