"""Inputs of the ticket mutations."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from workorder.schema.tickets.enums import (
    ChannelEnum,
    DirectionEnum,
    PriorityEnum,
    SourceEnum,
    TeamAccessEnum,
)

VERSION = "The ticket version you saw; STALE when it moved on."


@strawberry.input
class CreateTicketInput:
    template_id: strawberry.ID
    title: str
    description: str = ""
    priority: PriorityEnum = PriorityEnum.NORMAL  # type: ignore[valid-type]
    source: SourceEnum = SourceEnum.PHONE  # type: ignore[valid-type]
    customer_id: strawberry.ID | None = None
    contact_id: strawberry.ID | None = None
    fields: JSON | None = strawberry.field(default=None, description="{fieldKey: value}")
    cc: list[str] | None = None
    follower_ids: list[strawberry.ID] | None = None
    group_id: strawberry.ID | None = strawberry.field(
        default=None, description="Without a workflow: the group, from the template's range."
    )
    creator_group_id: strawberry.ID | None = None
    assignee_id: strawberry.ID | None = strawberry.field(
        default=None, description="Next handler: a member of the first step's group."
    )
    submit: bool = strawberry.field(
        default=True, description="False keeps it as NEW, your draft (保存)."
    )


@strawberry.input
class SubmitTicketInput:
    id: strawberry.ID
    assignee_id: strawberry.ID | None = None
    expected_version: int | None = strawberry.field(default=None, description=VERSION)


@strawberry.input(description="Fields left out keep their value.")
class SaveTicketInput:
    id: strawberry.ID
    expected_version: int | None = strawberry.field(default=None, description=VERSION)
    title: str | None = None
    description: str | None = None
    priority: PriorityEnum | None = None  # type: ignore[valid-type]
    fields: JSON | None = strawberry.field(default=None, description="Keys to change; null clears.")
    cc: list[str] | None = None


@strawberry.input
class TicketRefInput:
    id: strawberry.ID
    expected_version: int | None = strawberry.field(default=None, description=VERSION)


@strawberry.input
class ClaimTicketInput(TicketRefInput):
    pass


@strawberry.input
class DeleteTicketInput(TicketRefInput):
    pass


@strawberry.input
class FollowTicketInput(TicketRefInput):
    pass


@strawberry.input
class UnfollowTicketInput(TicketRefInput):
    pass


@strawberry.input
class AssignTicketInput:
    id: strawberry.ID
    user_id: strawberry.ID
    comment: str = ""
    expected_version: int | None = strawberry.field(default=None, description=VERSION)


@strawberry.input
class ForwardTicketInput:
    id: strawberry.ID
    next_step: str | None = strawberry.field(
        default=None, description="Key of the next step; needed when there is a choice."
    )
    next_assignee_id: strawberry.ID | None = None
    fields: JSON | None = None
    comment: str = ""
    create_follow_up: bool | None = strawberry.field(
        default=None, description="End action AGENT_DECIDES: open a follow-up ticket."
    )
    expected_version: int | None = strawberry.field(default=None, description=VERSION)


@strawberry.input
class ReturnTicketInput:
    id: strawberry.ID
    reason: str
    to_supervisor: bool = False
    expected_version: int | None = strawberry.field(default=None, description=VERSION)


@strawberry.input
class TransferTicketInput:
    id: strawberry.ID
    user_ids: list[strawberry.ID] | None = None
    group_id: strawberry.ID | None = None
    step_key: str | None = None
    comment: str = ""
    expected_version: int | None = strawberry.field(default=None, description=VERSION)


@strawberry.input
class UrgeTicketInput:
    id: strawberry.ID
    comment: str = ""


@strawberry.input
class AddTicketNoteInput:
    id: strawberry.ID
    text: str
    attachment_ids: list[strawberry.ID] | None = None


@strawberry.input
class CloseTicketInput:
    id: strawberry.ID
    comment: str = ""
    create_follow_up: bool | None = None
    expected_version: int | None = strawberry.field(default=None, description=VERSION)


@strawberry.input
class TicketCommentInput:
    id: strawberry.ID
    comment: str = ""


@strawberry.input
class ReopenTicketInput(TicketCommentInput):
    pass


@strawberry.input
class VoidTicketInput(TicketCommentInput):
    pass


@strawberry.input
class ChangeTicketOwnerInput:
    id: strawberry.ID
    user_id: strawberry.ID
    comment: str = ""


@strawberry.input
class AddTicketTeamMemberInput:
    id: strawberry.ID
    user_id: strawberry.ID
    access: TeamAccessEnum = TeamAccessEnum.READ  # type: ignore[valid-type]


@strawberry.input
class RemoveTicketTeamMemberInput:
    id: strawberry.ID
    user_id: strawberry.ID


@strawberry.input
class LogInteractionInput:
    ticket_id: strawberry.ID
    channel: ChannelEnum  # type: ignore[valid-type]
    direction: DirectionEnum  # type: ignore[valid-type]
    started_at: datetime
    number: str = ""
    duration_seconds: int = 0
    recording_url: str | None = None
    external_id: str | None = None


@strawberry.input
class SubmitSurveyInput:
    token: str
    score: int
    comment: str = ""


@strawberry.input
class MarkNotificationsReadInput:
    ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Null marks all of yours read."
    )
