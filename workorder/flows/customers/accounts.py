"""Customers (accounts) and their contacts: kept by the agents who take the calls.

Any user of the tenant may write them, because the person on the phone is the one who learns
that a number or an address changed; only a read-only API token is refused. Which records an
id may name is the rule of auth/customers.py (named_customer, named_contact): writing one is
as good as reading it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final, cast

from tortoise.queryset import QuerySet

from workorder.auth.actor import Actor
from workorder.auth.customers import (
    Lookup,
    contacts_matching,
    customers_matching,
    keeps_directory,
    known_contacts,
    known_customers,
    lookup_for,
    named_contact,
    named_customer,
    remember_shown,
)
from workorder.auth.permissions import require_write
from workorder.auth.visibility import Reach, visible_tickets
from workorder.errors import invalid
from workorder.flows.org.cleaning import KEEP, Keep, clean_email, clean_name
from workorder.models import Contact, Customer, CustomerKind, CustomerLookupMode, Ticket

EXTERNAL_REF_MAX_LENGTH: Final = 100
NOTES_MAX_LENGTH: Final = 10_000

_PHONE = re.compile(r"^[0-9 +\-()]{3,50}$")


def clean_phone(value: str | None, field: Sequence[str]) -> str | None:
    """Blank means no phone. Kept as typed: formats differ by country and CTI system."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    if not _PHONE.match(value) or not any(c.isdigit() for c in value):
        raise invalid(
            "A phone number is 3 to 50 digits, spaces and + - ( ), with at least one digit",
            field,
        )
    return value


def _clean_external_ref(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    value = value.strip()
    if len(value) > EXTERNAL_REF_MAX_LENGTH:
        raise invalid(f"Must be at most {EXTERNAL_REF_MAX_LENGTH} characters", ["externalRef"])
    return value


def _clean_notes(value: str) -> str:
    value = value.strip()
    if len(value) > NOTES_MAX_LENGTH:
        raise invalid(f"Must be at most {NOTES_MAX_LENGTH} characters", ["notes"])
    return value


async def create_customer(
    actor: Actor,
    kind: CustomerKind,
    name: str,
    phone: str | None = None,
    email: str | None = None,
    external_ref: str | None = None,
    notes: str = "",
) -> Customer:
    require_write(actor)
    return await Customer.create(
        tenant_id=actor.tenant_id,
        kind=CustomerKind(kind),
        name=clean_name(name, ["name"]),
        phone=clean_phone(phone, ["phone"]),
        email=clean_email(email, ["email"]),
        external_ref=_clean_external_ref(external_ref),
        notes=_clean_notes(notes),
        created_by_id=actor.user_id,
    )


async def update_customer(
    actor: Actor,
    customer_id: int,
    kind: CustomerKind | Keep = KEEP,
    name: str | Keep = KEEP,
    phone: str | Keep | None = KEEP,
    email: str | Keep | None = KEEP,
    external_ref: str | Keep | None = KEEP,
    notes: str | Keep = KEEP,
) -> Customer:
    """Only the columns given are written, so two agents editing different fields both win."""
    require_write(actor)
    customer = await named_customer(actor, customer_id, ["id"])
    changed: list[str] = []
    if not isinstance(kind, Keep):
        customer.kind = CustomerKind(kind)
        changed.append("kind")
    if not isinstance(name, Keep):
        customer.name = clean_name(name, ["name"])
        changed.append("name")
    if not isinstance(phone, Keep):
        customer.phone = clean_phone(phone, ["phone"])
        changed.append("phone")
    if not isinstance(email, Keep):
        customer.email = clean_email(email, ["email"])
        changed.append("email")
    if not isinstance(external_ref, Keep):
        customer.external_ref = _clean_external_ref(external_ref)
        changed.append("external_ref")
    if not isinstance(notes, Keep):
        customer.notes = _clean_notes(notes)
        changed.append("notes")
    if changed:
        await customer.save(update_fields=[*changed, "updated_at"])
    return customer


async def create_contact(
    actor: Actor,
    name: str,
    customer_id: int | None = None,
    phone: str | None = None,
    email: str | None = None,
) -> Contact:
    require_write(actor)
    name = clean_name(name, ["name"])
    phone = clean_phone(phone, ["phone"])
    email = clean_email(email, ["email"])
    if customer_id is not None:
        await named_customer(actor, customer_id, ["customerId"])
    return await Contact.create(
        tenant_id=actor.tenant_id,
        customer_id=customer_id,
        name=name,
        phone=phone,
        email=email,
        created_by_id=actor.user_id,
    )


async def update_contact(
    actor: Actor,
    contact_id: int,
    name: str | Keep = KEEP,
    customer_id: int | Keep | None = KEEP,
    phone: str | Keep | None = KEEP,
    email: str | Keep | None = KEEP,
) -> Contact:
    """A customer id of None detaches the contact; KEEP leaves it where it is."""
    require_write(actor)
    contact = await named_contact(actor, contact_id, ["id"])
    changed: list[str] = []
    if not isinstance(name, Keep):
        contact.name = clean_name(name, ["name"])
        changed.append("name")
    if not isinstance(phone, Keep):
        contact.phone = clean_phone(phone, ["phone"])
        changed.append("phone")
    if not isinstance(email, Keep):
        contact.email = clean_email(email, ["email"])
        changed.append("email")
    if not isinstance(customer_id, Keep):
        if customer_id is not None:
            await named_customer(actor, customer_id, ["customerId"])
        contact.customer_id = customer_id
        changed.append("customer_id")
    if changed:
        await contact.save(update_fields=[*changed, "updated_at"])
    return contact


@dataclass(frozen=True, slots=True)
class CustomerSearch:
    """The records a lookup matches (unordered: the caller pages them by name) and the
    largest page it may show."""

    rows: QuerySet[Any]
    max_page: int | None = None

    def page_size(self, first: int | None) -> int | None:
        """The page asked for, cut to the search's bound; None leaves the default page."""
        if self.max_page is None:
            return first
        return self.max_page if first is None else min(first, self.max_page)


async def _bounded(actor: Actor, rows: QuerySet[Any], lookup: Lookup) -> CustomerSearch:
    """A lookup with a bound in all shows its first records by name, as the page would:
    the rest stays unreachable by paging on. What a lookup answers, the caller may then name
    by id (auth/customers.py: remember_shown)."""
    if lookup.limit is not None:
        first = await rows.order_by("name", "id").limit(lookup.limit).values_list("id", flat=True)
        rows = rows.model.filter(id__in=list(first))
    if lookup.mode is not None and not keeps_directory(actor):
        shown = cast(list[int], await rows.values_list("id", flat=True))
        if rows.model is Customer:
            await remember_shown(actor, customer_ids=shown)
        else:
            await remember_shown(actor, contact_ids=shown)
    return CustomerSearch(rows, lookup.max_page)


async def find_customers(
    actor: Actor, text: str | None, mode: CustomerLookupMode | None = None
) -> CustomerSearch:
    """The customers matching what is known of the caller on the line, as far as the rule
    of auth/customers.py lets this caller look (an administrator: the whole book without a
    text, any mode; anyone else: only the tenant's mode, with a text).

    EXACT is for a number or address a phone system or mail gateway hands over; FUZZY is for
    an agent typing part of a name, phone or e-mail. Without a mode the tenant's applies."""
    lookup = await lookup_for(actor, text, mode)
    rows = Customer.filter(await customers_matching(actor, lookup), tenant_id=actor.tenant_id)
    return await _bounded(actor, rows, lookup)


async def find_contacts(
    actor: Actor, search: str | None, customer_id: int | None, reach: Reach | None = None
) -> CustomerSearch:
    """Contacts by the same rule as customers, in the tenant's mode (the query has no mode
    of its own). Without a search, someone bound by the mode gets only the contacts of a
    customer they already see (on a ticket of theirs) and must name that customer; a search
    and a customer id together narrow each other."""
    if (search is not None and search.strip()) or customer_id is None:
        lookup = await lookup_for(actor, search, None, field="search")
        rows = Contact.filter(await contacts_matching(actor, lookup), tenant_id=actor.tenant_id)
    else:
        lookup = Lookup(mode=None, text="")
        rows = Contact.filter(await known_contacts(actor, reach), tenant_id=actor.tenant_id)
    if customer_id is not None:
        rows = rows.filter(customer_id=customer_id)
    return await _bounded(actor, rows, lookup)


async def seen_customer(
    actor: Actor, customer_id: int, reach: Reach | None = None
) -> Customer | None:
    """A customer by id where no lookup is given (`node`): only one the caller sees without
    a lookup (auth/customers.py); None, exactly as for an id of another tenant, otherwise."""
    known = await known_customers(actor, reach)
    return await Customer.filter(known, tenant_id=actor.tenant_id, id=customer_id).first()


async def seen_contact(actor: Actor, contact_id: int, reach: Reach | None = None) -> Contact | None:
    """A contact by id where no lookup is given, by the same rule as seen_customer."""
    known = await known_contacts(actor, reach)
    return await Contact.filter(known, tenant_id=actor.tenant_id, id=contact_id).first()


async def customer_tickets(
    actor: Actor, customer_id: int, reach: Reach | None = None
) -> QuerySet[Ticket]:
    """A customer's history: only the tickets the caller may see, like every ticket list.

    The tenant is in the visibility rule, so another tenant's customer shows nothing."""
    return (await visible_tickets(actor, reach)).filter(customer_id=customer_id)
