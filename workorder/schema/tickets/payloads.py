"""Payloads of the ticket mutations: the ticket as it now stands, or the errors."""

from __future__ import annotations

import strawberry

from workorder.schema.errors import UserError
from workorder.schema.tickets.related import InteractionType
from workorder.schema.tickets.types import TicketType

ERRORS = "Why nothing changed, each next to the input it is about; empty on success."


@strawberry.type
class TicketPayload:
    ticket: TicketType | None = strawberry.field(
        default=None,
        description="The ticket as it stands after the action; null when errors.",
    )
    errors: list[UserError] = strawberry.field(default_factory=list, description=ERRORS)


@strawberry.type(description="The result of logInteraction.")
class LogInteractionPayload:
    interaction: InteractionType | None = strawberry.field(
        default=None, description="The interaction as recorded; null when errors."
    )
    errors: list[UserError] = strawberry.field(default_factory=list, description=ERRORS)


@strawberry.type(description="The result of submitSurvey.")
class SubmitSurveyPayload:
    ok: bool = strawberry.field(
        default=False, description="True when the answer was recorded; false when errors."
    )
    errors: list[UserError] = strawberry.field(default_factory=list, description=ERRORS)


@strawberry.type(description="The result of markNotificationsRead.")
class MarkNotificationsReadPayload:
    count: int = strawberry.field(
        default=0, description="How many notifications this call marked read (0 when errors)."
    )
    unread: int = strawberry.field(
        default=0, description="How many of yours are still unread: the new badge value."
    )
    errors: list[UserError] = strawberry.field(default_factory=list, description=ERRORS)


@strawberry.type(description="The result of createTicket.")
class CreateTicketPayload(TicketPayload):
    pass


@strawberry.type(description="The result of submitTicket.")
class SubmitTicketPayload(TicketPayload):
    pass


@strawberry.type(description="The result of saveTicket.")
class SaveTicketPayload(TicketPayload):
    pass


@strawberry.type(description="The result of claimTicket.")
class ClaimTicketPayload(TicketPayload):
    pass


@strawberry.type(description="The result of assignTicket.")
class AssignTicketPayload(TicketPayload):
    pass


@strawberry.type(description="The result of forwardTicket.")
class ForwardTicketPayload(TicketPayload):
    pass


@strawberry.type(description="The result of returnTicket.")
class ReturnTicketPayload(TicketPayload):
    pass


@strawberry.type(description="The result of transferTicket.")
class TransferTicketPayload(TicketPayload):
    pass


@strawberry.type(description="The result of urgeTicket.")
class UrgeTicketPayload(TicketPayload):
    pass


@strawberry.type(description="The result of addTicketNote.")
class AddTicketNotePayload(TicketPayload):
    pass


@strawberry.type(description="The result of closeTicket.")
class CloseTicketPayload(TicketPayload):
    pass


@strawberry.type(description="The result of reopenTicket.")
class ReopenTicketPayload(TicketPayload):
    pass


@strawberry.type(description="The result of voidTicket.")
class VoidTicketPayload(TicketPayload):
    pass


@strawberry.type(description="The result of deleteTicket.")
class DeleteTicketPayload(TicketPayload):
    pass


@strawberry.type(description="The result of changeTicketOwner.")
class ChangeTicketOwnerPayload(TicketPayload):
    pass


@strawberry.type(description="The result of addTicketTeamMember.")
class AddTicketTeamMemberPayload(TicketPayload):
    pass


@strawberry.type(description="The result of removeTicketTeamMember.")
class RemoveTicketTeamMemberPayload(TicketPayload):
    pass


@strawberry.type(description="The result of followTicket.")
class FollowTicketPayload(TicketPayload):
    pass


@strawberry.type(description="The result of unfollowTicket.")
class UnfollowTicketPayload(TicketPayload):
    pass


@strawberry.type(description="The result of lockTicket.")
class LockTicketPayload(TicketPayload):
    pass


@strawberry.type(description="The result of unlockTicket.")
class UnlockTicketPayload(TicketPayload):
    pass
