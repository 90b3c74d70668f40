"""Root fields of customers and contacts."""

from __future__ import annotations

import strawberry

from workorder.auth.customers import NAMING_NOTE, RULE_NOTE
from workorder.resolvers.customers import accounts as customer_resolvers
from workorder.schema.customers.types import (
    ContactConnection,
    CreateContactPayload,
    CreateCustomerPayload,
    CustomerConnection,
    UpdateContactPayload,
    UpdateCustomerPayload,
)
from workorder.schema.permissions import authenticated


@strawberry.type
class CustomerQuery:
    customers: CustomerConnection = strawberry.field(
        resolver=customer_resolvers.customers_query,
        extensions=authenticated(),
        description=(
            "Customers by name that the query matches (mode left out: the tenant's setting)."
            " A FUZZY query needs 2 characters (else an INVALID error) and shows at most 10"
            " customers a page (at most 10 in all for anyone but an administrator). " + RULE_NOTE
        ),
    )
    contacts: ContactConnection = strawberry.field(
        resolver=customer_resolvers.contacts_query,
        extensions=authenticated(),
        description="Contacts by name, optionally of one customer, found like customers. "
        + RULE_NOTE,
    )


@strawberry.type
class CustomerMutation:
    create_customer: CreateCustomerPayload = strawberry.mutation(
        resolver=customer_resolvers.create_customer,
        extensions=authenticated(),
        description="Add a customer (an organisation or a person) to the tenant's customer book. "
        "Needs write access.",
    )
    update_customer: UpdateCustomerPayload = strawberry.mutation(
        resolver=customer_resolvers.update_customer,
        extensions=authenticated(),
        description="Change a customer's details; fields left out keep their value. Needs write "
        "access. " + NAMING_NOTE,
    )
    create_contact: CreateContactPayload = strawberry.mutation(
        resolver=customer_resolvers.create_contact,
        extensions=authenticated(),
        description="Add a contact person, optionally of a customer. Needs write access. "
        + NAMING_NOTE,
    )
    update_contact: UpdateContactPayload = strawberry.mutation(
        resolver=customer_resolvers.update_contact,
        extensions=authenticated(),
        description="Change a contact's details; fields left out keep their value. Needs write "
        "access. " + NAMING_NOTE,
    )
