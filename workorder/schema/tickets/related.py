"""What hangs off a ticket without being one: its team members, calls and chats, the actions
the caller may take now; and the user lookup they share with the ticket's own fields."""

from __future__ import annotations

from datetime import datetime

import strawberry

from workorder.flows.templates.config import TemplateConfig
from workorder.flows.tickets.available import Available
from workorder.models import Interaction, Ticket, TicketTeamMember, User
from workorder.schema.context import Info
from workorder.schema.node import Node, to_global_id
from workorder.schema.org.types import UserType
from workorder.schema.templates.types import StepType
from workorder.schema.tickets.enums import (
    ChannelEnum,
    DirectionEnum,
    TeamAccessEnum,
    TicketActionEnum,
)


async def user_type(info: Info, user_id: int | None, joined: object = None) -> UserType | None:
    """A user by id through the loader, or the row a loader already joined in."""
    if user_id is None:
        return None
    if isinstance(joined, User):
        return UserType.of(joined)
    user = await info.context.org.user.load(user_id)
    return UserType.of(user) if user else None


@strawberry.type(
    name="TeamMember",
    description="A user added to help on a ticket (besides its assignee): they see it, and with "
    "READ_WRITE may edit its content.",
)
class TeamMemberType:
    model: strawberry.Private[TicketTeamMember]
    access: TeamAccessEnum = strawberry.field(  # type: ignore[valid-type]
        description="What they may do with the ticket."
    )

    @strawberry.field(description="The member; null if the user was deleted meanwhile.")
    async def user(self, info: Info) -> UserType | None:
        return await user_type(info, self.model.user_id, joined=self.model.user)


@strawberry.type(name="Interaction", description="A call or chat linked to a ticket.")
class InteractionType(Node):
    model: strawberry.Private[Interaction]
    channel: ChannelEnum = strawberry.field(  # type: ignore[valid-type]
        description="Phone, chat, e-mail or SMS."
    )
    direction: DirectionEnum = strawberry.field(  # type: ignore[valid-type]
        description="Inbound, outbound, or a missed call."
    )
    number: str = strawberry.field(
        description="The customer's number or address on that channel; empty if not given."
    )
    started_at: datetime = strawberry.field(description="When it started.")
    duration_seconds: int = strawberry.field(description="How long it lasted, in seconds.")
    recording_url: str | None = strawberry.field(
        description="Where the call recording is kept; null: none."
    )
    external_id: str | None = strawberry.field(
        description="Its id in the phone or chat system; null: none."
    )

    @classmethod
    def of(cls, row: Interaction) -> InteractionType:
        return cls(
            id=to_global_id("Interaction", row.id),
            model=row,
            channel=row.channel,
            direction=row.direction,
            number=row.number,
            started_at=row.started_at,
            duration_seconds=row.duration_seconds,
            recording_url=row.recording_url,
            external_id=row.external_id,
        )

    @strawberry.field(description="The user who logged it; null if deleted meanwhile.")
    async def agent(self, info: Info) -> UserType | None:
        return await user_type(info, self.model.agent_id)


@strawberry.type(description="Where a RETURN would send the ticket.")
class ReturnTarget:
    step: StepType | None = strawberry.field(
        description="The previous step; null when the ticket has no workflow steps."
    )
    assignee: UserType | None = strawberry.field(
        description="Who handled it there and gets it back; null if unknown."
    )


@strawberry.type(description="An action the caller may take now, with its choices.")
class AvailableAction:
    action: TicketActionEnum = strawberry.field(  # type: ignore[valid-type]
        description="The action; take it with the mutation of the same name."
    )
    next_steps: list[StepType] = strawberry.field(
        description="FORWARD: the steps to choose from (empty when it finishes the ticket)."
    )
    finishes: bool = strawberry.field(description="FORWARD: a forward finishes the ticket.")
    return_to: ReturnTarget | None = strawberry.field(
        description="RETURN: the previous step and its handler (null: only the supervisor)."
    )
    to_supervisor: bool = strawberry.field(description="RETURN: may go to the supervisor.")


async def available_action(
    info: Info, ticket: Ticket, config: TemplateConfig, found: Available
) -> AvailableAction:
    back = None
    if found.return_to is not None:
        step = found.return_to.step
        back = ReturnTarget(
            step=StepType.of(step, config) if step else None,
            assignee=await user_type(info, found.return_to.assignee_id),
        )
    return AvailableAction(
        action=found.action,
        next_steps=[StepType.of(s, config) for s in found.next_steps],
        finishes=found.finishes,
        return_to=back,
        to_supervisor=found.to_supervisor,
    )
