"""Presence on a ticket: who has it open and who is editing it (the `ticketViewers`
subscription and the `setTicketEditing` mutation)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import strawberry

from workorder.schema.errors import UserError
from workorder.schema.node import to_global_id
from workorder.subscriptions.messages import Viewer


@strawberry.type(
    name="TicketViewer",
    description="Someone with the ticket open: once however many windows they have, on "
    "whichever server.",
)
class TicketViewerType:
    user_id: strawberry.ID = strawberry.field(description="The viewer's User id.")
    name: str = strawberry.field(
        description="Their display name (their username when they have none)."
    )
    editing: bool = strawberry.field(
        description="True while they are editing it (in any of their windows)."
    )
    since: datetime = strawberry.field(description="Since when they have had it open.")

    @classmethod
    def of(cls, viewer: Viewer) -> TicketViewerType:
        return cls(
            user_id=to_global_id("User", viewer.user_id),
            name=viewer.name,
            editing=viewer.editing,
            since=viewer.since,
        )


@strawberry.type(
    name="TicketViewers",
    description="Everyone who has the ticket open right now, you included.",
)
class TicketViewersType:
    ticket_id: strawberry.ID = strawberry.field(description="The ticket's id.")
    viewers: list[TicketViewerType] = strawberry.field(
        description="Oldest first: one entry per user."
    )

    @classmethod
    def of(cls, ticket_id: int, viewers: Sequence[Viewer]) -> TicketViewersType:
        return cls(
            ticket_id=to_global_id("Ticket", ticket_id),
            viewers=[TicketViewerType.of(v) for v in viewers],
        )


@strawberry.input(description="Say whether you are editing a ticket you have open.")
class SetTicketEditingInput:
    ticket_id: strawberry.ID = strawberry.field(description="The ticket you have open.")
    editing: bool = strawberry.field(
        description="True when you start editing it, false when you stop."
    )


@strawberry.type(description="What `setTicketEditing` did.")
class SetTicketEditingPayload:
    editing: bool | None = strawberry.field(
        default=None,
        description="The flag now told to the ticket's viewers (null when refused). It "
        "applies to every window in which you have the ticket open (`ticketViewers`); with "
        "none, it changes nothing.",
    )
    errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why nothing changed."
    )
