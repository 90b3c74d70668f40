"""GraphQL types of the tenant's settings: what its administrators choose for everyone."""

from __future__ import annotations

import strawberry

from workorder.models import Tenant
from workorder.models.tenant import CustomerLookupMode
from workorder.schema.customers.types import CustomerLookupModeEnum
from workorder.schema.describe import described_enum
from workorder.schema.errors import UserError

described_enum(
    CustomerLookupModeEnum,
    {
        CustomerLookupMode.EXACT: (
            "The whole name, e-mail (case ignored), external reference or phone number "
            "(digits compared): for numbers a phone system hands over."
        ),
        CustomerLookupMode.FUZZY: (
            "Part of the name, phone number or e-mail (at least 2 characters, at most 10 "
            "matches): for what an agent types. The default."
        ),
    },
)


@strawberry.type(name="TenantSettings", description="Choices that hold for the whole tenant.")
class TenantSettingsType:
    customer_lookup_mode: CustomerLookupModeEnum = strawberry.field(  # type: ignore[valid-type]
        description="How `customers(query:)` and `contacts(search:)` match. It binds "
        "everyone but administrators: in EXACT they may not ask for FUZZY, and FUZZY shows them "
        "at most 10 customers. Only administrators change it."
    )
    export_columns: list[str] | None = strawberry.field(
        description="The ticket sheet's columns of an export: system column names (number, "
        "title, description, template, status, priority, source, customer, contact, creator, "
        "creatorGroup, currentStep, currentGroup, assignee, urgeCount, dueAt, createdAt, "
        "updatedAt, doneAt, surveyScore) and field.<key>; null: all of them and every "
        "custom field."
    )
    superiors_see_subordinates: bool = strawberry.field(
        description="Whether a superior sees the tickets of everyone reporting to them (at "
        "any depth) — in lists, node, search, subscriptions, exports and reports. True by "
        "default. Only administrators change it."
    )

    @classmethod
    def of(cls, tenant: Tenant) -> TenantSettingsType:
        return cls(
            customer_lookup_mode=tenant.customer_lookup_mode,
            export_columns=tenant.export_columns,
            superiors_see_subordinates=tenant.superiors_see_subordinates,
        )


@strawberry.input(description="Settings left out keep their stored value.")
class UpdateTenantSettingsInput:
    customer_lookup_mode: CustomerLookupModeEnum | None = strawberry.field(  # type: ignore[valid-type]
        default=strawberry.UNSET,
        description="How customers(query:) and contacts(search:) match for everyone but "
        "administrators; null is refused.",
    )
    export_columns: list[str] | None = strawberry.field(
        default=strawberry.UNSET, description="null: back to the default columns."
    )
    superiors_see_subordinates: bool | None = strawberry.field(
        default=strawberry.UNSET,
        description="Whether superiors see their subordinates' tickets; null is refused.",
    )


@strawberry.type(description="The tenant's settings as now stored, or why not (errors).")
class UpdateTenantSettingsPayload:
    tenant_settings: TenantSettingsType | None = strawberry.field(
        default=None, description="The settings after the change; null when refused."
    )
    errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why nothing changed; empty on success."
    )
