"""The digits of a phone number, kept beside it for the exact lookup: in step on every write,
and filled for the rows that were there before the column."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

from tortoise import connections

from tests.support import OrgBuilder
from workorder.auth.actor import Actor
from workorder.flows.customers.accounts import (
    create_contact,
    create_customer,
    find_contacts,
    find_customers,
    update_contact,
    update_customer,
)
from workorder.models import Contact, Customer, CustomerKind, CustomerLookupMode, Tenant

EXACT = CustomerLookupMode.EXACT


async def _found(admin: Actor, text: str) -> list[str]:
    found = await find_customers(admin, text, EXACT)
    return sorted(c.name for c in await found.rows)


async def test_every_write_keeps_the_digits_in_step(org: OrgBuilder):
    admin = org.admin_actor
    acme = await create_customer(admin, CustomerKind.ORGANIZATION, "Acme", phone="+1 (555) 0100")
    assert (await Customer.get(id=acme.id)).phone_digits == "15550100"
    assert await _found(admin, "1-555-0100") == ["Acme"]

    await update_customer(admin, acme.id, phone="+44 20 7946 0000")
    assert (await Customer.get(id=acme.id)).phone_digits == "442079460000"
    assert await _found(admin, "+1 555 0100") == []
    assert await _found(admin, "442079460000") == ["Acme"]
    await update_customer(admin, acme.id, phone=None)
    assert (await Customer.get(id=acme.id)).phone_digits is None

    # Written straight through the models (a job, a script), the digits follow too.
    direct = await Customer.create(tenant_id=org.tenant.id, name="Direct", phone="555 0199")
    direct.phone = "555-0200"
    await direct.save(update_fields=["phone"])
    assert (await Customer.get(id=direct.id)).phone_digits == "5550200"
    assert await _found(admin, "5550200") == ["Direct"]

    bob = await create_contact(admin, "Bob", phone="555 1234")
    assert (await Contact.get(id=bob.id)).phone_digits == "5551234"
    await update_contact(admin, bob.id, phone="(555) 9876")
    await Tenant.filter(id=org.tenant.id).update(customer_lookup_mode=EXACT)  # contacts: its mode
    contacts = await find_contacts(admin, "555-9876", None)
    assert [c.name for c in await contacts.rows] == ["Bob"]


async def test_the_migration_fills_the_digits_of_existing_rows(org: OrgBuilder):
    tenant = org.tenant.id
    await Customer.create(tenant_id=tenant, name="Old", phone="+86 138 0013 8000")
    await Customer.create(tenant_id=tenant, name="No phone")
    await Contact.create(tenant_id=tenant, name="Old contact", phone="(010) 6552 9988")
    # The rows as they were before 0015: no digits stored (an update bypasses the models).
    await Customer.all().update(phone_digits=None)
    await Contact.all().update(phone_digits=None)
    assert await _found(org.admin_actor, "8613800138000") == []

    migration = importlib.import_module("workorder.migrations.0015_customer_lookup")
    editor = SimpleNamespace(client=connections.get("default"))
    await migration.backfill_phone_digits(None, editor)

    assert sorted(await Customer.all().values_list("name", "phone_digits")) == [
        ("No phone", None),
        ("Old", "8613800138000"),
    ]
    digits: list[object] = list(await Contact.all().values_list("phone_digits", flat=True))
    assert digits == ["01065529988"]
    assert await _found(org.admin_actor, "+86 138 0013 8000") == ["Old"]
