"""Root fields of SLA policies (read by everyone in the tenant, changed by administrators)."""

from __future__ import annotations

import strawberry

from workorder.resolvers.sla import policies
from workorder.schema.permissions import authenticated
from workorder.schema.sla.types import RemoveSlaPolicyPayload, SetSlaPolicyPayload, SlaPolicyType


@strawberry.type
class SlaQuery:
    sla_policies: list[SlaPolicyType] = strawberry.field(
        resolver=policies.sla_policies_query,
        extensions=authenticated(),
        description="A template's SLA policies, lowest priority first.",
    )


@strawberry.type
class SlaMutation:
    set_sla_policy: SetSlaPolicyPayload = strawberry.mutation(
        resolver=policies.set_sla_policy,
        extensions=authenticated(),
        description="Administrators only.",
    )
    remove_sla_policy: RemoveSlaPolicyPayload = strawberry.mutation(
        resolver=policies.remove_sla_policy,
        extensions=authenticated(),
        description="Administrators only.",
    )
