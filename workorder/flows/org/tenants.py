"""Tenants: creating one with its first administrator (an operator's task, run from the CLI),
and the settings its administrators choose for the whole company."""

from __future__ import annotations

import re
from collections.abc import Sequence

from tortoise.transactions import in_transaction

from workorder.auth.actor import Actor
from workorder.auth.customers import tenant_mode
from workorder.auth.passwords import MIN_PASSWORD_LENGTH, hash_password
from workorder.auth.permissions import require_admin
from workorder.errors import conflict, invalid, not_found
from workorder.flows.exports.columns import check_export_setting
from workorder.flows.org.cleaning import KEEP, Keep, clean_name
from workorder.models import CustomerLookupMode, Role, Tenant, User

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


async def create_tenant(
    slug: str, name: str, admin_username: str, admin_password: str
) -> tuple[Tenant, User]:
    if not _SLUG.match(slug):
        raise invalid("Slug: lowercase letters, digits and '-', at most 63", ["slug"])
    if len(admin_password) < MIN_PASSWORD_LENGTH:
        raise invalid(
            f"Password must have at least {MIN_PASSWORD_LENGTH} characters", ["adminPassword"]
        )
    if await Tenant.filter(slug=slug).exists():
        raise conflict("A tenant with this slug already exists", ["slug"])
    password_hash = await hash_password(admin_password)
    async with in_transaction():
        tenant = await Tenant.create(slug=slug, name=clean_name(name, ["name"]))
        admin = await User.create(
            tenant=tenant,
            username=admin_username,
            display_name=admin_username,
            password_hash=password_hash,
            roles=[str(Role.ADMIN)],
        )
    return tenant, admin


async def tenant_settings(actor: Actor) -> Tenant:
    """The caller's own tenant. Every user may read its settings: the agent's screen needs
    them (which lookup the search box does) as much as the administrator's."""
    tenant = await Tenant.filter(id=actor.tenant_id).first()
    if tenant is None:  # deleted under a still valid token
        raise not_found("Tenant")
    return tenant


async def customer_lookup_mode(tenant_id: int) -> CustomerLookupMode:
    """The tenant's mode for the customer search (the rule that applies it: auth/customers)."""
    return await tenant_mode(tenant_id)


async def update_tenant_settings(
    actor: Actor,
    customer_lookup_mode: CustomerLookupMode | Keep = KEEP,
    export_columns: Sequence[str] | Keep | None = KEEP,
    superiors_see_subordinates: bool | Keep = KEEP,
) -> Tenant:
    """Settings change how everybody in the company works: administrators only. Only the
    settings given are written, so two administrators changing different ones both win."""
    require_admin(actor)
    tenant = await tenant_settings(actor)
    changed: list[str] = []
    if not isinstance(customer_lookup_mode, Keep):
        try:
            tenant.customer_lookup_mode = CustomerLookupMode(customer_lookup_mode)
        except ValueError as exc:
            raise invalid("Must be EXACT or FUZZY", ["customerLookupMode"]) from exc
        changed.append("customer_lookup_mode")
    if not isinstance(export_columns, Keep):
        # None: back to the default (every system column and custom field).
        tenant.export_columns = (
            None if export_columns is None else await check_export_setting(actor, export_columns)
        )
        changed.append("export_columns")
    if not isinstance(superiors_see_subordinates, Keep):
        # Read by the visibility rule through the reach (auth/visibility.look_up_reach).
        tenant.superiors_see_subordinates = bool(superiors_see_subordinates)
        changed.append("superiors_see_subordinates")
    if changed:
        await tenant.save(update_fields=changed)
    return tenant
