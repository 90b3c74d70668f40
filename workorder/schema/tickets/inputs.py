"""Inputs of the ticket mutations."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from strawberry.scalars import JSON

from workorder.schema.org.types import RoleEnum
from workorder.schema.tickets.enums import (
    ChannelEnum,
    DirectionEnum,
    PriorityEnum,
    SourceEnum,
    TeamAccessEnum,
)

VERSION = "The ticket version you saw; STALE when it moved on."
TICKET = "The ticket's global id; NOT_FOUND unless you may see it."
COMMENT = "Why, or anything the next person should know; kept in the timeline. Optional."
MOVE_COMMENT = (
    "Why, or anything the next person should know; kept on the move's event and, when not "
    "blank, as a note of the ticket by you (a NOTED event: the notes, the export's Notes "
    "sheet). Optional."
)


def _ticket() -> Any:
    return strawberry.field(description=TICKET)


def _comment() -> Any:
    return strawberry.field(default="", description=COMMENT)


def _move_comment() -> Any:
    return strawberry.field(default="", description=MOVE_COMMENT)


@strawberry.input(
    description="A new ticket (工单). Custom field values are checked against the "
    "template; all field errors come back at once."
)
class CreateTicketInput:
    template_id: strawberry.ID = strawberry.field(
        description="The template (工单类型) it follows; not an archived one."
    )
    title: str = strawberry.field(description="A short summary; not blank, at most 300 characters.")
    description: str = strawberry.field(default="", description="The request in full; optional.")
    priority: PriorityEnum = strawberry.field(  # type: ignore[valid-type]
        default=PriorityEnum.NORMAL, description="How urgent; NORMAL by default."
    )
    source: SourceEnum = strawberry.field(  # type: ignore[valid-type]
        default=SourceEnum.PHONE,
        description="How the request came in; PHONE by default. MISSED_CALL: supervisors and "
        "admins only.",
    )
    customer_id: strawberry.ID | None = strawberry.field(
        default=None, description="The customer it is for; null: none."
    )
    contact_id: strawberry.ID | None = strawberry.field(
        default=None, description="The contact person; must belong to `customerId` when given."
    )
    fields: JSON | None = strawberry.field(default=None, description="{fieldKey: value}")
    cc: list[str] | None = strawberry.field(
        default=None,
        description="E-mail addresses copied on its status mails (抄送), besides the "
        "template's default cc; null: none.",
    )
    follower_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Active users who follow it from the start; null: nobody."
    )
    group_id: strawberry.ID | None = strawberry.field(
        default=None, description="Without a workflow: the group, from the template's range."
    )
    creator_group_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="The group you create it for, kept for reports and exports; null: none.",
    )
    assignee_id: strawberry.ID | None = strawberry.field(
        default=None, description="Next handler: a member of the first step's group."
    )
    submit: bool = strawberry.field(
        default=True, description="False keeps it as NEW, your draft (保存)."
    )


@strawberry.input(description="Submits your draft.")
class SubmitTicketInput:
    id: strawberry.ID = _ticket()
    assignee_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Next handler: a member of the first step's group; null: the step's rule "
        "decides.",
    )
    expected_version: int | None = strawberry.field(default=None, description=VERSION)


@strawberry.input(description="Fields left out keep their value.")
class SaveTicketInput:
    id: strawberry.ID = _ticket()
    expected_version: int | None = strawberry.field(default=None, description=VERSION)
    title: str | None = strawberry.field(
        default=None, description="The new title (not blank, at most 300 characters)."
    )
    description: str | None = strawberry.field(default=None, description="The new description.")
    priority: PriorityEnum | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="The new priority."
    )
    fields: JSON | None = strawberry.field(default=None, description="Keys to change; null clears.")
    cc: list[str] | None = strawberry.field(
        default=None, description="The new cc list (replaces the old one); [] clears it."
    )


@strawberry.input
class TicketRefInput:
    id: strawberry.ID = _ticket()
    expected_version: int | None = strawberry.field(default=None, description=VERSION)


@strawberry.input(description="Claims a ticket.")
class ClaimTicketInput(TicketRefInput):
    pass


@strawberry.input(description="Deletes a ticket.")
class DeleteTicketInput(TicketRefInput):
    pass


@strawberry.input(description="Follows a ticket.")
class FollowTicketInput(TicketRefInput):
    pass


@strawberry.input(description="Stops following a ticket.")
class UnfollowTicketInput(TicketRefInput):
    pass


@strawberry.input(description="Gives a ticket to someone.")
class AssignTicketInput:
    id: strawberry.ID = _ticket()
    user_id: strawberry.ID = strawberry.field(
        description="The new handler: an active member of the ticket's current group."
    )
    comment: str = _comment()
    expected_version: int | None = strawberry.field(default=None, description=VERSION)


@strawberry.input(description="Hands a ticket on to the next step, or finishes it.")
class ForwardTicketInput:
    id: strawberry.ID = _ticket()
    next_step: str | None = strawberry.field(
        default=None, description="Key of the next step; needed when there is a choice."
    )
    next_assignee_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="The next step's handler, when its rule lets you choose; null: the rule "
        "decides.",
    )
    fields: JSON | None = strawberry.field(
        default=None,
        description="{fieldKey: value}: fields to fill or change on the way (the step's "
        "required ones must be set); null: none.",
    )
    comment: str = _move_comment()
    create_follow_up: bool | None = strawberry.field(
        default=None, description="End action AGENT_DECIDES: open a follow-up ticket."
    )
    expected_version: int | None = strawberry.field(default=None, description=VERSION)


@strawberry.input(description="Sends a ticket back.")
class ReturnTicketInput:
    id: strawberry.ID = _ticket()
    reason: str = strawberry.field(
        description="Why it goes back; required (the one receiving it must know). Kept on "
        "the event and as a note of the ticket by you."
    )
    to_supervisor: bool = strawberry.field(
        default=False,
        description="True: to the current group's supervisor instead of the previous step "
        "(also where it goes when there is no previous step).",
    )
    expected_version: int | None = strawberry.field(default=None, description=VERSION)


@strawberry.input(
    description="Moves a ticket (转移). Give people (users, a department, a role), a group or "
    "a step (at least one): one person takes it at once; several people become its "
    "candidates and must claim it; a group alone puts it in the group's pool (unless "
    "the template's retainAgentOnTransfer keeps it with its creator or holder, when they "
    "are in the group). The ticket's step and group always agree."
)
class TransferTicketInput:
    id: strawberry.ID = _ticket()
    user_ids: list[strawberry.ID] | None = strawberry.field(
        default=None,
        description="Active users: one becomes the handler, several become its candidates.",
    )
    department_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="A department: its active people and those of the departments below it "
        "join the people named (one person takes it, several claim it). INVALID when it "
        "has nobody active; null: none.",
    )
    role: RoleEnum | None = strawberry.field(  # type: ignore[valid-type]
        default=None,
        description="A role: the active users holding it whose roles you may read join the "
        "people named. INVALID when there is nobody; null: none.",
    )
    group_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="The group it moves to. Without stepKey, it goes to the step of the "
        "workflow that group handles (it stays at its step when the group handles it); "
        "INVALID when the group handles no step, or several (then name the stepKey). With "
        "stepKey, it must be that step's group. Null: the step's group, else the current "
        "group.",
    )
    step_key: str | None = strawberry.field(
        default=None,
        description="The key of the step it moves to, with that step's group; null: the "
        "group's step (groupId), else it stays at its step.",
    )
    comment: str = _move_comment()
    expected_version: int | None = strawberry.field(default=None, description=VERSION)


@strawberry.input(description="Urges a ticket (催单).")
class UrgeTicketInput:
    id: strawberry.ID = _ticket()
    comment: str = _comment()


@strawberry.input(description="Adds a note (追加说明).")
class AddTicketNoteInput:
    id: strawberry.ID = _ticket()
    text: str = strawberry.field(description="The note; kept in the timeline.")
    attachment_ids: list[strawberry.ID] | None = strawberry.field(
        default=None,
        description="Files from uploadAttachment to attach (yours, or ones you may link); "
        "null: none.",
    )


@strawberry.input(description="Closes a ticket (结单).")
class CloseTicketInput:
    id: strawberry.ID = _ticket()
    comment: str = _move_comment()
    create_follow_up: bool | None = strawberry.field(
        default=None,
        description="End action AGENT_DECIDES: true opens a follow-up ticket. Other end "
        "actions ignore it.",
    )
    expected_version: int | None = strawberry.field(default=None, description=VERSION)


@strawberry.input
class TicketCommentInput:
    id: strawberry.ID = _ticket()
    comment: str = _comment()


@strawberry.input(description="Reopens a DONE ticket.")
class ReopenTicketInput(TicketCommentInput):
    pass


@strawberry.input(description="Voids a ticket.")
class VoidTicketInput(TicketCommentInput):
    pass


@strawberry.input(description="Gives an open ticket another assignee.")
class ChangeTicketOwnerInput:
    id: strawberry.ID = _ticket()
    user_id: strawberry.ID = strawberry.field(description="The new assignee: an active user.")
    comment: str = _comment()


@strawberry.input(description="Adds a user to a ticket's team.")
class AddTicketTeamMemberInput:
    id: strawberry.ID = _ticket()
    user_id: strawberry.ID = strawberry.field(description="The user to add: an active user.")
    access: TeamAccessEnum = strawberry.field(  # type: ignore[valid-type]
        default=TeamAccessEnum.READ,
        description="READ (the default): sees it; READ_WRITE: may also edit its content.",
    )


@strawberry.input(description="Takes a user off a ticket's team.")
class RemoveTicketTeamMemberInput:
    id: strawberry.ID = _ticket()
    user_id: strawberry.ID = strawberry.field(description="The team member to remove.")


@strawberry.input(description="A customer interaction to record on a ticket.")
class LogInteractionInput:
    ticket_id: strawberry.ID = strawberry.field(description=TICKET)
    channel: ChannelEnum = strawberry.field(  # type: ignore[valid-type]
        description="Phone, chat, e-mail or SMS."
    )
    direction: DirectionEnum = strawberry.field(  # type: ignore[valid-type]
        description="Inbound, outbound, or a missed call."
    )
    started_at: datetime = strawberry.field(description="When it started (with a UTC offset).")
    number: str = strawberry.field(
        default="", description="The customer's phone number or address on that channel."
    )
    duration_seconds: int = strawberry.field(
        default=0, description="How long it lasted, in seconds; 0 for a missed call."
    )
    recording_url: str | None = strawberry.field(
        default=None, description="Where the call recording is kept (http(s)); null: none."
    )
    external_id: str | None = strawberry.field(
        default=None,
        description="Its id in the phone or chat system, to find it there; null: none.",
    )


@strawberry.input(description="A customer's answer to a satisfaction survey (满意度).")
class SubmitSurveyInput:
    token: str = strawberry.field(
        description="The token from the survey link mailed to the customer; one answer each."
    )
    score: int = strawberry.field(description="From 1 (poor) to 5 (excellent).")
    comment: str = strawberry.field(
        default="", description="Anything the customer adds; at most 5000 characters."
    )


@strawberry.input(description="Which of your notifications to mark read.")
class MarkNotificationsReadInput:
    ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Null marks all of yours read."
    )


@strawberry.input(description="Locks a ticket: nothing changes on it until it is unlocked.")
class LockTicketInput:
    id: strawberry.ID = _ticket()
    comment: str = _comment()


@strawberry.input(description="Unlocks a locked ticket: back to normal.")
class UnlockTicketInput:
    id: strawberry.ID = _ticket()
    comment: str = _comment()
