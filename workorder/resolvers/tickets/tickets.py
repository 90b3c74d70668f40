"""Tickets: the ticket query and every flow action on a ticket as a mutation."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any, TypeVar

import strawberry

from workorder.auth.actor import Actor
from workorder.auth.visibility import visible_tickets
from workorder.errors import invalid
from workorder.flows.tickets import (
    closing,
    handling,
    moves,
    notes,
    team,
    urging,
)
from workorder.flows.tickets.create import NewTicket, create_ticket, submit_ticket
from workorder.ids import pk_of
from workorder.models import Priority, Role, Source, TeamAccess, Ticket
from workorder.resolvers.arguments import decode_id, decode_ids, decode_optional_id
from workorder.resolvers.payloads import mutate
from workorder.schema.context import Info
from workorder.schema.tickets.inputs import (
    AddTicketNoteInput,
    AddTicketTeamMemberInput,
    AssignTicketInput,
    ChangeTicketOwnerInput,
    ClaimTicketInput,
    CloseTicketInput,
    CreateTicketInput,
    DeleteTicketInput,
    FollowTicketInput,
    ForwardTicketInput,
    RemoveTicketTeamMemberInput,
    ReopenTicketInput,
    ReturnTicketInput,
    SaveTicketInput,
    SubmitTicketInput,
    TransferTicketInput,
    UnfollowTicketInput,
    UrgeTicketInput,
    VoidTicketInput,
)
from workorder.schema.tickets.payloads import (
    AddTicketNotePayload,
    AddTicketTeamMemberPayload,
    AssignTicketPayload,
    ChangeTicketOwnerPayload,
    ClaimTicketPayload,
    CloseTicketPayload,
    CreateTicketPayload,
    DeleteTicketPayload,
    FollowTicketPayload,
    ForwardTicketPayload,
    RemoveTicketTeamMemberPayload,
    ReopenTicketPayload,
    ReturnTicketPayload,
    SaveTicketPayload,
    SubmitTicketPayload,
    TicketPayload,
    TransferTicketPayload,
    UnfollowTicketPayload,
    UrgeTicketPayload,
    VoidTicketPayload,
)
from workorder.schema.tickets.types import (
    TicketType,
)

P = TypeVar("P", bound=TicketPayload)


def _ticket_id(value: strawberry.ID) -> int:
    return decode_id(value, "Ticket", ["id"])


def _fields(value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise invalid("Give field values as an object keyed by field key", ["fields"])
    return value


async def _ticket_mutation(
    info: Info, payload: type[P], action: Callable[[Actor], Awaitable[Ticket]]
) -> P:
    """Run a ticket action as the caller; the payload shows the ticket as it now stands."""
    actor = info.context.require_actor()
    return await mutate(
        payload,
        lambda: action(actor),
        lambda ticket: payload(ticket=TicketType.of(ticket, info.context)),
    )


async def ticket_query(
    info: Info,
    id: Annotated[strawberry.ID, strawberry.argument(description="The ticket's global id.")],
) -> TicketType | None:
    pk = pk_of(id, "Ticket")
    if pk is None:
        return None
    actor = info.context.require_actor()
    found = await (await visible_tickets(actor, await info.context.reach())).filter(id=pk).first()
    return TicketType.of(found, info.context) if found else None


async def create_ticket_mutation(
    info: Info,
    input: Annotated[
        CreateTicketInput,
        strawberry.argument(
            description="The new ticket: its template, content and, unless a draft, where it goes."
        ),
    ],
) -> CreateTicketPayload:

    async def action(actor: Actor) -> Ticket:
        return await create_ticket(
            actor,
            NewTicket(
                template_id=decode_id(input.template_id, "Template", ["templateId"]),
                title=input.title,
                description=input.description,
                priority=Priority(input.priority),
                source=Source(input.source),
                customer_id=decode_optional_id(input.customer_id, "Customer", ["customerId"]),
                contact_id=decode_optional_id(input.contact_id, "Contact", ["contactId"]),
                fields=_fields(input.fields) or {},
                cc=input.cc or [],
                follower_ids=decode_ids(input.follower_ids or [], "User", ["followerIds"]),
                group_id=decode_optional_id(input.group_id, "Group", ["groupId"]),
                creator_group_id=decode_optional_id(
                    input.creator_group_id, "Group", ["creatorGroupId"]
                ),
                assignee_id=decode_optional_id(input.assignee_id, "User", ["assigneeId"]),
                submit=input.submit,
            ),
        )

    return await _ticket_mutation(info, CreateTicketPayload, action)


async def submit_ticket_mutation(
    info: Info,
    input: Annotated[
        SubmitTicketInput,
        strawberry.argument(
            description="Your draft and, if the first step lets you choose, its handler."
        ),
    ],
) -> SubmitTicketPayload:
    return await _ticket_mutation(
        info,
        SubmitTicketPayload,
        lambda actor: submit_ticket(
            actor,
            _ticket_id(input.id),
            expected_version=input.expected_version,
            assignee_id=decode_optional_id(input.assignee_id, "User", ["assigneeId"]),
        ),
    )


async def save_ticket(
    info: Info,
    input: Annotated[
        SaveTicketInput, strawberry.argument(description="The ticket and the content to change.")
    ],
) -> SaveTicketPayload:
    return await _ticket_mutation(
        info,
        SaveTicketPayload,
        lambda actor: handling.save_ticket(
            actor,
            _ticket_id(input.id),
            expected_version=input.expected_version,
            title=input.title,
            description=input.description,
            priority=Priority(input.priority) if input.priority else None,
            fields=_fields(input.fields),
            cc=input.cc,
        ),
    )


async def claim_ticket(
    info: Info,
    input: Annotated[
        ClaimTicketInput, strawberry.argument(description="The PENDING ticket to take.")
    ],
) -> ClaimTicketPayload:
    return await _ticket_mutation(
        info,
        ClaimTicketPayload,
        lambda actor: handling.claim_ticket(
            actor,
            _ticket_id(input.id),
            expected_version=input.expected_version,
        ),
    )


async def assign_ticket(
    info: Info,
    input: Annotated[
        AssignTicketInput, strawberry.argument(description="The ticket and who is to handle it.")
    ],
) -> AssignTicketPayload:
    return await _ticket_mutation(
        info,
        AssignTicketPayload,
        lambda actor: handling.assign_ticket(
            actor,
            _ticket_id(input.id),
            decode_id(input.user_id, "User", ["userId"]),
            expected_version=input.expected_version,
            comment=input.comment,
        ),
    )


async def forward_ticket(
    info: Info,
    input: Annotated[
        ForwardTicketInput,
        strawberry.argument(
            description="The ticket, the next step and handler when there is a choice, and the "
            "fields to fill on the way."
        ),
    ],
) -> ForwardTicketPayload:
    return await _ticket_mutation(
        info,
        ForwardTicketPayload,
        lambda actor: moves.forward_ticket(
            actor,
            _ticket_id(input.id),
            next_step=input.next_step,
            next_assignee_id=decode_optional_id(input.next_assignee_id, "User", ["nextAssigneeId"]),
            fields=_fields(input.fields),
            comment=input.comment,
            expected_version=input.expected_version,
            create_follow_up=input.create_follow_up,
            public_url=info.context.settings.public_url,
        ),
    )


async def return_ticket(
    info: Info,
    input: Annotated[
        ReturnTicketInput, strawberry.argument(description="The ticket and why it goes back.")
    ],
) -> ReturnTicketPayload:
    return await _ticket_mutation(
        info,
        ReturnTicketPayload,
        lambda actor: moves.return_ticket(
            actor,
            _ticket_id(input.id),
            input.reason,
            to_supervisor=input.to_supervisor,
            expected_version=input.expected_version,
        ),
    )


async def transfer_ticket(
    info: Info,
    input: Annotated[
        TransferTicketInput,
        strawberry.argument(description="The ticket and where it goes: people, a group or a step."),
    ],
) -> TransferTicketPayload:
    return await _ticket_mutation(
        info,
        TransferTicketPayload,
        lambda actor: moves.transfer_ticket(
            actor,
            _ticket_id(input.id),
            user_ids=decode_ids(input.user_ids or [], "User", ["userIds"]),
            department_id=decode_optional_id(input.department_id, "Department", ["departmentId"]),
            role=Role(input.role) if input.role else None,
            group_id=decode_optional_id(input.group_id, "Group", ["groupId"]),
            step_key=input.step_key,
            comment=input.comment,
            expected_version=input.expected_version,
        ),
    )


async def urge_ticket(
    info: Info,
    input: Annotated[
        UrgeTicketInput, strawberry.argument(description="The ticket and an optional comment.")
    ],
) -> UrgeTicketPayload:
    return await _ticket_mutation(
        info,
        UrgeTicketPayload,
        lambda actor: urging.urge_ticket(
            actor,
            _ticket_id(input.id),
            input.comment,
        ),
    )


async def add_ticket_note(
    info: Info,
    input: Annotated[
        AddTicketNoteInput,
        strawberry.argument(description="The ticket, the note and the files it refers to."),
    ],
) -> AddTicketNotePayload:
    return await _ticket_mutation(
        info,
        AddTicketNotePayload,
        lambda actor: notes.note_ticket(
            actor,
            _ticket_id(input.id),
            input.text,
            decode_ids(input.attachment_ids or [], "Attachment", ["attachmentIds"]),
        ),
    )


async def close_ticket(
    info: Info,
    input: Annotated[
        CloseTicketInput,
        strawberry.argument(
            description="The ticket, a closing comment and whether to open a follow-up."
        ),
    ],
) -> CloseTicketPayload:
    return await _ticket_mutation(
        info,
        CloseTicketPayload,
        lambda actor: closing.close_ticket(
            actor,
            _ticket_id(input.id),
            input.comment,
            create_follow_up=input.create_follow_up,
            expected_version=input.expected_version,
            public_url=info.context.settings.public_url,
        ),
    )


async def reopen_ticket(
    info: Info,
    input: Annotated[
        ReopenTicketInput,
        strawberry.argument(description="The DONE ticket and why it is reopened."),
    ],
) -> ReopenTicketPayload:
    return await _ticket_mutation(
        info,
        ReopenTicketPayload,
        lambda actor: closing.reopen_ticket(
            actor,
            _ticket_id(input.id),
            input.comment,
        ),
    )


async def void_ticket(
    info: Info,
    input: Annotated[
        VoidTicketInput, strawberry.argument(description="The ticket and why it is voided.")
    ],
) -> VoidTicketPayload:
    return await _ticket_mutation(
        info,
        VoidTicketPayload,
        lambda actor: closing.void_ticket(
            actor,
            _ticket_id(input.id),
            input.comment,
        ),
    )


async def delete_ticket(
    info: Info,
    input: Annotated[DeleteTicketInput, strawberry.argument(description="The ticket to delete.")],
) -> DeleteTicketPayload:
    return await _ticket_mutation(
        info,
        DeleteTicketPayload,
        lambda actor: closing.delete_ticket(
            actor,
            _ticket_id(input.id),
        ),
    )


async def change_ticket_owner(
    info: Info,
    input: Annotated[
        ChangeTicketOwnerInput, strawberry.argument(description="The ticket and its new assignee.")
    ],
) -> ChangeTicketOwnerPayload:
    return await _ticket_mutation(
        info,
        ChangeTicketOwnerPayload,
        lambda actor: team.change_owner(
            actor,
            _ticket_id(input.id),
            decode_id(input.user_id, "User", ["userId"]),
            input.comment,
        ),
    )


async def add_ticket_team_member(
    info: Info,
    input: Annotated[
        AddTicketTeamMemberInput,
        strawberry.argument(description="The ticket, the user and their access."),
    ],
) -> AddTicketTeamMemberPayload:
    return await _ticket_mutation(
        info,
        AddTicketTeamMemberPayload,
        lambda actor: team.add_team_member(
            actor,
            _ticket_id(input.id),
            decode_id(input.user_id, "User", ["userId"]),
            TeamAccess(input.access),
        ),
    )


async def remove_ticket_team_member(
    info: Info,
    input: Annotated[
        RemoveTicketTeamMemberInput,
        strawberry.argument(description="The ticket and the team member to take off."),
    ],
) -> RemoveTicketTeamMemberPayload:
    return await _ticket_mutation(
        info,
        RemoveTicketTeamMemberPayload,
        lambda actor: team.remove_team_member(
            actor,
            _ticket_id(input.id),
            decode_id(input.user_id, "User", ["userId"]),
        ),
    )


async def follow_ticket(
    info: Info,
    input: Annotated[FollowTicketInput, strawberry.argument(description="The ticket to follow.")],
) -> FollowTicketPayload:
    return await _ticket_mutation(
        info,
        FollowTicketPayload,
        lambda actor: team.follow_ticket(
            actor,
            _ticket_id(input.id),
        ),
    )


async def unfollow_ticket(
    info: Info,
    input: Annotated[
        UnfollowTicketInput, strawberry.argument(description="The ticket to stop following.")
    ],
) -> UnfollowTicketPayload:
    return await _ticket_mutation(
        info,
        UnfollowTicketPayload,
        lambda actor: team.unfollow_ticket(
            actor,
            _ticket_id(input.id),
        ),
    )
