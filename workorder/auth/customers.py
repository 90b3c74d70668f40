"""Who sees a customer's record: the one rule behind every path that can show one.

A customer's record (name, phone, e-mail, account number, notes) and a contact's are the
business's own book; the tenant's lookup mode says how much of it a person taking calls may
reach (seed 003, "Service Staff Query Type ... preventing business information from leaking").

- Administrators keep the whole book: any mode they ask for, the full list without a query,
  fuzzy pages beyond the first ten. They set the mode (the tenant settings) and are the ones
  the tenant trusts with the book.
- Everyone else (agents and supervisors alike: a supervisor takes calls and can walk off
  with a list just as well) sees a customer or a contact only
  * on a ticket they may see (the ticket shows its customer and contact; from there the
    customer's contacts, a contact's account and the customer's visible tickets follow), or
  * as the answer to a lookup in the tenant's mode (EXACT may always be asked for: it is
    never wider; FUZZY in an EXACT tenant is refused): EXACT matches the whole
    name or e-mail (case ignored), the whole phone number or the whole account number
    (external reference); FUZZY matches part of a name, phone or e-mail, needs
    FUZZY_MIN_LENGTH characters and shows at most FUZZY_LIMIT records in all. A lookup
    without a query is refused: there is no list of the whole book for them.
- `node(id:)` gives no query, so for them it answers only customers and contacts on a ticket
  they see; ticket lists filtered by a customer or searched by a customer's name only ever
  narrow the tickets they see, so they show nothing more.
- Naming a record by id on a write path (`updateCustomer`, `createContact(customerId:)`,
  `updateContact`, `createTicket(customerId:, contactId:)`) shows it too (the payload, then
  the ticket), so it takes what seeing does (`named_customer`, `named_contact`): a record on
  a ticket they see, one they created, or one a lookup showed them within GRANT_HOURS (the
  call-center's "find the caller by the exact number, file the ticket"; "new caller: add the
  customer, file the ticket"); a contact also when its customer may be named. Anything else
  is NOT_FOUND, word for word the answer for an id that does not exist.

Phone numbers are stored as typed; a lookup compares digits only (everything but 0-9 dropped
on both sides: the indexed `phone_digits` column, kept by the models), so "+1 (555) 0100"
finds "+1 555 0100" but "555 0100" does not. Text is trimmed first; names and e-mails ignore
case; an account number is compared as typed.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Final, cast

from tortoise.expressions import Q, Subquery

from workorder.auth.actor import Actor
from workorder.auth.visibility import Reach, visible_tickets
from workorder.clock import now
from workorder.errors import ErrorCode, FlowError, invalid, not_found
from workorder.models import (
    Contact,
    Customer,
    CustomerGrant,
    CustomerLookupMode,
    Tenant,
    digits_of,
)

# A fuzzy search is a pick list for the caller on the line: one letter would match half the
# book, and more than ten hits means the agent should type more, not scroll.
FUZZY_MIN_LENGTH: Final = 2
FUZZY_LIMIT: Final = 10
# No column compared by a lookup is longer (e-mail: 254), so longer text cannot match.
LOOKUP_MAX_LENGTH: Final = 254
# Fewer digits than this are no phone number (clean_phone stores at least 3 characters).
_PHONE_MIN_DIGITS: Final = 3
_PHONE_TEXT = re.compile(r"^[0-9 +\-().]+$")
# A lookup's answer may be named by id for a shift: long enough to file the ticket, add a
# contact or correct the number after the call, not a standing licence to the book.
GRANT_HOURS: Final = 12

RULE_NOTE: Final = (
    "Administrators see every customer. Everyone else sees a customer or contact only on a "
    "ticket they may see, or as the answer to a lookup in the tenant's mode (EXACT: the whole "
    "name, e-mail, phone number or account number; FUZZY: at least 2 characters, at most 10 "
    "results); a lookup without a query, or FUZZY in an EXACT tenant, is refused."
)
NAMING_NOTE: Final = (
    "Anyone but an administrator names by id only a customer or contact on a ticket they "
    f"may see, one they created, or one a lookup showed them in the last {GRANT_HOURS} hours "
    "(a contact also when its customer is such); any other id is NOT_FOUND, as one that does "
    "not exist."
)


@dataclass(frozen=True, slots=True)
class Lookup:
    """What a caller's lookup may match: `text` in `mode`, or (mode None) every record."""

    mode: CustomerLookupMode | None
    text: str
    # At most this many records in all (None: as many as match, paged as usual).
    limit: int | None = None
    # At most this many a page (None: the page asked for).
    max_page: int | None = None

    def page_size(self, first: int | None) -> int | None:
        """The page asked for, cut to the lookup's bound; None leaves the default page."""
        if self.max_page is None:
            return first
        return self.max_page if first is None else min(first, self.max_page)


def keeps_directory(actor: Actor) -> bool:
    """Whether the caller may list and search the whole customer book."""
    return actor.is_admin


async def tenant_mode(tenant_id: int) -> CustomerLookupMode:
    """The tenant's lookup mode, read without loading the whole row."""
    tenant = await Tenant.filter(id=tenant_id).only("id", "customer_lookup_mode").first()
    return CustomerLookupMode(tenant.customer_lookup_mode) if tenant else CustomerLookupMode.FUZZY


async def lookup_for(
    actor: Actor, text: str | None, mode: CustomerLookupMode | None, field: str = "query"
) -> Lookup:
    """The lookup the caller may run for this text and mode, or the typed refusal.

    INVALID (on `field`): no text for someone without the directory, or a fuzzy text shorter
    than FUZZY_MIN_LENGTH. FORBIDDEN (on mode): FUZZY in an EXACT tenant, asked by someone
    bound to the tenant's mode. Nothing is read but the tenant's mode."""
    text = (text or "").strip()
    directory = keeps_directory(actor)
    if mode is not None:
        try:
            mode = CustomerLookupMode(mode)
        except ValueError as exc:
            raise invalid("Lookup mode must be EXACT or FUZZY", ["mode"]) from exc
    if not text:
        if directory:
            return Lookup(mode=None, text="")
        raise invalid(
            "Give the whole name, phone number, e-mail or account number to look up"
            " (only administrators list every customer)",
            [field],
        )
    tenants = await tenant_mode(actor.tenant_id)
    if not directory and mode is CustomerLookupMode.FUZZY and tenants is CustomerLookupMode.EXACT:
        raise FlowError(
            ErrorCode.FORBIDDEN,
            f"This tenant looks customers up {tenants.value} only; only administrators"
            f" may use {mode.value}",
            ["mode"],
        )
    mode = mode or tenants
    if mode is CustomerLookupMode.FUZZY:
        if len(text) < FUZZY_MIN_LENGTH:
            raise invalid(f"A fuzzy search needs at least {FUZZY_MIN_LENGTH} characters", [field])
        if directory:
            return Lookup(mode=mode, text=text, max_page=FUZZY_LIMIT)
        return Lookup(mode=mode, text=text, limit=FUZZY_LIMIT, max_page=FUZZY_LIMIT)
    return Lookup(mode=mode, text=text)


def phone_digits(text: str) -> str | None:
    """The digits of a text that can be a whole phone number, else None."""
    if not _PHONE_TEXT.match(text):
        return None
    digits = digits_of(text)
    return digits if digits is not None and len(digits) >= _PHONE_MIN_DIGITS else None


async def _matching(model: type[Customer] | type[Contact], tenant_id: int, lookup: Lookup) -> Q:
    """The records of `model` the lookup matches (of one tenant)."""
    if lookup.mode is None:
        return Q()
    text = lookup.text
    if len(text) > LOOKUP_MAX_LENGTH:
        return Q(id__in=[])
    if lookup.mode is CustomerLookupMode.FUZZY:
        return Q(name__icontains=text) | Q(phone__icontains=text) | Q(email__icontains=text)
    digits = phone_digits(text)
    if digits is not None:
        # Text that can be a phone number has no letter and no '@': case cannot matter and
        # no e-mail can match, so each column is one equality on its (tenant, column) index
        # (migration 0015), asked apart: an OR of them lets the planners scan the tenant.
        columns = ["phone_digits", "name", *(["external_ref"] if model is Customer else [])]
        ids: set[int] = set()
        for column in columns:
            value = digits if column == "phone_digits" else text
            found = model.filter(tenant_id=tenant_id, **{column: value})
            ids.update(cast(list[int], await found.values_list("id", flat=True)))
        return Q(id__in=sorted(ids))
    match = Q(name__iexact=text) | Q(email__iexact=text)
    if model is Customer:
        match |= Q(external_ref=text)
    return match


async def customers_matching(actor: Actor, lookup: Lookup) -> Q:
    return await _matching(Customer, actor.tenant_id, lookup)


async def contacts_matching(actor: Actor, lookup: Lookup) -> Q:
    return await _matching(Contact, actor.tenant_id, lookup)


async def known_customers(actor: Actor, reach: Reach | None = None) -> Q:
    """Customers the caller sees without a lookup: every one for the directory, else those
    on a ticket the caller may see."""
    if keeps_directory(actor):
        return Q()
    tickets = await visible_tickets(actor, reach)
    return Q(id__in=Subquery(tickets.filter(customer_id__not_isnull=True).values("customer_id")))


async def known_contacts(actor: Actor, reach: Reach | None = None) -> Q:
    """Contacts the caller sees without a lookup: every one for the directory, else those on
    a ticket the caller may see and those of a customer on such a ticket."""
    if keeps_directory(actor):
        return Q()
    tickets = await visible_tickets(actor, reach)
    on_tickets = tickets.filter(contact_id__not_isnull=True).values("contact_id")
    of_customers = tickets.filter(customer_id__not_isnull=True).values("customer_id")
    return Q(id__in=Subquery(on_tickets)) | Q(customer_id__in=Subquery(of_customers))


async def nameable_customers(actor: Actor, reach: Reach | None = None) -> Q:
    """Customers the caller may name by id on a write path: those they see without a lookup,
    those they created, and those a lookup showed them within GRANT_HOURS."""
    if keeps_directory(actor):
        return Q()
    shown = CustomerGrant.filter(
        user_id=actor.user_id, customer_id__not_isnull=True, until__gt=now()
    ).values("customer_id")
    return (
        await known_customers(actor, reach)
        | Q(created_by_id=actor.user_id)
        | Q(id__in=Subquery(shown))
    )


async def nameable_contacts(actor: Actor, reach: Reach | None = None) -> Q:
    """Contacts the caller may name by id: as for customers, and every contact of a customer
    they may name (the customer's record lists its contacts)."""
    if keeps_directory(actor):
        return Q()
    shown = CustomerGrant.filter(
        user_id=actor.user_id, contact_id__not_isnull=True, until__gt=now()
    ).values("contact_id")
    customers = Customer.filter(
        await nameable_customers(actor, reach), tenant_id=actor.tenant_id
    ).values("id")
    return (
        await known_contacts(actor, reach)
        | Q(created_by_id=actor.user_id)
        | Q(id__in=Subquery(shown))
        | Q(customer_id__in=Subquery(customers))
    )


async def named_customer(
    actor: Actor, customer_id: int, field: Sequence[str], reach: Reach | None = None
) -> Customer:
    """The customer an id names on a write path, if the caller may name it; NOT_FOUND (as for
    an id that does not exist, or another tenant's) otherwise."""
    nameable = await nameable_customers(actor, reach)
    customer = await Customer.filter(nameable, tenant_id=actor.tenant_id, id=customer_id).first()
    if customer is None:
        raise not_found("Customer", field)
    return customer


async def named_contact(
    actor: Actor, contact_id: int, field: Sequence[str], reach: Reach | None = None
) -> Contact:
    """The contact an id names on a write path, by the rule of named_customer."""
    nameable = await nameable_contacts(actor, reach)
    contact = await Contact.filter(nameable, tenant_id=actor.tenant_id, id=contact_id).first()
    if contact is None:
        raise not_found("Contact", field)
    return contact


async def remember_shown(
    actor: Actor, customer_ids: Collection[int] = (), contact_ids: Collection[int] = ()
) -> None:
    """Let the caller name what a lookup just showed them for GRANT_HOURS (the administrators
    need no licence); their lapsed ones are dropped on the way, so the table stays small."""
    if keeps_directory(actor) or not (customer_ids or contact_ids):
        return
    at = now()
    until = at + timedelta(hours=GRANT_HOURS)
    await CustomerGrant.filter(user_id=actor.user_id, until__lte=at).delete()
    for column, ids in (("customer_id", set(customer_ids)), ("contact_id", set(contact_ids))):
        if not ids:
            continue
        mine = CustomerGrant.filter(user_id=actor.user_id, **{f"{column}__in": sorted(ids)})
        held = set(await mine.values_list(column, flat=True))
        if held:
            await mine.update(until=until)
        await CustomerGrant.bulk_create(
            [
                CustomerGrant(user_id=actor.user_id, until=until, **{column: pk})
                for pk in sorted(ids - held)
            ]
        )
