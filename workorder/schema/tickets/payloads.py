"""Payloads of the ticket mutations: the ticket as it now stands, or the errors."""

from __future__ import annotations

import strawberry

from workorder.schema.errors import UserError
from workorder.schema.tickets.related import InteractionType
from workorder.schema.tickets.types import TicketType


@strawberry.type
class TicketPayload:
    ticket: TicketType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class LogInteractionPayload:
    interaction: InteractionType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class SubmitSurveyPayload:
    ok: bool = False
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class MarkNotificationsReadPayload:
    count: int = 0
    unread: int = 0
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class CreateTicketPayload(TicketPayload):
    pass


@strawberry.type
class SubmitTicketPayload(TicketPayload):
    pass


@strawberry.type
class SaveTicketPayload(TicketPayload):
    pass


@strawberry.type
class ClaimTicketPayload(TicketPayload):
    pass


@strawberry.type
class AssignTicketPayload(TicketPayload):
    pass


@strawberry.type
class ForwardTicketPayload(TicketPayload):
    pass


@strawberry.type
class ReturnTicketPayload(TicketPayload):
    pass


@strawberry.type
class TransferTicketPayload(TicketPayload):
    pass


@strawberry.type
class UrgeTicketPayload(TicketPayload):
    pass


@strawberry.type
class AddTicketNotePayload(TicketPayload):
    pass


@strawberry.type
class CloseTicketPayload(TicketPayload):
    pass


@strawberry.type
class ReopenTicketPayload(TicketPayload):
    pass


@strawberry.type
class VoidTicketPayload(TicketPayload):
    pass


@strawberry.type
class DeleteTicketPayload(TicketPayload):
    pass


@strawberry.type
class ChangeTicketOwnerPayload(TicketPayload):
    pass


@strawberry.type
class AddTicketTeamMemberPayload(TicketPayload):
    pass


@strawberry.type
class RemoveTicketTeamMemberPayload(TicketPayload):
    pass


@strawberry.type
class FollowTicketPayload(TicketPayload):
    pass


@strawberry.type
class UnfollowTicketPayload(TicketPayload):
    pass
