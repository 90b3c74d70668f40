"""Service-level targets: per template and priority, minutes to the first response and to
resolution, and the scheduler that tells when a ticket misses one.

Due dates count from the ticket's creation: the customer has waited since then. A priority
change (save, urge) recomputes both from the creation time with the new priority's policy,
so an urge can make a ticket overdue at once. A ticket keeps the targets it was given when a
policy changes later (as it keeps its template version). No policy for the template and
priority: no due dates. `Ticket.due_at` is the resolution target, `response_due_at` the
first response's.

A response breach: no first response yet at `response_due_at` (the first response is the
moment someone took the ticket in hand, see `first_response_at`). A resolution breach: not
DONE or VOID at `due_at`. The scheduler finds open tickets past a target with two index
scans and claims each breach with one conditional UPDATE (`… SET resolution_breached_at = ?
WHERE id = ? AND resolution_breached_at IS NULL AND <still breached>`): its row count decides
which caller tells, so every server process may run the scheduler, on SQLite or PostgreSQL,
and each breach is told exactly once. Told: the assignee and the supervisors of the ticket's
current group, one SLA_BREACH notification each, written in the claiming transaction and
pushed after it commits.

When a due date moves, a breach already told stays told if the new date has passed too (the
same lateness), and is forgotten if the new date lies ahead (a new target that may be missed
again). A ticket finished or first answered after its target but before the scheduler looked
is not told: nobody can act on it any more, and reports compare the times themselves.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.queryset import QuerySet

from workorder.auth.actor import Actor
from workorder.auth.permissions import require_admin
from workorder.clock import now
from workorder.errors import invalid, not_found
from workorder.flows.org.lookups import supervisors_of
from workorder.flows.schedules.periodic import run_every
from workorder.flows.tickets.notifications import label, notify
from workorder.flows.unit_of_work import Bus, unit_of_work
from workorder.flows.webhooks import outbox as webhooks
from workorder.models import (
    PRIORITY_ORDER,
    NotificationKind,
    Priority,
    SlaPolicy,
    Status,
    Template,
    Ticket,
    User,
)

log = logging.getLogger(__name__)

MAX_MINUTES = 366 * 24 * 60  # a target further away than a year is no target
OPEN = (Status.NEW, Status.PENDING, Status.IN_PROGRESS)
BATCH = 200  # breaches read per scan; each is claimed in its own short transaction


class Breach(StrEnum):
    RESPONSE = "RESPONSE"
    RESOLUTION = "RESOLUTION"


# Per breach: the due column, the column that records it was told, and how it reads.
_COLUMNS = {
    Breach.RESPONSE: ("response_due_at", "response_breached_at", "first response"),
    Breach.RESOLUTION: ("due_at", "resolution_breached_at", "resolution"),
}


# Policies (administrators change them, everyone in the tenant may read them)


async def _template(tenant_id: int, template_id: int) -> Template:
    template = await Template.filter(tenant_id=tenant_id, id=template_id).first()
    if template is None:
        raise not_found("Template", ["templateId"])
    return template


def _check_minutes(value: int | None, field: str) -> None:
    if value is None:
        return
    if value <= 0:
        raise invalid("Give a positive number of minutes", [field])
    if value > MAX_MINUTES:
        raise invalid(f"At most {MAX_MINUTES} minutes (a year)", [field])


async def list_policies(actor: Actor, template_id: int) -> list[SlaPolicy]:
    """The template's policies, lowest priority first."""
    await _template(actor.tenant_id, template_id)
    found = await SlaPolicy.filter(tenant_id=actor.tenant_id, template_id=template_id)
    return sorted(found, key=lambda p: PRIORITY_ORDER.index(p.priority))


async def set_policy(
    actor: Actor,
    template_id: int,
    priority: Priority,
    response_minutes: int | None,
    resolution_minutes: int | None,
) -> SlaPolicy:
    """Create or replace the targets of one template at one priority. Tickets created (or
    re-prioritised) from now on get them; existing due dates stay."""
    require_admin(actor)
    _check_minutes(response_minutes, "responseMinutes")
    _check_minutes(resolution_minutes, "resolutionMinutes")
    if response_minutes is None and resolution_minutes is None:
        raise invalid(
            "Give a response or a resolution target, or remove the policy", ["responseMinutes"]
        )
    if (
        response_minutes is not None
        and resolution_minutes is not None
        and resolution_minutes < response_minutes
    ):
        raise invalid("Resolution cannot be due before the first response", ["resolutionMinutes"])
    template = await _template(actor.tenant_id, template_id)
    priority = Priority(priority)
    values: dict[str, Any] = {
        "response_minutes": response_minutes,
        "resolution_minutes": resolution_minutes,
    }
    same = SlaPolicy.filter(tenant_id=actor.tenant_id, template_id=template.id, priority=priority)
    if not await same.update(**values, updated_at=now()):
        try:
            return await SlaPolicy.create(
                tenant_id=actor.tenant_id, template_id=template.id, priority=priority, **values
            )
        except IntegrityError:  # another admin created it meanwhile: ours replaces theirs
            await same.update(**values, updated_at=now())
    return await same.get()


async def remove_policy(actor: Actor, template_id: int, priority: Priority) -> SlaPolicy:
    """Tickets created from now on at this priority get no due dates; existing ones keep theirs.
    Returns the policy that is gone."""
    require_admin(actor)
    await _template(actor.tenant_id, template_id)
    policy = await SlaPolicy.filter(
        tenant_id=actor.tenant_id, template_id=template_id, priority=Priority(priority)
    ).first()
    if policy is None:
        raise not_found("SLA policy", ["priority"])
    await SlaPolicy.filter(id=policy.id).delete()
    return policy


# Due dates


def targets(policy: SlaPolicy | None, start: datetime) -> tuple[datetime | None, datetime | None]:
    """(response due, resolution due) of a ticket created at `start` under `policy`."""
    if policy is None:
        return None, None

    def after(minutes: int | None) -> datetime | None:
        return None if minutes is None else start + timedelta(minutes=minutes)

    return after(policy.response_minutes), after(policy.resolution_minutes)


async def due_dates(ticket: Ticket) -> tuple[datetime | None, datetime | None]:
    """(response_due_at, due_at) for the ticket's template and current priority, counted from
    its creation."""
    policy = await SlaPolicy.filter(
        template_id=ticket.template_id, priority=ticket.priority
    ).first()
    return targets(policy, ticket.created_at)


async def apply_sla(ticket: Ticket, before: Ticket | None = None) -> Ticket:
    """Set the ticket's due dates; inside the action's transaction, after its change was
    written (the version has moved already, this does not move it again). With `before`,
    only when the priority changed. Returns the ticket with its due dates."""
    if before is not None and before.priority == ticket.priority:
        return ticket
    response_due, due = await due_dates(ticket)
    moment = now()
    changes: dict[str, Any] = {}
    for breach, new in ((Breach.RESPONSE, response_due), (Breach.RESOLUTION, due)):
        due_column, told_column, _ = _COLUMNS[breach]
        if getattr(ticket, due_column) == new:
            continue
        changes[due_column] = new
        if new is None or new > moment:
            changes[told_column] = None
    if changes:
        await Ticket.filter(id=ticket.id).update(**changes)
        for name, value in changes.items():
            setattr(ticket, name, value)
    return ticket


# The scheduler


def _breached(breach: Breach, at: datetime) -> QuerySet[Ticket]:
    """Open tickets past the target at `at` whose breach nobody has told yet."""
    due_column, told_column, _ = _COLUMNS[breach]
    query = Ticket.filter(
        status__in=list(OPEN),
        deleted_at=None,
        **{f"{told_column}__isnull": True, f"{due_column}__lte": at},
    )
    if breach == Breach.RESPONSE:
        query = query.filter(first_response_at=None)
    return query


async def _recipients(ticket: Ticket) -> list[int]:
    """The assignee (while active) and the current group's supervisors."""
    found: list[int] = []
    if (
        ticket.assignee_id is not None
        and await User.filter(id=ticket.assignee_id, active=True).exists()
    ):
        found.append(ticket.assignee_id)
    found.extend(await supervisors_of(ticket.current_group_id))
    return found


async def _tell(breach: Breach, ticket_id: int, at: datetime) -> bool:
    """Claim one breach (the conditional UPDATE re-checks it is still one) and, if this
    caller won, write the notifications in the same transaction."""
    due_column, told_column, what = _COLUMNS[breach]
    async with unit_of_work() as uow:
        won = await _breached(breach, at).filter(id=ticket_id).update(**{told_column: at})
        if won != 1:
            return False
        ticket = await Ticket.get(id=ticket_id)
        due: datetime = getattr(ticket, due_column)
        message = f"SLA {what} target missed ({due:%Y-%m-%d %H:%M} UTC): {label(ticket)}"
        await notify(
            uow,
            ticket,
            None,
            NotificationKind.SLA_BREACH,
            await _recipients(ticket),
            message,
            details={"breach": str(breach)},
        )
        uow.before_commit(lambda: webhooks.sla_breach_committing(ticket_id, str(breach)))
    return True


async def raise_breaches(at: datetime, breaches: Iterable[Breach] = Breach) -> int:
    """Tell every breach of every tenant that is due at `at` and not told yet; returns how
    many this caller told (another caller running at the same time tells the others)."""
    told = 0
    for breach in breaches:
        last = 0
        while True:
            ids: list[int] = await (
                _breached(breach, at)
                .filter(id__gt=last)
                .order_by("id")
                .limit(BATCH)
                .values_list("id", flat=True)
            )  # type: ignore[assignment]
            for ticket_id in ids:
                told += await _tell(breach, ticket_id, at)
            if len(ids) < BATCH:
                break
            last = ids[-1]
    return told


async def run_sla_scheduler(bus: Bus | None, interval: float, stop: asyncio.Event) -> None:
    """Every `interval` seconds until `stop` is set (`flows.schedules.periodic`)."""
    await run_every(interval, stop, bus, raise_breaches, "SLA breaches told")
