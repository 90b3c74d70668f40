"""Notifications: those the ticket actions write, the mail to a ticket's CC, and a user's
read state."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from workorder.auth.actor import Actor
from workorder.clock import now
from workorder.flows.mailing.templates import tenant_voice, wording_for
from workorder.flows.templates.config import TemplateConfig
from workorder.flows.unit_of_work import UnitOfWork, unit_of_work
from workorder.mail.links import ticket_link
from workorder.mail.outbox import enqueue
from workorder.mail.templates import render
from workorder.models import (
    EventKind,
    MailEvent,
    MailLanguage,
    Notification,
    NotificationKind,
    Status,
    TemplateVersion,
    Ticket,
    TicketEvent,
    User,
)
from workorder.subscriptions.messages import NotificationCreated, NotificationsRead


async def mark_read(actor: Actor, ids: Sequence[int] | None = None) -> int:
    """Mark the caller's notifications read (all when no ids); returns how many changed.
    The caller's other sockets hear of it (their unread badge)."""
    query = Notification.filter(tenant_id=actor.tenant_id, recipient_id=actor.user_id, read_at=None)
    if ids is not None:
        query = query.filter(id__in=list(ids))
    async with unit_of_work() as uow:
        changed = await query.update(read_at=now())
        if changed:
            uow.publish(NotificationsRead(actor.user_id, changed))
    return changed


async def unread_count(actor: Actor) -> int:
    return await Notification.filter(
        tenant_id=actor.tenant_id, recipient_id=actor.user_id, read_at=None
    ).count()


async def notify(
    uow: UnitOfWork,
    ticket: Ticket,
    event: TicketEvent | None,
    kind: NotificationKind,
    recipients: Iterable[int],
    message: str,
    *,
    skip: int | None = None,
    details: dict[str, str] | None = None,
) -> list[Notification]:
    """A stored notification per recipient (never the one who acted), pushed after commit.
    `event` is None for what no action caused (an SLA breach); `details` go into the push."""
    made = []
    for user_id in dict.fromkeys(recipients):
        if user_id == skip:
            continue
        row = await Notification.create(
            tenant_id=ticket.tenant_id,
            recipient_id=user_id,
            kind=kind,
            ticket_id=ticket.id,
            event_id=event.id if event else None,
            message=message,
        )
        made.append(row)
        uow.publish(NotificationCreated.of(row, details))
    return made


def label(ticket: Ticket) -> str:
    return f"#{ticket.number} {ticket.title}"


# Which actions mail the ticket's CC (and the template's default CC), as which mail event.
# Not mailed: notes, team members, followers, logged calls and survey answers (the staff's
# own business, or the customer's own doing) and deletion (a ticket nobody sees any more).
MAILED: dict[EventKind, MailEvent] = {
    EventKind.CREATED: MailEvent.CREATED,
    **dict.fromkeys(
        [
            EventKind.SUBMITTED,
            EventKind.CLAIMED,
            EventKind.ASSIGNED,
            EventKind.FORWARDED,
            EventKind.RETURNED,
            EventKind.TRANSFERRED,
            EventKind.OWNER_CHANGED,
        ],
        MailEvent.MOVED,
    ),
    EventKind.SAVED: MailEvent.UPDATED,
    EventKind.URGED: MailEvent.UPDATED,
    EventKind.CLOSED: MailEvent.CLOSED,
    EventKind.VOIDED: MailEvent.CLOSED,
    EventKind.REOPENED: MailEvent.REOPENED,
}

_STATUS = {
    MailLanguage.EN: {
        Status.NEW: "New",
        Status.PENDING: "Pending",
        Status.IN_PROGRESS: "In progress",
        Status.DONE: "Done",
        Status.VOID: "Void",
    },
    MailLanguage.ZH_CN: {
        Status.NEW: "新建",
        Status.PENDING: "待处理",
        Status.IN_PROGRESS: "处理中",
        Status.DONE: "已完成",
        Status.VOID: "已作废",
    },
}
_ACTION = {
    MailLanguage.EN: {
        EventKind.CREATED: "created",
        EventKind.SUBMITTED: "submitted",
        EventKind.CLAIMED: "claimed",
        EventKind.ASSIGNED: "assigned",
        EventKind.FORWARDED: "forwarded",
        EventKind.RETURNED: "returned",
        EventKind.TRANSFERRED: "transferred",
        EventKind.OWNER_CHANGED: "given a new owner",
        EventKind.SAVED: "updated",
        EventKind.URGED: "urged",
        EventKind.CLOSED: "closed",
        EventKind.VOIDED: "voided",
        EventKind.REOPENED: "reopened",
    },
    MailLanguage.ZH_CN: {
        EventKind.CREATED: "新建",
        EventKind.SUBMITTED: "提交",
        EventKind.CLAIMED: "领取",
        EventKind.ASSIGNED: "分配",
        EventKind.FORWARDED: "转交下一步",
        EventKind.RETURNED: "退回",
        EventKind.TRANSFERRED: "转移",
        EventKind.OWNER_CHANGED: "变更负责人",
        EventKind.SAVED: "更新",
        EventKind.URGED: "催办",
        EventKind.CLOSED: "关闭",
        EventKind.VOIDED: "作废",
        EventKind.REOPENED: "重新打开",
    },
}


def _status(language: MailLanguage, status: str | None) -> str:
    return _STATUS[language].get(Status(status), status) if status else ""


async def cc_mail(event: TicketEvent, after: Ticket) -> None:
    """The mail of one recorded action to the ticket's CC and its template's default CC.

    Hooked once, where every action's event is recorded (`opening.record`), and run just
    before that action's commit: the mail commits with the change or not at all, and reads
    the ticket's CC as the whole action left it (`after`, the ticket the event recorded,
    read again only if its template version was not loaded with it). It shows no custom
    field values (CC addresses are outsiders; a step may hide fields)."""
    mail_event = MAILED.get(EventKind(event.kind))
    if mail_event is None:
        return
    ticket: Ticket | None = after
    if not isinstance(getattr(after, "_template_version", None), TemplateVersion):  # loaded?
        ticket = await Ticket.filter(id=event.ticket_id).select_related("template_version").first()
    if ticket is None or ticket.deleted_at is not None:
        return
    config = TemplateConfig.from_json(ticket.template_version.config)
    recipients = [*ticket.cc, *config.default_cc]
    if not recipients:
        return
    tenant, language = await tenant_voice(ticket.tenant_id)
    actor = await User.get_or_none(id=event.actor_id) if event.actor_id else None

    def step_name(key: str | None) -> str:
        step = config.step(key) if key else None
        return step.name if step else ""

    kind = EventKind(event.kind)
    closing = kind == EventKind.FORWARDED and event.to_status == Status.DONE  # the last step
    wording = await wording_for(
        ticket.tenant_id, MailEvent.CLOSED if closing else mail_event, language
    )
    mail = render(
        wording,
        {
            "ticket_number": str(ticket.number),
            "title": ticket.title,
            "status": _status(language, event.to_status),
            "previous_status": _status(language, event.from_status),
            "step": step_name(event.to_step),
            "previous_step": step_name(event.from_step),
            "action": _ACTION[language][kind],
            "actor": (actor.display_name or actor.username) if actor else "",
            "comment": event.comment,
            "link": ticket_link(ticket.number),
            "tenant": tenant,
        },
    )
    await enqueue(
        recipients,
        mail.subject,
        mail.text,
        html=mail.html,
        tenant_id=ticket.tenant_id,
        ticket_id=ticket.id,
    )
