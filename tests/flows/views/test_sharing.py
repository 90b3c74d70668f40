"""Sharing rules as a flow: administrators only, exactly one owner and one target, never across
tenants, no self-sharing and no twins."""

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from tests.support import OrgBuilder
from workorder.auth.actor import Actor, Scope
from workorder.errors import ErrorCode, FlowError
from workorder.flows.org.departments import create_department
from workorder.flows.views.sharing import (
    create_sharing_rule,
    delete_sharing_rule,
    list_sharing_rules,
    update_sharing_rule,
)
from workorder.models import Role, SharingRule, TeamAccess


async def refused(call: Awaitable[Any]) -> tuple[ErrorCode, str, list[str] | None]:
    with pytest.raises(FlowError) as caught:
        await call
    return caught.value.code, caught.value.message, caught.value.field


async def test_an_admin_shares_a_users_tickets_with_a_user(org: OrgBuilder):
    ann, bob = await org.user("ann"), await org.user("bob")
    rule = await create_sharing_rule(
        org.admin_actor, owner_user_id=ann.id, target_user_id=bob.id, access=TeamAccess.READ_WRITE
    )
    stored = await SharingRule.get(id=rule.id)
    assert (stored.tenant_id, stored.owner_user_id, stored.owner_department_id) == (
        org.tenant.id,
        ann.id,
        None,
    )
    assert (stored.target_user_id, stored.target_department_id, stored.target_group_id) == (
        bob.id,
        None,
        None,
    )
    assert stored.access == TeamAccess.READ_WRITE
    assert stored.created_by_id == org.admin.id


async def test_every_kind_of_owner_and_target(org: OrgBuilder):
    admin = org.admin_actor
    ann = await org.user("ann")
    sales = await create_department(admin, "Sales")
    finance = await create_department(admin, "Finance")
    desk = await org.group("Desk", members=[ann])
    made = [
        await create_sharing_rule(admin, owner_user_id=ann.id, target_group_id=desk.id),
        await create_sharing_rule(admin, owner_user_id=ann.id, target_department_id=sales.id),
        await create_sharing_rule(admin, owner_department_id=sales.id, target_user_id=ann.id),
        await create_sharing_rule(
            admin, owner_department_id=sales.id, target_department_id=finance.id
        ),
        await create_sharing_rule(admin, owner_department_id=sales.id, target_group_id=desk.id),
    ]
    assert all(r.access == TeamAccess.READ for r in made)
    assert [r.id for r in await list_sharing_rules(admin)] == [r.id for r in made]


async def test_only_administrators_manage_rules(org: OrgBuilder):
    ann, bob = await org.user("ann"), await org.user("bob")
    rule = await create_sharing_rule(org.admin_actor, owner_user_id=ann.id, target_user_id=bob.id)
    supervisor = Actor.of(await org.user("sue", Role.SUPERVISOR))
    calls: list[Callable[[Actor], Awaitable[Any]]] = [
        lambda a: create_sharing_rule(a, owner_user_id=bob.id, target_user_id=ann.id),
        lambda a: update_sharing_rule(a, rule.id, TeamAccess.READ_WRITE),
        lambda a: delete_sharing_rule(a, rule.id),
        lambda a: list_sharing_rules(a),
    ]
    for call in calls:
        for actor in (Actor.of(ann), supervisor):
            assert (await refused(call(actor)))[0] == ErrorCode.FORBIDDEN
    stored = await SharingRule.all()
    assert [(r.id, r.access) for r in stored] == [(rule.id, TeamAccess.READ)]


async def test_a_read_only_admin_token_neither_lists_nor_changes(org: OrgBuilder):
    """The admin scope implies every other (write too): a read-only token of an
    administrator does not use the role, so the rules are not its to see or change."""
    ann, bob = await org.user("ann"), await org.user("bob")
    rule = await create_sharing_rule(org.admin_actor, owner_user_id=ann.id, target_user_id=bob.id)
    reader = Actor.of(org.admin, scopes=frozenset({Scope.READ}))
    assert (await refused(list_sharing_rules(reader)))[0] == ErrorCode.FORBIDDEN
    assert (await refused(update_sharing_rule(reader, rule.id, TeamAccess.READ_WRITE)))[
        0
    ] == ErrorCode.FORBIDDEN
    assert (await refused(delete_sharing_rule(reader, rule.id)))[0] == ErrorCode.FORBIDDEN


async def test_exactly_one_owner_and_exactly_one_target(org: OrgBuilder):
    admin = org.admin_actor
    ann, bob = await org.user("ann"), await org.user("bob")
    sales = await create_department(admin, "Sales")
    desk = await org.group("Desk")
    cases: list[tuple[dict[str, Any], list[str]]] = [
        ({"target_user_id": bob.id}, ["owner"]),
        (
            {"owner_user_id": ann.id, "owner_department_id": sales.id, "target_user_id": bob.id},
            ["owner"],
        ),
        ({"owner_user_id": ann.id}, ["target"]),
        (
            {"owner_user_id": ann.id, "target_user_id": bob.id, "target_group_id": desk.id},
            ["target"],
        ),
        (
            {
                "owner_department_id": sales.id,
                "target_user_id": bob.id,
                "target_department_id": sales.id,
                "target_group_id": desk.id,
            },
            ["target"],
        ),
    ]
    for args, field in cases:
        code, message, at = await refused(create_sharing_rule(admin, **args))
        assert (code, at) == (ErrorCode.INVALID, field), args
        assert message.startswith("Give exactly one"), message
    assert await SharingRule.all().count() == 0


async def test_parties_must_exist_in_the_callers_tenant(org: OrgBuilder, api):
    admin = org.admin_actor
    ann = await org.user("ann")
    sales = await create_department(admin, "Sales")
    other = await OrgBuilder.create(api, "globex")
    stranger = await other.user("stranger")
    their_department = await create_department(other.admin_actor, "Theirs")
    their_group = await other.group("Theirs")
    cases: list[tuple[dict[str, Any], list[str]]] = [
        ({"owner_user_id": stranger.id, "target_user_id": ann.id}, ["owner", "userId"]),
        (
            {"owner_department_id": their_department.id, "target_user_id": ann.id},
            ["owner", "departmentId"],
        ),
        ({"owner_user_id": ann.id, "target_user_id": stranger.id}, ["target", "userId"]),
        (
            {"owner_user_id": ann.id, "target_department_id": their_department.id},
            ["target", "departmentId"],
        ),
        (
            {"owner_department_id": sales.id, "target_group_id": their_group.id},
            ["target", "groupId"],
        ),
        ({"owner_user_id": 999_999, "target_group_id": 999_999}, ["owner", "userId"]),
    ]
    for args, field in cases:
        code, message, at = await refused(create_sharing_rule(admin, **args))
        assert (code, at) == (ErrorCode.NOT_FOUND, field), args
        assert "globex" not in message.lower() and "stranger" not in message
    assert await SharingRule.all().count() == 0


async def test_rules_of_another_tenant_are_not_found_and_not_listed(org: OrgBuilder, api):
    ann, bob = await org.user("ann"), await org.user("bob")
    rule = await create_sharing_rule(org.admin_actor, owner_user_id=ann.id, target_user_id=bob.id)
    other = await OrgBuilder.create(api, "globex")
    theirs = other.admin_actor
    assert await list_sharing_rules(theirs) == []
    assert await refused(update_sharing_rule(theirs, rule.id, TeamAccess.READ_WRITE)) == (
        ErrorCode.NOT_FOUND,
        "Sharing rule not found",
        ["id"],
    )
    assert (await refused(delete_sharing_rule(theirs, rule.id)))[0] == ErrorCode.NOT_FOUND
    stored = await SharingRule.get(id=rule.id)
    assert stored.access == TeamAccess.READ


async def test_nobody_shares_with_themselves(org: OrgBuilder):
    admin = org.admin_actor
    ann = await org.user("ann")
    sales = await create_department(admin, "Sales")
    assert await refused(
        create_sharing_rule(admin, owner_user_id=ann.id, target_user_id=ann.id)
    ) == (
        ErrorCode.INVALID,
        "A user's tickets cannot be shared with that same user",
        ["target", "userId"],
    )
    code, message, at = await refused(
        create_sharing_rule(admin, owner_department_id=sales.id, target_department_id=sales.id)
    )
    assert (code, at) == (ErrorCode.INVALID, ["target", "departmentId"])
    assert "same department" in message
    assert await SharingRule.all().count() == 0


async def test_a_second_rule_for_the_same_owner_and_target_is_a_conflict(org: OrgBuilder):
    admin = org.admin_actor
    ann, bob = await org.user("ann"), await org.user("bob")
    desk = await org.group("Desk")
    await create_sharing_rule(admin, owner_user_id=ann.id, target_user_id=bob.id)
    for access in TeamAccess:
        code, message, at = await refused(
            create_sharing_rule(admin, owner_user_id=ann.id, target_user_id=bob.id, access=access)
        )
        assert (code, at) == (ErrorCode.CONFLICT, ["target"])
        assert "change its access" in message
    # The other way round, or to someone else, is another rule.
    await create_sharing_rule(admin, owner_user_id=bob.id, target_user_id=ann.id)
    await create_sharing_rule(admin, owner_user_id=ann.id, target_group_id=desk.id)
    assert await SharingRule.all().count() == 3


async def test_update_changes_the_access_and_delete_removes_the_rule(org: OrgBuilder):
    admin = org.admin_actor
    ann, bob = await org.user("ann"), await org.user("bob")
    rule = await create_sharing_rule(admin, owner_user_id=ann.id, target_user_id=bob.id)
    updated = await update_sharing_rule(admin, rule.id, TeamAccess.READ_WRITE)
    assert updated.id == rule.id
    assert (await SharingRule.get(id=rule.id)).access == TeamAccess.READ_WRITE
    assert (await refused(update_sharing_rule(admin, 999_999, TeamAccess.READ)))[:1] == (
        ErrorCode.NOT_FOUND,
    )

    assert await delete_sharing_rule(admin, rule.id) == rule.id
    assert await list_sharing_rules(admin) == []
    assert await refused(delete_sharing_rule(admin, rule.id)) == (
        ErrorCode.NOT_FOUND,
        "Sharing rule not found",
        ["id"],
    )
    # Gone, it no longer blocks the same rule being made again.
    await create_sharing_rule(admin, owner_user_id=ann.id, target_user_id=bob.id)
