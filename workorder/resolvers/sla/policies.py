"""SLA policies: a thin translation to workorder.flows.sla.sla."""

from __future__ import annotations

from typing import Annotated

import strawberry

from workorder.flows.sla import sla
from workorder.models import Priority, SlaPolicy
from workorder.resolvers.arguments import decode_id
from workorder.resolvers.payloads import mutate
from workorder.schema.context import Info
from workorder.schema.sla.types import (
    RemoveSlaPolicyInput,
    RemoveSlaPolicyPayload,
    SetSlaPolicyInput,
    SetSlaPolicyPayload,
    SlaPolicyType,
)


async def sla_policies_query(
    info: Info,
    template_id: Annotated[
        strawberry.ID,
        strawberry.argument(description="The template; NOT_FOUND if it is not your tenant's."),
    ],
) -> list[SlaPolicyType]:
    """An unknown template is a top-level NOT_FOUND error."""
    actor = info.context.require_actor()
    pk = decode_id(template_id, "Template", ["templateId"])
    return [SlaPolicyType.of(p) for p in await sla.list_policies(actor, pk)]


async def set_sla_policy(
    info: Info,
    input: Annotated[
        SetSlaPolicyInput,
        strawberry.argument(description="The template, the priority and the times to meet."),
    ],
) -> SetSlaPolicyPayload:
    actor = info.context.require_actor()

    async def action() -> SlaPolicy:
        return await sla.set_policy(
            actor,
            decode_id(input.template_id, "Template", ["templateId"]),
            Priority(input.priority),
            input.response_minutes,
            input.resolution_minutes,
        )

    return await mutate(
        SetSlaPolicyPayload,
        action,
        lambda p: SetSlaPolicyPayload(sla_policy=SlaPolicyType.of(p)),
    )


async def remove_sla_policy(
    info: Info,
    input: Annotated[
        RemoveSlaPolicyInput,
        strawberry.argument(description="The template and the priority whose policy goes."),
    ],
) -> RemoveSlaPolicyPayload:
    actor = info.context.require_actor()

    async def action() -> SlaPolicy:
        return await sla.remove_policy(
            actor,
            decode_id(input.template_id, "Template", ["templateId"]),
            Priority(input.priority),
        )

    return await mutate(
        RemoveSlaPolicyPayload,
        action,
        lambda p: RemoveSlaPolicyPayload(sla_policy=SlaPolicyType.of(p)),
    )
