"""Where a transfer (转移) sends a ticket: the people it names and the step it waits at.

People come from user ids, a department (with the departments below it) and a role; given
together, everyone they name. The step and the group always agree, as on every other move:
a step brings its group; a group alone brings the step of the workflow it handles (the
current one when it handles it, else its only one; with several, the caller names one).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from workorder.auth.actor import Actor
from workorder.auth.directory import insight_of
from workorder.auth.hierarchy import descendant_departments
from workorder.errors import invalid, not_found
from workorder.flows.templates.config import Step, TemplateConfig
from workorder.models import Department, Group, Role, Ticket, User


async def people_of(
    actor: Actor,
    user_ids: Sequence[int] = (),
    department_id: int | None = None,
    role: Role | None = None,
) -> list[int]:
    """Active users, in the order named, each once. A department or role that names nobody
    is refused rather than read as "nobody": a transfer to no one would strand the ticket."""
    people = list(dict.fromkeys(user_ids))
    if people and await User.filter(
        tenant_id=actor.tenant_id, id__in=people, active=True
    ).count() != len(people):
        raise not_found("User", ["userIds"])
    staff = User.filter(tenant_id=actor.tenant_id, active=True, is_integration=False)
    if department_id is not None:
        department = await Department.filter(tenant_id=actor.tenant_id, id=department_id).first()
        if department is None:
            raise not_found("Department", ["departmentId"])
        below = {department_id} | await descendant_departments(actor.tenant_id, department_id)
        found = cast(
            list[int],
            await staff.filter(department_id__in=sorted(below))
            .order_by("id")
            .values_list("id", flat=True),
        )
        if not found:
            raise invalid(
                f"Nobody active works in {department.name} or a department below it",
                ["departmentId"],
            )
        people += [p for p in found if p not in people]
    if role is not None:
        # Roles are private (auth/directory.py): only users whose roles the caller may read
        # count, so a refusal cannot tell "nobody holds it" from "you may not know who".
        # Roles are a JSON list, which SQLite cannot filter on: sieve them here.
        holders = await staff.filter((await insight_of(actor)).q()).order_by("id")
        found = [u.id for u in holders if str(role) in u.roles]
        if not found:
            raise invalid(f"Nobody you may see holds the role {role}", ["role"])
        people += [p for p in found if p not in people]
    return people


async def place_of(
    actor: Actor,
    config: TemplateConfig,
    ticket: Ticket,
    group_id: int | None,
    step_key: str | None,
) -> tuple[Step | None, int | None]:
    """The step and the group the ticket waits at after the transfer."""
    current = config.step(ticket.current_step) if ticket.current_step else None
    if (
        group_id is not None
        and not await Group.filter(tenant_id=actor.tenant_id, id=group_id).exists()
    ):
        raise not_found("Group", ["groupId"])
    if step_key is not None:
        step = config.step(step_key)
        if step is None:
            raise not_found("Step", ["stepKey"])
        if group_id is not None and group_id != step.group_id:
            raise invalid(
                f"Step {step.key!r} is handled by another group: leave groupId out, or "
                "choose a step of that group",
                ["groupId"],
            )
        return step, step.group_id
    if group_id is None:
        return current, ticket.current_group_id
    if not config.steps:
        return None, group_id  # no workflow: any group
    handled = [s for s in config.ordered_steps() if s.group_id == group_id]
    if current is not None and current in handled:
        return current, group_id
    if len(handled) == 1:
        return handled[0], group_id
    if not handled:
        raise invalid(
            "This group handles no step of the ticket's workflow: choose a stepKey, or "
            "transfer to people",
            ["groupId"],
        )
    keys = ", ".join(s.key for s in handled)
    raise invalid(f"This group handles several steps: choose the stepKey ({keys})", ["stepKey"])
