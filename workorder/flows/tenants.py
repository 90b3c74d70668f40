"""Creating a tenant with its first administrator (an operator's task, run from the CLI)."""

from __future__ import annotations

import re

from tortoise.transactions import in_transaction

from workorder.auth.passwords import MIN_PASSWORD_LENGTH, hash_password
from workorder.errors import conflict, invalid
from workorder.flows.common import clean_name
from workorder.models import Role, Tenant, User

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
    async with in_transaction():
        tenant = await Tenant.create(slug=slug, name=clean_name(name, ["name"]))
        admin = await User.create(
            tenant=tenant,
            username=admin_username,
            display_name=admin_username,
            password_hash=hash_password(admin_password),
            roles=[str(Role.ADMIN)],
        )
    return tenant, admin
