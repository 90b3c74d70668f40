"""Tenant settings: everyone reads them, only administrators change them."""

import pytest

from tests.support import OrgBuilder
from workorder.auth.actor import Actor, Scope
from workorder.errors import ErrorCode, FlowError
from workorder.flows.org.cleaning import KEEP
from workorder.flows.org.tenants import (
    customer_lookup_mode,
    tenant_settings,
    update_tenant_settings,
)
from workorder.models import CustomerLookupMode, Role, Tenant


async def test_a_new_tenant_looks_customers_up_fuzzily(org):
    assert org.tenant.customer_lookup_mode is CustomerLookupMode.FUZZY
    assert await customer_lookup_mode(org.tenant.id) is CustomerLookupMode.FUZZY
    agent = Actor.of(await org.user("agent"))
    assert (await tenant_settings(agent)).customer_lookup_mode is CustomerLookupMode.FUZZY


async def test_an_admin_changes_the_lookup_mode(org):
    changed = await update_tenant_settings(
        org.admin_actor, customer_lookup_mode=CustomerLookupMode.EXACT
    )
    assert changed.customer_lookup_mode is CustomerLookupMode.EXACT
    assert await customer_lookup_mode(org.tenant.id) is CustomerLookupMode.EXACT
    kept = await update_tenant_settings(org.admin_actor, customer_lookup_mode=KEEP)
    assert kept.customer_lookup_mode is CustomerLookupMode.EXACT
    assert (await Tenant.get(id=org.tenant.id)).name == "Acme"  # nothing else written


@pytest.mark.parametrize("role", [Role.AGENT, Role.SUPERVISOR])
async def test_only_administrators_change_settings(org, role):
    actor = Actor.of(await org.user("someone", role))
    with pytest.raises(FlowError) as caught:
        await update_tenant_settings(actor, customer_lookup_mode=CustomerLookupMode.EXACT)
    assert caught.value.code == ErrorCode.FORBIDDEN
    read_only_admin = Actor.of(org.admin, scopes=frozenset({Scope.READ}))
    with pytest.raises(FlowError) as caught:
        await update_tenant_settings(read_only_admin, customer_lookup_mode=CustomerLookupMode.EXACT)
    assert caught.value.code == ErrorCode.FORBIDDEN
    assert await customer_lookup_mode(org.tenant.id) is CustomerLookupMode.FUZZY


async def test_an_unknown_mode_is_refused(org):
    with pytest.raises(FlowError) as caught:
        await update_tenant_settings(org.admin_actor, customer_lookup_mode="SOUNDEX")  # type: ignore[arg-type]
    assert (caught.value.code, caught.value.field) == (ErrorCode.INVALID, ["customerLookupMode"])


async def test_settings_belong_to_one_tenant(org):
    other = await OrgBuilder.create(org.api, "other")
    await update_tenant_settings(org.admin_actor, customer_lookup_mode=CustomerLookupMode.EXACT)
    assert await customer_lookup_mode(other.tenant.id) is CustomerLookupMode.FUZZY
    assert (await tenant_settings(other.admin_actor)).id == other.tenant.id
