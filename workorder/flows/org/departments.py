"""Administering the department tree."""

from __future__ import annotations

from workorder.auth.actor import Actor
from workorder.auth.hierarchy import parent_would_cycle
from workorder.auth.permissions import require_admin
from workorder.errors import invalid, not_found
from workorder.flows.org.cleaning import KEEP, Keep, clean_name
from workorder.flows.org.lookups import user_of_tenant
from workorder.flows.unit_of_work import unit_of_work
from workorder.models import Department
from workorder.subscriptions.messages import ReachChanged


async def _department(tenant_id: int, department_id: int, field: list[str]) -> Department:
    department = await Department.filter(tenant_id=tenant_id, id=department_id).first()
    if department is None:
        raise not_found("Department", field)
    return department


async def create_department(
    actor: Actor, name: str, parent_id: int | None = None, head_id: int | None = None
) -> Department:
    require_admin(actor)
    name = clean_name(name, ["name"])
    if parent_id is not None:
        await _department(actor.tenant_id, parent_id, ["parentId"])
    if head_id is not None:
        await user_of_tenant(actor.tenant_id, head_id, ["headId"])
    async with unit_of_work() as uow:
        department = await Department.create(
            tenant_id=actor.tenant_id, name=name, parent_id=parent_id, head_id=head_id
        )
        if head_id is not None or parent_id is not None:  # someone heads more
            uow.publish(ReachChanged(actor.tenant_id))
    return department


async def update_department(
    actor: Actor,
    department_id: int,
    name: str | Keep = KEEP,
    parent_id: int | Keep | None = KEEP,
    head_id: int | Keep | None = KEEP,
) -> Department:
    require_admin(actor)
    department = await _department(actor.tenant_id, department_id, ["id"])
    if not isinstance(name, Keep):
        department.name = clean_name(name, ["name"])
    if not isinstance(parent_id, Keep):
        if parent_id is not None:
            await _department(actor.tenant_id, parent_id, ["parentId"])
            if await parent_would_cycle(actor.tenant_id, department.id, parent_id):
                raise invalid(
                    "This parent is the department or lies below it: the tree would be a cycle",
                    ["parentId"],
                )
        department.parent_id = parent_id
    if not isinstance(head_id, Keep):
        if head_id is not None:
            await user_of_tenant(actor.tenant_id, head_id, ["headId"])
        department.head_id = head_id
    async with unit_of_work() as uow:
        await department.save()
        uow.publish(ReachChanged(actor.tenant_id))
    return department
