"""GraphQL types, inputs and payloads of customers and contacts."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from workorder.dataloaders.customers.loaders import CustomerLoaders
from workorder.flows.customers.accounts import customer_tickets
from workorder.models import Contact, Customer, CustomerKind, CustomerLookupMode
from workorder.schema.context import Context, Info
from workorder.schema.errors import UserError
from workorder.schema.node import Node, to_global_id
from workorder.schema.pagination import Connection, paginate

if TYPE_CHECKING:
    from workorder.schema.customers.tickets import CustomerTicketConnection

CustomerKindEnum = strawberry.enum(CustomerKind, name="CustomerKind")
CustomerLookupModeEnum = strawberry.enum(
    CustomerLookupMode,
    name="CustomerLookupMode",
    description=(
        "How a customer search matches. EXACT: the whole name or e-mail (any case), the phone"
        " number or the external reference. FUZZY: part of the name, phone or e-mail; at least"
        " 2 characters, at most 10 customers a page."
    ),
)


def customer_loaders(context: Context) -> CustomerLoaders:
    """The request's customer loaders (kept on the context)."""
    return context.customers


@strawberry.type(name="Customer", description="An account: an organisation or a person.")
class CustomerType(Node):
    model: strawberry.Private[Customer]
    kind: CustomerKindEnum  # type: ignore[valid-type]
    name: str
    phone: str | None
    email: str | None
    external_ref: str | None = strawberry.field(
        description="The customer's id in another system (CRM, billing)."
    )
    notes: str
    created_at: datetime

    @classmethod
    def of(cls, customer: Customer) -> CustomerType:
        return cls(
            model=customer,
            id=to_global_id("Customer", customer.id),
            kind=CustomerKind(customer.kind),
            name=customer.name,
            phone=customer.phone,
            email=customer.email,
            external_ref=customer.external_ref,
            notes=customer.notes,
            created_at=customer.created_at,
        )

    @strawberry.field(description="The customer's contacts, by name.")
    async def contacts(self, info: Info) -> list[ContactType]:
        rows = await customer_loaders(info.context).contacts_of.load(self.model.id)
        return [ContactType.of(c) for c in rows]

    @strawberry.field(description="The customer's history: the tickets you may see, newest first.")
    async def tickets(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Annotated[CustomerTicketConnection, strawberry.lazy("workorder.schema.customers.tickets")]:
        # Imported here: the ticket types import this module for Ticket.customer.
        from workorder.schema.customers.tickets import CustomerTicketConnection
        from workorder.schema.tickets.types import TicketType

        context = info.context
        rows = await customer_tickets(context.require_actor(), self.model.id, await context.reach())
        # Ticket ids are issued in creation order and created_at is only ever set on insert,
        # so id order is created_at order with a cursor that stays a plain number.
        return await paginate(
            rows,
            lambda ticket: TicketType.of(ticket, context),
            CustomerTicketConnection,
            first=first,
            after=after,
            descending=True,
        )


@strawberry.type(name="Contact", description="A person who calls, chats or writes.")
class ContactType(Node):
    model: strawberry.Private[Contact]
    name: str
    phone: str | None
    email: str | None

    @classmethod
    def of(cls, contact: Contact) -> ContactType:
        return cls(
            model=contact,
            id=to_global_id("Contact", contact.id),
            name=contact.name,
            phone=contact.phone,
            email=contact.email,
        )

    @strawberry.field(description="The account the contact belongs to, if any.")
    async def customer(self, info: Info) -> CustomerType | None:
        if self.model.customer_id is None:
            return None
        customer = await customer_loaders(info.context).customer.load(self.model.customer_id)
        return CustomerType.of(customer) if customer else None


@strawberry.type(name="CustomerConnection")
class CustomerConnection(Connection[CustomerType]):
    pass


@strawberry.type(name="ContactConnection")
class ContactConnection(Connection[ContactType]):
    pass


@strawberry.input
class CreateCustomerInput:
    name: str
    kind: CustomerKindEnum = CustomerKind.INDIVIDUAL  # type: ignore[valid-type]
    phone: str | None = None
    email: str | None = None
    external_ref: str | None = None
    notes: str = ""


@strawberry.input(description="Fields left out keep their stored value; null clears.")
class UpdateCustomerInput:
    id: strawberry.ID
    kind: CustomerKindEnum | None = strawberry.UNSET  # type: ignore[valid-type]
    name: str | None = strawberry.UNSET
    phone: str | None = strawberry.UNSET
    email: str | None = strawberry.UNSET
    external_ref: str | None = strawberry.UNSET
    notes: str | None = strawberry.UNSET


@strawberry.input
class CreateContactInput:
    name: str
    customer_id: strawberry.ID | None = None
    phone: str | None = None
    email: str | None = None


@strawberry.input(description="Fields left out keep their stored value; null clears.")
class UpdateContactInput:
    id: strawberry.ID
    name: str | None = strawberry.UNSET
    customer_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="Null detaches the contact from its customer."
    )
    phone: str | None = strawberry.UNSET
    email: str | None = strawberry.UNSET


@strawberry.type
class CustomerPayload:
    customer: CustomerType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class CreateCustomerPayload(CustomerPayload):
    pass


@strawberry.type
class UpdateCustomerPayload(CustomerPayload):
    pass


@strawberry.type
class ContactPayload:
    contact: ContactType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class CreateContactPayload(ContactPayload):
    pass


@strawberry.type
class UpdateContactPayload(ContactPayload):
    pass
