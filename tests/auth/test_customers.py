"""The customer-record rule (auth/customers.py): who is bound by the tenant's lookup mode,
how a lookup is refused, and how an exact phone number is compared."""

from __future__ import annotations

import pytest

from tests.support import OrgBuilder
from workorder.auth.actor import Actor
from workorder.auth.customers import FUZZY_LIMIT, lookup_for, phone_digits
from workorder.errors import ErrorCode, FlowError
from workorder.flows.customers.accounts import create_customer, find_contacts, find_customers
from workorder.flows.org.tenants import update_tenant_settings
from workorder.models import Contact, CustomerKind, CustomerLookupMode, Role

EXACT, FUZZY = CustomerLookupMode.EXACT, CustomerLookupMode.FUZZY


async def _refused(actor: Actor, text: str | None, mode: CustomerLookupMode | None) -> FlowError:
    with pytest.raises(FlowError) as caught:
        await lookup_for(actor, text, mode)
    return caught.value


def test_a_phone_number_is_compared_by_its_digits() -> None:
    assert phone_digits("+86 (138) 0013-8000") == "8613800138000"
    assert phone_digits("0171.22.33") == "01712233"
    assert phone_digits("12") is None  # too short to be a whole number
    assert phone_digits("Mia") is None
    assert phone_digits("555-CALL") is None


async def test_agents_and_supervisors_are_bound_administrators_are_not(org: OrgBuilder):
    await update_tenant_settings(org.admin_actor, customer_lookup_mode=EXACT)
    for role in [Role.AGENT, Role.SUPERVISOR]:
        bound = Actor.of(await org.user(f"u-{role.value.lower()}", role))
        error = await _refused(bound, "ab", FUZZY)
        assert (error.code, error.field) == (ErrorCode.FORBIDDEN, ["mode"])
        error = await _refused(bound, "  ", None)
        assert (error.code, error.field) == (ErrorCode.INVALID, ["query"])
        assert (await lookup_for(bound, " ab ", None)).mode is EXACT
    admin = await lookup_for(org.admin_actor, "ab", FUZZY)
    assert (admin.mode, admin.limit, admin.max_page) == (FUZZY, None, FUZZY_LIMIT)
    assert (await lookup_for(org.admin_actor, None, None)).mode is None  # the whole book


async def test_in_a_fuzzy_tenant_an_agent_may_still_ask_for_exact(org: OrgBuilder):
    agent = Actor.of(await org.user("agent"))
    fuzzy = await lookup_for(agent, "ab", None)
    assert (fuzzy.mode, fuzzy.limit) == (FUZZY, FUZZY_LIMIT)
    assert (await lookup_for(agent, "a", EXACT)).mode is EXACT
    error = await _refused(agent, "a", None)
    assert (error.code, error.field) == (ErrorCode.INVALID, ["query"])


async def test_contacts_follow_the_tenant_mode_and_need_a_search(org: OrgBuilder):
    acme = await create_customer(org.admin_actor, CustomerKind.ORGANIZATION, "Acme")
    await Contact.create(tenant_id=org.tenant.id, customer_id=acme.id, name="Bob", phone="555 1234")
    await update_tenant_settings(org.admin_actor, customer_lookup_mode=EXACT)
    agent = Actor.of(await org.user("agent"))

    async def names(search: str | None, customer_id: int | None = None) -> list[str]:
        found = await find_contacts(agent, search, customer_id)
        return [c.name for c in await found.rows]

    assert await names("Bo") == []
    assert await names("bob") == ["Bob"]
    assert await names("5551234") == ["Bob"]
    assert await names(None, acme.id) == []  # no ticket of hers names Acme
    with pytest.raises(FlowError) as caught:
        await find_contacts(agent, None, None)
    assert (caught.value.code, caught.value.field) == (ErrorCode.INVALID, ["search"])
    everyone = await find_contacts(org.admin_actor, None, None)
    assert [c.name for c in await everyone.rows] == ["Bob"]
    assert [c.name for c in await (await find_customers(agent, "ACME")).rows] == ["Acme"]
