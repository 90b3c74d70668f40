"""Administering the users of a tenant: create, update, superiors, deactivation."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tortoise.exceptions import IntegrityError

from workorder.auth.actor import Actor
from workorder.auth.hierarchy import superior_would_cycle
from workorder.auth.passwords import MIN_PASSWORD_LENGTH, hash_password
from workorder.auth.permissions import Permission, require_admin
from workorder.auth.sessions import revoke_sessions_of
from workorder.errors import conflict, invalid, not_found
from workorder.flows.org.cleaning import KEEP, Keep, clean_email, clean_locale, clean_name
from workorder.flows.org.lookups import user_of_tenant
from workorder.flows.unit_of_work import unit_of_work
from workorder.models import Department, Role, User
from workorder.subscriptions.messages import CredentialsEnded, ReachChanged

_USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,149}$")


@dataclass(slots=True)
class NewUser:
    username: str
    password: str
    display_name: str = ""
    email: str | None = None
    roles: Sequence[Role] = (Role.AGENT,)
    permissions: Sequence[str] = ()
    superior_id: int | None = None
    department_id: int | None = None
    locale: str = "en"


@dataclass(slots=True)
class UserChanges:
    display_name: str | Keep = KEEP
    email: str | Keep | None = KEEP
    password: str | Keep = KEEP
    roles: Sequence[Role] | Keep = KEEP
    permissions: Sequence[str] | Keep = KEEP
    department_id: int | Keep | None = KEEP
    locale: str | Keep = KEEP
    active: bool | Keep = KEEP


def _clean_username(username: str) -> str:
    username = username.strip()
    if not _USERNAME.match(username):
        raise invalid(
            "Username: 1 to 150 letters, digits or . _ @ -, starting with a letter or digit",
            ["username"],
        )
    return username


def _clean_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise invalid(f"Password must have at least {MIN_PASSWORD_LENGTH} characters", ["password"])
    return password


def _clean_roles(roles: Sequence[Role]) -> list[str]:
    if not roles:
        raise invalid("Give the user at least one role", ["roles"])
    return sorted({str(Role(r)) for r in roles})


def _clean_permissions(permissions: Sequence[str]) -> list[str]:
    unknown = sorted(set(permissions) - set(Permission))
    if unknown:
        raise invalid(f"Unknown permission(s): {', '.join(unknown)}", ["permissions"])
    return sorted(set(permissions))


async def _check_department(tenant_id: int, department_id: int | None) -> None:
    if (
        department_id is not None
        and not await Department.filter(tenant_id=tenant_id, id=department_id).exists()
    ):
        raise not_found("Department", ["departmentId"])


async def create_user(actor: Actor, new: NewUser) -> User:
    require_admin(actor)
    username = _clean_username(new.username)
    values: dict[str, Any] = {
        "tenant_id": actor.tenant_id,
        "username": username,
        "display_name": clean_name(new.display_name or username, ["displayName"]),
        "email": clean_email(new.email, ["email"]),
        "password_hash": await hash_password(_clean_password(new.password)),
        "roles": _clean_roles(new.roles),
        "permissions": _clean_permissions(new.permissions),
        "locale": clean_locale(new.locale, ["locale"]),
        "department_id": new.department_id,
        "superior_id": new.superior_id,
    }
    await _check_department(actor.tenant_id, new.department_id)
    if new.superior_id is not None:
        await user_of_tenant(actor.tenant_id, new.superior_id, ["superiorId"])
    if await User.filter(tenant_id=actor.tenant_id, username=username).exists():
        raise conflict("A user with this username already exists", ["username"])
    try:
        async with unit_of_work() as uow:
            user = await User.create(**values)
            if new.superior_id is not None:  # the superior's reach grows
                uow.publish(ReachChanged(actor.tenant_id))
        return user
    except IntegrityError as exc:  # a concurrent create won the race
        raise conflict("A user with this username already exists", ["username"]) from exc


async def update_user(actor: Actor, user_id: int, changes: UserChanges) -> User:
    require_admin(actor)
    user = await user_of_tenant(actor.tenant_id, user_id, ["id"])
    if not isinstance(changes.display_name, Keep):
        user.display_name = clean_name(changes.display_name, ["displayName"])
    if not isinstance(changes.email, Keep):
        user.email = clean_email(changes.email, ["email"])
    if not isinstance(changes.password, Keep):
        user.password_hash = await hash_password(_clean_password(changes.password))
    if not isinstance(changes.roles, Keep):
        roles = _clean_roles(changes.roles)
        if user.id == actor.user_id and str(Role.ADMIN) not in roles:
            raise invalid("You cannot take the administrator role from yourself", ["roles"])
        user.roles = roles
    if not isinstance(changes.permissions, Keep):
        user.permissions = _clean_permissions(changes.permissions)
    if not isinstance(changes.department_id, Keep):
        await _check_department(actor.tenant_id, changes.department_id)
        user.department_id = changes.department_id
    if not isinstance(changes.locale, Keep):
        user.locale = clean_locale(changes.locale, ["locale"])
    deactivating = False
    if not isinstance(changes.active, Keep):
        if not changes.active and user.id == actor.user_id:
            raise invalid("You cannot deactivate yourself", ["active"])
        deactivating = user.active and not changes.active
        user.active = changes.active
    async with unit_of_work() as uow:
        await user.save()
        uow.publish(ReachChanged(user.tenant_id))  # roles, active flag: live reaches go
        if deactivating or not isinstance(changes.password, Keep):
            await revoke_sessions_of(user.id)
            uow.publish(CredentialsEnded(user.id))  # their open streams end at once
    return user


async def deactivate_user(actor: Actor, user_id: int) -> User:
    """Deactivated users cannot log in and their open sessions end at once."""
    return await update_user(actor, user_id, UserChanges(active=False))


async def set_superior(actor: Actor, user_id: int, superior_id: int | None) -> User:
    require_admin(actor)
    user = await user_of_tenant(actor.tenant_id, user_id, ["userId"])
    if superior_id is not None:
        await user_of_tenant(actor.tenant_id, superior_id, ["superiorId"])
        if await superior_would_cycle(actor.tenant_id, user.id, superior_id):
            raise invalid(
                "This superior is the user or reports to the user: the line would be a cycle",
                ["superiorId"],
            )
    user.superior_id = superior_id
    async with unit_of_work() as uow:
        await user.save(update_fields=["superior_id", "updated_at"])
        uow.publish(ReachChanged(actor.tenant_id))  # a reporting line changed
    return user
