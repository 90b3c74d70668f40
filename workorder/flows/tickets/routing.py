"""Where a ticket goes when it enters a step: who handles it, or who may claim it.

Assignment rules of the step (POOL, SUPERVISOR, ROUND_ROBIN, LEAST_LOADED), the template's
initial assignment and retain-agent rule, and an explicitly chosen next handler.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tortoise.functions import Count

from workorder.errors import invalid
from workorder.flows.org.lookups import (
    is_active_member,
    may_be_given_work,
    members_of,
    supervisors_of,
)
from workorder.flows.templates.config import AssignmentRule, InitialAssignment, Step, TemplateConfig
from workorder.models import AssignmentCursor, ClaimMode, NotificationKind, Status, Ticket


@dataclass(slots=True)
class Route:
    status: Status
    group_id: int | None
    step_key: str | None
    assignee_id: int | None = None
    claim_mode: ClaimMode | None = None
    # Who to tell, and how.
    notify: list[tuple[NotificationKind, list[int]]] = field(default_factory=list)

    def changes(self) -> dict[str, object]:
        return {
            "status": self.status,
            "current_group_id": self.group_id,
            "current_step": self.step_key,
            "assignee_id": self.assignee_id,
            "claim_mode": self.claim_mode,
        }


def assigned(step_key: str | None, group_id: int | None, user_id: int) -> Route:
    return Route(
        Status.IN_PROGRESS,
        group_id,
        step_key,
        assignee_id=user_id,
        notify=[(NotificationKind.ASSIGNED, [user_id])],
    )


async def _round_robin(group_id: int) -> int | None:
    """The member after the last one served, in id order; fair across restarts because the
    cursor is a row. A concurrent pick retries on the moved cursor."""
    members = [u.id for u in await members_of(group_id)]
    if not members:
        return None
    for _ in range(5):
        cursor, _ = await AssignmentCursor.get_or_create(group_id=group_id)
        last = cursor.last_user_id
        chosen = next((m for m in members if last is None or m > last), members[0])
        moved = await AssignmentCursor.filter(id=cursor.id, last_user_id=last).update(
            last_user_id=chosen
        )
        if moved == 1:
            return chosen
    return chosen


async def _least_loaded(group_id: int) -> int | None:
    """The member with the fewest tickets in progress in the tenant; ties go to the lowest id."""
    members = [u.id for u in await members_of(group_id)]
    if not members:
        return None
    rows = (
        await Ticket.filter(assignee_id__in=members, status=Status.IN_PROGRESS, deleted_at=None)
        .annotate(n=Count("id"))
        .group_by("assignee_id")
        .values("assignee_id", "n")
    )
    load = {r["assignee_id"]: r["n"] for r in rows}
    return min(members, key=lambda m: (load.get(m, 0), m))


async def by_rule(step: Step | None, group_id: int) -> Route:
    """The step's own assignment rule (a group without a workflow step works as a pool)."""
    key = step.key if step else None
    rule = step.assignment if step else AssignmentRule.POOL
    chosen: int | None = None
    if rule == AssignmentRule.ROUND_ROBIN:
        chosen = await _round_robin(group_id)
    elif rule == AssignmentRule.LEAST_LOADED:
        chosen = await _least_loaded(group_id)
    if chosen is not None:
        return assigned(key, group_id, chosen)
    supervisors = await supervisors_of(group_id)
    if rule == AssignmentRule.POOL and await members_of(group_id):
        members = [u.id for u in await members_of(group_id)]
        return Route(
            Status.PENDING,
            group_id,
            key,
            claim_mode=ClaimMode.POOL,
            notify=[(NotificationKind.POOL_NEW, members)],
        )
    # SUPERVISOR, or nobody to give it to: it waits for a supervisor to assign it.
    return Route(
        Status.PENDING,
        group_id,
        key,
        claim_mode=ClaimMode.SUPERVISOR,
        notify=[(NotificationKind.POOL_NEW, supervisors)],
    )


async def enter_step(
    config: TemplateConfig,
    step: Step | None,
    group_id: int | None,
    *,
    creator_id: int,
    previous_assignee_id: int | None,
    chosen_assignee_id: int | None = None,
    initial: bool = False,
    to_creator: bool = False,
) -> Route:
    """Decide who takes the ticket as it enters `step` (or `group_id` without a workflow).
    `to_creator` (a branch back to the creator): the creator takes it whatever the group, as
    on a return, while they may be given work; else the step's rule applies."""
    key = step.key if step else None
    group_id = step.group_id if step else group_id
    if to_creator and chosen_assignee_id is None and await may_be_given_work(creator_id, None):
        return assigned(key, group_id, creator_id)
    if chosen_assignee_id is not None:
        if group_id is not None and not await is_active_member(group_id, chosen_assignee_id):
            raise invalid(
                "The next handler must be an active member of the step's group", ["nextAssigneeId"]
            )
        return assigned(key, group_id, chosen_assignee_id)
    if group_id is None or (initial and config.initial_assignment == InitialAssignment.CREATOR):
        return assigned(key, group_id, creator_id)
    if not initial:
        keeper = await retained(config, group_id, creator_id, previous_assignee_id)
        if keeper is not None:
            return assigned(key, group_id, keeper)
    return await by_rule(step, group_id)


async def retained(
    config: TemplateConfig, group_id: int, creator_id: int, previous_assignee_id: int | None
) -> int | None:
    """The template's retainAgentOnTransfer: a ticket that moves to a group (a forward, or a
    transfer to a group or step) stays with its creator, else with the one who held it, when
    they are an active member of that group. The one place the rule is read."""
    if not config.retain_agent_on_transfer:
        return None
    for keeper in (creator_id, previous_assignee_id):
        if keeper is not None and await is_active_member(group_id, keeper):
            return keeper
    return None
