"""Administering sharing rules: the tickets in the charge of one user or department, shared with
a user, a department or a group, to read or to read and write.

A rule is named by its owner and its target; its access is what may change. The visibility
rule in auth/ reads these rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.models import Model

from workorder.auth.actor import Actor
from workorder.auth.permissions import require_admin
from workorder.errors import conflict, forbidden, invalid, not_found
from workorder.flows.unit_of_work import unit_of_work
from workorder.models import Department, Group, SharingRule, TeamAccess, User
from workorder.subscriptions.messages import ReachChanged

OWNER = "owner"
TARGET = "target"
_DUPLICATE = "A rule already shares this owner's tickets with this target: change its access"
# Input key of a party → (model, name in errors, column suffix on SharingRule).
_PARTIES: dict[str, tuple[type[Model], str, str]] = {
    "userId": (User, "User", "user_id"),
    "departmentId": (Department, "Department", "department_id"),
    "groupId": (Group, "Group", "group_id"),
}


def _exactly_one(side: str, given: dict[str, int | None], what: str) -> tuple[str, int]:
    chosen = [(name, pk) for name, pk in given.items() if pk is not None]
    if len(chosen) != 1:
        raise invalid(f"Give exactly one {what}", [side])
    return chosen[0]


async def _exists(
    model: type[Model], what: str, tenant_id: int, pk: int, field: Sequence[str]
) -> None:
    if not await model.filter(tenant_id=tenant_id, id=pk).exists():
        raise not_found(what, field)


async def create_sharing_rule(
    actor: Actor,
    *,
    owner_user_id: int | None = None,
    owner_department_id: int | None = None,
    target_user_id: int | None = None,
    target_department_id: int | None = None,
    target_group_id: int | None = None,
    access: TeamAccess = TeamAccess.READ,
) -> SharingRule:
    """Share the tickets of exactly one owner (a user, or a department and those below it) with
    exactly one target (a user, a department and those below it, or a group)."""
    require_admin(actor)
    owner_key, owner_pk = _exactly_one(
        OWNER,
        {"userId": owner_user_id, "departmentId": owner_department_id},
        "owner: a user or a department",
    )
    target_key, target_pk = _exactly_one(
        TARGET,
        {
            "userId": target_user_id,
            "departmentId": target_department_id,
            "groupId": target_group_id,
        },
        "target: a user, a department or a group",
    )
    for side, key, pk in ((OWNER, owner_key, owner_pk), (TARGET, target_key, target_pk)):
        model, what, _ = _PARTIES[key]
        await _exists(model, what, actor.tenant_id, pk, [side, key])
    if owner_key == target_key and owner_pk == target_pk:
        raise invalid(
            "A user's tickets cannot be shared with that same user"
            if owner_key == "userId"
            else "A department's tickets cannot be shared with that same department",
            [TARGET, target_key],
        )
    values: dict[str, Any] = {
        f"owner_{_PARTIES[owner_key][2]}": owner_pk,
        f"target_{_PARTIES[target_key][2]}": target_pk,
    }
    same = SharingRule.filter(
        tenant_id=actor.tenant_id,
        owner_user_id=owner_user_id,
        owner_department_id=owner_department_id,
        target_user_id=target_user_id,
        target_department_id=target_department_id,
        target_group_id=target_group_id,
    )
    if await same.exists():
        raise conflict(_DUPLICATE, [TARGET])
    try:
        async with unit_of_work() as uow:
            rule = await SharingRule.create(
                tenant_id=actor.tenant_id,
                access=TeamAccess(access),
                created_by_id=actor.user_id,
                **values,
            )
            uow.publish(ReachChanged(actor.tenant_id))
        return rule
    except IntegrityError as exc:  # a unique index, where there is one, saw a concurrent twin
        raise conflict(_DUPLICATE, [TARGET]) from exc


async def _rule(tenant_id: int, rule_id: int) -> SharingRule:
    rule = await SharingRule.filter(tenant_id=tenant_id, id=rule_id).first()
    if rule is None:
        raise not_found("Sharing rule", ["id"])
    return rule


async def update_sharing_rule(actor: Actor, rule_id: int, access: TeamAccess) -> SharingRule:
    """Only the access changes; to share with someone else, delete the rule and make another."""
    require_admin(actor)
    rule = await _rule(actor.tenant_id, rule_id)
    rule.access = TeamAccess(access)
    async with unit_of_work() as uow:
        await rule.save(update_fields=["access"])
        uow.publish(ReachChanged(actor.tenant_id))
    return rule


async def delete_sharing_rule(actor: Actor, rule_id: int) -> int:
    """Returns the id of the rule that is gone."""
    require_admin(actor)
    rule = await _rule(actor.tenant_id, rule_id)
    async with unit_of_work() as uow:
        await SharingRule.filter(tenant_id=actor.tenant_id, id=rule.id).delete()
        uow.publish(ReachChanged(actor.tenant_id))
    return rule.id


async def readable_rule(actor: Actor, rule_id: int) -> SharingRule | None:
    """One rule by id, for `node(id:)`: the tenant's administrators read it; for anyone
    else it does not exist, as a node they may not see."""
    if not actor.is_admin:
        return None
    return await SharingRule.filter(tenant_id=actor.tenant_id, id=rule_id).first()


async def list_sharing_rules(actor: Actor) -> list[SharingRule]:
    """The tenant's rules, oldest first. Administrators only (a read: no write scope needed)."""
    if not actor.is_admin:
        raise forbidden("Only administrators may see sharing rules")
    return await SharingRule.filter(tenant_id=actor.tenant_id).order_by("id")
