"""Everything done to a ticket besides moving it along its workflow: urge, note, close,
reopen, void, delete, change owner, team members, followers, interactions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from workorder.auth.actor import Actor
from workorder.auth.attachments import may_link
from workorder.errors import ErrorCode, FlowError, invalid, not_found
from workorder.flows.finish import finish
from workorder.flows.routing import assigned, by_rule
from workorder.flows.sla import apply_sla
from workorder.flows.state_machine import Action
from workorder.flows.ticket_common import (
    add_participant,
    apply,
    label,
    notify,
    now,
    open_ticket,
    record,
    status_mail,
    supervisors_of,
)
from workorder.flows.unit_of_work import Bus, unit_of_work
from workorder.models import (
    PRIORITY_ORDER,
    Channel,
    Direction,
    EventKind,
    Group,
    Interaction,
    NotificationKind,
    Status,
    TeamAccess,
    Ticket,
    TicketAttachment,
    TicketCandidate,
    TicketFollower,
    TicketTeamMember,
    User,
)


async def urge_ticket(
    actor: Actor, ticket_id: int, comment: str = "", *, bus: Bus | None = None
) -> Ticket:
    """Anyone who sees it may urge: priority one level up (at most URGENT), and the one who
    must act hears of it — the assignee, or the group's supervisors while it waits."""
    opened = await open_ticket(actor, ticket_id, Action.URGE)
    ticket = opened.ticket
    level = PRIORITY_ORDER.index(ticket.priority)
    raised = PRIORITY_ORDER[min(level + 1, len(PRIORITY_ORDER) - 1)]
    async with unit_of_work(bus) as uow:
        after = await apply(ticket, {"priority": raised, "urge_count": ticket.urge_count + 1})
        after = await apply_sla(after, ticket)
        event = await record(
            uow,
            actor,
            EventKind.URGED,
            ticket,
            after,
            comment=comment.strip(),
            data={"priority": {"before": ticket.priority, "after": raised}},
        )
        recipients = (
            [ticket.assignee_id]
            if ticket.status == Status.IN_PROGRESS and ticket.assignee_id
            else await supervisors_of(ticket.current_group_id)
        )
        await notify(
            uow,
            after,
            event,
            NotificationKind.URGED,
            recipients,
            f"Urged: {label(after)}",
            skip=actor.user_id,
        )
    return after


async def note_ticket(
    actor: Actor,
    ticket_id: int,
    text: str,
    attachment_ids: Sequence[int] = (),
    *,
    bus: Bus | None = None,
) -> Ticket:
    """A remark, with files, on the trace. Who may: the template's edit limit."""
    opened = await open_ticket(actor, ticket_id, Action.NOTE)
    ticket = opened.ticket
    text = text.strip()
    files = list(dict.fromkeys(attachment_ids))
    if not text and not files:
        raise invalid("Write something or attach a file", ["text"])
    if files and not await may_link(actor, files):
        raise not_found("Attachment", ["attachmentIds"])
    async with unit_of_work(bus) as uow:
        after = await apply(ticket, {})
        for file in files:
            await TicketAttachment.get_or_create(ticket_id=ticket.id, attachment_id=file)
        event = await record(
            uow, actor, EventKind.NOTED, ticket, after, comment=text, attachments=files
        )
        if ticket.assignee_id:
            await notify(
                uow,
                after,
                event,
                NotificationKind.NOTED,
                [ticket.assignee_id],
                f"Note on {label(after)}",
                skip=actor.user_id,
            )
    return after


async def close_ticket(
    actor: Actor,
    ticket_id: int,
    comment: str = "",
    *,
    create_follow_up: bool | None = None,
    expected_version: int | None = None,
    public_url: str | None = None,
    bus: Bus | None = None,
) -> Ticket:
    """DONE from any step, by its assignee, a supervisor of its group or an admin."""
    opened = await open_ticket(actor, ticket_id, Action.CLOSE, expected_version)
    return await finish(
        actor,
        opened,
        EventKind.CLOSED,
        {},
        comment=comment.strip(),
        create_follow_up=create_follow_up,
        public_url=public_url,
        bus=bus,
    )


async def reopen_ticket(
    actor: Actor, ticket_id: int, comment: str = "", *, bus: Bus | None = None
) -> Ticket:
    """Back to the step it finished at, with its last handler if they can still take it."""
    opened = await open_ticket(actor, ticket_id, Action.REOPEN)
    ticket = opened.ticket
    step = opened.step
    handler = ticket.assignee_id
    group_id = ticket.current_group_id
    can_take = (
        handler is not None
        and await User.filter(id=handler, active=True).exists()
        and (group_id is None or await Group.filter(id=group_id, members__id=handler).exists())
    )
    if can_take and handler is not None:
        route = assigned(ticket.current_step, group_id, handler)
    elif group_id is not None:
        route = await by_rule(step, group_id)
    else:
        route = assigned(None, None, ticket.creator_id)
    async with unit_of_work(bus) as uow:
        after = await apply(ticket, {**route.changes(), "done_at": None})
        event = await record(uow, actor, EventKind.REOPENED, ticket, after, comment=comment.strip())
        for _, recipients in route.notify:
            await notify(
                uow,
                after,
                event,
                NotificationKind.REOPENED,
                recipients,
                f"Reopened: {label(after)}",
                skip=actor.user_id,
            )
        await status_mail(after, opened.config, ticket.status)
    return after


async def void_ticket(
    actor: Actor, ticket_id: int, reason: str = "", *, bus: Bus | None = None
) -> Ticket:
    """Obsolete: from now on only administrators see it."""
    opened = await open_ticket(actor, ticket_id, Action.VOID)
    ticket = opened.ticket
    async with unit_of_work(bus) as uow:
        after = await apply(ticket, {"status": Status.VOID, "claim_mode": None})
        await TicketCandidate.filter(ticket_id=ticket.id).delete()
        await record(uow, actor, EventKind.VOIDED, ticket, after, comment=reason.strip())
        await status_mail(after, opened.config, ticket.status)
    return after


async def delete_ticket(actor: Actor, ticket_id: int, *, bus: Bus | None = None) -> Ticket:
    """Soft: the row and its trace stay for the record; no path shows it any more."""
    opened = await open_ticket(actor, ticket_id, Action.DELETE)
    ticket = opened.ticket
    async with unit_of_work(bus) as uow:
        after = await apply(ticket, {"deleted_at": now()})
        await record(uow, actor, EventKind.DELETED, ticket, after)
    return after


async def change_owner(
    actor: Actor, ticket_id: int, user_id: int, comment: str = "", *, bus: Bus | None = None
) -> Ticket:
    """A supervisor or admin hands the ticket to another person in charge."""
    opened = await open_ticket(actor, ticket_id, Action.CHANGE_OWNER)
    ticket = opened.ticket
    if not await User.filter(tenant_id=actor.tenant_id, id=user_id, active=True).exists():
        raise not_found("User", ["userId"])
    if ticket.assignee_id == user_id:
        raise invalid("This person is already in charge", ["userId"])
    status = Status.NEW if ticket.status == Status.NEW else Status.IN_PROGRESS
    async with unit_of_work(bus) as uow:
        after = await apply(ticket, {"assignee_id": user_id, "status": status, "claim_mode": None})
        await TicketCandidate.filter(ticket_id=ticket.id).delete()
        await add_participant(ticket.id, user_id)
        event = await record(
            uow, actor, EventKind.OWNER_CHANGED, ticket, after, comment=comment.strip()
        )
        await notify(
            uow,
            after,
            event,
            NotificationKind.ASSIGNED,
            [user_id],
            f"Now yours: {label(after)}",
            skip=actor.user_id,
        )
        await status_mail(after, opened.config, ticket.status)
    return after


async def add_team_member(
    actor: Actor,
    ticket_id: int,
    user_id: int,
    access: TeamAccess = TeamAccess.READ,
    *,
    bus: Bus | None = None,
) -> Ticket:
    opened = await open_ticket(actor, ticket_id, Action.ADD_TEAM_MEMBER)
    ticket = opened.ticket
    if not await User.filter(tenant_id=actor.tenant_id, id=user_id, active=True).exists():
        raise not_found("User", ["userId"])
    existing = await TicketTeamMember.filter(ticket_id=ticket.id, user_id=user_id).first()
    if existing is not None and existing.access == access:
        raise FlowError(ErrorCode.CONFLICT, "Already on the team with this access", ["userId"])
    async with unit_of_work(bus) as uow:
        after = await apply(ticket, {})
        if existing is None:
            await TicketTeamMember.create(ticket_id=ticket.id, user_id=user_id, access=access)
        else:
            await TicketTeamMember.filter(id=existing.id).update(access=access)
        await record(
            uow,
            actor,
            EventKind.TEAM_MEMBER_ADDED,
            ticket,
            after,
            data={"user": user_id, "access": str(access)},
        )
    return after


async def remove_team_member(
    actor: Actor, ticket_id: int, user_id: int, *, bus: Bus | None = None
) -> Ticket:
    opened = await open_ticket(actor, ticket_id, Action.REMOVE_TEAM_MEMBER)
    ticket = opened.ticket
    if not await TicketTeamMember.filter(ticket_id=ticket.id, user_id=user_id).exists():
        raise not_found("Team member", ["userId"])
    async with unit_of_work(bus) as uow:
        after = await apply(ticket, {})
        await TicketTeamMember.filter(ticket_id=ticket.id, user_id=user_id).delete()
        await record(
            uow, actor, EventKind.TEAM_MEMBER_REMOVED, ticket, after, data={"user": user_id}
        )
    return after


async def follow_ticket(actor: Actor, ticket_id: int, *, bus: Bus | None = None) -> Ticket:
    opened = await open_ticket(actor, ticket_id, Action.FOLLOW)
    async with unit_of_work(bus) as uow:
        after = await apply(opened.ticket, {})
        await TicketFollower.create(ticket_id=after.id, user_id=actor.user_id)
        await record(uow, actor, EventKind.FOLLOWED, opened.ticket, after)
    return after


async def unfollow_ticket(actor: Actor, ticket_id: int, *, bus: Bus | None = None) -> Ticket:
    opened = await open_ticket(actor, ticket_id, Action.UNFOLLOW)
    async with unit_of_work(bus) as uow:
        after = await apply(opened.ticket, {})
        await TicketFollower.filter(ticket_id=after.id, user_id=actor.user_id).delete()
        await record(uow, actor, EventKind.UNFOLLOWED, opened.ticket, after)
    return after


async def log_interaction(
    actor: Actor,
    ticket_id: int,
    *,
    channel: Channel,
    direction: Direction,
    started_at: datetime,
    number: str = "",
    duration_seconds: int = 0,
    recording_url: str | None = None,
    external_id: str | None = None,
    bus: Bus | None = None,
) -> Interaction:
    """A call or chat record on the ticket (the export's call-record sheet)."""
    opened = await open_ticket(actor, ticket_id, Action.LOG_INTERACTION)
    if duration_seconds < 0:
        raise invalid("Duration cannot be negative", ["durationSeconds"])
    if started_at.tzinfo is None:
        raise invalid("Give the start time with a UTC offset", ["startedAt"])
    if recording_url is not None and not recording_url.startswith(("https://", "http://")):
        raise invalid("The recording link must be an http(s) URL", ["recordingUrl"])
    async with unit_of_work(bus) as uow:
        after = await apply(opened.ticket, {})
        interaction = await Interaction.create(
            tenant_id=actor.tenant_id,
            ticket_id=after.id,
            channel=channel,
            direction=direction,
            number=number.strip()[:100],
            started_at=started_at,
            duration_seconds=duration_seconds,
            recording_url=recording_url,
            external_id=external_id,
            agent_id=actor.user_id,
        )
        await record(
            uow,
            actor,
            EventKind.INTERACTION_LOGGED,
            opened.ticket,
            after,
            data={
                "interaction": interaction.id,
                "channel": str(channel),
                "direction": str(direction),
            },
        )
    return interaction
