"""Customers and contacts: queries, lookup and mutations, translated to flows/customers."""

from __future__ import annotations

from typing import Annotated

import strawberry

from workorder.flows.customers import accounts as customers
from workorder.ids import pk_of
from workorder.models import Contact, Customer
from workorder.resolvers.arguments import decode_id, decode_optional_id, keep_or, not_null
from workorder.resolvers.payloads import mutate
from workorder.schema.context import Info
from workorder.schema.customers.types import (
    ContactConnection,
    ContactType,
    CreateContactInput,
    CreateContactPayload,
    CreateCustomerInput,
    CreateCustomerPayload,
    CustomerConnection,
    CustomerLookupModeEnum,
    CustomerType,
    UpdateContactInput,
    UpdateContactPayload,
    UpdateCustomerInput,
    UpdateCustomerPayload,
)
from workorder.schema.pagination import AfterArg, BeforeArg, FirstArg, LastArg, paginate


async def customers_query(
    info: Info,
    query: Annotated[
        str | None,
        strawberry.argument(
            description="Name, phone, e-mail or external reference to look up. Left out or"
            " blank: every customer for an administrator, an INVALID error for anyone else."
        ),
    ] = None,
    mode: Annotated[
        CustomerLookupModeEnum | None,  # type: ignore[valid-type]
        strawberry.argument(
            description="EXACT or FUZZY; left out: the tenant's setting. In an EXACT tenant"
            " only administrators may ask for FUZZY (else a FORBIDDEN error)."
        ),
    ] = None,
    first: Annotated[
        int | None,
        strawberry.argument(
            description="Page size: at most 100; 20 when left out. FUZZY: at most 10."
        ),
    ] = None,
    after: AfterArg = None,
    last: LastArg = None,
    before: BeforeArg = None,
) -> CustomerConnection:
    """A bad query (one letter, fuzzy) is a top-level INVALID error, like a bad cursor."""
    found = await customers.find_customers(info.context.require_actor(), query, mode)
    return await paginate(
        found.rows,
        CustomerType.of,
        CustomerConnection,
        first=found.page_size(first) if last is None else first,
        after=after,
        last=last if last is None else found.page_size(last),
        before=before,
        key="name",
    )


async def contacts_query(
    info: Info,
    customer_id: Annotated[
        strawberry.ID | None,
        strawberry.argument(description="Only this customer's contacts; left out: every contact."),
    ] = None,
    search: Annotated[
        str | None,
        strawberry.argument(
            description="Looked up in the tenant's mode, as customers(query:) without a mode."
            " Left out: an administrator's condition-free list; anyone else must give a search"
            " or the id of a customer on a ticket they see."
        ),
    ] = None,
    first: FirstArg = None,
    after: AfterArg = None,
    last: LastArg = None,
    before: BeforeArg = None,
) -> ContactConnection:
    """An id that is not a customer of the caller's tenant simply matches no contact."""
    context = info.context
    found = await customers.find_contacts(
        context.require_actor(),
        search,
        None if customer_id is None else pk_of(customer_id, "Customer") or 0,
        await context.reach(),
    )
    return await paginate(
        found.rows,
        ContactType.of,
        ContactConnection,
        first=found.page_size(first) if last is None else first,
        after=after,
        last=last if last is None else found.page_size(last),
        before=before,
        key="name",
    )


async def create_customer(
    info: Info,
    input: Annotated[
        CreateCustomerInput, strawberry.argument(description="The new customer's details.")
    ],
) -> CreateCustomerPayload:
    actor = info.context.require_actor()
    return await mutate(
        CreateCustomerPayload,
        lambda: customers.create_customer(
            actor,
            input.kind,
            input.name,
            phone=input.phone,
            email=input.email,
            external_ref=input.external_ref,
            notes=input.notes,
        ),
        lambda c: CreateCustomerPayload(customer=CustomerType.of(c)),
    )


async def update_customer(
    info: Info,
    input: Annotated[
        UpdateCustomerInput,
        strawberry.argument(description="The customer and the details to change."),
    ],
) -> UpdateCustomerPayload:
    actor = info.context.require_actor()

    async def action() -> Customer:
        return await customers.update_customer(
            actor,
            decode_id(input.id, "Customer", ["id"]),
            kind=not_null(input.kind, "kind"),
            name=not_null(input.name, "name"),
            phone=keep_or(input.phone, str),
            email=keep_or(input.email, str),
            external_ref=keep_or(input.external_ref, str),
            notes=not_null(input.notes, "notes"),
        )

    return await mutate(
        UpdateCustomerPayload,
        action,
        lambda c: UpdateCustomerPayload(customer=CustomerType.of(c)),
    )


async def create_contact(
    info: Info,
    input: Annotated[
        CreateContactInput,
        strawberry.argument(
            description="The new contact's details and, optionally, their customer."
        ),
    ],
) -> CreateContactPayload:
    actor = info.context.require_actor()

    async def action() -> Contact:
        return await customers.create_contact(
            actor,
            input.name,
            customer_id=decode_optional_id(input.customer_id, "Customer", ["customerId"]),
            phone=input.phone,
            email=input.email,
        )

    return await mutate(
        CreateContactPayload,
        action,
        lambda c: CreateContactPayload(contact=ContactType.of(c)),
    )


async def update_contact(
    info: Info,
    input: Annotated[
        UpdateContactInput,
        strawberry.argument(description="The contact and the details to change."),
    ],
) -> UpdateContactPayload:
    actor = info.context.require_actor()

    async def action() -> Contact:
        return await customers.update_contact(
            actor,
            decode_id(input.id, "Contact", ["id"]),
            name=not_null(input.name, "name"),
            customer_id=keep_or(
                input.customer_id, lambda g: decode_id(g, "Customer", ["customerId"])
            ),
            phone=keep_or(input.phone, str),
            email=keep_or(input.email, str),
        )

    return await mutate(
        UpdateContactPayload,
        action,
        lambda c: UpdateContactPayload(contact=ContactType.of(c)),
    )
