"""Root fields of sharing rules (administrators only)."""

from __future__ import annotations

import strawberry

from workorder.resolvers.views import sharing
from workorder.schema.permissions import authenticated
from workorder.schema.views.sharing import (
    CreateSharingRulePayload,
    DeleteSharingRulePayload,
    SharingRuleType,
    UpdateSharingRulePayload,
)


@strawberry.type
class SharingQuery:
    sharing_rules: list[SharingRuleType] = strawberry.field(
        resolver=sharing.sharing_rules_query,
        extensions=authenticated(),
        description="The tenant's sharing rules, oldest first. Administrators only.",
    )


@strawberry.type
class SharingMutation:
    create_sharing_rule: CreateSharingRulePayload = strawberry.mutation(
        resolver=sharing.create_sharing_rule, extensions=authenticated()
    )
    update_sharing_rule: UpdateSharingRulePayload = strawberry.mutation(
        resolver=sharing.update_sharing_rule, extensions=authenticated()
    )
    delete_sharing_rule: DeleteSharingRulePayload = strawberry.mutation(
        resolver=sharing.delete_sharing_rule, extensions=authenticated()
    )
