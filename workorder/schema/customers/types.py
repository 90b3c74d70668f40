"""GraphQL types, inputs and payloads of customers and contacts."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from workorder.auth.customers import RULE_NOTE
from workorder.dataloaders.customers.loaders import CustomerLoaders
from workorder.flows.customers.accounts import customer_tickets
from workorder.models import Contact, Customer, CustomerKind, CustomerLookupMode
from workorder.schema.context import Context, Info
from workorder.schema.describe import described_enum
from workorder.schema.errors import UserError
from workorder.schema.node import Node, to_global_id
from workorder.schema.pagination import AfterArg, BeforeArg, Connection, FirstArg, LastArg, paginate

if TYPE_CHECKING:
    from workorder.schema.customers.tickets import CustomerTicketConnection

CustomerKindEnum = strawberry.enum(
    CustomerKind, name="CustomerKind", description="Whether a customer is a company or a person."
)
described_enum(
    CustomerKindEnum,
    {
        CustomerKind.ORGANIZATION: "A company or other organisation, with contact persons.",
        CustomerKind.INDIVIDUAL: "A private person (the default).",
    },
)
CustomerLookupModeEnum = strawberry.enum(
    CustomerLookupMode,
    name="CustomerLookupMode",
    description=(
        "How a customer search matches. EXACT: the whole name or e-mail (any case), the whole"
        " phone number (digits compared; spaces, + - ( ) ignored) or the external reference."
        " FUZZY: part of the name, phone or e-mail; at least 2 characters, at most 10 customers"
        " a page. The tenant's mode binds everyone but administrators."
    ),
)
described_enum(
    CustomerLookupModeEnum,
    {
        CustomerLookupMode.EXACT: "For a number or address a phone system or mail gateway "
        "hands over: the whole name or e-mail (any case), the whole phone number (digits "
        "compared), or the external reference.",
        CustomerLookupMode.FUZZY: "For an agent typing: part of the name, phone or e-mail; at "
        "least 2 characters, a short pick list (at most 10 a page).",
    },
)


def customer_loaders(context: Context) -> CustomerLoaders:
    """The request's customer loaders (kept on the context)."""
    return context.customers


@strawberry.type(
    name="Customer", description="An account: an organisation or a person. " + RULE_NOTE
)
class CustomerType(Node):
    model: strawberry.Private[Customer]
    kind: CustomerKindEnum = strawberry.field(  # type: ignore[valid-type]
        description="An organisation or a person."
    )
    name: str = strawberry.field(description="The customer's name.")
    phone: str | None = strawberry.field(description="The phone number, as typed; null: none.")
    email: str | None = strawberry.field(description="The e-mail address; null: none.")
    external_ref: str | None = strawberry.field(
        description="The customer's id in another system (CRM, billing)."
    )
    notes: str = strawberry.field(description="Free notes about the customer; may be empty.")
    created_at: datetime = strawberry.field(description="When the customer was added.")

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

    @strawberry.field(description="The customer's contacts, by name (seen with the customer).")
    async def contacts(self, info: Info) -> list[ContactType]:
        rows = await customer_loaders(info.context).contacts_of.load(self.model.id)
        return [ContactType.of(c) for c in rows]

    @strawberry.field(description="The customer's history: the tickets you may see, newest first.")
    async def tickets(
        self,
        info: Info,
        first: FirstArg = None,
        after: AfterArg = None,
        last: LastArg = None,
        before: BeforeArg = None,
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
            last=last,
            before=before,
            descending=True,
        )


@strawberry.type(name="Contact", description="A person who calls, chats or writes. " + RULE_NOTE)
class ContactType(Node):
    model: strawberry.Private[Contact]
    name: str = strawberry.field(description="The person's name.")
    phone: str | None = strawberry.field(description="The phone number, as typed; null: none.")
    email: str | None = strawberry.field(description="The e-mail address; null: none.")

    @classmethod
    def of(cls, contact: Contact) -> ContactType:
        return cls(
            model=contact,
            id=to_global_id("Contact", contact.id),
            name=contact.name,
            phone=contact.phone,
            email=contact.email,
        )

    @strawberry.field(
        description="The account the contact belongs to, if any: seen with the contact (the "
        "caller matched, or on a ticket you see), as a ticket is filed under it."
    )
    async def customer(self, info: Info) -> CustomerType | None:
        if self.model.customer_id is None:
            return None
        customer = await customer_loaders(info.context).customer.load(self.model.customer_id)
        return CustomerType.of(customer) if customer else None


@strawberry.type(name="CustomerConnection", description="A page of customers.")
class CustomerConnection(Connection[CustomerType]):
    pass


@strawberry.type(name="ContactConnection", description="A page of contacts.")
class ContactConnection(Connection[ContactType]):
    pass


@strawberry.input(description="A new customer.")
class CreateCustomerInput:
    name: str = strawberry.field(description="1 to 200 characters (trimmed).")
    kind: CustomerKindEnum = strawberry.field(  # type: ignore[valid-type]
        default=CustomerKind.INDIVIDUAL, description="INDIVIDUAL by default."
    )
    phone: str | None = strawberry.field(
        default=None,
        description="3 to 50 digits, spaces and + - ( ), kept as typed; blank or null: none.",
    )
    email: str | None = strawberry.field(
        default=None, description="An e-mail address; blank or null: none."
    )
    external_ref: str | None = strawberry.field(
        default=None,
        description="The customer's id in another system (at most 100 characters); null: none.",
    )
    notes: str = strawberry.field(default="", description="Free notes; at most 10000 characters.")


@strawberry.input(description="Fields left out keep their stored value; null clears.")
class UpdateCustomerInput:
    id: strawberry.ID = strawberry.field(description="The customer.")
    kind: CustomerKindEnum | None = strawberry.field(  # type: ignore[valid-type]
        default=strawberry.UNSET, description="The new kind; null is refused."
    )
    name: str | None = strawberry.field(
        default=strawberry.UNSET, description="The new name, 1 to 200 characters; null is refused."
    )
    phone: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="3 to 50 digits, spaces and + - ( ), kept as typed; blank or null: none.",
    )
    email: str | None = strawberry.field(
        default=strawberry.UNSET, description="An e-mail address; blank or null: none."
    )
    external_ref: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="The customer's id in another system (at most 100 characters); null: none.",
    )
    notes: str | None = strawberry.field(
        default=strawberry.UNSET, description="Free notes; at most 10000 characters."
    )


@strawberry.input(description="A new contact person.")
class CreateContactInput:
    name: str = strawberry.field(description="1 to 200 characters (trimmed).")
    customer_id: strawberry.ID | None = strawberry.field(
        default=None, description="The customer they belong to; null: none."
    )
    phone: str | None = strawberry.field(
        default=None,
        description="3 to 50 digits, spaces and + - ( ), kept as typed; blank or null: none.",
    )
    email: str | None = strawberry.field(
        default=None, description="An e-mail address; blank or null: none."
    )


@strawberry.input(description="Fields left out keep their stored value; null clears.")
class UpdateContactInput:
    id: strawberry.ID = strawberry.field(description="The contact.")
    name: str | None = strawberry.field(
        default=strawberry.UNSET, description="The new name, 1 to 200 characters; null is refused."
    )
    customer_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="Null detaches the contact from its customer."
    )
    phone: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="3 to 50 digits, spaces and + - ( ), kept as typed; blank or null: none.",
    )
    email: str | None = strawberry.field(
        default=strawberry.UNSET, description="An e-mail address; blank or null: none."
    )


@strawberry.type
class CustomerPayload:
    customer: CustomerType | None = strawberry.field(
        default=None, description="The customer as stored; null when errors."
    )
    errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why nothing changed; empty on success."
    )


@strawberry.type(description="The result of createCustomer.")
class CreateCustomerPayload(CustomerPayload):
    pass


@strawberry.type(description="The result of updateCustomer.")
class UpdateCustomerPayload(CustomerPayload):
    pass


@strawberry.type
class ContactPayload:
    contact: ContactType | None = strawberry.field(
        default=None, description="The contact as stored; null when errors."
    )
    errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why nothing changed; empty on success."
    )


@strawberry.type(description="The result of createContact.")
class CreateContactPayload(ContactPayload):
    pass


@strawberry.type(description="The result of updateContact.")
class UpdateContactPayload(ContactPayload):
    pass
