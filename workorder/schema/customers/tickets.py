"""The connection of a customer's tickets, apart from customers.py because the ticket types
import the customer types: Customer.tickets refers to it lazily."""

from __future__ import annotations

import strawberry

from workorder.schema.pagination import Connection
from workorder.schema.tickets.types import TicketType


@strawberry.type(
    name="CustomerTicketConnection", description="A page of a customer's tickets, newest first."
)
class CustomerTicketConnection(Connection[TicketType]):
    pass
