"""Sharing rules, for administrators: a thin translation to workorder.flows.views.sharing."""

from __future__ import annotations

from typing import Annotated

import strawberry

from workorder.flows.views import sharing
from workorder.models import SharingRule, TeamAccess
from workorder.resolvers.arguments import decode_id, decode_optional_id
from workorder.resolvers.payloads import mutate
from workorder.schema.context import Info
from workorder.schema.node import to_global_id
from workorder.schema.views.sharing import (
    CreateSharingRuleInput,
    CreateSharingRulePayload,
    DeleteSharingRuleInput,
    DeleteSharingRulePayload,
    SharingRuleType,
    UpdateSharingRuleInput,
    UpdateSharingRulePayload,
)


async def sharing_rules_query(info: Info) -> list[SharingRuleType]:
    """Oldest first; a non-admin gets a top-level FORBIDDEN error."""
    actor = info.context.require_actor()
    return [SharingRuleType.of(r) for r in await sharing.list_sharing_rules(actor)]


async def create_sharing_rule(
    info: Info,
    input: Annotated[
        CreateSharingRuleInput,
        strawberry.argument(description="Whose tickets, with whom, and the access."),
    ],
) -> CreateSharingRulePayload:
    actor = info.context.require_actor()

    async def action() -> SharingRule:
        owner, target = input.owner, input.target
        return await sharing.create_sharing_rule(
            actor,
            owner_user_id=decode_optional_id(owner.user_id, "User", ["owner", "userId"]),
            owner_department_id=decode_optional_id(
                owner.department_id, "Department", ["owner", "departmentId"]
            ),
            target_user_id=decode_optional_id(target.user_id, "User", ["target", "userId"]),
            target_department_id=decode_optional_id(
                target.department_id, "Department", ["target", "departmentId"]
            ),
            target_group_id=decode_optional_id(target.group_id, "Group", ["target", "groupId"]),
            access=TeamAccess(input.access),
        )

    return await mutate(
        CreateSharingRulePayload,
        action,
        lambda r: CreateSharingRulePayload(sharing_rule=SharingRuleType.of(r)),
    )


async def update_sharing_rule(
    info: Info,
    input: Annotated[
        UpdateSharingRuleInput, strawberry.argument(description="The rule and its new access.")
    ],
) -> UpdateSharingRulePayload:
    actor = info.context.require_actor()

    async def action() -> SharingRule:
        return await sharing.update_sharing_rule(
            actor, decode_id(input.id, "SharingRule", ["id"]), TeamAccess(input.access)
        )

    return await mutate(
        UpdateSharingRulePayload,
        action,
        lambda r: UpdateSharingRulePayload(sharing_rule=SharingRuleType.of(r)),
    )


async def delete_sharing_rule(
    info: Info,
    input: Annotated[
        DeleteSharingRuleInput, strawberry.argument(description="The rule to delete.")
    ],
) -> DeleteSharingRulePayload:
    actor = info.context.require_actor()

    async def action() -> int:
        return await sharing.delete_sharing_rule(actor, decode_id(input.id, "SharingRule", ["id"]))

    return await mutate(
        DeleteSharingRulePayload,
        action,
        lambda pk: DeleteSharingRulePayload(deleted_id=to_global_id("SharingRule", pk)),
    )
