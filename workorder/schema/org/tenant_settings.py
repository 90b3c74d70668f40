"""GraphQL types of the tenant's settings: what its administrators choose for everyone."""

from __future__ import annotations

import strawberry

from workorder.models import Tenant
from workorder.schema.customers.types import CustomerLookupModeEnum
from workorder.schema.errors import UserError


@strawberry.type(name="TenantSettings", description="Choices that hold for the whole tenant.")
class TenantSettingsType:
    customer_lookup_mode: CustomerLookupModeEnum = strawberry.field(  # type: ignore[valid-type]
        description="How `customers(query:)` matches when the caller gives no mode."
    )
    export_columns: list[str] | None = strawberry.field(
        description="The ticket sheet's columns of an export: system column names (number, "
        "title, description, template, status, priority, source, customer, contact, creator, "
        "creatorGroup, currentStep, currentGroup, assignee, urgeCount, dueAt, createdAt, "
        "updatedAt, doneAt, surveyScore) and field.<key>; null: all of them and every "
        "custom field."
    )

    @classmethod
    def of(cls, tenant: Tenant) -> TenantSettingsType:
        return cls(
            customer_lookup_mode=tenant.customer_lookup_mode,
            export_columns=tenant.export_columns,
        )


@strawberry.input(description="Settings left out keep their stored value.")
class UpdateTenantSettingsInput:
    customer_lookup_mode: CustomerLookupModeEnum | None = strawberry.UNSET  # type: ignore[valid-type]
    export_columns: list[str] | None = strawberry.field(
        default=strawberry.UNSET, description="null: back to the default columns."
    )


@strawberry.type
class UpdateTenantSettingsPayload:
    tenant_settings: TenantSettingsType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)
