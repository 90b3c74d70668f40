"""The tenant's settings: read by anyone signed in, changed by administrators."""

from __future__ import annotations

from typing import Annotated

import strawberry

from workorder.flows.org import tenants
from workorder.flows.org.cleaning import KEEP
from workorder.models import Tenant
from workorder.resolvers.arguments import not_null
from workorder.resolvers.payloads import mutate
from workorder.schema.context import Info
from workorder.schema.org.tenant_settings import (
    TenantSettingsType,
    UpdateTenantSettingsInput,
    UpdateTenantSettingsPayload,
)


async def tenant_settings_query(info: Info) -> TenantSettingsType:
    return TenantSettingsType.of(await tenants.tenant_settings(info.context.require_actor()))


async def update_tenant_settings(
    info: Info,
    input: Annotated[
        UpdateTenantSettingsInput, strawberry.argument(description="The settings to change.")
    ],
) -> UpdateTenantSettingsPayload:
    actor = info.context.require_actor()

    async def action() -> Tenant:
        return await tenants.update_tenant_settings(
            actor,
            customer_lookup_mode=not_null(input.customer_lookup_mode, "customerLookupMode"),
            export_columns=KEEP
            if input.export_columns is strawberry.UNSET
            else input.export_columns,
            superiors_see_subordinates=not_null(
                input.superiors_see_subordinates, "superiorsSeeSubordinates"
            ),
        )

    return await mutate(
        UpdateTenantSettingsPayload,
        action,
        lambda t: UpdateTenantSettingsPayload(tenant_settings=TenantSettingsType.of(t)),
    )
