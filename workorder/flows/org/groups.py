"""Administering agent groups, their members and their supervisors."""

from __future__ import annotations

from collections.abc import Sequence

from tortoise.exceptions import IntegrityError

from workorder.auth.actor import Actor
from workorder.auth.permissions import require_admin
from workorder.errors import conflict, not_found
from workorder.flows.org.cleaning import KEEP, Keep, clean_name
from workorder.flows.org.lookups import users_of_tenant
from workorder.flows.unit_of_work import unit_of_work
from workorder.models import Group
from workorder.subscriptions.messages import ReachChanged


async def _group(tenant_id: int, group_id: int) -> Group:
    group = await Group.filter(tenant_id=tenant_id, id=group_id).first()
    if group is None:
        raise not_found("Group", ["id"])
    return group


async def _name_free(tenant_id: int, name: str, group_id: int | None = None) -> None:
    taken = Group.filter(tenant_id=tenant_id, name=name)
    if group_id is not None:
        taken = taken.exclude(id=group_id)
    if await taken.exists():
        raise conflict("A group with this name already exists", ["name"])


async def create_group(
    actor: Actor,
    name: str,
    description: str = "",
    member_ids: Sequence[int] = (),
    supervisor_ids: Sequence[int] = (),
) -> Group:
    require_admin(actor)
    name = clean_name(name, ["name"])
    members = await users_of_tenant(actor.tenant_id, member_ids, ["memberIds"])
    supervisors = await users_of_tenant(actor.tenant_id, supervisor_ids, ["supervisorIds"])
    await _name_free(actor.tenant_id, name)
    try:
        async with unit_of_work() as uow:
            group = await Group.create(
                tenant_id=actor.tenant_id, name=name, description=description.strip()
            )
            if members:
                await group.members.add(*members)
            if supervisors:
                await group.supervisors.add(*supervisors)
            if members or supervisors:
                uow.publish(ReachChanged(actor.tenant_id))
    except IntegrityError as exc:
        raise conflict("A group with this name already exists", ["name"]) from exc
    return group


async def update_group(
    actor: Actor,
    group_id: int,
    name: str | Keep = KEEP,
    description: str | Keep = KEEP,
    active: bool | Keep = KEEP,
    member_ids: Sequence[int] | Keep = KEEP,
    supervisor_ids: Sequence[int] | Keep = KEEP,
) -> Group:
    """Lists given replace the stored ones; lists left out are kept."""
    require_admin(actor)
    group = await _group(actor.tenant_id, group_id)
    if not isinstance(name, Keep):
        group.name = clean_name(name, ["name"])
        await _name_free(actor.tenant_id, group.name, group.id)
    if not isinstance(description, Keep):
        group.description = description.strip()
    if not isinstance(active, Keep):
        group.active = active
    members = (
        None
        if isinstance(member_ids, Keep)
        else await users_of_tenant(actor.tenant_id, member_ids, ["memberIds"])
    )
    supervisors = (
        None
        if isinstance(supervisor_ids, Keep)
        else await users_of_tenant(actor.tenant_id, supervisor_ids, ["supervisorIds"])
    )
    try:
        async with unit_of_work() as uow:
            await group.save()
            if members is not None or supervisors is not None:
                uow.publish(ReachChanged(actor.tenant_id))
            if members is not None:
                await group.members.clear()
                if members:
                    await group.members.add(*members)
            if supervisors is not None:
                await group.supervisors.clear()
                if supervisors:
                    await group.supervisors.add(*supervisors)
    except IntegrityError as exc:
        raise conflict("A group with this name already exists", ["name"]) from exc
    return group
