"""Customers (accounts) and their contacts: kept by the agents who take the calls.

Any user of the tenant may write them, because the person on the phone is the one who learns
that a number or an address changed; only a read-only API token is refused.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from workorder.auth.actor import Actor
from workorder.auth.permissions import require_write
from workorder.auth.visibility import Reach, visible_tickets
from workorder.errors import FlowError, invalid, not_found
from workorder.flows.org.cleaning import KEEP, Keep, clean_email, clean_name
from workorder.flows.org.tenants import customer_lookup_mode
from workorder.models import Contact, Customer, CustomerKind, CustomerLookupMode, Ticket

# A fuzzy search is a pick list for the caller on the line: one letter would match half the
# book, and more than ten hits means the agent should type more, not scroll.
FUZZY_MIN_LENGTH: Final = 2
FUZZY_LIMIT: Final = 10
# No column compared by a lookup is longer (e-mail: 254), so longer text cannot match.
LOOKUP_MAX_LENGTH: Final = 254
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


async def customer_of_tenant(tenant_id: int, customer_id: int, field: Sequence[str]) -> Customer:
    """Another tenant's customer is reported exactly like one that does not exist."""
    customer = await Customer.filter(tenant_id=tenant_id, id=customer_id).first()
    if customer is None:
        raise not_found("Customer", field)
    return customer


async def contact_of_tenant(tenant_id: int, contact_id: int, field: Sequence[str]) -> Contact:
    contact = await Contact.filter(tenant_id=tenant_id, id=contact_id).first()
    if contact is None:
        raise not_found("Contact", field)
    return contact


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
    customer = await customer_of_tenant(actor.tenant_id, customer_id, ["id"])
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
        await customer_of_tenant(actor.tenant_id, customer_id, ["customerId"])
    return await Contact.create(
        tenant_id=actor.tenant_id, customer_id=customer_id, name=name, phone=phone, email=email
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
    contact = await contact_of_tenant(actor.tenant_id, contact_id, ["id"])
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
            await customer_of_tenant(actor.tenant_id, customer_id, ["customerId"])
        contact.customer_id = customer_id
        changed.append("customer_id")
    if changed:
        await contact.save(update_fields=[*changed, "updated_at"])
    return contact


@dataclass(frozen=True, slots=True)
class CustomerSearch:
    """The customers a search matches (unordered: the caller pages them by name) and the
    largest page the search may show."""

    rows: QuerySet[Customer]
    max_page: int | None = None

    def page_size(self, first: int | None) -> int | None:
        """The page asked for, cut to the search's bound; None leaves the default page."""
        if self.max_page is None:
            return first
        return self.max_page if first is None else min(first, self.max_page)


async def find_customers(
    actor: Actor, text: str | None, mode: CustomerLookupMode | None = None
) -> CustomerSearch:
    """The customer book, or the customers matching what is known of the caller on the line.

    No text (or only blanks): every customer of the tenant. EXACT is for a number or address
    a phone system or mail gateway hands over: whole name or e-mail (any case), the phone as
    clean_phone would store it, or the external reference. FUZZY is for an agent typing part
    of a name, phone or e-mail, so it wants 2 characters and shows a short pick list. Without
    a mode the tenant's own default applies, so a CTI desk and a typing desk both get theirs.
    """
    tenant_customers = Customer.filter(tenant_id=actor.tenant_id)
    text = (text or "").strip()
    if not text:
        return CustomerSearch(tenant_customers)
    if mode is None:
        mode = await customer_lookup_mode(actor.tenant_id)
    try:
        mode = CustomerLookupMode(mode)
    except ValueError as exc:
        raise invalid("Lookup mode must be EXACT or FUZZY", ["mode"]) from exc
    if mode is CustomerLookupMode.FUZZY and len(text) < FUZZY_MIN_LENGTH:
        raise invalid(f"A fuzzy search needs at least {FUZZY_MIN_LENGTH} characters", ["query"])
    max_page = FUZZY_LIMIT if mode is CustomerLookupMode.FUZZY else None
    if len(text) > LOOKUP_MAX_LENGTH:
        return CustomerSearch(tenant_customers.filter(id__in=[]), max_page)
    if mode is CustomerLookupMode.EXACT:
        match = Q(name__iexact=text) | Q(email__iexact=text) | Q(external_ref=text)
        phone = _as_phone(text)
        if phone is not None:
            match |= Q(phone=phone)
    else:
        match = Q(name__icontains=text) | Q(phone__icontains=text) | Q(email__icontains=text)
    return CustomerSearch(tenant_customers.filter(match), max_page)


def _as_phone(text: str) -> str | None:
    """The text as a stored phone number, or None when it cannot be one."""
    try:
        return clean_phone(text, ["query"])
    except FlowError:
        return None


async def customer_tickets(
    actor: Actor, customer_id: int, reach: Reach | None = None
) -> QuerySet[Ticket]:
    """A customer's history: only the tickets the caller may see, like every ticket list.

    The tenant is in the visibility rule, so another tenant's customer shows nothing."""
    return (await visible_tickets(actor, reach)).filter(customer_id=customer_id)
