"""GraphQL types of SLA policies: a template's response and resolution targets per priority."""

from __future__ import annotations

from datetime import datetime

import strawberry

from workorder.models import SlaPolicy
from workorder.schema.context import Info
from workorder.schema.errors import UserError
from workorder.schema.templates.types import TemplateType
from workorder.schema.tickets.enums import PriorityEnum


@strawberry.type(
    name="SlaPolicy",
    description="The targets of one template's tickets at one priority, in minutes from the "
    "ticket's creation. A ticket's dueAt and responseDueAt come from them.",
)
class SlaPolicyType:
    model: strawberry.Private[SlaPolicy]
    priority: PriorityEnum = strawberry.field(  # type: ignore[valid-type]
        description="The ticket priority these targets are for."
    )
    response_minutes: int | None = strawberry.field(
        description="Until the first response (someone takes it in hand); null: not tracked."
    )
    resolution_minutes: int | None = strawberry.field(
        description="Until the ticket is done; null: not tracked."
    )
    updated_at: datetime = strawberry.field(description="When the targets were last set.")

    @classmethod
    def of(cls, policy: SlaPolicy) -> SlaPolicyType:
        return cls(
            model=policy,
            priority=policy.priority,
            response_minutes=policy.response_minutes,
            resolution_minutes=policy.resolution_minutes,
            updated_at=policy.updated_at,
        )

    @strawberry.field(description="The template; null if deleted meanwhile.")
    async def template(self, info: Info) -> TemplateType | None:
        return await TemplateType.load(info, self.model.template_id)


@strawberry.input(
    description="Create or replace the targets of a template at a priority (at least one). "
    "New and re-prioritised tickets get them; existing due dates stay."
)
class SetSlaPolicyInput:
    template_id: strawberry.ID = strawberry.field(description="The template.")
    priority: PriorityEnum = strawberry.field(  # type: ignore[valid-type]
        description="The priority the targets are for."
    )
    response_minutes: int | None = strawberry.field(
        default=None,
        description="Minutes to the first response, 1 to 527040 (a year); null: not tracked.",
    )
    resolution_minutes: int | None = strawberry.field(
        default=None, description="Not less than responseMinutes when both are given."
    )


@strawberry.input(
    description="Removes a template's targets at a priority; existing due dates stay."
)
class RemoveSlaPolicyInput:
    template_id: strawberry.ID = strawberry.field(description="The template.")
    priority: PriorityEnum = strawberry.field(  # type: ignore[valid-type]
        description="The priority whose targets go."
    )


@strawberry.type(description="The result of setSlaPolicy.")
class SetSlaPolicyPayload:
    sla_policy: SlaPolicyType | None = strawberry.field(
        default=None, description="The policy as stored; null when errors."
    )
    errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why nothing changed; empty on success."
    )


@strawberry.type(description="The result of removeSlaPolicy.")
class RemoveSlaPolicyPayload:
    sla_policy: SlaPolicyType | None = strawberry.field(
        default=None, description="The policy that is gone, as it was."
    )
    errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why nothing changed; empty on success."
    )
